import pytest

from tests.conftest import PASSWORD


@pytest.mark.django_db
class TestAnonymous:
    @pytest.mark.parametrize("path", ["/", "/logbog/", "/borgere/", "/senge/", "/rapporter/", "/aktiviteter/"])
    def test_anonymous_gets_only_the_login_page(self, client, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")

    def test_login_page_is_danish(self, client):
        response = client.get("/login/")
        body = response.content.decode()
        assert response.status_code == 200
        assert 'lang="da"' in body
        assert "Log ind" in body and "Adgangskode" in body

    def test_api_answers_anonymous_with_json_not_data(self, client):
        response = client.get("/api/v1/me/")
        assert response.status_code in (401, 403)
        assert "detail" in response.json()

    def test_wrong_password_shows_danish_error(self, client, users):
        response = client.post("/login/", {"username": "kommune", "password": "forkert"})
        assert response.status_code == 200
        assert "korrekt brugernavn og adgangskode" in response.content.decode()

    def test_unknown_page_is_danish_404(self, client, users):
        client.force_login(users["kommune"])
        response = client.get("/findes-ikke/")
        assert response.status_code == 404
        assert "Siden findes ikke" in response.content.decode()


@pytest.mark.django_db
class TestRoleNavigation:
    def test_each_role_logs_in_and_sees_its_role(self, client, users):
        expected = {
            "kommune": "Kommunal medarbejder",
            "region": "Regional medarbejder",
            "peer": "Peer-medarbejder",
            "leder": "Leder",
            "styregruppe": "Styregruppemedlem",
            "admin": "Administrator",
        }
        for username, role_label in expected.items():
            client.logout()
            response = client.post("/login/", {"username": username, "password": PASSWORD}, follow=True)
            body = response.content.decode()
            assert response.status_code == 200, username
            assert role_label in body, username
            assert "Log ud" in body

    def test_outsider_has_no_house(self, client, users):
        client.force_login(users["outsider"])
        body = client.get("/").content.decode()
        assert "ikke tilknyttet et hus" in body

    def test_steering_group_has_no_citizen_navigation(self, client_for):
        body = client_for("styregruppe").get("/").content.decode()
        assert "Log ud" in body
        assert "Logbog" not in body
        leader_body = client_for("leder").get("/").content.decode()
        assert "Logbog" in leader_body

    def test_house_switch_only_to_own_houses(self, client_for, other_house, users, make_member):
        from psykiatrihus.models import Role

        c = client_for("kommune")
        assert c.post("/hus/skift/", {"house": other_house.pk}).status_code == 403
        make_member(other_house, Role.MUNICIPAL_STAFF, "kommune", username="kommune")
        response = c.post("/hus/skift/", {"house": other_house.pk, "next": "/"}, follow=True)
        assert "Psykiatriens Hus Silkeborg" in response.content.decode()


@pytest.mark.django_db
class TestApiKernel:
    def test_me_lists_roles(self, client_for):
        data = client_for("region").get("/api/v1/me/").json()
        assert data["username"] == "region"
        assert data["houses"][0]["citizen_sectors"] == ["region"]

    def test_schema_and_docs(self, client_for):
        c = client_for("kommune")
        schema = c.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        assert schema.status_code == 200
        assert "openapi" in schema.json()
        assert c.get("/api/v1/docs/").status_code == 200

    def test_token_auth(self, client, users):
        response = client.post("/api/v1/auth/token/", {"username": "leder", "password": PASSWORD})
        token = response.json()["token"]
        me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
        assert me.json()["username"] == "leder"


@pytest.mark.django_db
class TestEnglish:
    def test_login_page_in_english_as_second_language(self, client):
        body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'lang="en"' in body
        assert "Password" in body and "Adgangskode" not in body

    def test_danish_is_the_default(self, client):
        body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert 'lang="da"' in body and "Adgangskode" in body

"""Who sees what on the dashboard, page and API (decisions in reporting/dashboard/__init__.py's docstring)."""

from __future__ import annotations

import pytest

from psykiatrihus.models import AuditEvent, Role

NAMES = ["Borger A", "Borger B", "Borger C", "Borger D", "Borger E", "Borger F"]


@pytest.mark.django_db
class TestPage:
    def test_anonymous_goes_to_login(self, client, house):
        response = client.get("/rapporter/overblik/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    @pytest.mark.parametrize("key", ["kommune", "region", "peer", "admin", "outsider"])
    def test_others_are_refused(self, state, client_for, key):
        assert client_for(key).get("/rapporter/overblik/").status_code == 403

    def test_leader_sees_now_and_trends(self, state, client_for):
        body = client_for("leder").get("/rapporter/overblik/").content.decode()
        assert 'id="now-heading"' in body and 'id="trends-heading"' in body
        assert "Borger D" in body

    def test_steering_gets_trends_without_citizen_level_lists(self, state, client_for):
        response = client_for("styregruppe").get("/rapporter/overblik/?months=36")
        body = response.content.decode()
        assert response.status_code == 200
        assert 'id="trends-heading"' in body
        assert 'id="now-heading"' not in body
        assert "/overblik/liste/" not in body
        for name in NAMES:
            assert name not in body
        assert not AuditEvent.objects.filter(username="styregruppe", action="read").exists()

    def test_steering_cannot_open_a_list(self, state, client_for):
        c = client_for("styregruppe")
        assert c.get("/rapporter/overblik/liste/followups_overdue/?sector=kommune").status_code == 403
        assert c.get("/rapporter/overblik/liste/faerdigbehandling/").status_code == 403

    def test_navigation_links_the_dashboard_for_leader_and_steering_only(self, state, client_for):
        assert 'href="/rapporter/overblik/"' in client_for("leder").get("/").content.decode()
        assert 'href="/rapporter/overblik/"' in client_for("styregruppe").get("/").content.decode()
        assert 'href="/rapporter/overblik/"' not in client_for("kommune").get("/").content.decode()


@pytest.mark.django_db
class TestSectorLeader:
    def test_sector_leader_links_only_into_own_sector(self, house, state, make_member, client):
        leader = make_member(house, Role.LEADER, "region", username="regionsleder")
        client.force_login(leader)
        body = client.get("/rapporter/overblik/").content.decode()
        assert "liste/followups_overdue/?sector=region" in body
        assert "?sector=kommune" not in body
        assert "Borger D" not in body  # the færdigbehandling list is municipal
        assert client.get("/rapporter/overblik/liste/followups_overdue/?sector=kommune").status_code == 404
        body = client.get("/rapporter/overblik/liste/followups_overdue/").content.decode()
        assert "Borger F" in body and "Borger A" not in body and "Borger B" not in body


@pytest.mark.django_db
class TestApi:
    def test_leader_gets_now_and_trends(self, state, client_for):
        response = client_for("leder").get("/api/v1/dashboard/?house=aarhus&months=3")
        data = response.json()
        assert response.status_code == 200
        assert data["months"] == 3 and len(data["trends"]["months"]) == 3
        assert data["now"]["beds"]["kommune"][0]["occupied"] == 2
        assert data["now"]["contracts"]["kommune"]["overdue"] == 2
        assert "Borger" not in response.content.decode()

    def test_steering_gets_trends_only(self, state, client_for):
        response = client_for("styregruppe").get("/api/v1/dashboard/?house=aarhus")
        assert response.status_code == 200
        assert "now" not in response.json() and "trends" in response.json()

    @pytest.mark.parametrize("key", ["kommune", "region", "peer"])
    def test_staff_are_refused(self, state, client_for, key):
        response = client_for(key).get("/api/v1/dashboard/?house=aarhus")
        assert response.status_code == 403 and "detail" in response.json()

    def test_outsider_and_anonymous(self, state, client_for, client):
        assert client_for("outsider").get("/api/v1/dashboard/?house=aarhus").status_code == 404
        assert client.get("/api/v1/dashboard/?house=aarhus").status_code in (401, 403)

    def test_bad_input_is_400(self, state, client_for):
        c = client_for("leder")
        assert c.get("/api/v1/dashboard/?house=aarhus&months=5").status_code == 400
        assert c.get("/api/v1/dashboard/").status_code == 400
        assert c.get("/api/v1/dashboard/?house=nowhere").status_code == 404

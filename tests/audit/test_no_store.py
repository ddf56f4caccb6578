"""Personal pages and API answers are never cached (browser disk cache, proxies, the back button)."""

from __future__ import annotations

import datetime

import pytest

from contracts.services import citizen_contract_create


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and response.get("Pragma") == "no-cache"


@pytest.fixture
def citizen(house, users):
    return citizen_contract_create(house=house, sector="kommune", name="Karen Testborger", cpr="1606653023",
                                   granted_on=datetime.date(2024, 1, 1), user=users["kommune"]).citizen


@pytest.mark.django_db
class TestNoStore:
    def test_citizen_page_and_api(self, client_for, citizen):
        c = client_for("kommune")
        page = c.get(f"/borgere/{citizen.pk}/")
        assert page.status_code == 200 and "Karen Testborger" in page.content.decode()
        assert _no_store(page)
        api = c.get(f"/api/v1/citizens/{citizen.pk}/")
        assert api.status_code == 200 and api.json()["cpr"] == "160665-3023"
        assert _no_store(api)

    @pytest.mark.parametrize("path", ["/borgere/", "/senge/", "/logbog/", "/api/v1/requests/?house=aarhus",
                                      "/borgere/999999/", "/api/v1/citizens/999999/", "/api/v1/nothing-here/"])
    def test_other_pages_errors_and_api(self, client_for, citizen, path):
        response = client_for("leder").get(path)
        assert response.status_code in (200, 403, 404)
        assert _no_store(response)

    def test_anonymous_and_the_user_who_may_not_see(self, client, client_for, citizen):
        assert _no_store(client.get("/login/"))
        assert _no_store(client.get(f"/api/v1/citizens/{citizen.pk}/"))  # 401/403
        region = client_for("region").get(f"/api/v1/citizens/{citizen.pk}/")
        assert region.status_code == 404 and _no_store(region)

    def test_static_files_keep_their_caching(self, client, settings):
        settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
        settings.WHITENOISE_AUTOREFRESH = True
        from django.test import Client

        response = Client().get("/static/css/app.css")
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "") and "Pragma" not in response

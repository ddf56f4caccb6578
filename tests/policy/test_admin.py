"""Admins edit house rules in the admin; other users cannot."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from psykiatrihus.models import AuditEvent, HousePolicy
from psykiatrihus.policy import policy_for
from psykiatrihus.services import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(db):
    client = Client()
    client.force_login(user_create(username="root", password="x-y-z-123456", is_superuser=True))
    return client


class TestPolicyAdmin:
    def test_add_version(self, house, superuser_client):
        response = superuser_client.post("/admin/psykiatrihus/housepolicy/add/", {
            "house": house.pk, "sector": "kommune", "valid_from": "2020-10-01", "admits_bsk": "on",
            "stay_frame_nights": "3", "extension_by": "leader", "followup_interval_months": "12",
            "post_stay_followup": "none", "post_stay_followup_days": "7", "note": "fælles ramme",
        })
        assert response.status_code == 302, response.content.decode()[:2000]
        version = HousePolicy.objects.get()
        assert version.created_by.username == "root"
        assert policy_for(house=house, sector="kommune", on_date=datetime.date(2021, 1, 1)).version_id == version.pk
        assert AuditEvent.objects.filter(object_type="psykiatrihus.housepolicy", action="create").count() == 1
        listing = superuser_client.get("/admin/psykiatrihus/housepolicy/")
        assert listing.status_code == 200
        assert f"/admin/psykiatrihus/housepolicy/{version.pk}/change/" in listing.content.decode()

    def test_no_route_shown_as_error(self, house, superuser_client):
        response = superuser_client.post("/admin/psykiatrihus/housepolicy/add/", {
            "house": house.pk, "sector": "kommune", "valid_from": "2020-10-01",
            "stay_frame_nights": "3", "extension_by": "leader", "followup_interval_months": "12",
            "post_stay_followup": "none", "post_stay_followup_days": "7",
        })
        assert response.status_code == 200
        assert "Vælg mindst én adgangsvej." in response.content.decode()
        assert not HousePolicy.objects.exists()

    def test_staff_without_admin_cannot(self, house, users):
        client = Client()
        client.force_login(users["leder"])
        response = client.get("/admin/psykiatrihus/housepolicy/")
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert client.post("/admin/psykiatrihus/housepolicy/add/", {"house": house.pk}).status_code == 302
        assert not HousePolicy.objects.exists()

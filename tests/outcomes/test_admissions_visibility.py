"""Per citizen, admissions are regional health data: the citizen page shows them to regional staff and
leaders of the region only; municipal staff never, whatever consent short of health data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contracts.services import admissions_import, consent_give
from psykiatrihus.models import AuditEvent, Role
from tests.outcomes.conftest import D

pytestmark = pytest.mark.django_db
WARD = "Afsnit Risskov-P3"


@pytest.fixture
def admitted(world):
    rows = [{"cpr": world.cprs[name], "admitted": "2021-01-02T10:00", "discharged": "2021-01-09T11:00",
             "ward": WARD} for name in ("anna", "bo", "carl")]
    admissions_import(house=world.bo.house, rows=rows)
    return world


def page(client, citizen):
    return client.get(reverse("contracts:citizen_detail", args=[citizen.pk]))


@pytest.mark.parametrize("who, name, shown", [
    ("region", "bo", True), ("region", "carl", True), ("leder", "bo", True), ("leder", "anna", True),
    ("kommune", "carl", False), ("kommune", "anna", False),
])
def test_who_sees_admissions(admitted, client_for, who, name, shown):
    response = page(client_for(who), getattr(admitted, name))
    assert response.status_code == 200
    assert (WARD in response.content.decode()) is shown
    assert ("Psykiatriske indlæggelser" in response.content.decode()) is shown
    assert AuditEvent.objects.filter(object_type="contracts.admission", action="read").exists() is shown


def test_municipal_leader_does_not_see_them(admitted, make_member, client):
    leader = make_member(admitted.carl.house, Role.LEADER, "kommune", username="leder-kommune")
    client.force_login(leader)
    response = page(client, admitted.carl)
    assert response.status_code == 200 and WARD not in response.content.decode()


def test_consent_without_health_data_keeps_them_from_municipal_staff(admitted, users, client_for):
    consent_give(citizen=admitted.bo, to_sector="kommune", scope="contract", given_on=D(2021, 7, 1),
                 user=users["region"])
    response = page(client_for("kommune"), admitted.bo)
    assert response.status_code == 200 and "Bo Bertelsen" in response.content.decode()
    assert WARD not in response.content.decode()


def test_consent_including_health_data_opens_them(admitted, users, client_for):
    consent_give(citizen=admitted.bo, to_sector="kommune", scope="contract_and_health", given_on=D(2021, 7, 1),
                 user=users["region"])
    assert WARD in page(client_for("kommune"), admitted.bo).content.decode()


@pytest.mark.parametrize("who", ["peer", "styregruppe", "admin"])
def test_roles_without_citizen_data(admitted, client_for, who):
    assert page(client_for(who), admitted.bo).status_code == 403


def test_other_house_citizen_and_unknown_id_answer_alike(admitted, client_for):
    client = client_for("region")
    assert page(client, admitted.stranger).status_code == 404
    assert client.get(reverse("contracts:citizen_detail", args=[999_999])).status_code == 404

"""Consents through the API: list a citizen's consents, record one, withdraw it. The same rule as the citizen
page: anyone who may see the citizen reads them, only a sector owning the citizen's record manages them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import Consent
from psykiatrihus.models import AuditEvent

from .conftest import D

pytestmark = pytest.mark.django_db

NO_CITIZEN_ROLES = ["peer", "styregruppe", "admin"]


def _url(citizen) -> str:
    return f"/api/v1/citizens/{citizen.pk}/consents/"


def _withdraw_url(consent) -> str:
    return f"/api/v1/citizens/{consent.citizen_id}/consents/{consent.pk}/withdraw/"


def _give(client, citizen, **body):
    return client.post(_url(citizen), {"to_sector": "kommune", **body}, content_type="application/json")


class TestRoundTrip:
    def test_give_list_withdraw(self, world, client_for):
        region, kommune = client_for("region"), client_for("kommune")
        assert kommune.get(f"/api/v1/citizens/{world.bo.pk}/").status_code == 404

        created = _give(region, world.bo, scope="contract", given_on="2022-04-01", note="Ved samtale")
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["citizen"] == world.bo.pk and body["house"] == "aarhus"
        assert (body["to_sector"], body["scope"], body["given_on"]) == ("kommune", "contract", "2022-04-01")
        assert body["withdrawn_on"] is None and body["note"] == "Ved samtale" and body["recorded_by"] == "region"

        # The municipal sector now sees Bo (not his health data), and may read his consents.
        assert kommune.get(f"/api/v1/citizens/{world.bo.pk}/").status_code == 200
        assert "diagnosis_group" not in kommune.get(f"/api/v1/contracts/{world.bo_r.pk}/").json()
        listed = kommune.get(_url(world.bo))
        assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [body["id"]]

        withdrawn = region.post(f"/api/v1/citizens/{world.bo.pk}/consents/{body['id']}/withdraw/")
        assert withdrawn.status_code == 200, withdrawn.content
        assert withdrawn.json()["withdrawn_on"] == timezone.localdate().isoformat()
        assert kommune.get(f"/api/v1/citizens/{world.bo.pk}/").status_code == 404
        assert kommune.get(_url(world.bo)).status_code == 404

        again = region.post(f"/api/v1/citizens/{world.bo.pk}/consents/{body['id']}/withdraw/")
        assert again.status_code == 409
        assert again.json()["code"] == "already_withdrawn" and again.json()["detail"]

    def test_full_scope_opens_health_data(self, world, client_for):
        assert _give(client_for("region"), world.bo, scope="contract_and_health").status_code == 201
        contract = client_for("kommune").get(f"/api/v1/contracts/{world.bo_r.pk}/").json()
        assert contract["diagnosis_group"] == "DF3"

    def test_a_new_consent_replaces_the_open_one(self, world, client_for):
        region = client_for("region")
        first = _give(region, world.bo, given_on="2022-01-01").json()
        second = _give(region, world.bo, scope="contract_and_health", given_on="2022-02-01").json()
        rows = {c["id"]: c for c in region.get(_url(world.bo)).json()}
        assert rows[first["id"]]["withdrawn_on"] == "2022-02-01"
        assert rows[second["id"]]["withdrawn_on"] is None
        assert list(rows) == [second["id"], first["id"]]  # newest first

    def test_writes_and_reads_are_audited(self, world, client_for):
        region = client_for("region")
        consent_id = _give(region, world.bo).json()["id"]
        region.get(_url(world.bo))
        region.post(f"/api/v1/citizens/{world.bo.pk}/consents/{consent_id}/withdraw/")
        events = AuditEvent.objects.filter(username="region", citizen_id=world.bo.pk)
        assert events.filter(action="create", object_type="contracts.consent", object_id=str(consent_id)).count() == 1
        assert events.filter(action="update", object_type="contracts.consent", detail="withdraw").count() == 1
        assert events.filter(action="read", object_type="contracts.consent", detail="api samtykker").count() == 1
        assert events.filter(action="read", object_type="contracts.citizen", detail="api samtykker").count() == 1

    def test_leader_of_both_sectors_chooses_the_sector(self, world, client_for):
        leader = client_for("leder")
        response = _give(leader, world.carl, to_sector="region")
        assert response.status_code == 201 and response.json()["to_sector"] == "region"


class TestPermissions:
    def test_receiving_sector_reads_but_does_not_manage(self, world, client_for, users):
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1),
                                        user=users["region"])
        kommune = client_for("kommune")
        assert kommune.get(_url(world.bo)).status_code == 200
        refused = _give(kommune, world.bo, to_sector="region")
        assert refused.status_code == 403 and "egen sektor" in refused.json()["detail"]
        assert kommune.post(_withdraw_url(consent)).status_code == 403
        consent.refresh_from_db()
        assert consent.withdrawn_on is None
        assert Consent.objects.count() == 1

    def test_receiving_sector_cannot_withdraw_through_the_page_either(self, world, client_for, users):
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1),
                                        user=users["region"])
        assert client_for("kommune").post(f"/borgere/samtykke/{consent.pk}/tilbagekald/").status_code == 403
        consent.refresh_from_db()
        assert consent.withdrawn_on is None

    def test_wrong_sector_without_consent_gets_404(self, world, client_for, users):
        consent = services.consent_give(citizen=world.anna, to_sector="region", given_on=D(2022, 1, 1),
                                        user=users["kommune"])
        services.consent_withdraw(consent=consent, user=users["kommune"])
        region = client_for("region")
        assert region.get(_url(world.anna)).status_code == 404
        assert _give(region, world.anna, to_sector="region").status_code == 404
        assert region.post(_withdraw_url(consent)).status_code == 404
        assert not AuditEvent.objects.filter(username="region").exists()

    @pytest.mark.parametrize("role", NO_CITIZEN_ROLES)
    def test_roles_without_citizen_data_get_404_like_a_missing_citizen(self, world, client_for, users, role):
        """A 403 would tell them that the id is a citizen (tests/test_wall.py); they get the missing answer."""
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1),
                                        user=users["region"])
        c = client_for(role)
        for response in (c.get(_url(world.bo)), _give(c, world.bo), c.post(_withdraw_url(consent))):
            assert response.status_code == 404
            assert response.json() == {"detail": "Ikke fundet."} and "Bo" not in response.content.decode()
        consent.refresh_from_db()
        assert consent.withdrawn_on is None and Consent.objects.count() == 1

    def test_outsider_other_house_and_anonymous(self, world, client_for, client, users):
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1),
                                        user=users["region"])
        outsider = client_for("outsider")
        assert outsider.get(_url(world.bo)).status_code == 404
        assert _give(outsider, world.bo).status_code == 404
        assert outsider.post(_withdraw_url(consent)).status_code == 404
        # Stine lives in the other house: nobody in Aarhus reaches her.
        assert client_for("leder").get(_url(world.stranger)).status_code == 404
        assert client.get(_url(world.bo)).status_code in (401, 403)
        assert client.post(_withdraw_url(consent)).status_code in (401, 403)

    def test_consent_of_another_citizen_is_404(self, world, client_for, users):
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1),
                                        user=users["region"])
        response = client_for("leder").post(f"/api/v1/citizens/{world.carl.pk}/consents/{consent.pk}/withdraw/")
        assert response.status_code == 404
        assert client_for("leder").post(f"/api/v1/citizens/{world.bo.pk}/consents/999999/withdraw/").status_code == 404
        assert client_for("leder").get(f"/api/v1/citizens/{2**63}/consents/").status_code == 404
        for bad in ("-5", "abc"):  # not a citizen id: a JSON 404, not the HTML page (schemathesis found it)
            response = client_for("leder").get(f"/api/v1/citizens/{bad}/consents/")
            assert response.status_code == 404 and response.json()["detail"]


class TestValidation:
    def test_bad_bodies_are_danish_field_errors(self, world, client_for):
        region = client_for("region")
        own = _give(region, world.bo, to_sector="region")
        assert own.status_code == 400 and "to_sector" in own.json()
        future = _give(region, world.bo, given_on="2099-01-01")
        assert future.status_code == 400 and "given_on" in future.json()
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        recent_future = _give(region, world.bo, given_on=tomorrow.isoformat())
        assert recent_future.status_code == 400 and "fremtiden" in str(recent_future.json()["given_on"])
        assert _give(region, world.bo, scope="alt").status_code == 400
        assert _give(region, world.bo, note="x" * 501).status_code == 400
        assert region.post(_url(world.bo), {}, content_type="application/json").status_code == 400
        assert not Consent.objects.exists()


class TestQueryCounts:
    def test_list_is_bounded(self, world, client_for, users, django_assert_max_num_queries):
        for month in range(1, 13):
            consent = services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2021, month, 1),
                                            user=users["region"])
        services.consent_withdraw(consent=consent, user=users["region"])
        c = client_for("region")
        with django_assert_max_num_queries(16):
            response = c.get(_url(world.bo))
        assert len(response.json()) == 12
        assert {row["recorded_by"] for row in response.json()} == {"region"}

"""The REST API behind the sector wall: who sees which records, errors as JSON, every read audited."""

from __future__ import annotations

import datetime

import pytest

from contracts import services
from contracts.models import Contract, ContractStatus, FollowUp
from psykiatrihus.models import AuditEvent

from .conftest import D, cpr_for

pytestmark = pytest.mark.django_db

HEALTH = {"diagnosis_group", "psychiatric_comorbidity", "treatment_responsibility"}
NO_CITIZEN_ROLES = ["peer", "styregruppe", "admin"]


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _expected(world, role: str) -> set[str]:
    return {
        "kommune": {"anna_k", "carl_k"},
        "region": {"bo_r", "carl_r"},
        "leder": {"anna_k", "bo_r", "carl_k", "carl_r"},
    }[role]


class TestContractListMatrix:
    @pytest.mark.parametrize("role", ["kommune", "region", "leder"])
    def test_staff_see_exactly_their_sectors(self, world, client_for, role):
        expected = {getattr(world, name).pk for name in _expected(world, role)}
        assert _ids(client_for(role).get("/api/v1/contracts/?house=aarhus")) == expected
        # Default house: the user's only house.
        assert _ids(client_for(role).get("/api/v1/contracts/")) == expected

    @pytest.mark.parametrize("role", NO_CITIZEN_ROLES)
    def test_roles_without_citizen_data_are_refused(self, world, client_for, role):
        for url in ["/api/v1/contracts/?house=aarhus", "/api/v1/citizens/?house=aarhus",
                    "/api/v1/followups/?house=aarhus", "/api/v1/followups/due/?house=aarhus"]:
            response = client_for(role).get(url)
            assert response.status_code == 403, url
            assert "detail" in response.json()
            assert "Anna" not in response.content.decode()

    def test_outsider_gets_404_and_anonymous_401_or_403(self, world, client_for, client):
        assert client_for("outsider").get("/api/v1/contracts/?house=aarhus").status_code == 404
        assert client_for("outsider").get(f"/api/v1/contracts/{world.anna_k.pk}/").status_code == 404
        assert client.get("/api/v1/contracts/?house=aarhus").status_code in (401, 403)

    def test_filter_by_status_and_sector(self, world, client_for):
        services.contract_end(contract=world.carl_k, ended_on=D(2022, 1, 1), reason="not_needed")
        c = client_for("leder")
        assert _ids(c.get("/api/v1/contracts/?status=ended")) == {world.carl_k.pk}
        assert _ids(c.get("/api/v1/contracts/?status=active&sector=kommune")) == {world.anna_k.pk}
        assert _ids(c.get("/api/v1/contracts/?sector=region")) == {world.bo_r.pk, world.carl_r.pk}
        bad = c.get("/api/v1/contracts/?status=open")
        assert bad.status_code == 400 and "status" in bad.json()

    def test_contract_shape(self, world, client_for):
        row = client_for("kommune").get(f"/api/v1/contracts/{world.anna_k.pk}/").json()
        assert row["id"] == world.anna_k.pk
        assert row["citizen"] == world.anna.pk
        assert row["house"] == "aarhus"
        assert row["sector"] == "kommune"
        assert row["status"] == "active"
        assert row["municipal_services"] == "mestringsvejleder"
        assert row["next_followup_due"] == "2022-03-01"


class TestContractDetailMatrix:
    @pytest.mark.parametrize("role", ["kommune", "region", "leder", "peer", "styregruppe", "admin", "outsider"])
    def test_detail_visible_only_in_scope(self, world, client_for, role):
        allowed = _expected(world, role) if role in ("kommune", "region", "leder") else set()
        c = client_for(role)
        for name in ["anna_k", "bo_r", "carl_k", "carl_r", "stranger_k"]:
            contract = getattr(world, name)
            response = c.get(f"/api/v1/contracts/{contract.pk}/")
            assert response.status_code == (200 if name in allowed else 404), (role, name)
            if response.status_code == 404:
                assert "Bertelsen" not in response.content.decode()

    def test_non_numeric_id_is_404_not_500(self, world, client_for):
        assert client_for("kommune").get("/api/v1/contracts/abc/").status_code == 404


class TestHealthFields:
    def test_regional_staff_and_leader_get_health_fields(self, world, client_for):
        for role in ("region", "leder"):
            row = client_for(role).get(f"/api/v1/contracts/{world.bo_r.pk}/").json()
            assert row["diagnosis_group"] == "DF3"
            assert row["psychiatric_comorbidity"] is True

    def test_municipal_staff_never_get_health_fields_with_limited_consent(self, world, client_for, users):
        services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract", given_on=D(2022, 1, 1),
                              user=users["region"])
        c = client_for("kommune")
        row = c.get(f"/api/v1/contracts/{world.bo_r.pk}/").json()
        assert row["id"] == world.bo_r.pk
        assert not HEALTH & set(row)
        rows = c.get("/api/v1/contracts/?sector=region").json()["results"]
        assert [r["id"] for r in rows] == [world.bo_r.pk]
        assert not HEALTH & set(rows[0])
        assert "DF3" not in c.get("/api/v1/contracts/").content.decode()

    def test_full_consent_lets_health_fields_across(self, world, client_for, users):
        services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract_and_health",
                              given_on=D(2022, 1, 1), user=users["region"])
        row = client_for("kommune").get(f"/api/v1/contracts/{world.bo_r.pk}/").json()
        assert row["diagnosis_group"] == "DF3"
        # Carl has no such consent: his regional contract stays invisible to municipal staff.
        assert client_for("kommune").get(f"/api/v1/contracts/{world.carl_r.pk}/").status_code == 404

    def test_municipal_staff_cannot_write_health_fields(self, world, client_for, users):
        services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract_and_health",
                              given_on=D(2022, 1, 1), user=users["region"])
        response = client_for("kommune").patch(f"/api/v1/contracts/{world.bo_r.pk}/", {"diagnosis_group": "DF2"},
                                               content_type="application/json")
        assert response.status_code == 403
        world.bo_r.refresh_from_db()
        assert world.bo_r.diagnosis_group == "DF3"


class TestCitizensApi:
    def test_cpr_full_for_own_sector_masked_across_the_wall(self, world, client_for, users):
        services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1), user=users["region"])
        rows = {r["id"]: r for r in client_for("kommune").get("/api/v1/citizens/").json()["results"]}
        assert set(rows) == {world.anna.pk, world.bo.pk, world.carl.pk}
        anna = world.cprs["anna"]
        assert rows[world.anna.pk]["cpr"] == f"{anna[:6]}-{anna[6:]}"
        assert rows[world.bo.pk]["cpr"] == world.cprs["bo"][:6] + "-xxxx"
        # Only the contracts the reader may see are listed.
        assert [c["id"] for c in rows[world.carl.pk]["contracts"]] == [world.carl_k.pk]

    def test_search_by_name_and_exact_cpr(self, world, client_for):
        c = client_for("region")
        assert _ids(c.get("/api/v1/citizens/?q=bert")) == {world.bo.pk}
        bo = world.cprs["bo"]
        # A CPR number is searched in the body, never in the address (tests/contracts/test_api_citizen_search.py).
        search = "/api/v1/citizens/search/"
        assert _ids(c.post(search, {"q": f"{bo[:6]}-{bo[6:]}"}, content_type="application/json")) == {world.bo.pk}
        # Anna exists, but only in the municipal sector: the regional search finds nothing.
        assert _ids(c.post(search, {"q": world.cprs["anna"]}, content_type="application/json")) == set()
        search = AuditEvent.objects.filter(action="search", username="region")
        assert search.count() == 3
        assert not any(bo in e.detail or bo[:6] in e.detail for e in search)

    def test_create_citizen_and_duplicate_cpr_is_409(self, house, client_for):
        cpr = cpr_for(D(1985, 4, 4), 7, True)
        c = client_for("kommune")
        response = c.post("/api/v1/citizens/", {"name": "Dorte Dahl", "cpr": cpr}, content_type="application/json")
        assert response.status_code == 201, response.content
        assert response.json()["birth_date"] == "1985-04-04"
        assert response.json()["gender"] == "F"
        again = c.post("/api/v1/citizens/", {"name": "Dorte", "cpr": cpr}, content_type="application/json")
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate_cpr"
        assert cpr not in again.content.decode()

    def test_invalid_cpr_is_400_in_danish(self, house, client_for):
        response = client_for("kommune").post("/api/v1/citizens/", {"name": "X", "cpr": "3213901234"},
                                              content_type="application/json")
        assert response.status_code == 400
        assert "Ugyldigt CPR-nummer" in response.json()["cpr"][0]
        assert "3213901234" not in response.content.decode()


class TestContractWritesApi:
    def test_create_with_new_citizen_then_duplicate_is_409(self, house, client_for):
        cpr = cpr_for(D(1970, 2, 2), 9, False)
        body = {"name": "Erik Eriksen", "cpr": cpr, "granted_on": "2022-05-01", "referral_source": "botilbud",
                "eligibility": {"self_reliant": True}}
        c = client_for("kommune")
        response = c.post("/api/v1/contracts/", body, content_type="application/json")
        assert response.status_code == 201, response.content
        data = response.json()
        assert (data["sector"], data["status"], data["house"]) == ("kommune", "active", "aarhus")
        assert data["next_followup_due"] == "2023-05-01"
        assert data["eligibility"]["self_reliant"] is True and data["eligibility"]["not_suicidal"] is False
        again = c.post("/api/v1/contracts/", body, content_type="application/json")
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate"
        assert "aktiv kontrakt" in again.json()["detail"]
        assert Contract.objects.filter(citizen_id=data["citizen"]).count() == 1

    def test_regional_contract_for_citizen_registered_by_the_other_sector(self, world, client_for):
        body = {"name": "Anna", "cpr": world.cprs["anna"], "granted_on": "2022-02-01", "referral_source": "klinik",
                "diagnosis_group": "DF4"}
        response = client_for("region").post("/api/v1/contracts/", body, content_type="application/json")
        assert response.status_code == 201, response.content
        assert response.json()["citizen"] == world.anna.pk
        assert response.json()["diagnosis_group"] == "DF4"

    def test_wrong_sector_fields_and_too_young_are_400(self, house, client_for):
        c = client_for("kommune")
        young = cpr_for(D(2006, 6, 6), 1, True)
        r = c.post("/api/v1/contracts/", {"name": "Ung", "cpr": young, "granted_on": "2022-01-01"},
                   content_type="application/json")
        assert r.status_code == 400 and "18 år" in r.json()["granted_on"][0]
        r = c.post("/api/v1/contracts/", {"name": "Voksen", "cpr": cpr_for(D(1980, 1, 1), 2, True),
                                          "granted_on": "2022-01-01", "referral_source": "klinik"},
                   content_type="application/json")
        assert r.status_code == 400 and "sektoren" in r.json()["referral_source"][0]
        r = c.post("/api/v1/contracts/", {"granted_on": "2022-01-01"}, content_type="application/json")
        assert r.status_code == 400 and "citizen" in r.json()

    def test_staff_cannot_create_in_the_other_sector(self, world, client_for):
        r = client_for("kommune").post("/api/v1/contracts/", {"citizen": world.anna.pk, "sector": "region",
                                                              "granted_on": "2022-01-01"},
                                       content_type="application/json")
        assert r.status_code == 403

    def test_update_end_and_end_again(self, world, client_for):
        c = client_for("kommune")
        url = f"/api/v1/contracts/{world.anna_k.pk}/"
        r = c.patch(url, {"stay_frame_nights": 1, "crisis_what_helps": "Ro og te"}, content_type="application/json")
        assert r.status_code == 200 and r.json()["stay_frame_nights"] == 1
        r = c.patch(url, {"stay_frame_nights": 9}, content_type="application/json")
        assert r.status_code == 400 and "strammere" in r.json()["stay_frame_nights"][0]
        r = c.post(url + "end/", {"ended_on": "2022-06-30", "end_reason": "other"}, content_type="application/json")
        assert r.status_code == 400 and "Andet" in r.json()["reason_text"][0]
        r = c.post(url + "end/", {"ended_on": "2022-06-30", "end_reason": "moved"}, content_type="application/json")
        assert r.status_code == 200
        assert (r.json()["status"], r.json()["ended_on"], r.json()["end_reason"]) == ("ended", "2022-06-30", "moved")
        again = c.post(url + "end/", {"ended_on": "2022-07-01", "end_reason": "moved"}, content_type="application/json")
        assert again.status_code == 409
        assert again.json() == {"code": "already_ended", "detail": "Kontrakten er allerede afsluttet."}
        r = c.patch(url, {"crisis_what_helps": "x"}, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "contract_ended"

    def test_pause_and_resume(self, world, client_for):
        c = client_for("region")
        url = f"/api/v1/contracts/{world.bo_r.pk}/"
        assert c.post(url + "resume/", {}, content_type="application/json").status_code == 409
        assert c.post(url + "pause/", {"note": "Indlagt"}, content_type="application/json").json()["status"] == "paused"
        assert c.post(url + "pause/", {}, content_type="application/json").json()["code"] == "not_active"
        assert c.post(url + "resume/", {}, content_type="application/json").json()["status"] == "active"

    def test_consent_reader_cannot_write(self, world, client_for, users):
        services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1), user=users["region"])
        c = client_for("kommune")
        r = c.post(f"/api/v1/contracts/{world.bo_r.pk}/end/", {"ended_on": "2022-06-30", "end_reason": "moved"},
                   content_type="application/json")
        assert r.status_code == 403
        assert Contract.objects.get(pk=world.bo_r.pk).status == ContractStatus.ACTIVE

    def test_out_of_scope_write_is_404(self, world, client_for):
        r = client_for("kommune").post(f"/api/v1/contracts/{world.bo_r.pk}/end/",
                                       {"ended_on": "2022-06-30", "end_reason": "moved"},
                                       content_type="application/json")
        assert r.status_code == 404


class TestFollowUpsApi:
    def test_record_followup_computes_next_due_by_sector(self, world, client_for):
        r = client_for("region").post("/api/v1/followups/", {"contract": world.bo_r.pk, "held_on": "2022-01-31",
                                                             "participants": "Bo, kontaktperson"},
                                      content_type="application/json")
        assert r.status_code == 201, r.content
        assert r.json()["next_due"] == "2022-07-31"
        world.bo_r.refresh_from_db()
        assert world.bo_r.next_followup_due == D(2022, 7, 31)
        r = client_for("kommune").post("/api/v1/followups/", {"contract": world.anna_k.pk, "held_on": "2022-02-28"},
                                       content_type="application/json")
        assert r.json()["next_due"] == "2023-02-28"

    def test_followup_visibility(self, world, client_for, users):
        fk = services.followup_record(contract=world.anna_k, held_on=D(2022, 2, 1), user=users["kommune"])
        fr = services.followup_record(contract=world.bo_r, held_on=D(2022, 2, 1), user=users["region"])
        assert _ids(client_for("kommune").get("/api/v1/followups/")) == {fk.pk}
        assert _ids(client_for("region").get("/api/v1/followups/")) == {fr.pk}
        assert _ids(client_for("leder").get("/api/v1/followups/")) == {fk.pk, fr.pk}
        assert client_for("kommune").get(f"/api/v1/followups/{fr.pk}/").status_code == 404
        assert client_for("region").get(f"/api/v1/followups/{fr.pk}/").status_code == 200
        for role in ("peer", "styregruppe", "admin", "outsider"):
            assert client_for(role).get(f"/api/v1/followups/{fk.pk}/").status_code == 404

    def test_future_or_ended_followup_is_refused(self, world, client_for):
        c = client_for("kommune")
        future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
        r = c.post("/api/v1/followups/", {"contract": world.anna_k.pk, "held_on": future},
                   content_type="application/json")
        assert r.status_code == 400 and "fremtiden" in r.json()["held_on"][0]
        services.contract_end(contract=world.anna_k, ended_on=D(2022, 1, 1), reason="not_needed")
        r = c.post("/api/v1/followups/", {"contract": world.anna_k.pk, "held_on": "2022-01-01"},
                   content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "contract_ended"
        assert FollowUp.objects.count() == 0

    def test_due_work_list(self, world, client_for, users):
        # All fixture contracts were granted 2020–2021, so every follow-up is overdue today.
        rows = client_for("kommune").get("/api/v1/followups/due/").json()
        assert [r["contract"] for r in rows] == [world.carl_k.pk, world.anna_k.pk]
        assert rows[0]["due"] == "2021-01-10" and rows[0]["overdue"] is True
        services.followup_record(contract=world.carl_k, held_on=datetime.date.today(), user=users["kommune"])
        rows = client_for("kommune").get("/api/v1/followups/due/").json()
        assert [r["contract"] for r in rows] == [world.anna_k.pk]


class TestAuditOfApiReads:
    def test_list_and_detail_reads_are_logged(self, world, client_for):
        c = client_for("region")
        c.get("/api/v1/contracts/")
        c.get(f"/api/v1/contracts/{world.bo_r.pk}/")
        c.get(f"/api/v1/citizens/{world.bo.pk}/")
        reads = AuditEvent.objects.filter(username="region", action="read")
        assert sorted((e.object_type, e.object_id) for e in reads) == sorted([
            ("contracts.contract", str(world.bo_r.pk)), ("contracts.contract", str(world.carl_r.pk)),
            ("contracts.contract", str(world.bo_r.pk)), ("contracts.citizen", str(world.bo.pk)),
        ])
        assert {e.citizen_id for e in reads} == {world.bo.pk, world.carl.pk}

    def test_list_query_count_is_bounded(self, world, client_for, django_assert_max_num_queries, house):
        for i in range(15):
            citizen = services.citizen_create(house=house, sector="region", name=f"Borger {i}",
                                              cpr=cpr_for(D(1970 + i, 1, 1), 20 + i, i % 2 == 0))
            services.contract_create(house=house, citizen=citizen, sector="region", granted_on=D(2021, 1, 1))
        c = client_for("region")
        with django_assert_max_num_queries(14):
            assert len(c.get("/api/v1/contracts/").json()["results"]) == 17
        with django_assert_max_num_queries(14):
            assert len(c.get("/api/v1/citizens/").json()["results"]) == 17

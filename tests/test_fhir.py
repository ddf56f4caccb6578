"""FHIR R4 read API (/fhir/R4/): every resource type validates with fhir.resources (R4B), the sector wall holds,
an unseen id answers exactly like a missing one, CPR only where it may be seen, search and paging."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from rest_framework.authtoken.models import Token

from beds.models import Bed
from beds.move_services import stay_move
from beds.services import bed_block, stay_book, stay_check_in, stay_check_out
from contracts.services import citizen_create, consent_give, contract_create
from psykiatrihus.fhir import fhir_types
from psykiatrihus.models import AuditEvent

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")
D = datetime.date


def at(day: str, hour: int = 14) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@pytest.fixture
def world(house, other_house, users, make_member):
    anna = citizen_create(house=house, sector="kommune", name="Anna Andersen", cpr="1005901232")
    bo = citizen_create(house=house, sector="region", name="Bo Bertelsen", cpr="0101851233")
    silke = citizen_create(house=other_house, sector="kommune", name="Silke Sørensen", cpr="0202801234")
    anna_c = contract_create(house=house, citizen=anna, sector="kommune", granted_on=D(2024, 1, 1))
    bo_c = contract_create(house=house, citizen=bo, sector="region", granted_on=D(2024, 1, 1))
    contract_create(house=other_house, citizen=silke, sector="kommune", granted_on=D(2024, 1, 1))
    k1 = Bed.objects.get(house=house, label="K1")
    k2 = Bed.objects.get(house=house, label="K2")
    r1 = Bed.objects.get(house=house, label="R1")
    anna_stay = stay_book(house=house, bed=k1, citizen=anna, arrival=at("2024-03-04"),
                          planned_departure=at("2024-03-06", 10), user=users["kommune"])
    stay_check_in(stay=anna_stay, user=users["kommune"], at=at("2024-03-04", 15), ors_score=18)
    stay_check_out(stay=anna_stay, user=users["kommune"], at=at("2024-03-06", 9), srs_score=36)
    bo_stay = stay_book(house=house, bed=r1, citizen=bo, arrival=at("2024-03-05"),
                        planned_departure=at("2024-03-06", 10), user=users["region"])
    now = datetime.datetime.now(tz=TZ)
    bed_block(bed=k2, start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1),
              reason="cleaning", user=users["kommune"])
    silke_leader = make_member(other_house, "leader", "", username="leder-silkeborg")
    return {"anna": anna, "bo": bo, "silke": silke, "anna_c": anna_c, "bo_c": bo_c, "anna_stay": anna_stay,
            "bo_stay": bo_stay, "k1": k1, "k2": k2, "r1": r1, "silke_leader": silke_leader}


def get(client, user, path: str, **params):
    token, _ = Token.objects.get_or_create(user=user)
    return client.get(path, params, HTTP_AUTHORIZATION=f"Token {token.key}")


def bundle_ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    bundle = Bundle.model_validate(response.json())
    return [entry.resource.id for entry in bundle.entry or []]


class TestProtocol:
    def test_metadata_is_a_valid_capability_statement_listing_every_type(self, client, db):
        response = client.get("/fhir/R4/metadata")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
        statement = CapabilityStatement.model_validate(response.json())
        assert statement.fhirVersion == "4.0.1"
        listed = {r.type for r in statement.rest[0].resource}
        assert listed == set(fhir_types()) >= {"Location", "Encounter", "EpisodeOfCare", "Consent", "Patient",
                                              "QuestionnaireResponse", "AuditEvent"}

    def test_anonymous_and_bad_token_get_an_operation_outcome_401(self, client, db):
        for headers in ({}, {"HTTP_AUTHORIZATION": "Token nope"}):
            response = client.get("/fhir/R4/Encounter", **headers)
            assert response.status_code == 401
            assert response.json()["resourceType"] == "OperationOutcome"

    def test_unknown_type_bad_params_and_writes_are_operation_outcomes(self, client, world, users):
        assert get(client, users["kommune"], "/fhir/R4/Medication").status_code == 404
        bad_date = get(client, users["kommune"], "/fhir/R4/Encounter", date="2024-13-45")
        assert bad_date.status_code == 400 and bad_date.json()["issue"][0]["code"] == "invalid"
        assert get(client, users["kommune"], "/fhir/R4/Encounter", date="yesterday").status_code == 400
        assert get(client, users["kommune"], "/fhir/R4/Encounter", _count="-1").status_code == 400
        token, _ = Token.objects.get_or_create(user=users["kommune"])
        post = client.post("/fhir/R4/Encounter", {}, HTTP_AUTHORIZATION=f"Token {token.key}")
        assert post.status_code == 405 and post.json()["resourceType"] == "OperationOutcome"


class TestWall:
    def test_every_type_round_trips_through_validation(self, client, world, users):
        for name in fhir_types():
            user = users["leder"]
            response = get(client, user, f"/fhir/R4/{name}")
            assert response.status_code == 200, (name, response.content)
            for entry in Bundle.model_validate(response.json()).entry or []:
                assert entry.resource.get_resource_type() == name
                one = get(client, user, f"/fhir/R4/{name}/{entry.resource.id}")
                assert one.status_code == 200 and one.json()["id"] == entry.resource.id

    def test_municipal_staff_see_municipal_records_only(self, client, world, users):
        kommune = users["kommune"]
        assert bundle_ids(get(client, kommune, "/fhir/R4/Encounter")) == [str(world["anna_stay"].pk)]
        assert bundle_ids(get(client, kommune, "/fhir/R4/EpisodeOfCare")) == [str(world["anna_c"].pk)]
        assert bundle_ids(get(client, kommune, "/fhir/R4/Patient")) == [str(world["anna"].pk)]
        body = get(client, kommune, "/fhir/R4/Encounter").content.decode()
        assert "Bo Bertelsen" not in body and "Silke" not in body

    def test_an_unseen_id_answers_exactly_like_a_missing_one(self, client, world, users):
        kommune = users["kommune"]
        cases = [("Encounter", world["bo_stay"].pk), ("EpisodeOfCare", world["bo_c"].pk),
                 ("Patient", world["bo"].pk), ("Patient", world["silke"].pk),
                 ("QuestionnaireResponse", f"fit-{world['bo_stay'].pk}")]
        missing = get(client, kommune, "/fhir/R4/Encounter/999999999")
        assert missing.status_code == 404
        for name, pk in cases:
            unseen = get(client, kommune, f"/fhir/R4/{name}/{pk}")
            nonexistent = get(client, kommune, f"/fhir/R4/{name}/{'fit-' if name.startswith('Q') else ''}99999999")
            assert (unseen.status_code, unseen.content) == (nonexistent.status_code, nonexistent.content), name
            assert unseen.status_code == 404 and unseen.content == missing.content
        # A patient search for someone unseen is an empty bundle, as for someone who does not exist.
        assert bundle_ids(get(client, kommune, "/fhir/R4/Encounter", patient=f"Patient/{world['bo'].pk}")) == []
        assert bundle_ids(get(client, kommune, "/fhir/R4/Encounter", patient="Patient/99999999")) == []

    def test_consent_opens_the_wall_for_that_citizen(self, client, world, users):
        consent_give(citizen=world["bo"], to_sector="kommune", given_on=D(2024, 2, 1))
        ids = bundle_ids(get(client, users["kommune"], "/fhir/R4/Encounter"))
        assert ids == sorted([str(world["anna_stay"].pk), str(world["bo_stay"].pk)], key=int)
        consent = get(client, users["kommune"], "/fhir/R4/Consent").json()["entry"][0]["resource"]
        assert consent["status"] == "active" and consent["patient"]["reference"] == f"Patient/{world['bo'].pk}"

    def test_cpr_identifier_only_where_the_full_cpr_may_be_seen(self, client, world, users):
        anna = get(client, users["kommune"], f"/fhir/R4/Patient/{world['anna'].pk}").json()
        assert anna["identifier"] == [{"system": "urn:oid:1.2.208.176.1.2", "value": "1005901232"}]
        consent_give(citizen=world["bo"], to_sector="kommune", given_on=D(2024, 2, 1))
        bo = get(client, users["kommune"], f"/fhir/R4/Patient/{world['bo'].pk}")
        assert bo.status_code == 200 and "identifier" not in bo.json() and "0101851233" not in bo.content.decode()

    def test_patient_search_costs_the_same_queries_for_one_or_many_patients(self, client, world, users):
        """CPR visibility is fetched once per house for the page, not once per patient; the identifier is
        still given per patient (the municipal worker's own citizens, not the region's without consent)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        kommune = users["kommune"]
        get(client, kommune, "/fhir/R4/Patient")  # the token exists and the read is audited before counting
        with CaptureQueriesContext(connection) as one:
            assert bundle_ids(get(client, kommune, "/fhir/R4/Patient")) == [str(world["anna"].pk)]
        house = world["anna"].house
        more = [citizen_create(house=house, sector="kommune", name=f"Borger {i}", cpr=cpr)
                for i, cpr in enumerate(["0303803331", "0404803342", "0505803353", "0606803364"])]
        audited = AuditEvent.objects.filter(detail="FHIR Patient").count()
        get(client, kommune, "/fhir/R4/Patient")
        assert AuditEvent.objects.filter(detail="FHIR Patient").count() == audited + 4  # the four new ones
        with CaptureQueriesContext(connection) as five:
            response = get(client, kommune, "/fhir/R4/Patient")
        assert bundle_ids(response) == sorted([str(c.pk) for c in [world["anna"], *more]], key=int)
        assert len(five.captured_queries) == len(one.captured_queries)
        identifiers = {e["resource"]["id"]: e["resource"]["identifier"][0]["value"]
                       for e in response.json()["entry"]}
        assert identifiers[str(more[2].pk)] == "0505803353" and identifiers[str(world["anna"].pk)] == "1005901232"

    @pytest.mark.parametrize("role", ["peer", "styregruppe", "admin", "outsider"])
    def test_roles_without_citizen_data_see_no_citizen_resources(self, client, world, users, role):
        for name in ("Encounter", "EpisodeOfCare", "Consent", "Patient", "QuestionnaireResponse"):
            assert bundle_ids(get(client, users[role], f"/fhir/R4/{name}")) == [], (role, name)
        body = get(client, users[role], f"/fhir/R4/Encounter/{world['anna_stay'].pk}")
        assert body.status_code == 404

    def test_audit_events_for_leaders_of_their_own_house_only(self, client, world, users):
        leader_ids = bundle_ids(get(client, users["leder"], "/fhir/R4/AuditEvent"))
        assert leader_ids and set(leader_ids) <= {str(pk) for pk in AuditEvent.objects.filter(
            house=world["anna"].house).values_list("pk", flat=True)}
        assert bundle_ids(get(client, users["kommune"], "/fhir/R4/AuditEvent")) == []
        other = bundle_ids(get(client, world["silke_leader"], "/fhir/R4/AuditEvent"))
        assert not set(other) & set(leader_ids)
        assert {AuditEvent.objects.get(pk=int(pk)).house_id for pk in other} <= {world["silke"].house_id}

    def test_reads_are_audited_and_not_cached(self, client, world, users):
        before = AuditEvent.objects.filter(detail="FHIR Encounter").count()
        response = get(client, users["kommune"], "/fhir/R4/Encounter")
        assert "no-store" in response["Cache-Control"].split(", ")
        rows = AuditEvent.objects.filter(detail="FHIR Encounter")
        assert rows.count() == before + 1
        assert rows.get().citizen_id == world["anna"].pk and rows.get().username == "kommune"


class TestResources:
    def test_bed_locations_with_v2_0116_status(self, client, world, users):
        stay = stay_book(house=world["k1"].house, bed=world["r1"], citizen=world["bo"],
                         arrival=datetime.datetime.now(tz=TZ) - datetime.timedelta(hours=2),
                         planned_departure=datetime.datetime.now(tz=TZ) + datetime.timedelta(days=1),
                         user=users["region"])
        stay_check_in(stay=stay, user=users["region"])
        entries = get(client, users["peer"], "/fhir/R4/Location", _count=200).json()["entry"]
        status = {e["resource"]["name"].split(" · ")[1]: e["resource"]["operationalStatus"]["code"] for e in entries}
        assert status["R1"] == "O" and status["K2"] == "H" and status["K1"] == "U"
        assert len(entries) == Bed.objects.filter(house=world["k1"].house).count()  # Silkeborg's beds not
        assert all(e["resource"]["physicalType"]["coding"][0]["code"] == "bd" for e in entries)

    def test_encounter_fields_search_and_paging(self, client, world, users):
        leader = users["leder"]
        enc = get(client, leader, f"/fhir/R4/Encounter/{world['anna_stay'].pk}").json()
        assert enc["status"] == "finished" and enc["class"]["code"] == "SS"
        assert enc["period"] == {"start": "2024-03-04T15:00:00+01:00", "end": "2024-03-06T09:00:00+01:00"}
        assert enc["location"][0]["location"]["reference"] == f"Location/{world['k1'].pk}"
        assert enc["episodeOfCare"][0]["reference"] == f"EpisodeOfCare/{world['anna_c'].pk}"
        assert enc["length"]["value"] == 2
        assert bundle_ids(get(client, leader, "/fhir/R4/Encounter", status="planned")) == [str(world["bo_stay"].pk)]
        assert bundle_ids(get(client, leader, "/fhir/R4/Encounter", date="ge2024-03-05")) == [
            str(world["bo_stay"].pk)]
        assert bundle_ids(get(client, leader, "/fhir/R4/Encounter", date="lt2024-03-05")) == [
            str(world["anna_stay"].pk)]
        page1 = get(client, leader, "/fhir/R4/Encounter", _count=1).json()
        assert page1["total"] == 2 and len(page1["entry"]) == 1
        next_url = next(link["url"] for link in page1["link"] if link["relation"] == "next")
        assert "_offset=1" in next_url and "_count=1" in next_url
        page2 = get(client, leader, "/fhir/R4/Encounter", _count=1, _offset=1).json()
        assert page2["entry"][0]["resource"]["id"] != page1["entry"][0]["resource"]["id"]
        assert not any(link["relation"] == "next" for link in page2["link"])

    def test_encounter_of_a_stay_that_moved_has_one_location_per_bed_in_time_order(self, client, world, users):
        """Erik: K3 from the check-in 1.4 15:00, moved to K4 on 2.4 12:00 and to K5 on 3.4 09:30, checked out
        4.4 09:00: three locations, all completed (the encounter is finished), each with its hours. Frida, in
        the house now: K6 until yesterday's move to K7, K7 active until the planned departure."""
        staff, house = users["kommune"], world["k1"].house
        beds = {b.label: b for b in Bed.objects.filter(house=house)}
        erik = citizen_create(house=house, sector="kommune", name="Erik Eriksen", cpr="0303803331")
        frida = citizen_create(house=house, sector="kommune", name="Frida Friis", cpr="0404803342")
        for citizen in (erik, frida):
            contract_create(house=house, citizen=citizen, sector="kommune", granted_on=D(2024, 1, 1))
        erik_stay = stay_book(house=house, bed=beds["K3"], citizen=erik, arrival=at("2024-04-01"),
                              planned_departure=at("2024-04-04", 10), user=staff)
        stay_check_in(stay=erik_stay, user=staff, at=at("2024-04-01", 15))
        stay_move(actor=staff, stay=erik_stay, bed=beds["K4"], at=at("2024-04-02", 12))
        stay_move(actor=staff, stay=erik_stay, bed=beds["K5"], at=at("2024-04-03", 9).replace(minute=30))
        stay_check_out(stay=erik_stay, user=staff, at=at("2024-04-04", 9))
        enc = get(client, staff, f"/fhir/R4/Encounter/{erik_stay.pk}").json()
        assert enc["status"] == "finished"
        assert enc["period"] == {"start": "2024-04-01T15:00:00+02:00", "end": "2024-04-04T09:00:00+02:00"}
        assert [(loc["location"]["reference"], loc["location"]["display"], loc["status"], loc["period"])
                for loc in enc["location"]] == [
            (f"Location/{beds['K3'].pk}", "K3", "completed",
             {"start": "2024-04-01T15:00:00+02:00", "end": "2024-04-02T12:00:00+02:00"}),
            (f"Location/{beds['K4'].pk}", "K4", "completed",
             {"start": "2024-04-02T12:00:00+02:00", "end": "2024-04-03T09:30:00+02:00"}),
            (f"Location/{beds['K5'].pk}", "K5", "completed",
             {"start": "2024-04-03T09:30:00+02:00", "end": "2024-04-04T09:00:00+02:00"})]

        now = datetime.datetime.now(tz=TZ).replace(second=0, microsecond=0)
        checked_in, moved_at, departure = (now - datetime.timedelta(days=2), now - datetime.timedelta(days=1),
                                           now + datetime.timedelta(days=1))
        frida_stay = stay_book(house=house, bed=beds["K6"], citizen=frida, arrival=checked_in,
                               planned_departure=departure, user=staff)
        stay_check_in(stay=frida_stay, user=staff, at=checked_in)
        stay_move(actor=staff, stay=frida_stay, bed=beds["K7"], at=moved_at)
        found = {e["resource"]["id"]: e["resource"] for e in get(client, staff, "/fhir/R4/Encounter").json()["entry"]}
        enc = found[str(frida_stay.pk)]
        assert enc["status"] == "in-progress"
        iso = [checked_in.isoformat(), moved_at.isoformat(), departure.isoformat()]
        assert [(loc["location"]["reference"], loc["status"], loc["period"]) for loc in enc["location"]] == [
            (f"Location/{beds['K6'].pk}", "completed", {"start": iso[0], "end": iso[1]}),
            (f"Location/{beds['K7'].pk}", "active", {"start": iso[1], "end": iso[2]})]
        # A stay that never moved keeps its one location; a planned one is planned.
        assert [loc["status"] for loc in found[str(world["anna_stay"].pk)]["location"]] == ["completed"]
        planned = get(client, users["region"], f"/fhir/R4/Encounter/{world['bo_stay'].pk}").json()["location"]
        assert [(loc["location"]["reference"], loc["status"]) for loc in planned] == [
            (f"Location/{world['r1'].pk}", "planned")]

    def test_encounter_search_costs_the_same_queries_for_one_stay_or_many_that_moved(self, client, world, users):
        """The bed periods of a page are fetched in one query, not one per stay."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        staff, house = users["kommune"], world["k1"].house
        beds = {b.label: b for b in Bed.objects.filter(house=house)}
        get(client, staff, "/fhir/R4/Encounter")  # the token exists and the read is audited before counting
        with CaptureQueriesContext(connection) as one:
            assert bundle_ids(get(client, staff, "/fhir/R4/Encounter")) == [str(world["anna_stay"].pk)]
        stays = []
        for i, (cpr, first, second) in enumerate([("0303803331", "K3", "K4"), ("0404803342", "K5", "K6"),
                                                  ("0505803353", "K7", "K8")]):
            citizen = citizen_create(house=house, sector="kommune", name=f"Borger {i}", cpr=cpr)
            contract_create(house=house, citizen=citizen, sector="kommune", granted_on=D(2024, 1, 1))
            stay = stay_book(house=house, bed=beds[first], citizen=citizen, arrival=at("2024-05-01"),
                             planned_departure=at("2024-05-04", 10), user=staff)
            stay_check_in(stay=stay, user=staff, at=at("2024-05-01", 15))
            stay_move(actor=staff, stay=stay, bed=beds[second], at=at("2024-05-02", 11))
            stays.append(stay)
        get(client, staff, "/fhir/R4/Encounter")  # audits the three new stays once
        with CaptureQueriesContext(connection) as four:
            response = get(client, staff, "/fhir/R4/Encounter")
        assert bundle_ids(response) == sorted([str(s.pk) for s in [world["anna_stay"], *stays]], key=int)
        assert len(four.captured_queries) == len(one.captured_queries)
        assert sum(len(e["resource"]["location"]) for e in response.json()["entry"]) == 1 + 3 * 2

    def test_fit_questionnaire_response(self, client, world, users):
        qr = get(client, users["kommune"], f"/fhir/R4/QuestionnaireResponse/fit-{world['anna_stay'].pk}").json()
        assert qr["status"] == "completed"
        assert {i["linkId"]: i["answer"][0]["valueInteger"] for i in qr["item"]} == {"ors": 18, "srs": 36}
        assert qr["encounter"]["reference"] == f"Encounter/{world['anna_stay'].pk}"

    def test_episode_of_care_status_search(self, client, world, users):
        assert set(bundle_ids(get(client, users["leder"], "/fhir/R4/EpisodeOfCare", status="active"))) == {
            str(world["anna_c"].pk), str(world["bo_c"].pk)}
        assert bundle_ids(get(client, users["leder"], "/fhir/R4/EpisodeOfCare", status="finished")) == []
        assert get(client, users["leder"], "/fhir/R4/Consent", status="active").status_code == 400

"""API for longer stays: booking beyond the frame by staff answers the stay as pending; a leader of its sector
approves or declines it at /api/v1/stays/<id>/extension/approve|decline/. Bo's frame is 3 nights: a stay
10 Feb 14:00 -> 15 Feb 10:00 (5 nights) is shortened to 13 Feb 10:00 when declined."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from beds.models import Stay
from psykiatrihus.models import Role
from tests.beds.conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/stays/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def long_stay(user, citizen, label="R1", reason="Krise i nat"):
    return api(user).post(URL, {"house": "aarhus", "bed": label, "citizen": citizen.pk,
                                "arrival": "2024-02-10T14:00:00+01:00",
                                "planned_departure": "2024-02-15T10:00:00+01:00", "extension_reason": reason},
                          format="json")


@pytest.fixture
def pending_id(users, people):
    r = long_stay(users["region"], people.bo)
    assert r.status_code == 201, r.content
    return r.json()["id"]


def decide(user, pk, decision, body=None):
    return api(user).post(f"{URL}{pk}/extension/{decision}/", body or {}, format="json")


class TestBooking:
    def test_staff_booking_beyond_the_frame_answers_pending(self, users, people):
        r = long_stay(users["region"], people.bo)
        assert r.status_code == 201, r.content
        body = r.json()
        assert (body["nights"], body["extension"]["state"], body["extension"]["frame_nights"]) == (5, "pending", 3)
        assert body["extension"]["reason"] == "Krise i nat" and body["extension"]["decided_by"] is None
        assert body["extension"]["frame_until"] == "2024-02-13T10:00:00+01:00"
        assert body["extension"]["requested_departure"] == body["planned_departure"] == "2024-02-15T10:00:00+01:00"

    def test_without_a_reason_400_on_the_field(self, users, people):
        r = long_stay(users["region"], people.bo, reason="")
        assert r.status_code == 400 and "leder" in r.json()["extension_reason"][0]

    def test_a_leaders_booking_is_approved(self, users, people):
        body = long_stay(users["leder"], people.bo).json()
        assert (body["extension"]["state"], body["extension"]["decided_by"]) == ("approved", "leder")


class TestDecisions:
    def test_approve_200(self, users, pending_id):
        r = decide(users["leder"], pending_id, "approve", {"note": "Aftalt"})
        assert r.status_code == 200, r.content
        ext = r.json()["extension"]
        assert (ext["state"], ext["decided_by"], ext["note"], r.json()["nights"]) == ("approved", "leder", "Aftalt", 5)

    def test_decline_shortens_to_the_frame(self, users, pending_id):
        r = decide(users["leder"], pending_id, "decline", {"note": "Rammen er 3 nætter"})
        assert r.status_code == 200, r.content
        body = r.json()
        assert (body["planned_departure"], body["nights"]) == ("2024-02-13T10:00:00+01:00", 3)
        assert (body["extension"]["state"], body["extension"]["note"]) == ("declined", "Rammen er 3 nætter")
        assert Stay.objects.get(pk=pending_id).period.upper == at("2024-02-13", 10)

    def test_decline_needs_a_note_400(self, users, pending_id):
        assert "note" in decide(users["leder"], pending_id, "decline").json()
        r = decide(users["leder"], pending_id, "decline", {"note": "  "})
        assert r.status_code == 400 and "begrundelsen" in r.json()["note"][0]
        r = decide(users["leder"], pending_id, "decline", {"note": "x" * 5001})
        assert r.status_code == 400 and "note" in r.json()
        assert Stay.objects.get(pk=pending_id).extension_state == "pending"

    def test_staff_403_and_nothing_changes(self, users, pending_id):
        for decision in ("approve", "decline"):
            r = decide(users["region"], pending_id, decision, {"note": "Nej"})
            assert r.status_code == 403 and "leder" in r.json()["detail"]
        assert Stay.objects.get(pk=pending_id).extension_state == "pending"

    def test_second_decision_409(self, users, pending_id):
        assert decide(users["leder"], pending_id, "approve").status_code == 200
        r = decide(users["leder"], pending_id, "decline", {"note": "Nej"})
        assert (r.status_code, r.json()["code"]) == (409, "not_pending")

    def test_unseen_stay_answers_like_a_missing_one(self, house, users, people, pending_id, make_member):
        kommune_leader = make_member(house, Role.LEADER, "kommune", username="kl")
        for decision, body in (("approve", {}), ("decline", {"note": "Nej"})):
            unseen = decide(kommune_leader, pending_id, decision, body)
            missing = decide(kommune_leader, 987_654_321, decision, body)
            assert unseen.status_code == missing.status_code == 404
            assert unseen.json() == missing.json()
            staff = decide(users["kommune"], pending_id, decision, body)
            assert (staff.status_code, staff.json()) == (404, missing.json())
        assert Stay.objects.get(pk=pending_id).extension_state == "pending"

    def test_in_the_openapi_schema(self, users):
        r = api(users["leder"]).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        paths = r.json()["paths"] if r.headers["Content-Type"].startswith("application/json") else {}
        if not paths:
            import yaml

            paths = yaml.safe_load(r.content)["paths"]
        for decision in ("approve", "decline"):
            operation = paths[f"/api/v1/stays/{{id}}/extension/{decision}/"]["post"]
            assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])

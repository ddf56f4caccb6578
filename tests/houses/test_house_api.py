"""JSON API for the house rules' records: waiting list (list, add, withdraw, place next), goals per stay (set,
evaluate), safety visits/calls after a stay (due, record) and visitation decisions (create, list)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from beds.models import Bed, StayAftercare, WaitingListEntry
from beds.services import stay_book, stay_check_in, stay_check_out, stay_goal_evaluate, waiting_list_add
from contracts.models import VisitationDecision
from contracts.services import citizen_create
from tests.houses.conftest import visited

pytestmark = pytest.mark.django_db
WL = "/api/v1/waiting-list/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def today() -> datetime.date:
    return timezone.localdate()


def now_visited(house, name, seq, sector="kommune"):
    return visited(house, name, seq, sector=sector, granted_from=today() - datetime.timedelta(days=7),
                   granted_until=today() + datetime.timedelta(days=60))


@pytest.fixture
def queue(silkeborg, staff):
    entries = {}
    for name, seq, days, sector in (("Anders", 31, 3, "kommune"), ("Bente", 32, 5, "kommune"),
                                    ("Rolf", 34, 2, "region")):
        _c, decision = now_visited(silkeborg, name, seq, sector)
        user = staff.sb_kommune if sector == "kommune" else staff.sb_region
        entries[name] = waiting_list_add(visitation=decision, user=user, requested_nights=3,
                                         requested_at=timezone.now() - datetime.timedelta(days=days))
    return entries


class TestWaitingListApi:
    def test_list_in_fair_order_within_the_wall(self, queue, staff, django_assert_max_num_queries):
        with django_assert_max_num_queries(8):
            r = api(staff.sb_kommune).get(WL, {"house": "silkeborg"})
        assert r.status_code == 200
        body = r.json()
        assert [(e["citizen_name"], e["position"]) for e in body] == [("Bente", 1), ("Anders", 2)]
        assert body[0]["waited_days"] == pytest.approx(5.0, abs=0.1)
        assert body[0]["visitation"]["purpose"] == "Ro i en krise"
        assert [e["citizen_name"] for e in api(staff.sb_region).get(WL, {"house": "silkeborg"}).json()] == ["Rolf"]
        assert api(staff.sb_peer).get(WL, {"house": "silkeborg"}).status_code == 403
        assert api(staff.aarhus_kommune).get(WL, {"house": "silkeborg"}).status_code == 404
        assert APIClient().get(WL, {"house": "silkeborg"}).status_code in (401, 403)

    def test_add_400_403_409(self, silkeborg, staff):
        _c, decision = now_visited(silkeborg, "Dagny", 35)
        client = api(staff.sb_kommune)
        r = client.post(WL, {"house": "silkeborg", "visitation": decision.pk, "note": "Ringer dagligt"}, format="json")
        assert r.status_code == 201, r.content
        assert (r.json()["status"], r.json()["requested_nights"]) == ("waiting", 14)
        r = client.post(WL, {"house": "silkeborg", "visitation": decision.pk}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "already_waiting")
        r = client.post(WL, {"house": "silkeborg", "visitation": decision.pk, "requested_nights": 0}, format="json")
        assert r.status_code == 400 and "requested_nights" in r.json()
        # The wrong sector does not see the decision at all.
        r = api(staff.sb_region).post(WL, {"house": "silkeborg", "visitation": decision.pk}, format="json")
        assert r.status_code == 400 and r.json()["visitation"] == ["Visitationsafgørelsen findes ikke."]
        assert api(staff.sb_peer).post(WL, {"house": "silkeborg", "visitation": decision.pk},
                                       format="json").status_code == 403

    def test_withdraw(self, queue, staff):
        url = f"{WL}{queue['Anders'].pk}/withdraw/"
        assert api(staff.sb_region).post(url, {"note": "x"}, format="json").status_code == 404
        r = api(staff.sb_kommune).post(url, {"note": "Fik botilbud"}, format="json")
        assert (r.status_code, r.json()["status"], r.json()["note"]) == (200, "withdrawn", "Fik botilbud")
        r = api(staff.sb_kommune).post(url, {}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "not_waiting")
        assert api(staff.sb_kommune).post(f"{WL}999999/withdraw/", {}, format="json").status_code == 404

    def test_place_next_moves_the_first_into_the_bed(self, silkeborg, queue, staff):
        url = f"{WL}place-next/"
        assert api(staff.sb_region).post(url, {"house": "silkeborg", "bed": "K1"}, format="json").status_code == 403
        r = api(staff.sb_kommune).post(url, {"house": "silkeborg", "bed": "K1"}, format="json")
        assert r.status_code == 201, r.content
        assert (r.json()["citizen_name"], r.json()["bed"], r.json()["nights"]) == ("Bente", "K1", 3)
        assert WaitingListEntry.objects.get(pk=queue["Bente"].pk).status == "placed"
        r = api(staff.sb_kommune).post(url, {"house": "silkeborg", "bed": "K1"}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "bed_taken")  # Anders still waits, K1 is taken
        assert WaitingListEntry.objects.get(pk=queue["Anders"].pk).status == "waiting"
        WaitingListEntry.objects.filter(pk=queue["Rolf"].pk).update(status="withdrawn")
        r = api(staff.sb_region).post(url, {"house": "silkeborg", "bed": "R1"}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "no_one_waiting")
        r = api(staff.sb_kommune).post(url, {"house": "silkeborg", "bed": "X9"}, format="json")
        assert r.status_code == 400 and "bed" in r.json()


@pytest.fixture
def stay(silkeborg, staff):
    citizen, _d = now_visited(silkeborg, "Mona", 21)
    start = timezone.now() - datetime.timedelta(hours=2)
    return stay_book(house=silkeborg, bed=Bed.objects.get(house=silkeborg, label="K1"), citizen=citizen,
                     arrival=start, planned_departure=start + datetime.timedelta(days=5), user=staff.sb_kommune)


class TestGoalsAndAftercareApi:
    def test_goals_set_and_evaluate(self, stay, staff):
        url = f"/api/v1/stays/{stay.pk}/goals/"
        client = api(staff.sb_kommune)
        assert [g["text"] for g in client.get(url).json()] == ["Sove om natten", "Lægge en plan"]
        r = client.post(url, {"goals": []}, format="json")
        assert r.status_code == 400 and "goals" in r.json()
        r = client.post(url, {"goals": ["Finde ro", "Ringe til søster"]}, format="json")
        assert r.status_code == 200 and [g["text"] for g in r.json()] == ["Finde ro", "Ringe til søster"]
        goal_id = r.json()[0]["id"]
        assert api(staff.sb_region).post(url, {"goals": ["x"]}, format="json").status_code == 404
        assert api(staff.sb_peer).get(url).status_code == 404
        r = client.post(f"/api/v1/stay-goals/{goal_id}/evaluate/", {"result": "maybe"}, format="json")
        assert r.status_code == 400 and "result" in r.json()
        r = client.post(f"/api/v1/stay-goals/{goal_id}/evaluate/", {"result": "achieved", "note": "Sover"},
                        format="json")
        assert (r.status_code, r.json()["result"], r.json()["evaluation_note"]) == (200, "achieved", "Sover")
        assert api(staff.sb_region).post(f"/api/v1/stay-goals/{goal_id}/evaluate/", {"result": "partly"},
                                         format="json").status_code == 404

    def test_aftercare_due_and_record(self, stay, staff, django_assert_max_num_queries):
        stay_check_in(stay=stay, user=staff.sb_kommune)
        for goal in stay.goals.all():
            stay_goal_evaluate(goal=goal, result="partly", user=staff.sb_kommune)
        stay_check_out(stay=stay, user=staff.sb_kommune, at=timezone.now())
        r = api(staff.sb_kommune).post(f"/api/v1/stays/{stay.pk}/goals/", {"goals": ["x"]}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "stay_closed")
        aftercare = StayAftercare.objects.get(stay=stay)
        with django_assert_max_num_queries(8):
            r = api(staff.sb_kommune).get("/api/v1/aftercare/", {"house": "silkeborg"})
        assert [(a["id"], a["citizen_name"], a["status"]) for a in r.json()] == [(aftercare.pk, "Mona", "planned")]
        assert api(staff.sb_region).get("/api/v1/aftercare/", {"house": "silkeborg"}).json() == []
        assert api(staff.sb_peer).get("/api/v1/aftercare/", {"house": "silkeborg"}).status_code == 403
        url = f"/api/v1/aftercare/{aftercare.pk}/record/"
        r = api(staff.sb_kommune).post(url, {"done_on": today().isoformat()}, format="json")
        assert r.status_code == 400 and r.json()["kind"] == ["Vælg tryghedsbesøg eller tryghedsopkald."]
        assert api(staff.sb_region).post(url, {"done_on": today().isoformat(), "kind": "call"},
                                         format="json").status_code == 404
        r = api(staff.sb_kommune).post(url, {"done_on": today().isoformat(), "kind": "call", "reached": False},
                                       format="json")
        assert (r.status_code, r.json()["status"], r.json()["done_kind"]) == (200, "not_reached", "call")
        r = api(staff.sb_kommune).post(url, {"done_on": today().isoformat(), "kind": "call"}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "already_recorded")


class TestVisitationApi:
    URL = "/api/v1/visitations/"

    def body(self, citizen, **changes):
        data = {"house": "silkeborg", "citizen": citizen.pk, "decided_on": today().isoformat(),
                "decided_by": "Myndighedsrådgiver", "granted_from": today().isoformat(),
                "granted_until": (today() + datetime.timedelta(days=30)).isoformat(), "purpose": "Ro",
                "goals": "Sove\nSpise"}
        data.update(changes)
        return data

    def test_create_and_list_for_a_citizen(self, silkeborg, staff, django_assert_max_num_queries):
        citizen = citizen_create(house=silkeborg, sector="kommune", name="Vibeke", cpr="0505850123")
        client = api(staff.sb_kommune)
        r = client.post(self.URL, self.body(citizen), format="json")
        assert r.status_code == 201, r.content
        assert (r.json()["sector"], r.json()["goal_list"]) == ("kommune", ["Sove", "Spise"])
        r = client.post(self.URL, self.body(citizen, goals=""), format="json")
        assert r.status_code == 400 and r.json()["goals"] == [
            "Huset arbejder med individuelle mål. Skriv mindst ét mål."]
        r = client.post(self.URL, self.body(citizen, purpose=" ", granted_until="3000-01-01"), format="json")
        assert r.status_code == 400 and {"granted_until", "purpose"} <= set(r.json())
        with django_assert_max_num_queries(8):
            r = client.get(self.URL, {"house": "silkeborg", "citizen": citizen.pk})
        assert [d["decided_by"] for d in r.json()["results"]] == ["Myndighedsrådgiver"]
        assert api(staff.sb_region).get(self.URL, {"house": "silkeborg"}).json()["results"] == []
        assert api(staff.sb_peer).get(self.URL, {"house": "silkeborg"}).status_code == 403
        r = api(staff.sb_region).post(self.URL, self.body(citizen), format="json")
        assert r.status_code == 400 and "citizen" in r.json()  # behind the wall
        assert VisitationDecision.objects.count() == 1

    def test_refused_where_the_rules_do_not_admit_by_visitation(self, aarhus, staff):
        citizen = citizen_create(house=aarhus, sector="kommune", name="Per", cpr="0505850123")
        r = api(staff.aarhus_kommune).post(self.URL, self.body(citizen, house="aarhus"), format="json")
        assert r.status_code == 400 and r.json()["sector"] == ["Huset optager ikke ved visitation i denne sektor."]

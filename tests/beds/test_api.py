"""API: availability, stays (create/list/check-in/check-out/cancel), requests, and the booking race."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from beds.models import Stay
from beds.services import stay_book
from tests.beds.conftest import at, bed

URL = "/api/v1/stays/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(citizen, label="K1", arrival="2024-02-01T14:00:00+01:00", departure="2024-02-03T10:00:00+01:00",
            **extra):
    return {"house": "aarhus", "bed": label, "citizen": citizen.pk, "arrival": arrival,
            "planned_departure": departure, **extra}


@pytest.mark.django_db
class TestStaysApi:
    def test_create_201(self, users, people):
        r = api(users["kommune"]).post(URL, payload(people.anna), format="json")
        assert r.status_code == 201, r.content
        assert (r.json()["bed"], r.json()["nights"], r.json()["status"]) == ("K1", 2, "booked")

    def test_taken_bed_409(self, users, people):
        client = api(users["leder"])
        assert client.post(URL, payload(people.anna), format="json").status_code == 201
        r = client.post(URL, payload(people.erik), format="json")
        assert r.status_code == 409 and r.json()["code"] == "bed_taken" and r.json()["detail"]

    def test_citizen_has_stay_409(self, users, people):
        client = api(users["leder"])
        client.post(URL, payload(people.erik), format="json")
        r = client.post(URL, payload(people.erik, label="R1"), format="json")
        assert (r.status_code, r.json()["code"]) == (409, "citizen_has_stay")

    def test_other_sectors_bed_403(self, users, people):
        r = api(users["kommune"]).post(URL, payload(people.bo, label="R1"), format="json")
        assert r.status_code == 403 and Stay.objects.count() == 0

    def test_broken_rule_400_field_errors(self, users, people):
        r = api(users["kommune"]).post(URL, payload(people.anna, departure="2024-02-06T10:00:00+01:00"),
                                       format="json")
        assert r.status_code == 400 and "extension_reason" in r.json()
        r = api(users["kommune"]).post(URL, {"house": "aarhus", "bed": "K1"}, format="json")
        assert r.status_code == 400 and {"citizen", "arrival", "planned_departure"} <= set(r.json())
        r = api(users["kommune"]).post(URL, payload(people.anna, label="K77"), format="json")
        assert r.status_code == 400 and "bed" in r.json()

    def test_outsider_and_anonymous(self, users, people):
        assert api(users["outsider"]).post(URL, payload(people.anna), format="json").status_code == 404
        assert APIClient().post(URL, payload(people.anna), format="json").status_code in (401, 403)

    def test_life_cycle_and_scoped_list(self, users, people):
        client = api(users["region"])
        stay_id = client.post(URL, payload(people.bo, label="R2"), format="json").json()["id"]
        r = client.post(f"{URL}{stay_id}/check-in/", {"ors_score": 18, "at": "2024-02-01T14:00:00+01:00"},
                        format="json")
        assert r.status_code == 200 and r.json()["status"] == "checked_in"
        r = client.post(f"{URL}{stay_id}/check-out/", {"srs_score": 50}, format="json")
        assert r.status_code == 400 and "srs_score" in r.json()
        r = client.post(f"{URL}{stay_id}/check-out/", {"srs_score": 30, "at": "2024-02-02T11:00:00+01:00"},
                        format="json")
        assert (r.json()["status"], r.json()["nights"]) == ("checked_out", 1)
        assert [s["id"] for s in client.get(URL, {"house": "aarhus"}).json()["results"]] == [stay_id]
        # The municipal sector neither lists nor touches the regional stay.
        kommune = api(users["kommune"])
        assert kommune.get(URL, {"house": "aarhus"}).json()["results"] == []
        assert kommune.get(f"{URL}{stay_id}/").status_code == 404
        assert kommune.post(f"{URL}{stay_id}/cancel/", {}, format="json").status_code == 404

    def test_cancel(self, users, people):
        client = api(users["kommune"])
        stay_id = client.post(URL, payload(people.anna), format="json").json()["id"]
        r = client.post(f"{URL}{stay_id}/cancel/", {"no_show": True}, format="json")
        assert r.json()["status"] == "no_show"
        assert client.post(URL, payload(people.erik), format="json").status_code == 201

    def test_list_query_bound(self, house, users, people, django_assert_max_num_queries):
        for i, who in enumerate([people.anna, people.erik]):
            stay_book(house=house, bed=bed(house, f"K{i + 1}"), citizen=who, arrival=at("2024-02-01"),
                      planned_departure=at("2024-02-02", 10), user=users["kommune"])
        with django_assert_max_num_queries(10):
            r = api(users["kommune"]).get(URL, {"house": "aarhus"})
        assert r.json()["count"] == 2


@pytest.mark.django_db
class TestAvailabilityAndRequests:
    def test_availability_without_names(self, house, users, people):
        stay_book(house=house, bed=bed(house, "R1"), citizen=people.bo, arrival=at("2024-02-01"),
                  planned_departure=at("2024-02-03", 10), user=users["region"])
        r = api(users["peer"]).get("/api/v1/beds/availability/", {"house": "aarhus", "from": "2024-02-01",
                                                                  "to": "2024-02-03"})
        assert r.status_code == 200
        r1 = next(b for b in r.json()["beds"] if b["bed"] == "R1")
        assert [n["state"] for n in r1["nights"]] == ["occupied", "occupied", "free"]
        assert "Bo" not in r.content.decode() and len(r.json()["beds"]) == 16
        bad = api(users["peer"]).get("/api/v1/beds/availability/", {"house": "aarhus", "from": "02-01-2024"})
        assert bad.status_code == 400 and "from" in bad.json()
        assert api(users["outsider"]).get("/api/v1/beds/availability/", {"house": "aarhus"}).status_code == 404

    def test_requests(self, users, people):
        client = api(users["kommune"])
        r = client.post("/api/v1/requests/", {"house": "aarhus", "sector": "kommune", "channel": "phone",
                                              "citizen": people.anna.pk, "requested_nights": 2}, format="json")
        assert r.status_code == 201, r.content
        rid = r.json()["id"]
        r = client.post(URL, payload(people.anna, request=rid), format="json")
        assert r.status_code == 201
        assert client.get("/api/v1/requests/", {"house": "aarhus"}).json()["results"][0]["outcome"] == "booked"
        r = client.post("/api/v1/requests/", {"house": "aarhus", "sector": "kommune", "channel": "staff"},
                        format="json")
        r = client.post(f"/api/v1/requests/{r.json()['id']}/turn-away/", {"reason": "no_bed"}, format="json")
        assert (r.status_code, r.json()["outcome"]) == (200, "turned_away")
        assert api(users["region"]).post("/api/v1/requests/", {"house": "aarhus", "sector": "kommune",
                                                               "channel": "phone"}, format="json").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_one_wins(house, users, people):
    """20 threads, each with its own database connection, book the same bed and night at once."""
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    bodies: list[dict] = []
    lock = threading.Lock()
    citizen_ids = [people.anna.pk, people.erik.pk]
    user = users["kommune"]

    def worker(i: int) -> None:
        try:
            client = api(user)
            body = {"house": "aarhus", "bed": "K1", "citizen": citizen_ids[i % 2],
                    "arrival": "2024-02-01T14:00:00+01:00", "planned_departure": "2024-02-02T10:00:00+01:00"}
            barrier.wait()
            r = client.post(URL, body, format="json")
            with lock:
                statuses.append(r.status_code)
                bodies.append(r.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * 19
    assert {b["code"] for b in bodies if "code" in b} <= {"bed_taken", "citizen_has_stay"}
    assert Stay.objects.filter(bed__label="K1").count() == 1


@pytest.mark.django_db
class TestOriginRequest:
    """The stay API gives the request a stay was booked from (what the stay panel shows of it), only when the
    user may see the request: the request list's rule."""

    def booked_from_request(self, house, user, citizen, label, sector):
        from beds.services import stay_request_record

        req = stay_request_record(house=house, sector=sector, channel="phone", user=user, citizen=citizen,
                                  requested_at=at("2024-02-01", 9, 15), requested_nights=2, note="Ringer selv")
        stay = stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=at("2024-02-01"),
                         planned_departure=at("2024-02-03", 10), user=user, request=req)
        return req, stay

    def test_visible_in_create_detail_list_and_actions(self, house, users, people):
        from beds.services import stay_request_record

        client = api(users["kommune"])
        req = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                                  citizen=people.anna, requested_at=at("2024-02-01", 9, 15), requested_nights=2,
                                  note="Ringer selv")
        expected = {"id": req.pk, "channel": "phone", "requested_at": "2024-02-01T09:15:00+01:00",
                    "requested_nights": 2, "note": "Ringer selv"}
        created = client.post(URL, payload(people.anna, request=req.pk), format="json")
        assert created.status_code == 201 and created.json()["request"] == expected
        stay_id = created.json()["id"]
        assert client.get(f"{URL}{stay_id}/").json()["request"] == expected
        assert [s["request"] for s in client.get(URL, {"house": "aarhus"}).json()["results"]] == [expected]
        checked_in = client.post(f"{URL}{stay_id}/check-in/", {"at": "2024-02-01T14:00:00+01:00"}, format="json")
        assert checked_in.status_code == 200 and checked_in.json()["request"] == expected
        moved = client.post(f"{URL}{stay_id}/move/", {"bed": "K2", "at": "2024-02-01T18:00:00+01:00"},
                            format="json")
        assert moved.status_code == 200 and moved.json()["request"] == expected

    def test_none_when_booked_without_a_request(self, house, users, people):
        client = api(users["kommune"])
        created = client.post(URL, payload(people.anna), format="json")
        assert created.status_code == 201 and created.json()["request"] is None
        assert client.get(f"{URL}{created.json()['id']}/").json()["request"] is None
        assert [s["request"] for s in client.get(URL, {"house": "aarhus"}).json()["results"]] == [None]

    def test_across_the_sector_wall(self, house, users, people):
        from contracts.services import consent_give

        req, stay = self.booked_from_request(house, users["region"], people.bo, "R1", "region")
        assert api(users["region"]).get(f"{URL}{stay.pk}/").json()["request"]["id"] == req.pk
        kommune = api(users["kommune"])
        hidden, missing = kommune.get(f"{URL}{stay.pk}/"), kommune.get(f"{URL}999999999/")
        assert hidden.status_code == missing.status_code == 404 and hidden.content == missing.content
        assert kommune.get(URL, {"house": "aarhus"}).json()["results"] == []
        # Bo's consent opens the wall for him: the stay and its request, as in the request list.
        consent_give(citizen=people.bo, to_sector="kommune", given_on=at("2024-01-15").date())
        assert kommune.get(f"{URL}{stay.pk}/").json()["request"]["id"] == req.pk
        assert [r["id"] for r in kommune.get("/api/v1/requests/", {"house": "aarhus"}).json()["results"]] == [req.pk]

    def test_a_request_the_user_may_not_see_is_not_exposed(self, house, users, people, client_for):
        """Defence in depth: a municipal stay whose request is (as only SQL could make it) the region's: the
        municipal staff see the stay, not the request, in the API and on the stay panel."""
        from django.urls import reverse

        from beds.models import StayRequest

        req, stay = self.booked_from_request(house, users["kommune"], people.anna, "K1", "kommune")
        StayRequest.objects.filter(pk=req.pk).update(sector="region", citizen=people.bo)
        kommune = api(users["kommune"])
        detail = kommune.get(f"{URL}{stay.pk}/")
        assert detail.status_code == 200 and detail.json()["request"] is None
        assert "Ringer selv" not in detail.content.decode()
        assert [s["request"] for s in kommune.get(URL, {"house": "aarhus"}).json()["results"]] == [None]
        panel = client_for("kommune").get(reverse("beds:stay", args=[stay.pk]), HTTP_HX_REQUEST="true")
        assert "Booket uden henvendelse" in panel.content.decode() and "Ringer selv" not in panel.content.decode()
        assert api(users["leder"]).get(f"{URL}{stay.pk}/").json()["request"]["id"] == req.pk  # both sectors

    def test_list_costs_the_same_queries_with_more_stays_from_requests(self, house, users, people):
        from django.test.utils import CaptureQueriesContext

        self.booked_from_request(house, users["kommune"], people.anna, "K1", "kommune")
        client = api(users["kommune"])
        client.get(URL, {"house": "aarhus"})
        with CaptureQueriesContext(connection) as one:
            client.get(URL, {"house": "aarhus"})
        self.booked_from_request(house, users["kommune"], people.erik, "K2", "kommune")
        client.get(URL, {"house": "aarhus"})  # the audit of the new stay's first read
        with CaptureQueriesContext(connection) as two:
            rows = client.get(URL, {"house": "aarhus"}).json()["results"]
        assert [r["request"]["note"] for r in rows] == ["Ringer selv", "Ringer selv"]
        assert len(two.captured_queries) == len(one.captured_queries)

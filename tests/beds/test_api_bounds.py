"""Bounded input on the beds API: dates outside the window and over-long text are a 400 naming the field (they
were HTML 500s, and a booking in year 9999 was accepted), with DEBUG off as in production."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from beds.models import Stay, StayRequest

pytestmark = pytest.mark.django_db
URL = "/api/v1/stays/"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def api(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def refused(response, field: str) -> bool:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    messages = response.json()[field]
    return any("Datoen skal ligge mellem" in m or "højst" in m or "Sørg for" in m or "Ensure" in m
               for m in messages)


def booking(citizen, arrival, departure, **extra):
    return {"house": "aarhus", "bed": "K1", "citizen": citizen.pk, "arrival": arrival,
            "planned_departure": departure, **extra}


@pytest.mark.parametrize("arrival, departure, field", [
    ("0001-01-01T14:00", "0001-01-03T10:00", "arrival"),
    ("0001-01-01T00:00:00+01:00", "2024-02-03T10:00:00+01:00", "arrival"),
    ("9999-01-01T14:00", "9999-01-03T10:00", "arrival"),
    ("2024-02-01T14:00", "9999-12-31T23:59", "planned_departure"),
], ids=["year-1", "year-1-with-offset", "year-9999", "departure-9999"])
def test_booking_outside_the_window_400(users, people, arrival, departure, field):
    r = api(users["leder"]).post(URL, booking(people.erik, arrival, departure), format="json")
    assert refused(r, field)
    assert Stay.objects.count() == 0


def test_booking_five_years_ahead_is_the_edge(users, people):
    from psykiatrihus.dates import date_window

    last = date_window().last
    eve = last - datetime.timedelta(days=1)
    r = api(users["leder"]).post(URL, booking(people.erik, f"{eve}T14:00", f"{last}T10:00"), format="json")
    assert r.status_code == 201, r.content  # the window's last day is inside
    after = last + datetime.timedelta(days=1)
    r = api(users["leder"]).post(URL, booking(people.erik, f"{after}T14:00", f"{after}T20:00", bed="K2"),
                                 format="json")
    assert refused(r, "arrival")


def test_request_requested_at_year_1_400(users):
    r = api(users["kommune"]).post("/api/v1/requests/", {"house": "aarhus", "sector": "kommune",
                                                         "channel": "phone", "requested_at": "0001-01-01T00:00"},
                                   format="json")
    assert refused(r, "requested_at")
    assert StayRequest.objects.count() == 0


@pytest.mark.parametrize("action", ["check-in", "check-out"])
def test_check_in_and_out_at_year_1_400(users, people, action):
    from django.utils import timezone

    client = api(users["region"])
    now = timezone.now()
    stay_id = client.post(URL, booking(people.bo, (now - datetime.timedelta(hours=1)).isoformat(),
                                       (now + datetime.timedelta(days=2)).isoformat(), bed="R2"),
                          format="json").json()["id"]
    if action == "check-out":
        assert client.post(f"{URL}{stay_id}/check-in/", {"ors_score": 18}, format="json").status_code == 200
    r = client.post(f"{URL}{stay_id}/{action}/", {"ors_score": 18, "srs_score": 30, "at": "0001-01-01T00:00"},
                    format="json")
    assert refused(r, "at")
    assert Stay.objects.get().status == ("booked" if action == "check-in" else "checked_in")


@pytest.mark.parametrize("query", ["from=9999-12-31", "from=9999-12-31&to=9999-12-31", "to=0001-01-01",
                                   "from=0001-01-01"])
def test_availability_outside_the_window_400(users, query):
    r = api(users["kommune"]).get(f"/api/v1/beds/availability/?house=aarhus&{query}")
    field = query.split("=")[0]
    assert refused(r, field)


def test_stays_list_outside_the_window_400(users):
    assert refused(api(users["leder"]).get(URL, {"house": "aarhus", "from": "9999-12-31"}), "from")


@pytest.mark.parametrize("field, length", [("fb_ward", 300), ("fb_case_worker", 201), ("fb_house_contact", 201),
                                           ("extension_reason", 5001), ("bed", 100_000)])
def test_over_long_text_400_naming_the_field(users, people, field, length):
    """`fb_ward` of 300 characters reached the database (the column holds 200) and answered an HTML 500."""
    body = {**booking(people.anna, "2024-02-01T14:00:00+01:00", "2024-02-02T10:00:00+01:00",
                      kind="faerdigbehandling", bed="K7"), field: "x" * length}
    r = api(users["leder"]).post(URL, body, format="json")
    assert r.status_code == 400 and field in r.json(), r.content[:300]
    assert Stay.objects.count() == 0


def test_check_out_note_over_long_400(users, people):
    client = api(users["region"])
    stay_id = client.post(URL, booking(people.bo, "2024-02-01T14:00:00+01:00", "2024-02-03T10:00:00+01:00",
                                       bed="R2"), format="json").json()["id"]
    client.post(f"{URL}{stay_id}/check-in/", {"ors_score": 18}, format="json")
    r = client.post(f"{URL}{stay_id}/check-out/", {"srs_score": 30, "end_note": "x" * 100_000}, format="json")
    assert r.status_code == 400 and "end_note" in r.json()

"""Occupancy on a hand-computed example (see beds.selectors for the definition)."""

from __future__ import annotations

import datetime

import pytest

from beds.selectors import occupancy
from beds.services import bed_block, stay_book, stay_cancel, stay_check_in, stay_check_out
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db

START, END = datetime.date(2024, 3, 1), datetime.date(2024, 3, 10)  # 10 nights, no DST change


@pytest.fixture
def example(house, users, people):
    """Municipal beds K1..K8, period 2024-03-01 .. 2024-03-10 (both included, 240 hours):
    - K2 blocked 03-04 10:00 → 03-06 10:00: covers midnights ending the nights of 03-04 and 03-05 → 2 nights,
      48 hours. K3 cleaned 03-02 10:00 → 14:00: no midnight → 0 nights, 4 hours.
      Available: 8 × 10 − 2 = 78 bed-nights; 8 × 240 − 48 − 4 = 1868 hours.
    - Anna K1 02-29 14:00 → 03-02 10:00: nights 02-29, 03-01 → 1 in the period; 34 hours (03-01 00:00 on).
    - Erik K2 03-09 14:00 → 03-12 10:00: nights 03-09..03-11 → 2 in the period; 34 hours (to 03-11 00:00).
    - Erik K3 03-03 14:00 → booked to 03-05, checked out early 03-04 09:00: night 03-03 → 1; 19 hours.
    - Anna K4 03-05 → 03-07 cancelled: 0.
      Occupied: 4 bed-nights (4/78 = 5.1 %), 87 hours (87/1868 = 4.7 %)."""
    lead = users["leder"]
    bed_block(bed=bed(house, "K2"), start=at("2024-03-04", 10), end=at("2024-03-06", 10), reason="maintenance",
              user=lead)
    bed_block(bed=bed(house, "K3"), start=at("2024-03-02", 10), end=at("2024-03-02", 14), user=lead)

    def book(label, citizen, arrival, departure):
        return stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=at(arrival),
                         planned_departure=at(departure, 10), user=lead)

    book("K1", people.anna, "2024-02-29", "2024-03-02")
    book("K2", people.erik, "2024-03-09", "2024-03-12")
    early = book("K3", people.erik, "2024-03-03", "2024-03-05")
    stay_check_in(stay=early, user=lead, at=at("2024-03-03"))
    stay_check_out(stay=early, user=lead, at=at("2024-03-04", 9))
    stay_cancel(stay=book("K4", people.anna, "2024-03-05", "2024-03-07"), user=lead)


def test_municipal_hand_computed(house, example, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        result = occupancy(house=house, sector="kommune", start=START, end=END)
    assert result == {"bed_nights_available": 78, "bed_nights_occupied": 4, "percent": 5.1,
                      "hours_available": 1868.0, "hours_occupied": 87.0, "hours_percent": 4.7}


def test_regional_empty_and_house_total(house, example):
    region = occupancy(house=house, sector="region", start=START, end=END)
    assert (region["bed_nights_available"], region["bed_nights_occupied"], region["percent"]) == (80, 0, 0.0)
    whole = occupancy(house=house, sector=None, start=START, end=END)
    assert (whole["bed_nights_available"], whole["bed_nights_occupied"]) == (158, 4)


def test_single_night_boundary(house, example):
    # Only the night of 03-01 (Anna's second night).
    one = occupancy(house=house, sector="kommune", start=START, end=START)
    assert (one["bed_nights_available"], one["bed_nights_occupied"], one["hours_available"]) == (8, 1, 192.0)


def test_dst_day_has_23_hours(house):
    # 2024-03-31: clocks go forward in Copenhagen, the day has 23 hours.
    day = datetime.date(2024, 3, 31)
    assert occupancy(house=house, sector="region", start=day, end=day)["hours_available"] == 8 * 23

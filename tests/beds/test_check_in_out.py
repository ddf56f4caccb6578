"""Check-in and check-out follow reality: an early arrival starts the stay, check-out after check-in always works,
and the database keeps a citizen in one bed and a bed with one guest at a time (actual presence)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from beds.models import Stay
from beds.services import BookingConflict, stay_book, stay_check_in, stay_check_out
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db


def book(house, user, citizen, label, arrival, departure):
    return stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=arrival,
                     planned_departure=departure, user=user)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class TestEarlyCheckIn:
    def test_early_check_in_moves_the_start_and_check_out_then_works(self, house, users, people):
        """The issue's case: checked in at 09:27 for a stay planned from 14:00, out at 12:00 the same day."""
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        stay_check_in(stay=stay, user=staff, at=at("2024-02-02", 9, 27))
        stay.refresh_from_db()
        assert (stay.status, stay.arrival, stay.checked_in_at) == ("checked_in", at("2024-02-02", 9, 27),
                                                                   at("2024-02-02", 9, 27))
        assert stay.period.lower == at("2024-02-02", 9, 27) and (stay.arrival_date, stay.nights) == (
            datetime.date(2024, 2, 2), 1)
        stay_check_out(stay=stay, user=staff, at=at("2024-02-02", 12))
        stay.refresh_from_db()
        assert (stay.status, stay.nights, stay.period.upper) == ("checked_out", 0, at("2024-02-02", 12))

    def test_arrival_the_evening_before_adds_a_night(self, house, users, people):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        stay_check_in(stay=stay, user=staff, at=at("2024-02-01", 23))
        stay.refresh_from_db()
        assert (stay.arrival_date, stay.nights) == (datetime.date(2024, 2, 1), 2)

    def test_late_check_in_keeps_the_planned_start(self, house, users, people):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        stay_check_in(stay=stay, user=staff, at=at("2024-02-02", 18))
        stay.refresh_from_db()
        assert (stay.arrival, stay.checked_in_at) == (at("2024-02-02", 14), at("2024-02-02", 18))
        with pytest.raises(ValidationError) as refused:
            stay_check_out(stay=stay, user=staff, at=at("2024-02-02", 17))
        assert "efter indskrivningen (02.02.2024 18:00)" in str(refused.value)

    @pytest.mark.parametrize("moment", [at("2024-02-01", 13), at("2024-02-03", 10)])
    def test_more_than_a_day_early_or_at_the_departure_is_refused(self, house, users, people, moment):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        with pytest.raises(ValidationError) as refused:
            stay_check_in(stay=stay, user=staff, at=moment)
        assert "at" in refused.value.message_dict
        stay.refresh_from_db()
        assert (stay.status, stay.arrival) == ("booked", at("2024-02-02", 14))

    def test_early_into_a_booking_not_yet_closed_is_a_conflict_and_nothing_changes(self, house, users, people):
        staff = users["kommune"]
        book(house, staff, people.anna, "K2", at("2024-02-01", 14), at("2024-02-02", 10))  # never came, not closed
        stay = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        with pytest.raises(BookingConflict) as refused:
            stay_check_in(stay=stay, user=staff, at=at("2024-02-02", 9))
        assert refused.value.code == "bed_taken" and "udeblevet" in refused.value.message
        stay.refresh_from_db()
        assert (stay.status, stay.arrival, stay.checked_in_at) == ("booked", at("2024-02-02", 14), None)

    @pytest.mark.parametrize("year", [1, 9999])
    def test_year_1_and_9999(self, house, users, people, year):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        with pytest.raises(ValidationError):
            stay_check_in(stay=stay, user=staff, at=datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC))
        stay_check_in(stay=stay, user=staff, at=at("2024-02-02", 14))
        with pytest.raises(ValidationError):
            stay_check_out(stay=stay, user=staff, at=datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC))
        stay.refresh_from_db()
        assert stay.status == "checked_in"


class TestOneBedAtATime:
    @pytest.fixture
    def two_beds(self, house, users, people):
        """Erik checked in on K5 until 10:00 (planned), and booked on K2 from 14:00 the same day."""
        staff = users["leder"]
        k5 = book(house, staff, people.erik, "K5", at("2024-02-01", 14), at("2024-02-02", 10))
        stay_check_in(stay=k5, user=staff, at=at("2024-02-01", 14))
        k2 = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        return k5, k2

    def test_citizen_checked_in_elsewhere_names_the_bed(self, users, two_beds):
        k5, k2 = two_beds
        with pytest.raises(BookingConflict) as refused:
            stay_check_in(stay=k2, user=users["leder"], at=at("2024-02-02", 9, 27))
        assert refused.value.code == "citizen_checked_in_elsewhere" and "K5" in refused.value.message
        k2.refresh_from_db()
        assert k2.status == "booked"
        # Checked out of K5 at 09:20, in on K2 at 09:27: fine.
        stay_check_out(stay=k5, user=users["leder"], at=at("2024-02-02", 9, 20))
        stay_check_in(stay=k2, user=users["leder"], at=at("2024-02-02", 9, 27))
        assert Stay.objects.get(pk=k2.pk).status == "checked_in"

    def test_api_answers_409_with_the_code_and_the_bed(self, users, two_beds):
        _, k2 = two_beds
        r = api(users["leder"]).post(f"/api/v1/stays/{k2.pk}/check-in/", {"at": "2024-02-02T09:27:00+01:00"},
                                     format="json")
        assert r.status_code == 409 and r.json()["code"] == "citizen_checked_in_elsewhere"
        assert "K5" in r.json()["detail"]

    def test_panel_shows_why_and_keeps_the_stay_open(self, client_for, two_beds):
        _, k2 = two_beds
        client = client_for("leder")
        r = client.post(reverse("beds:stay_action", args=[k2.pk, "check-in"]), {"at": "2024-02-02T09:27"},
                        HTTP_HX_REQUEST="true")
        html = r.content.decode()
        assert r.status_code == 200 and "Borgeren er stadig indskrevet på K5" in html and "Indskriv" in html
        r = client.post(reverse("beds:stay_action", args=[k2.pk, "check-in"]), {"at": "2024-02-02T09:27"})
        assert r.status_code == 409

    def test_bed_still_occupied_until_the_previous_guest_is_checked_out(self, house, users, people):
        staff = users["kommune"]
        first = book(house, staff, people.anna, "K1", at("2024-02-01", 14), at("2024-02-02", 10))
        stay_check_in(stay=first, user=staff, at=at("2024-02-01", 14))
        second = book(house, staff, people.erik, "K1", at("2024-02-02", 14), at("2024-02-03", 10))
        with pytest.raises(BookingConflict) as refused:
            stay_check_in(stay=second, user=staff, at=at("2024-02-02", 14, 5))
        assert refused.value.code == "bed_still_occupied" and "K1" in refused.value.message
        # A late check-out (15:00) into the next booking always works; its period stops where the next begins.
        stay_check_out(stay=first, user=staff, at=at("2024-02-02", 15))
        first.refresh_from_db()
        assert (first.status, first.checked_out_at, first.period.upper) == (
            "checked_out", at("2024-02-02", 15), at("2024-02-02", 14))
        with pytest.raises(BookingConflict):  # the first guest was still there at 14:30
            stay_check_in(stay=second, user=staff, at=at("2024-02-02", 14, 30))
        stay_check_in(stay=second, user=staff, at=at("2024-02-02", 15, 30))

    def test_the_database_refuses_two_beds_at_once_whatever_the_code(self, house, users, people):
        staff = users["leder"]
        k5 = book(house, staff, people.erik, "K5", at("2024-02-01", 14), at("2024-02-02", 10))
        k2 = book(house, staff, people.erik, "K2", at("2024-02-02", 14), at("2024-02-03", 10))
        Stay.objects.filter(pk=k5.pk).update(status="checked_in", checked_in_at=at("2024-02-01", 14))
        with pytest.raises(IntegrityError, match="stay_citizen_one_bed_present"), transaction.atomic():
            Stay.objects.filter(pk=k2.pk).update(status="checked_in", checked_in_at=at("2024-02-02", 9))
        other = book(house, staff, people.anna, "K5", at("2024-02-02", 14), at("2024-02-03", 10))
        with pytest.raises(IntegrityError, match="stay_bed_one_guest_present"), transaction.atomic():
            Stay.objects.filter(pk=other.pk).update(status="checked_in", checked_in_at=at("2024-02-02", 14))
        with pytest.raises(IntegrityError, match="stay_check_out_after_check_in"), transaction.atomic():
            Stay.objects.filter(pk=k5.pk).update(status="checked_out", checked_out_at=at("2024-02-01", 13))

    def test_another_sectors_stay_and_a_missing_one_answer_alike(self, users, two_beds):
        _, k2 = two_beds
        client = api(users["region"])
        hidden = client.post(f"/api/v1/stays/{k2.pk}/check-in/", {}, format="json")
        missing = client.post("/api/v1/stays/987654321/check-in/", {}, format="json")
        assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()

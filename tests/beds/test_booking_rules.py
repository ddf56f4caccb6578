"""Every booking rule of `stay_book`, and the life cycle check-in → check-out / cancel."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beds.models import RequestOutcome, Stay, StayStatus
from beds.services import (
    BookingConflict,
    stay_book,
    stay_cancel,
    stay_check_in,
    stay_check_out,
    stay_frame_for,
    stay_request_record,
    stay_request_turn_away,
)
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db


def book(house, user, label, citizen, arrival, departure, **kw):
    return stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=at(arrival),
                     planned_departure=at(departure, 10), user=user, **kw)


class TestBasis:
    def test_municipal_bed_with_municipal_contract(self, house, users, people):
        stay = book(house, users["kommune"], "K1", people.anna, "2024-02-01", "2024-02-03")
        assert (stay.status, stay.nights, stay.sector, stay.contract.sector) == ("booked", 2, "kommune", "kommune")
        assert stay.arrival_date == datetime.date(2024, 2, 1)
        assert stay.period.lower == at("2024-02-01") and stay.period.upper == at("2024-02-03", 10)

    def test_municipal_bed_refuses_regional_contract(self, house, users, people):
        with pytest.raises(ValidationError) as e:
            book(house, users["leder"], "K1", people.bo, "2024-02-01", "2024-02-02")
        assert "citizen" in e.value.message_dict

    def test_regional_bed_with_home_treatment(self, house, users, people):
        stay = book(house, users["region"], "R1", people.carl, "2024-03-10", "2024-03-12")
        assert stay.home_treatment is not None and stay.contract is None

    def test_home_treatment_must_cover_every_night(self, house, users, people):
        # Course ends 2024-03-31: the night of 03-31 is covered, the night of 04-01 is not.
        book(house, users["region"], "R1", people.carl, "2024-03-30", "2024-04-01")
        with pytest.raises(ValidationError) as e:
            book(house, users["region"], "R2", people.carl, "2024-04-01", "2024-04-02")
        assert "citizen" in e.value.message_dict

    def test_ended_contract_does_not_cover_later_nights(self, house, users, people):
        book(house, users["kommune"], "K1", people.dorte, "2024-02-08", "2024-02-11")  # last night 02-10
        with pytest.raises(ValidationError):
            book(house, users["kommune"], "K2", people.dorte, "2024-02-10", "2024-02-12")

    def test_contract_must_be_granted_before_arrival(self, house, users, people):
        with pytest.raises(ValidationError):
            book(house, users["kommune"], "K1", people.anna, "2023-12-30", "2024-01-01")

    def test_departure_after_arrival_and_at_least_one_night(self, house, users, people):
        with pytest.raises(ValidationError) as e:
            stay_book(house=house, bed=bed(house, "K1"), citizen=people.anna, arrival=at("2024-02-01"),
                      planned_departure=at("2024-02-01", 20), user=users["kommune"])
        assert "planned_departure" in e.value.message_dict
        with pytest.raises(ValidationError):
            stay_book(house=house, bed=bed(house, "K1"), citizen=people.anna, arrival=at("2024-02-02"),
                      planned_departure=at("2024-02-01"), user=users["kommune"])
        assert Stay.objects.count() == 0


class TestSectorWall:
    def test_staff_cannot_book_other_sectors_bed(self, house, users, people):
        with pytest.raises(PermissionDenied):
            book(house, users["kommune"], "R1", people.bo, "2024-02-01", "2024-02-02")
        with pytest.raises(PermissionDenied):
            book(house, users["region"], "K1", people.anna, "2024-02-01", "2024-02-02")

    @pytest.mark.parametrize("key", ["peer", "styregruppe", "admin", "outsider"])
    def test_non_booking_roles_cannot_book(self, house, users, people, key):
        with pytest.raises(PermissionDenied):
            book(house, users[key], "K1", people.anna, "2024-02-01", "2024-02-02")

    def test_leader_books_both_sectors(self, house, users, people):
        book(house, users["leder"], "K1", people.erik, "2024-02-01", "2024-02-02")
        book(house, users["leder"], "R1", people.bo, "2024-02-01", "2024-02-02")
        assert Stay.objects.count() == 2


class TestFrame:
    def test_frame_is_contracts_individual_else_house(self, house, people):
        assert stay_frame_for(house=house, sector="kommune", contract=people.anna.contracts.get(),
                              on_date=datetime.date(2024, 2, 1)) == 2
        assert stay_frame_for(house=house, sector="region", contract=people.bo.contracts.get(),
                              on_date=datetime.date(2024, 2, 1)) == 3

    def test_longer_than_individual_frame_refused(self, house, users, people):
        book(house, users["kommune"], "K1", people.anna, "2024-02-01", "2024-02-03")  # 2 = frame
        with pytest.raises(ValidationError) as e:
            book(house, users["kommune"], "K2", people.anna, "2024-02-10", "2024-02-13")  # 3 > 2
        assert "extension_reason" in e.value.message_dict

    def test_house_frame_three_nights(self, house, users, people):
        book(house, users["region"], "R1", people.bo, "2024-02-01", "2024-02-04")  # 3 nights
        with pytest.raises(ValidationError):
            book(house, users["region"], "R1", people.bo, "2024-02-10", "2024-02-14")  # 4 nights

    def test_staff_reason_books_it_pending_a_leaders_decision(self, house, users, people):
        stay = book(house, users["region"], "R1", people.bo, "2024-02-10", "2024-02-14", extension_reason="Krise")
        assert (stay.nights, stay.extension_state, stay.extension_by) == (4, "pending", None)

    def test_leader_with_reason_may_extend(self, house, users, people):
        stay = book(house, users["leder"], "R1", people.bo, "2024-02-10", "2024-02-15",
                    extension_reason="Venter på indlæggelse")
        assert (stay.nights, stay.extension_by, stay.extension_reason) == (
            5, users["leder"], "Venter på indlæggelse")

    def test_leader_without_reason_refused(self, house, users, people):
        with pytest.raises(ValidationError):
            book(house, users["leder"], "R1", people.bo, "2024-02-10", "2024-02-15")


FB = dict(kind="faerdigbehandling", fb_decided_on=datetime.date(2024, 1, 30), fb_ward="Afsnit P3",
          fb_case_worker="Myndighedsrådgiver Hansen", fb_house_contact="Husleder")


class TestFaerdigbehandling:
    def test_allowed_bed_up_to_six_months_ignores_frame(self, house, users, people):
        stay = book(house, users["kommune"], "K8", people.erik, "2024-02-01", "2024-08-01", **FB)
        assert stay.kind == "faerdigbehandling" and stay.nights == 182 and stay.fb_ward == "Afsnit P3"

    def test_more_than_six_months_refused(self, house, users, people):
        with pytest.raises(ValidationError) as e:
            book(house, users["kommune"], "K8", people.erik, "2024-02-01", "2024-08-02", **FB)
        assert "planned_departure" in e.value.message_dict

    def test_only_on_allowed_beds(self, house, users, people):
        with pytest.raises(ValidationError) as e:
            book(house, users["kommune"], "K1", people.erik, "2024-02-01", "2024-02-10", **FB)
        assert "bed" in e.value.message_dict

    def test_joint_decision_required(self, house, users, people):
        with pytest.raises(ValidationError) as e:
            book(house, users["kommune"], "K8", people.erik, "2024-02-01", "2024-02-10", kind="faerdigbehandling")
        assert {"fb_decided_on", "fb_ward", "fb_case_worker", "fb_house_contact"} <= set(e.value.message_dict)

    def test_outcome_required_at_end(self, house, users, people):
        stay = book(house, users["kommune"], "K8", people.erik, "2024-02-01", "2024-03-01", **FB)
        stay_check_in(stay=stay, user=users["kommune"], at=at("2024-02-01", 15))
        with pytest.raises(ValidationError) as e:
            stay_check_out(stay=stay, user=users["kommune"], at=at("2024-02-20", 10))
        assert {"fb_outcome", "fb_stays_attached"} <= set(e.value.message_dict)
        stay.refresh_from_db()
        assert stay.status == "checked_in"
        stay_check_out(stay=stay, user=users["kommune"], at=at("2024-02-20", 10), fb_outcome="botilbud_107",
                       fb_stays_attached=False)
        stay.refresh_from_db()
        assert (stay.status, stay.fb_outcome, stay.fb_stays_attached, stay.nights) == (
            "checked_out", "botilbud_107", False, 19)


class TestNoDoubleBooking:
    def test_bed_taken(self, house, users, people):
        book(house, users["leder"], "K1", people.anna, "2024-02-01", "2024-02-03")
        with pytest.raises(BookingConflict) as e:
            book(house, users["leder"], "K1", people.erik, "2024-02-02", "2024-02-04")
        assert e.value.code == "bed_taken"

    def test_citizen_has_stay(self, house, users, people):
        book(house, users["leder"], "K1", people.erik, "2024-02-01", "2024-02-03")
        with pytest.raises(BookingConflict) as e:
            book(house, users["leder"], "R1", people.erik, "2024-02-02", "2024-02-03")
        assert e.value.code == "citizen_has_stay"

    def test_back_to_back_is_fine_and_cancel_frees(self, house, users, people):
        first = book(house, users["leder"], "K1", people.anna, "2024-02-01", "2024-02-03")
        # arrival 14:00 on 02-03 after departure 10:00 the same day
        book(house, users["leder"], "K1", people.erik, "2024-02-03", "2024-02-05")
        stay_cancel(stay=first, user=users["kommune"])
        book(house, users["leder"], "K1", people.dorte, "2024-02-01", "2024-02-03")
        assert Stay.objects.filter(status="booked").count() == 2

    def test_late_check_out_into_next_stay_works_and_the_period_stops_at_the_next(self, house, users, people):
        """Check-out after check-in always works: the guest left at 15:00, the next booking holds the bed from
        14:00, so the period (the plan) ends at 14:00 while the check-out keeps the actual time."""
        first = book(house, users["leder"], "K1", people.anna, "2024-02-01", "2024-02-03")
        book(house, users["leder"], "K1", people.erik, "2024-02-03", "2024-02-05")
        stay_check_in(stay=first, user=users["kommune"], at=at("2024-02-01"))
        stay_check_out(stay=first, user=users["kommune"], at=at("2024-02-03", 15))
        first.refresh_from_db()
        assert (first.status, first.checked_out_at, first.period.upper, first.nights) == (
            "checked_out", at("2024-02-03", 15), at("2024-02-03", 14), 2)


class TestLifeCycle:
    def test_check_in_out_scores_and_nights(self, house, users, people):
        stay = book(house, users["region"], "R1", people.bo, "2024-02-01", "2024-02-04")
        with pytest.raises(ValidationError):
            stay_check_in(stay=stay, user=users["region"], ors_score=41)
        stay_check_in(stay=stay, user=users["region"], at=at("2024-02-01", 15), ors_score=22)
        stay_check_out(stay=stay, user=users["region"], at=at("2024-02-03", 9), srs_score=35, end_note="Godt")
        stay.refresh_from_db()
        assert (stay.status, stay.ors_score, stay.srs_score, stay.nights) == ("checked_out", 22, 35, 2)
        assert stay.period.upper == at("2024-02-03", 9)

    def test_wrong_order_refused(self, house, users, people):
        stay = book(house, users["region"], "R1", people.bo, "2024-02-01", "2024-02-04")
        with pytest.raises(ValidationError):
            stay_check_out(stay=stay, user=users["region"])
        stay_cancel(stay=stay, user=users["region"], no_show=True)
        assert Stay.objects.get().status == StayStatus.NO_SHOW
        with pytest.raises(ValidationError):
            stay_check_in(stay=stay, user=users["region"])

    def test_other_sector_cannot_act(self, house, users, people):
        stay = book(house, users["region"], "R1", people.bo, "2024-02-01", "2024-02-04")
        for action in (stay_check_in, stay_cancel):
            with pytest.raises(PermissionDenied):
                action(stay=stay, user=users["kommune"])


class TestRequests:
    def test_booked_request(self, house, users, people):
        req = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                                  citizen=people.anna, requested_nights=2)
        stay = book(house, users["kommune"], "K1", people.anna, "2024-02-01", "2024-02-03", request=req)
        req.refresh_from_db()
        assert (req.outcome, req.stay_id) == (RequestOutcome.BOOKED, stay.pk)

    def test_turned_away_needs_reason_and_text_for_other(self, house, users):
        req = stay_request_record(house=house, sector="region", channel="in_person", user=users["region"])
        with pytest.raises(ValidationError):
            stay_request_turn_away(stay_request=req, reason="other", user=users["region"])
        stay_request_turn_away(stay_request=req, reason="no_bed", user=users["region"])
        req.refresh_from_db()
        assert (req.outcome, req.turn_away_reason) == ("turned_away", "no_bed")

    def test_other_sector_cannot_record(self, house, users):
        with pytest.raises(PermissionDenied):
            stay_request_record(house=house, sector="region", channel="phone", user=users["kommune"])

"""Longer stays: staff book beyond the frame as "afventer leder" (the bed held), a leader of the stay's sector
approves or declines (declined: shortened to the frame). Hand-worked: Bo's regional frame is the house's 3 nights;
a stay 10 Feb 14:00 -> 15 Feb 10:00 is 5 nights, its frame ends 13 Feb 10:00."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from beds.extension_services import ExtensionConflict, stay_extension_approve, stay_extension_decline
from beds.models import Stay
from beds.services import BookingConflict, stay_book, stay_cancel, stay_check_in, stay_check_out
from psykiatrihus.models import AuditEvent, Role
from psykiatrihus.scoping import access_for
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db
REASON = "Krise i nat; ingen leder på vagt"


def book(house, user, label, citizen, arrival, departure, **kw):
    return stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=at(arrival),
                     planned_departure=at(departure, 10), user=user, **kw)


@pytest.fixture
def pending(house, users, people):
    return book(house, users["region"], "R1", people.bo, "2024-02-10", "2024-02-15", extension_reason=REASON)


class TestBookingBeyondTheFrame:
    def test_staff_with_reason_books_pending_and_the_bed_is_held(self, house, users, people, pending):
        assert (pending.extension_state, pending.nights, pending.extension_frame_nights) == ("pending", 5, 3)
        assert pending.extension_frame_until == at("2024-02-13", 10)
        assert pending.extension_requested_departure == at("2024-02-15", 10) == pending.period.upper
        assert pending.extension_by is None and pending.extension_decided_at is None
        with pytest.raises(BookingConflict) as e:  # the nights beyond the frame are held too
            book(house, users["region"], "R1", people.erik, "2024-02-14", "2024-02-15")
        assert e.value.code == "bed_taken"

    def test_staff_without_reason_is_told_a_leader_decides(self, house, users, people):
        with pytest.raises(ValidationError) as e:
            book(house, users["region"], "R1", people.bo, "2024-02-10", "2024-02-15")
        message = e.value.message_dict["extension_reason"][0]
        assert "3 nætter" in message and "leder" in message
        assert not Stay.objects.exists()

    def test_within_the_frame_nothing_is_pending(self, house, users, people):
        stay = book(house, users["region"], "R1", people.bo, "2024-02-10", "2024-02-13", extension_reason=REASON)
        assert (stay.extension_state, stay.extension_frame_nights) == ("none", None)

    def test_a_leader_booking_beyond_the_frame_approves_it_at_once(self, house, users, people):
        stay = book(house, users["leder"], "R1", people.bo, "2024-02-10", "2024-02-15", extension_reason=REASON)
        assert (stay.extension_state, stay.extension_by, stay.nights) == ("approved", users["leder"], 5)
        assert stay.extension_decided_at is not None

    def test_a_leader_of_the_other_sector_cannot_book_there_at_all(self, house, people, make_member):
        kommune_leader = make_member(house, Role.LEADER, "kommune", username="kl")
        with pytest.raises(PermissionDenied):
            book(house, kommune_leader, "R1", people.bo, "2024-02-10", "2024-02-15", extension_reason=REASON)


class TestRight:
    def test_leaders_of_the_stays_sector_decide(self, house, users, make_member, pending):
        region_leader = make_member(house, Role.LEADER, "region", username="rl")
        kommune_leader = make_member(house, Role.LEADER, "kommune", username="kl")
        assert access_for(users["leder"], house).may_decide_extension(pending)
        assert access_for(region_leader, house).may_decide_extension(pending)
        assert not access_for(kommune_leader, house).may_decide_extension(pending)
        for who in ("region", "kommune", "peer", "styregruppe", "admin", "outsider"):
            assert not access_for(users[who], house).may_decide_extension(pending), who
        assert access_for(kommune_leader, house).decides_extensions
        assert not access_for(users["styregruppe"], house).decides_extensions

    @pytest.mark.parametrize("who", ["region", "kommune", "styregruppe", "admin", "peer"])
    def test_no_one_else_decides(self, users, pending, who):
        for decide in (lambda: stay_extension_approve(stay=pending, user=users[who]),
                       lambda: stay_extension_decline(stay=pending, user=users[who], note="Nej")):
            with pytest.raises(PermissionDenied):
                decide()
        pending.refresh_from_db()
        assert pending.extension_state == "pending"

    def test_a_leader_of_the_other_sector_is_refused(self, house, make_member, pending):
        with pytest.raises(PermissionDenied):
            stay_extension_approve(stay=pending, user=make_member(house, Role.LEADER, "kommune", username="kl"))


class TestApprove:
    def test_approve_keeps_the_whole_stay_and_is_audited(self, users, pending):
        stay = stay_extension_approve(stay=pending, user=users["leder"], note="OK, aftalt med Bo",
                                      at=at("2024-02-11", 8))
        stay.refresh_from_db()
        assert (stay.extension_state, stay.extension_by, stay.extension_decided_at) == (
            "approved", users["leder"], at("2024-02-11", 8))
        assert (stay.nights, stay.planned_departure, stay.extension_decision_note) == (
            5, at("2024-02-15", 10), "OK, aftalt med Bo")
        event = AuditEvent.objects.filter(detail="extension approved").get()
        assert (event.user, event.object_id, event.citizen_id) == (users["leder"], str(stay.pk), stay.citizen_id)

    def test_a_decision_is_made_once(self, users, pending):
        stay_extension_approve(stay=pending, user=users["leder"])
        for decide in (lambda: stay_extension_approve(stay=pending, user=users["leder"]),
                       lambda: stay_extension_decline(stay=pending, user=users["leder"], note="Nej")):
            with pytest.raises(ExtensionConflict) as e:
                decide()
            assert e.value.code == "not_pending"

    def test_a_stay_within_the_frame_has_nothing_to_decide(self, house, users, people):
        stay = book(house, users["region"], "R1", people.bo, "2024-02-10", "2024-02-12")
        with pytest.raises(ExtensionConflict) as e:
            stay_extension_approve(stay=stay, user=users["leder"])
        assert e.value.code == "not_pending"

    def test_a_cancelled_stay_is_closed(self, users, pending):
        stay_cancel(stay=pending, user=users["region"])
        with pytest.raises(ExtensionConflict) as e:
            stay_extension_approve(stay=pending, user=users["leder"])
        assert e.value.code == "stay_closed"


class TestDecline:
    def test_decline_needs_a_reason(self, users, pending):
        for note in ("", "   "):
            with pytest.raises(ValidationError) as e:
                stay_extension_decline(stay=pending, user=users["leder"], note=note)
            assert "note" in e.value.message_dict
        with pytest.raises(ValidationError):
            stay_extension_decline(stay=pending, user=users["leder"], note="x" * 5001)
        pending.refresh_from_db()
        assert pending.extension_state == "pending" and pending.nights == 5

    def test_decline_shortens_to_the_frame_and_frees_the_bed_after_it(self, house, users, people, pending):
        stay = stay_extension_decline(stay=pending, user=users["leder"], note="Rammen er 3 nætter; ring til Bo",
                                      at=at("2024-02-11", 8))
        stay.refresh_from_db()
        assert (stay.extension_state, stay.extension_by, stay.extension_decision_note) == (
            "declined", users["leder"], "Rammen er 3 nætter; ring til Bo")
        assert (stay.planned_departure, stay.period.upper, stay.nights) == (
            at("2024-02-13", 10), at("2024-02-13", 10), 3)
        assert stay.extension_requested_departure == at("2024-02-15", 10)  # what was asked stays on record
        other = book(house, users["region"], "R1", people.erik, "2024-02-13", "2024-02-15")
        assert other.bed_id == stay.bed_id
        assert AuditEvent.objects.filter(detail="extension declined", object_id=str(stay.pk)).count() == 1

    def test_a_guest_already_past_the_frame_is_due_to_leave_at_the_decision(self, users, pending):
        stay_check_in(stay=pending, user=users["region"], at=at("2024-02-10", 15))
        stay = stay_extension_decline(stay=pending, user=users["leder"], note="Ikke godkendt",
                                      at=at("2024-02-14", 9, 30))
        stay.refresh_from_db()
        assert (stay.status, stay.planned_departure, stay.nights) == ("checked_in", at("2024-02-14", 9, 30), 4)
        assert stay.extension_frame_until == at("2024-02-13", 10)
        stay = stay_check_out(stay=stay, user=users["region"], at=at("2024-02-14", 11))
        assert (stay.status, stay.nights) == ("checked_out", 4)

    def test_a_checked_in_guest_within_the_frame_gets_the_frames_end(self, users, pending):
        stay_check_in(stay=pending, user=users["region"], at=at("2024-02-10", 15))
        stay = stay_extension_decline(stay=pending, user=users["leder"], note="Nej", at=at("2024-02-11", 8))
        assert (stay.planned_departure, stay.nights, stay.status) == (at("2024-02-13", 10), 3, "checked_in")

    def test_an_early_check_in_moves_the_frame_with_the_arrival(self, users, pending):
        stay_check_in(stay=pending, user=users["region"], at=at("2024-02-09", 20))  # a day early
        stay = stay_extension_decline(stay=pending, user=users["leder"], note="Nej", at=at("2024-02-10", 8))
        assert (stay.arrival_date.isoformat(), stay.planned_departure, stay.nights) == (
            "2024-02-09", at("2024-02-12", 10), 3)

    def test_a_stay_that_ended_beyond_the_frame_cannot_be_shortened(self, users, pending):
        stay_check_in(stay=pending, user=users["region"], at=at("2024-02-10", 15))
        stay_check_out(stay=pending, user=users["region"], at=at("2024-02-14", 10))
        with pytest.raises(ExtensionConflict) as e:
            stay_extension_decline(stay=pending, user=users["leder"], note="Nej", at=at("2024-02-15", 8))
        assert e.value.code == "stay_ended"
        stay = stay_extension_approve(stay=pending, user=users["leder"], note="Efterfølgende godkendt")
        assert stay.extension_state == "approved"

    def test_a_stay_that_ended_within_the_frame_is_declined_as_it_was(self, users, pending):
        stay_check_in(stay=pending, user=users["region"], at=at("2024-02-10", 15))
        stay_check_out(stay=pending, user=users["region"], at=at("2024-02-12", 10))
        stay = stay_extension_decline(stay=pending, user=users["leder"], note="Nej", at=at("2024-02-12", 12))
        assert (stay.planned_departure, stay.period.upper, stay.nights) == (
            at("2024-02-13", 10), at("2024-02-12", 10), 2)


class TestDatabaseHoldsTheRules:
    """The check constraints refuse what the services never write (an admin or a script might)."""

    def _refused(self, pk: int, **values) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Stay.objects.filter(pk=pk).update(**values)

    def test_pending_needs_reason_and_frame_and_no_decision(self, users, pending):
        self._refused(pending.pk, extension_reason="")
        self._refused(pending.pk, extension_frame_until=None)
        self._refused(pending.pk, extension_by=users["leder"])
        self._refused(pending.pk, extension_state="maybe")

    def test_decided_needs_a_time_and_declined_a_note_and_a_short_stay(self, users, pending):
        self._refused(pending.pk, extension_state="approved")
        self._refused(pending.pk, extension_state="declined", extension_decided_at=at("2024-02-11", 8),
                      extension_decision_note="Nej")  # still 5 nights: not shortened
        self._refused(pending.pk, extension_state="declined", extension_decided_at=at("2024-02-11", 8),
                      planned_departure=at("2024-02-13", 10))  # no note
        Stay.objects.filter(pk=pending.pk).update(  # shortened, with a note: accepted
            extension_state="declined", extension_decided_at=at("2024-02-11", 8), extension_decision_note="Nej",
            planned_departure=at("2024-02-13", 10))


@pytest.mark.django_db(transaction=True)
def test_two_leaders_deciding_at_once_one_decision_wins(house, users, people, make_member):
    """The row lock (after the bed and citizen locks): of an approve and a decline sent at the same moment,
    exactly one is recorded and the other is told the stay is already decided."""
    import threading

    from django.db import connection

    stay = book(house, users["region"], "R1", people.bo, "2024-02-10", "2024-02-15", extension_reason=REASON)
    other_leader = make_member(house, Role.LEADER, "region", username="rl")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(kind: str) -> None:
        try:
            barrier.wait()
            if kind == "approve":
                stay_extension_approve(stay=Stay.objects.get(pk=stay.pk), user=users["leder"])
            else:
                stay_extension_decline(stay=Stay.objects.get(pk=stay.pk), user=other_leader, note="Nej",
                                       at=at("2024-02-11", 8))
            outcomes.append(kind)
        except ExtensionConflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(k,)) for k in ("approve", "decline")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stay.refresh_from_db()
    assert sorted(outcomes) in (["approve", "not_pending"], ["decline", "not_pending"])
    assert stay.extension_state == ("approved" if "approve" in outcomes else "declined")
    assert stay.nights == (5 if stay.extension_state == "approved" else 3)


def test_a_guest_moved_to_another_bed_is_shortened_on_the_new_bed(house, users, pending):
    """Declining after a move shortens the stay's last bed period (the bed periods follow the stay)."""
    from beds.move_services import stay_move

    stay_check_in(stay=pending, user=users["region"], at=at("2024-02-10", 15))
    stay_move(actor=users["region"], stay=pending, bed=bed(house, "R4"), at=at("2024-02-11", 12))
    stay = stay_extension_decline(stay=Stay.objects.get(pk=pending.pk), user=users["leder"], note="Nej",
                                  at=at("2024-02-12", 8))
    periods = [(p.bed.label, p.during.lower, p.during.upper) for p in stay.bed_periods.order_by("during")]
    assert periods == [("R1", at("2024-02-10", 14), at("2024-02-11", 12)),
                       ("R4", at("2024-02-11", 12), at("2024-02-13", 10))]
    assert (stay.bed.label, stay.nights) == ("R4", 3)

"""Enrolment limits and the waiting list (seats are guarded by a row lock on the activity)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from activities.models import Enrolment, EnrolmentStatus
from activities.selectors import enrolment_counts, waiting_position
from activities.services import activity_create, activity_seats_set, enrolment_create, enrolment_withdraw


@pytest.mark.django_db
class TestEnrolment:
    def test_seats_then_waiting_list_in_order(self, house, course, make_citizen):
        a, b, c, d = (make_citizen(house) for _ in range(4))
        ea, eb, ec, ed = (enrolment_create(activity=course, citizen=x) for x in (a, b, c, d))
        assert [e.status for e in (ea, eb, ec, ed)] == ["enrolled", "enrolled", "waiting", "waiting"]
        assert waiting_position(enrolment=ec) == 1 and waiting_position(enrolment=ed) == 2
        assert enrolment_counts(activity_ids=[course.pk])[course.pk] == {"enrolled": 2, "waiting": 2}

    def test_freed_seat_goes_to_first_in_line(self, house, course, make_citizen):
        a, b, c, d = (make_citizen(house) for _ in range(4))
        ea, _eb, ec, ed = (enrolment_create(activity=course, citizen=x) for x in (a, b, c, d))
        promoted = enrolment_withdraw(enrolment=ea)
        assert promoted.pk == ec.pk
        ec.refresh_from_db()
        ed.refresh_from_db()
        assert ec.status == "enrolled" and ec.enrolled_at is not None
        assert ed.status == "waiting" and waiting_position(enrolment=ed) == 1

    def test_leaving_the_waiting_list_frees_no_seat(self, house, course, make_citizen):
        a, b, c, d = (make_citizen(house) for _ in range(4))
        _ea, _eb, ec, ed = (enrolment_create(activity=course, citizen=x) for x in (a, b, c, d))
        assert enrolment_withdraw(enrolment=ec) is None
        ed.refresh_from_db()
        assert ed.status == "waiting" and waiting_position(enrolment=ed) == 1
        assert enrolment_counts(activity_ids=[course.pk])[course.pk] == {"enrolled": 2, "waiting": 1}

    def test_twice_is_refused_in_danish_but_again_after_withdrawal_is_fine(self, house, course, make_citizen):
        a = make_citizen(house)
        first = enrolment_create(activity=course, citizen=a)
        with pytest.raises(ValidationError) as exc:
            enrolment_create(activity=course, citizen=a)
        assert "allerede tilmeldt" in str(exc.value)
        enrolment_withdraw(enrolment=first)
        again = enrolment_create(activity=course, citizen=a)
        assert again.status == "enrolled"
        with pytest.raises(ValidationError):
            enrolment_withdraw(enrolment=first)

    def test_open_activity_takes_no_enrolment(self, house, open_activity, make_citizen):
        with pytest.raises(ValidationError) as exc:
            enrolment_create(activity=open_activity, citizen=make_citizen(house))
        assert "tælles i hoveder" in str(exc.value)

    def test_citizen_of_another_house_is_refused(self, house, other_house, course, make_citizen):
        with pytest.raises(ValidationError):
            enrolment_create(activity=course, citizen=make_citizen(other_house))

    def test_more_seats_promote_the_waiting_list(self, house, course, make_citizen):
        people = [make_citizen(house) for _ in range(5)]
        enrolments = [enrolment_create(activity=course, citizen=p) for p in people]
        promoted = activity_seats_set(activity=course, seats=4)
        assert [p.pk for p in promoted] == [enrolments[2].pk, enrolments[3].pk]
        with pytest.raises(ValidationError):
            activity_seats_set(activity=course, seats=3)

    def test_course_needs_seats_and_open_activity_has_none(self, house):
        with pytest.raises(ValidationError) as exc:
            activity_create(house=house, name="B-BAT", kind="course", seats=0)
        assert "mindst én plads" in str(exc.value)
        with pytest.raises(ValidationError):
            activity_create(house=house, name="Gåtur", kind="open", seats=8)


@pytest.mark.django_db(transaction=True)
def test_two_staff_racing_for_the_last_seat_cannot_overbook(house, make_citizen):
    course = activity_create(house=house, name="Søvnkursus", kind="course", offer="sleep", seats=1)
    citizens = [make_citizen(house) for _ in range(6)]
    barrier = threading.Barrier(len(citizens))
    errors: list[Exception] = []

    def enrol(citizen):
        try:
            barrier.wait()
            enrolment_create(activity=course, citizen=citizen)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(c,)) for c in citizens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = list(Enrolment.objects.filter(activity=course).values_list("status", flat=True))
    assert statuses.count(EnrolmentStatus.ENROLLED) == 1
    assert statuses.count(EnrolmentStatus.WAITING) == 5

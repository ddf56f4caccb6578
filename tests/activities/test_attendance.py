"""Head counts for open activities vs named attendance for courses."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.selectors import activity_attendance, session_figure, sessions_between
from activities.services import (
    attendance_record,
    attendance_toggle,
    enrolment_create,
    head_count_record,
    session_cancel,
    session_create,
    sessions_schedule,
)


def _today_at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))


@pytest.mark.django_db
class TestAttendance:
    def test_course_counts_named_present_only(self, house, course, make_citizen):
        a, b, c = (make_citizen(house) for _ in range(3))
        for x in (a, b, c):
            enrolment_create(activity=course, citizen=x)  # c waits: 2 seats
        session = session_create(activity=course, starts_at=_today_at(10))
        attendance_record(session=session, citizen=a)
        attendance_record(session=session, citizen=b, present=False)
        with pytest.raises(ValidationError) as exc:
            attendance_record(session=session, citizen=c)
        assert "ikke tilmeldt" in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            head_count_record(session=session, head_count=7)
        assert "navngivet fremmøde" in str(exc.value)
        s = sessions_between(house=house, start=timezone.localdate(), end=timezone.localdate()).get()
        assert s.named_present == 1 and session_figure(s) == 1

    def test_toggle_is_one_tap(self, house, course, make_citizen):
        a = make_citizen(house)
        enrolment_create(activity=course, citizen=a)
        session = session_create(activity=course, starts_at=_today_at(10))
        assert attendance_toggle(session=session, citizen=a).present is True
        assert attendance_toggle(session=session, citizen=a).present is False
        assert attendance_toggle(session=session, citizen=a).present is True

    def test_open_activity_by_head_with_optional_names(self, house, open_activity, make_citizen):
        session = session_create(activity=open_activity, starts_at=_today_at(13))
        head_count_record(session=session, head_count=9)
        session.refresh_from_db()
        assert session.head_count == 9
        with pytest.raises(ValidationError) as exc:
            head_count_record(session=session, head_count=-1)
        assert "negativt" in str(exc.value)
        # naming two people who came does not change the head count of 9 ...
        a, b = make_citizen(house), make_citizen(house)
        attendance_record(session=session, citizen=a)
        attendance_record(session=session, citizen=b)
        session.refresh_from_db()
        assert session.head_count == 9
        # ... and the head count cannot go below the named present
        with pytest.raises(ValidationError):
            head_count_record(session=session, head_count=1)

    def test_naming_more_than_the_head_count_raises_it(self, house, open_activity, make_citizen):
        session = session_create(activity=open_activity, starts_at=_today_at(13))
        attendance_record(session=session, citizen=make_citizen(house))
        session.refresh_from_db()
        assert session.head_count == 1

    def test_future_and_cancelled_sessions_take_no_attendance(self, house, open_activity):
        tomorrow = session_create(activity=open_activity, starts_at=_today_at(13) + datetime.timedelta(days=1))
        with pytest.raises(ValidationError) as exc:
            head_count_record(session=tomorrow, head_count=3)
        assert "på dagen" in str(exc.value)
        today = session_create(activity=open_activity, starts_at=_today_at(9))
        session_cancel(session=today)
        with pytest.raises(ValidationError) as exc:
            head_count_record(session=today, head_count=3)
        assert "aflyst" in str(exc.value)

    def test_schedule_puts_the_planned_sessions_in_the_calendar(self, house, course):
        start = timezone.make_aware(datetime.datetime(2026, 3, 17, 10, 0))  # DST change 29 March
        sessions = sessions_schedule(activity=course, first_starts_at=start)
        assert len(sessions) == 12
        assert {timezone.localtime(s.starts_at).hour for s in sessions} == {10}
        assert (sessions[-1].starts_at.date() - sessions[0].starts_at.date()).days == 77

    def test_monthly_attendance_summary(self, house, course, open_activity, make_citizen):
        a, b = make_citizen(house), make_citizen(house)
        enrolment_create(activity=course, citizen=a)
        enrolment_create(activity=course, citizen=b)
        s1 = session_create(activity=course, starts_at=_today_at(8))
        s2 = session_create(activity=course, starts_at=_today_at(10))
        attendance_record(session=s1, citizen=a)
        attendance_record(session=s1, citizen=b)
        attendance_record(session=s2, citizen=a)
        o1 = session_create(activity=open_activity, starts_at=_today_at(12))
        o2 = session_create(activity=open_activity, starts_at=_today_at(14))
        session_create(activity=open_activity, starts_at=_today_at(16))
        head_count_record(session=o1, head_count=5)
        head_count_record(session=o2, head_count=7)
        today = timezone.localdate()
        summary = activity_attendance(house=house, start=today, end=today)
        assert summary[course.pk]["sessions"] == 2
        assert summary[course.pk]["head_count"] == 3
        assert summary[course.pk]["unique_citizens"] == 2
        assert summary[open_activity.pk]["sessions"] == 3
        assert summary[open_activity.pk]["head_count"] == 12
        assert summary[open_activity.pk]["unique_citizens"] == 0

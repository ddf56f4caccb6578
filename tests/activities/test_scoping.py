"""Named attendance is personal data: runners and staff of the citizen's sectors only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from activities.selectors import (
    activity_may_manage,
    attendance_visible,
    enrolments_visible,
    month_counts,
)
from activities.services import activity_create, attendance_record, enrolment_create, session_create
from psykiatrihus.scoping import access_for


@pytest.fixture
def named(house, users, make_citizen):
    """A joint course run by the peer, with one municipal and one regional citizen present."""
    course = activity_create(house=house, name="ACT", kind="course", offer="act", seats=8, runners=[users["peer"]],
                             peer_led=True)
    k = make_citizen(house, "kommune", name="Kim Kommune", contract_on=datetime.date(2021, 1, 1))
    r = make_citizen(house, "region", name="Rie Region", contract_on=datetime.date(2021, 1, 1))
    for c in (k, r):
        enrolment_create(activity=course, citizen=c)
    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))
    session = session_create(activity=course, starts_at=starts)
    attendance_record(session=session, citizen=k)
    attendance_record(session=session, citizen=r)
    return {"course": course, "session": session, "k": k, "r": r}


@pytest.mark.django_db
class TestNamedScoping:
    def _names(self, user, house, named):
        access = access_for(user, house)
        return (sorted(e.citizen.name for e in enrolments_visible(access=access, activity=named["course"])),
                sorted(a.citizen.name for a in attendance_visible(access=access, session=named["session"])))

    def test_each_role_sees_only_what_it_may(self, house, users, named):
        both = ["Kim Kommune", "Rie Region"]
        assert self._names(users["peer"], house, named) == (both, both)  # runs the course
        assert self._names(users["kommune"], house, named) == (["Kim Kommune"], ["Kim Kommune"])
        assert self._names(users["region"], house, named) == (["Rie Region"], ["Rie Region"])
        assert self._names(users["leder"], house, named) == (both, both)
        assert self._names(users["styregruppe"], house, named) == ([], [])
        assert self._names(users["admin"], house, named) == ([], [])
        assert self._names(users["outsider"], house, named) == ([], [])

    def test_a_peer_who_does_not_run_it_sees_no_names(self, house, make_member, named):
        other_peer = make_member(house, "peer", "", username="peer2")
        assert self._names(other_peer, house, named) == ([], [])
        assert not activity_may_manage(access=access_for(other_peer, house), activity=named["course"])

    def test_staff_of_another_house_see_nothing(self, other_house, make_member, named):
        stranger = make_member(other_house, "municipal_staff", "kommune", username="silkeborg-k")
        assert self._names(stranger, other_house, named) == ([], [])
        assert not activity_may_manage(access=access_for(stranger, other_house), activity=named["course"])

    def test_who_may_manage(self, house, users, named):
        course = named["course"]
        region_course = activity_create(house=house, name="Søvn", kind="course", sector="region", seats=8)
        assert activity_may_manage(access=access_for(users["peer"], house), activity=course)
        assert activity_may_manage(access=access_for(users["kommune"], house), activity=course)
        assert not activity_may_manage(access=access_for(users["kommune"], house), activity=region_course)
        assert activity_may_manage(access=access_for(users["region"], house), activity=region_course)
        assert not activity_may_manage(access=access_for(users["styregruppe"], house), activity=course)
        assert not activity_may_manage(access=access_for(users["peer"], house), activity=region_course)

    def test_month_counts_shape(self, house):
        counts = month_counts(house=house, month=datetime.date(2021, 1, 1))
        assert counts == {"open_dialogue": None, "home_treatment": None,
                          "socialvagten": {"phone": 0, "in_person": 0, "days": 0},
                          "peers": {"peers": 0, "weekly_hours": 0.0, "conversations": 0}}

"""The demo is idempotent, fast, and in the evaluation's magnitude."""

from __future__ import annotations

import datetime
import time

import pytest

from activities import demo, selectors
from activities.models import Attendance, Enrolment, Session, SocialvagtenDay

D = datetime.date


@pytest.mark.django_db
def test_demo_twice_changes_nothing_and_matches_the_evaluation(house, make_citizen):
    for _ in range(12):
        make_citizen(house, "region", contract_on=D(2019, 3, 1))
    started = time.monotonic()
    demo.seed(house=house, stdout=None)
    assert time.monotonic() - started < 60
    counts = (Session.objects.count(), Enrolment.objects.count(), Attendance.objects.count(),
              SocialvagtenDay.objects.count())
    demo.seed(house=house, stdout=None)
    assert (Session.objects.count(), Enrolment.objects.count(), Attendance.objects.count(),
            SocialvagtenDay.objects.count()) == counts
    whole = {"house": house, "start": D(2019, 1, 1), "end": D(2022, 12, 31)}
    od = selectors.open_dialogue_meetings(**whole)["by_year"]
    assert [od[y]["meetings"] for y in ("2019", "2020", "2021", "2022")] == [31, 59, 61, 36]
    ht = selectors.home_treatment_counts(**whole)["by_year"]
    assert [ht[y]["unique_citizens"] for y in ("2019", "2020", "2021", "2022")] == [271, 377, 446, 226]
    sv = selectors.socialvagten_contacts(**whole)["by_year"]
    assert [sv[y]["total"] for y in ("2019", "2020", "2021")] == [6522, 8632, 7803]
    assert [sv[y]["per_day"] for y in ("2019", "2020", "2021")] == [17.9, 23.6, 21.4]
    rs = selectors.recovery_school_courses(**whole)["by_semester"]
    assert (rs["2019-spring"]["courses"], rs["2019-spring"]["enrolled"], rs["2019-spring"]["attended"]) == (
        13, 452, 421)
    assert selectors.budget(**whole)["by_year"]["2022"]["kommune"] == 15334413
    offers = selectors.house_offers_used(**whole)
    assert offers["users"] > 0 and offers["by_offer"]["sleep"] > 0
    assert counts[2] > 0

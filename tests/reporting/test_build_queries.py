"""The report build's query count: a year report (the year and the year before, every table, the rules) reads
a fixed number of statements per period, whatever the number of stays, months or sectors. A builder that loops per
sector, per month or per row fails here; a new table raises `CEILING` by its own few queries, on purpose."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.selectors import period_for

pytestmark = pytest.mark.django_db

# The hand-worked house (both sectors, contracts, rules, no activity records): the year, the year before and a
# trend column (its key tables) for each year of the house's history.
CEILING = 140


def test_year_report_figures_read_a_bounded_number_of_queries(dataset, django_assert_max_num_queries):
    from reporting.services import report_figures

    with django_assert_max_num_queries(CEILING):
        figures = report_figures(house=dataset.house, period=period_for(year=2021), formats=["pdf"],
                                 suppress_below=1)
    # the raw figures are the hand-worked ones (test_tables.py), for both periods
    assert figures["data"]["tables"]["stays"]["kommune"]["stays"] == 5
    assert figures["previous"]["tables"]["stays"]["kommune"]["stays"] == 1


def test_more_stays_read_no_more_queries(dataset):
    """A year without arrivals, then the same year with stays in both sectors: not one query more."""
    from reporting.services import report_figures
    from tests.reporting.conftest import stay_add

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            figures = report_figures(house=dataset.house, period=period_for(year=2022), formats=["json"],
                                     suppress_below=1)
        return len(captured.captured_queries), figures["data"]["tables"]["stays"]["kommune"]["stays"]

    before, stays_before = count()
    for citizen, sector, arrival, departure in [(dataset.a, "kommune", "2022-02-01", "2022-02-03"),
                                                (dataset.a, "region", "2022-03-01", "2022-03-02"),
                                                (dataset.a, "kommune", "2022-06-01", "2022-06-04")]:
        stay_add(house=dataset.house, user=dataset.leader, citizen=citizen, sector=sector, arrival=arrival,
                 departure=departure)
    after, stays_after = count()
    assert (stays_before, stays_after) == (0, 2)
    assert after == before


def test_the_rules_are_read_once_per_build(dataset, django_assert_num_queries):
    """Several tables ask which sectors use a rule; inside a build the versions are read once, outside it
    every call reads them afresh (a rule changed between two reports is seen)."""
    from reporting.tables.house_rules import report_rules, rules_read_once, sectors_using

    period = period_for(year=2021)
    with django_assert_num_queries(2):  # the versions once, the active beds once
        with rules_read_once():
            for _ in range(3):
                sectors_using(house=dataset.house, period=period, rule=lambda p: p.admits_bsk)
            rules = report_rules(house=dataset.house, period=period)
    assert set(rules) == {"kommune", "region"}
    with django_assert_num_queries(2):
        sectors_using(house=dataset.house, period=period, rule=lambda p: p.admits_bsk)
        sectors_using(house=dataset.house, period=period, rule=lambda p: p.admits_bsk)

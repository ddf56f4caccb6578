"""The report build's query count: a year report (the year and the year before, every table, the rules) reads
a fixed number of statements, whatever the number of stays, sectors or tables' rows. A new table adds its
own few queries; a builder that loops per sector, per month or per row would blow the ceiling."""

from __future__ import annotations

import pytest

from reporting.selectors import period_for

pytestmark = pytest.mark.django_db

# Measured for the hand-worked house (both sectors, contracts, rules): the year and the year before it.
CEILING = 120


def test_year_report_figures_read_a_bounded_number_of_queries(dataset, django_assert_max_num_queries):
    from reporting.services import report_figures

    with django_assert_max_num_queries(CEILING) as captured:
        figures = report_figures(house=dataset.house, period=period_for(year=2021), formats=["pdf"])
    tables = figures["data"]["tables"]
    # the figures are the hand-worked ones (test_tables.py), for both periods
    assert tables["stays"]["kommune"]["stays"] == 5
    assert figures["previous"]["tables"]["stays"]["kommune"]["stays"] == 1
    # the rule versions are read once per period, not once per table that asks which sectors use a rule
    policy_reads = [q for q in captured.captured_queries if "psykiatrihus_housepolicy" in q["sql"]]
    assert len(policy_reads) == 2


def test_the_build_does_not_query_per_row(dataset, django_assert_max_num_queries):
    """A quarter and a whole year (four times the months, more stays) read the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.services import report_figures

    counts = []
    for period in (period_for(year=2021, quarter=1), period_for(year=2021)):
        with CaptureQueriesContext(connection) as captured:
            report_figures(house=dataset.house, period=period, formats=["json"])
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]

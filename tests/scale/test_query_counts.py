"""Regression tests for the query-count fixes found by `make bench` (see docs/scaling.md)."""

from __future__ import annotations

import pytest

from reporting import selectors as s


@pytest.mark.django_db
class TestStayTableQueries:
    def test_both_sectors_in_one_query(self, house, django_assert_num_queries):
        """The stay table for a house-quarter is one SQL statement for both sectors (it was one ORM query per
        sector, ~97% of it spent compiling the expression in Python)."""
        period = s.period_for(year=2021, quarter=1)
        with django_assert_num_queries(1):
            tables = s.table_stays(house=house, period=period)
        assert set(tables) == {"kommune", "region"}
        assert tables["region"]["stays"] == 0
        assert tables["region"]["citizens_by_stays"] == {"1-2": 0, "3-9": 0, "10+": 0}
        assert tables["kommune"]["stays_per_citizen"] is None

    def test_one_sector_in_one_query(self, house, django_assert_num_queries):
        with django_assert_num_queries(1):
            table = s.table_stays_sector(house=house, sector="kommune", period=s.period_for(year=2021))
        assert table["nights"] == 0

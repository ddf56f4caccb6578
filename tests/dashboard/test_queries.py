"""The page loads with a bounded number of queries, independent of the length of the house's history, and
the heavy trends come from the cache (refreshed by the beat task) with their age shown."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.services import add_months, citizen_create, contract_create
from reporting.dashboard_services import dashboard_trends_refresh
from reporting.dashboard_tasks import dashboard_house_trends_refresh_task, dashboard_trends_refresh_task
from tests.dashboard.conftest import at, cpr_for, stay_make

D = datetime.timedelta(days=1)
WARM_BOUND = 25


def history(house, today, *, months: int, user, offset: int = 0):
    """One citizen per month with a 2-night stay in that month (`months` months back). Stays are checked in and
    out oldest first: a guest checked in is present until checked out, so history goes in time order, on beds
    the `state` fixture leaves free (K4-K5, and K6-K7 for a second batch)."""
    for i in reversed(range(months)):
        first = add_months(today.replace(day=1), -(i + 1))
        citizen = citizen_create(house=house, sector="kommune", name=f"Historik {offset + i}",
                                 cpr=cpr_for(datetime.date(1950 + (offset + i) % 40, 1 + i % 12, 5), 100 + offset + i))
        contract_create(house=house, citizen=citizen, sector="kommune", granted_on=first - 3 * D)
        label = f"K{4 + (i + offset) % 2 + (2 if offset else 0)}"
        stay_make(house=house, citizen=citizen, label=label, arrival=at(first + 2 * D, 14),
                  departure=at(first + 4 * D, 10), status="checked_out", user=user)


def page_queries(client, url="/rapporter/overblik/?months=36") -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
class TestQueryBound:
    def test_queries_do_not_grow_with_history(self, house, state, client_for):
        c = client_for("leder")
        # 26 months give the mirror-image figures their four observable cohorts (a query set each, at most 4).
        history(house, state.today, months=26, user=state.leader)
        cache.clear()
        short = page_queries(c)
        history(house, state.today, months=40, offset=50, user=state.leader)
        cache.clear()
        long = page_queries(c)
        assert long == short

    def test_warm_page_is_within_the_bound(self, house, state, client_for, django_assert_max_num_queries):
        history(house, state.today, months=12, user=state.leader)
        c = client_for("leder")
        c.get("/rapporter/overblik/?months=36")
        with django_assert_max_num_queries(WARM_BOUND):
            assert c.get("/rapporter/overblik/?months=36").status_code == 200

    def test_steering_page_and_api_are_within_the_bound(self, house, state, client_for,
                                                        django_assert_max_num_queries):
        c = client_for("styregruppe")
        c.get("/rapporter/overblik/")
        with django_assert_max_num_queries(10):
            assert c.get("/rapporter/overblik/").status_code == 200
        with django_assert_max_num_queries(15):  # the API reads the page's cache entry (DRF session auth on top)
            assert c.get("/api/v1/dashboard/?house=aarhus").status_code == 200
        leader = client_for("leder")
        leader.get("/api/v1/dashboard/?house=aarhus")  # the leaders' raw figures are a cache entry of their own
        with django_assert_max_num_queries(40):  # DRF session auth and the "now" part on top of the page's
            assert leader.get("/api/v1/dashboard/?house=aarhus").status_code == 200

    def test_unauthorised_user_is_refused_cheaply(self, state, client_for, django_assert_max_num_queries):
        c = client_for("kommune")
        with django_assert_max_num_queries(8):
            assert c.get("/rapporter/overblik/").status_code == 403


@pytest.mark.django_db
class TestCache:
    def test_trends_are_cached_until_the_beat_refresh(self, house, state, client_for):
        c = client_for("leder")
        before = c.get("/api/v1/dashboard/?house=aarhus&months=3").json()
        history(house, state.today, months=1, offset=200, user=state.leader)
        cached = c.get("/api/v1/dashboard/?house=aarhus&months=3").json()
        assert cached["trends"] == before["trends"] and cached["computed_at"] == before["computed_at"]
        # the house's beat task, run here (the fan-out on a real worker: test_refresh_worker.py)
        assert dashboard_house_trends_refresh_task(house.pk) == 6  # three windows, raw and suppressed
        after = c.get("/api/v1/dashboard/?house=aarhus&months=3").json()
        assert after["computed_at"] > before["computed_at"]
        assert sum(after["trends"]["stays"]["kommune"]) == sum(before["trends"]["stays"]["kommune"]) + 1

    def test_age_is_shown(self, house, state, client_for):
        dashboard_trends_refresh(house_ids=[house.pk])
        body = client_for("styregruppe").get("/rapporter/overblik/?months=3").content.decode()
        assert "Tallene er beregnet" in body and "(0 min. siden)" in body

    def test_beat_schedule_refreshes_the_dashboard(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["dashboard-trends-refresh"]
        assert entry["task"] == dashboard_trends_refresh_task.name
        assert entry["schedule"] <= 600

"""Writes for the dashboard: its heavy trend aggregates kept in Django's cache (no tables of our own).

The cache is the settings' DatabaseCache, shared by web and worker, so the beat task's refresh is what
the page reads. Each entry carries the moment it was computed; the page shows its age.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone

from psykiatrihus.models import House
from reporting.dashboard_selectors import TREND_WINDOWS, dashboard_trends

CACHE_VERSION = 1
# Longer than the refresh interval (settings: DASHBOARD_REFRESH_SECONDS) so a late beat never empties it.
CACHE_SECONDS = 15 * 60


def _key(house_id: int, months: int) -> str:
    return f"dashboard-trends:v{CACHE_VERSION}:{house_id}:{months}"


def dashboard_trends_store(*, house: House, months: int) -> dict:
    """Compute the trends now and put them in the cache with their time."""
    entry = {"computed_at": timezone.now().isoformat(), "data": dashboard_trends(house=house, months=months)}
    cache.set(_key(house.pk, months), entry, CACHE_SECONDS)
    return entry


def dashboard_trends_cached(*, house: House, months: int) -> tuple[dict, datetime.datetime]:
    """The trends and when they were computed: from the cache, or computed now on a miss."""
    entry = cache.get(_key(house.pk, months))
    if entry is None:
        entry = dashboard_trends_store(house=house, months=months)
    return entry["data"], datetime.datetime.fromisoformat(entry["computed_at"])


def dashboard_trends_refresh(*, house_ids: list[int] | None = None) -> int:
    """Recompute every window of every active house (the beat task). Returns the number of entries."""
    houses = House.objects.filter(active=True)
    if house_ids is not None:
        houses = houses.filter(pk__in=house_ids)
    count = 0
    for house in houses:
        for months in TREND_WINDOWS:
            dashboard_trends_store(house=house, months=months)
            count += 1
    return count

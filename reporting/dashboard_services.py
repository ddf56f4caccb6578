"""Writes for the dashboard: its heavy trend aggregates kept in Django's cache, and what the suppressed
trends published (`DashboardPublication`).

The cache is the settings' DatabaseCache, shared by web and worker, so the beat task's refresh is what
the page reads. Each entry carries the moment it was computed; the page shows its age. There are two kinds
of entry per house and window, never mixed: the leaders' raw monthly figures, and the quarterly figures
suppressed at the house's threshold for everyone else (`reporting.dashboard_grid`).
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from psykiatrihus.models import House
from reporting.dashboard_grid import dashboard_trends_grid, grid_window, publication_digest
from reporting.dashboard_selectors import TREND_WINDOWS, dashboard_trends, house_today
from reporting.disclosure import Publication
from reporting.models import DashboardPublication

CACHE_VERSION = 2
# Longer than the refresh interval (settings: DASHBOARD_REFRESH_SECONDS) so a late beat never empties it.
CACHE_SECONDS = 15 * 60


def _key(house: House, months: int, raw: bool) -> str:
    kind = "raw" if raw else f"grid{house.small_number_threshold}"
    return f"dashboard-trends:v{CACHE_VERSION}:{house.pk}:{months}:{kind}"


def dashboard_published(*, house: House, years: set[int], below: int) -> list[Publication]:
    """Everything published for the house at threshold `below` touching the calendar `years` (finished
    suppressed report runs and the dashboard's own quarters, oldest first): what the reports use."""
    from reporting.services import report_published
    from reporting.tables.periods import Period

    if not years:
        return []
    span = Period(start=datetime.date(min(years), 1, 1), end=datetime.date(max(years), 12, 31), label="")
    return report_published(house=house, period=span, below=below)


def dashboard_publications_store(*, house: House, below: int, publications: list[Publication]) -> int:
    """Keep each distinct publication once (a quarter rarely changes after it ends). Returns how many were new."""
    created = 0
    with transaction.atomic():
        for pub in publications:
            text = publication_digest(pub)
            digest = hashlib.sha256(text.encode()).hexdigest()
            _obj, new = DashboardPublication.objects.get_or_create(
                house=house, period_start=pub.start, period_end=pub.end, suppress_below=below, digest=digest,
                defaults={"figures": pub.to_json()})
            created += int(new)
    return created


def _grid_trends(*, house: House) -> dict:
    """The suppressed quarterly trends of the longest window, storing what they publish."""
    from reporting.dashboard_grid import GRID_QUARTERS, grid_quarters

    today = house_today(house=house)
    below = house.small_number_threshold
    years = {p.start.year for p in grid_quarters(today=today, count=max(GRID_QUARTERS.values()))}
    # mirror cohorts lie up to two years further back: take every year the figures can touch
    years |= set(range(min(years) - 2, max(years) + 1))
    published = dashboard_published(house=house, years=years, below=below)
    data, publications = dashboard_trends_grid(house=house, today=today, published=published)
    dashboard_publications_store(house=house, below=below, publications=publications)
    return data


def _entry(data: dict) -> dict:
    return {"computed_at": timezone.now().isoformat(), "data": data}


def dashboard_trends_store(*, house: House, months: int, raw: bool = True) -> dict:
    """Compute the trends now (raw monthly, or suppressed quarterly) and put them in the cache with their
    time. The suppressed ones are computed once for all windows (each window is a cut of the longest)."""
    if raw:
        entry = _entry(dashboard_trends(house=house, months=months))
        cache.set(_key(house, months, True), entry, CACHE_SECONDS)
        return entry
    full = _grid_trends(house=house)
    entries = {m: _entry(grid_window(full, months=m)) for m in TREND_WINDOWS}
    cache.set_many({_key(house, m, False): e for m, e in entries.items()}, CACHE_SECONDS)
    return entries[months]


def dashboard_trends_cached(*, house: House, months: int, raw: bool) -> tuple[dict, datetime.datetime]:
    """The trends and when they were computed: from the cache, or computed now on a miss. `raw` only for
    roles allowed raw figures (`Access.may_see_raw_figures`)."""
    entry = cache.get(_key(house, months, raw))
    if entry is None:
        entry = dashboard_trends_store(house=house, months=months, raw=raw)
    return entry["data"], datetime.datetime.fromisoformat(entry["computed_at"])


def dashboard_house_trends_refresh(*, house_id: int) -> int:
    """Recompute every window of one house, both kinds, into the cache the page reads (one beat task per house,
    so a slow or failing house holds up no other). Idempotent: it only overwrites the house's own entries, so a
    retried or redelivered task does no harm. A house deleted or no longer active is skipped. Returns the number
    of entries written."""
    house = House.objects.filter(pk=house_id, active=True).first()
    if house is None:
        return 0
    for months in TREND_WINDOWS:
        dashboard_trends_store(house=house, months=months, raw=True)
    dashboard_trends_store(house=house, months=TREND_WINDOWS[-1], raw=False)  # every window at once
    return 2 * len(TREND_WINDOWS)


def dashboard_trends_refresh(*, house_ids: list[int] | None = None) -> int:
    """Recompute every window of every (or the given) active house in this process. Returns the number of
    entries. The beat does not use it: it fans out one task per house (`dashboard_trends_refresh_schedule`)."""
    houses = House.objects.filter(active=True)
    if house_ids is not None:
        houses = houses.filter(pk__in=house_ids)
    return sum(dashboard_house_trends_refresh(house_id=pk) for pk in houses.order_by("pk").values_list("pk", flat=True))


def dashboard_trends_refresh_schedule() -> list[int]:
    """Celery beat: one refresh task per active house, returning their ids. One task for all houses grew with
    their number past its time limit, and one failing house lost the rest. A message not started before the
    next beat expires: that beat has queued a fresh one for the house."""
    from reporting.dashboard_tasks import dashboard_house_trends_refresh_task

    house_ids = list(House.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
    for house_id in house_ids:
        dashboard_house_trends_refresh_task.apply_async(args=[house_id], expires=settings.DASHBOARD_REFRESH_SECONDS)
    return house_ids

"""Reads behind the leader dashboard: the house "now" and the trends of the last 3/12/36 months.

Every selector runs a fixed number of queries, whatever the length of the house's history: counting is
done in SQL (GROUP BY with FILTER), and the only rows fetched into Python are bounded by the number of
beds (the 8-night bed grid) or by a page size (the lists behind a figure).

Aggregates (`now_*`, `trends_*`) take the sectors to count and never return names. Citizen-level rows
(`list_*`) take an `Access` and are filtered by `Access.citizen_filter`, the one place for sector walls.

Definitions (shown on the page too):
- night D = the night from date D to D+1. A stay covers night D when arrival date <= D < departure date
  (departure date = arrival date + nights, so a same-day stay covers no night). A checked-in guest whose
  planned departure has passed still occupies tonight; a guest leaving later today does not (one rule for
  the board, the dashboard and the API: `beds.night_selectors`). A bed block covers night D when it covers
  local midnight D+1 00:00, as in `beds.selectors.occupancy` (a cleaning block at noon does not take the bed
  out for the night).
- a bed is, per night, occupied (checked-in stay) > booked (booked stay) > blocked > free.
- "this week" = Monday of the current week up to and including today.
- follow-up overdue: an open contract whose `next_followup_due` is before today; soon due: within 30 days.
- contract about to expire: an open contract that is paused, or whose follow-up is more than 90 days
  overdue (eligibility has not been re-checked for a long time: the leader decides to continue or end it).
- færdigbehandling: a stay of that kind, checked in; days left of its 6 months from its arrival date.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from beds.aggregates import dashboard as bed_figures
from beds.figure_selectors import figure_stays, turned_away_requests, waiting_entries
from contracts.aggregates import dashboard as contract_figures
from contracts.figure_selectors import figure_contracts
from psykiatrihus.dates import add_months  # noqa: F401 (re-exported for callers)
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import Access

logger = logging.getLogger(__name__)

SECTORS: tuple[str, ...] = (Sector.KOMMUNE.value, Sector.REGION.value)
NIGHTS_AHEAD = 7  # tonight and the next 7 nights
SOON_DAYS = contract_figures.SOON_DAYS
EXPIRY_OVERDUE_DAYS = contract_figures.EXPIRY_OVERDUE_DAYS
FB_MONTHS = 6
TREND_WINDOWS = (3, 12, 36)
COUNTED_STAY_STATUSES = ("checked_in", "checked_out")
LENGTH_BUCKETS = ("0-1", "2", "3", "4", "5+")
TURN_AWAY_REASONS = ("no_bed", "not_eligible", "no_contract", "other")
LIST_LIMIT = 200


# --- dates -----------------------------------------------------------------------------------------


def _tz(house: House) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(house.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Copenhagen")


def house_today(*, house: House) -> datetime.date:
    return timezone.now().astimezone(_tz(house)).date()


def _local(house: House, day: datetime.date, hour: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=_tz(house))


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def window_months(*, today: datetime.date, months: int) -> list[datetime.date]:
    """First days of the last `months` months, the current (partial) month last."""
    first = today.replace(day=1)
    return [add_months(first, -i) for i in range(months - 1, -1, -1)]


# --- now: beds -------------------------------------------------------------------------------------


def now_beds(*, house: House, sectors: Iterable[str], start: datetime.date, nights: int = NIGHTS_AHEAD + 1) -> dict:
    """Per sector and night from `start`: beds occupied / booked / blocked / free. The rule is the bed
    board's (`beds.night_selectors`), so the board, the dashboard and the API agree about tonight."""
    from beds.night_selectors import bed_night_counts

    return bed_night_counts(house=house, sectors=[s for s in SECTORS if s in set(sectors)], start=start,
                            nights=nights)


# --- now: stays, requests, contracts ---------------------------------------------------------------


def now_movements(*, house: House, sectors: Iterable[str], today: datetime.date) -> dict:
    """Arrivals and departures today per sector (one query): expected vs done."""
    found = bed_figures.stay_movements_today(house=house, sectors=sectors, today=today)
    return {s: {k: found.get(s, {}).get(k, 0) for k in ("arrivals", "arrived", "departures", "departed")}
            for s in SECTORS if s in set(sectors)}


def now_turned_away(*, house: House, sectors: Iterable[str], since: datetime.date, today: datetime.date) -> dict:
    """Requests turned away from `since` to `today` (inclusive) per sector and reason (one query)."""
    rows = bed_figures.turned_away_counts(house=house, sectors=sectors, since=_local(house, since),
                                          until=_local(house, today + datetime.timedelta(days=1)))
    result = {s: {"total": 0, "reasons": {r: 0 for r in TURN_AWAY_REASONS}} for s in SECTORS if s in set(sectors)}
    for r in rows:
        part = result[r["sector"]]
        reason = r["reason"] or "other"
        part["reasons"][reason] = part["reasons"].get(reason, 0) + r["n"]
        part["total"] += r["n"]
    return result


def now_contracts(*, house: House, sectors: Iterable[str], today: datetime.date) -> dict:
    """Follow-ups overdue / due within 30 days and contracts about to expire, per sector (one query)."""
    found = contract_figures.open_contract_counts(house=house, sectors=sectors, today=today, soon_days=SOON_DAYS)
    keys = ("open", "overdue", "soon", "expiring", "paused")
    return {s: {k: found.get(s, {}).get(k, 0) for k in keys} for s in SECTORS if s in set(sectors)}


def fb_days_left(*, arrival_date: datetime.date, today: datetime.date) -> int:
    """Days left of the 6 months from arrival (negative: past the limit)."""
    return (add_months(arrival_date, FB_MONTHS) - today).days


def now_faerdigbehandling(*, house: House, sectors: Iterable[str], today: datetime.date) -> dict:
    """Færdigbehandling stays in the house: how many, the fewest days left (no names; one query)."""
    if Sector.KOMMUNE.value not in set(sectors):
        return {}
    arrivals = bed_figures.faerdigbehandling_arrival_dates(house=house, limit=50)
    left = sorted(fb_days_left(arrival_date=a, today=today) for a in arrivals)
    return {"stays": len(left), "days_left": left, "min_days_left": left[0] if left else None}


def dashboard_now(*, house: House, sectors: Iterable[str], today: datetime.date | None = None) -> dict:
    """The "now" part as JSON-ready aggregates (no names). About eight queries."""
    today = today or house_today(house=house)
    sectors = [s for s in SECTORS if s in set(sectors)]
    return {
        "today": today.isoformat(),
        "week_start": week_start(today).isoformat(),
        "beds": now_beds(house=house, sectors=sectors, start=today),
        "movements": now_movements(house=house, sectors=sectors, today=today),
        "turned_away_week": now_turned_away(house=house, sectors=sectors, since=week_start(today), today=today),
        "contracts": now_contracts(house=house, sectors=sectors, today=today),
        "faerdigbehandling": now_faerdigbehandling(house=house, sectors=sectors, today=today),
    }


# --- the house's rules today and the waiting list (issue 11) ----------------------------------------


WAITING_WINDOW_DAYS = 90


def now_rules(*, house: House, sectors: Iterable[str], today: datetime.date, suppress_below: int = 0) -> dict:
    """Per sector: the rules in force today as one line (`text`), and for sectors that admit by visitation
    the waiting list: `waiting` now, and the median wait of those who got a bed in the last 90 days
    (`placed_90d`, `median_days_90d`). A sector with neither rules of its own nor active beds is left out.
    Aggregates only; at most two queries (three when a sector has no rules of its own).

    With `suppress_below` N > 1 (a viewer without `Access.sees_small_live_counts`) a count from 1 to N-1 is
    "<N" and the median of fewer than N waits is None: it would be close to one citizen's wait, and exactly
    it for one. 0 stays 0."""
    from beds.selectors import house_rules_today, waiting_figures

    policies = {p.sector: p for p in house_rules_today(house=house, on_date=today, sectors=sectors)}
    sectors = list(policies)
    using_list = [s for s in sectors if policies[s].admits_visitation]
    figures = waiting_figures(house=house, start=today - datetime.timedelta(days=WAITING_WINDOW_DAYS - 1),
                              end=today) if using_list else {}
    result: dict = {}
    for sector in sectors:
        policy = policies[sector]
        entry: dict = {"text": policy.describe(), "valid_from": policy.valid_from.isoformat()
                       if policy.valid_from else None, "waiting_list": None}
        if sector in using_list:
            found = figures.get(sector, {})
            waiting, placed = found.get("waiting_now", 0), found.get("placed", 0)
            median = found.get("median_days")
            if suppress_below > 1:
                median = median if placed >= suppress_below else None
                waiting, placed = small_live_count(waiting, below=suppress_below), \
                    small_live_count(placed, below=suppress_below)
            entry["waiting_list"] = {"waiting": waiting, "placed_90d": placed, "median_days_90d": median}
        result[sector] = entry
    return result


def small_live_count(value: int, *, below: int) -> int | str:
    """A count of now as a viewer without small live counts sees it: 1 to `below`-1 as "<below", as in the
    reports. A live count is no publication (no period, no relation to other printed figures), so nothing
    else need be hidden with it."""
    return f"<{below}" if 0 < value < below else value


# --- trends ----------------------------------------------------------------------------------------


def _month_key(day: datetime.date | datetime.datetime) -> str:
    return f"{day.year}-{day.month:02d}"


def _series(rows, months: list[str], value: str) -> dict[str, list[int]]:
    found = {(r["sector"], _month_key(r["month"])): r[value] for r in rows}
    return {s: [int(found.get((s, m), 0) or 0) for m in months] for s in SECTORS}


def _percent(raw) -> float | None:
    """The occupancy percent from whatever `beds.selectors.occupancy` returns (dict or object)."""
    data = raw if isinstance(raw, dict) else getattr(raw, "__dict__", {})
    for key in ("percent", "occupancy_percent", "occupancy_pct"):
        value = data.get(key)
        if value is not None:
            return round(float(value), 1)
    for key in ("ratio", "occupancy", "rate"):
        value = data.get(key)
        if isinstance(value, int | float) or hasattr(value, "as_integer_ratio"):
            return round(float(value) * 100, 1)
    occupied = data.get("bed_nights_occupied", data.get("occupied_bed_nights"))
    available = data.get("bed_nights_available", data.get("available_bed_nights"))
    if occupied is not None and available:
        return round(100.0 * float(occupied) / float(available), 1)
    return None


def trends_occupancy(*, house: House, firsts: list[datetime.date], today: datetime.date) -> dict | None:
    """Occupancy per month and sector from the unified definition in `beds.selectors.occupancy`
    (bounded: 2 × months calls, independent of history). None until beds provides it."""
    from beds.selectors import occupancy

    result: dict = {}
    for sector in SECTORS:
        values = []
        for first in firsts:
            last = min(add_months(first, 1) - datetime.timedelta(days=1), today)
            values.append(_percent(occupancy(house=house, sector=sector, start=first, end=last)))
        result[sector] = values
    return result


def trends_stays(*, house: House, firsts: list[datetime.date], months: list[str]) -> dict:
    """Ordinary stays that took place, and unique citizens, per month of arrival (one query)."""
    rows = bed_figures.stays_per_month(house=house, start=firsts[0], end=add_months(firsts[-1], 1))
    return {"stays": _series(rows, months, "stays"), "citizens": _series(rows, months, "citizens")}


def trends_length_mix(*, house: House, firsts: list[datetime.date]) -> dict:
    """Ordinary stays in the window by nights: 0–1, 2, 3, 4, 5+ (one query)."""
    found = bed_figures.stay_length_mix(house=house, start=firsts[0], end=add_months(firsts[-1], 1))
    return {s: found.get(s, [0] * len(LENGTH_BUCKETS)) for s in SECTORS}


def trends_contracts(*, house: House, firsts: list[datetime.date], months: list[str]) -> dict:
    """New and ended contracts per month (two queries)."""
    rows = contract_figures.contracts_per_month(house=house, start=firsts[0], end=add_months(firsts[-1], 1))
    return {"new": _series(rows["new"], months, "n"), "ended": _series(rows["ended"], months, "n")}


def trends_turned_away(*, house: House, firsts: list[datetime.date], months: list[str]) -> dict:
    """Turned-away requests per month, and by reason over the window (one query)."""
    rows = bed_figures.turned_away_per_month(house=house, start=_local(house, firsts[0]),
                                             end=_local(house, add_months(firsts[-1], 1)), tz=_tz(house))
    per_month: dict[tuple[str, str], int] = {}
    reasons = {s: {r: 0 for r in TURN_AWAY_REASONS} for s in SECTORS}
    for r in rows:
        key = (r["sector"], _month_key(r["month"]))
        per_month[key] = per_month.get(key, 0) + r["n"]
        reason = r["reason"] if r["reason"] in TURN_AWAY_REASONS else "other"
        reasons[r["sector"]][reason] += r["n"]
    return {
        "per_month": {s: [per_month.get((s, m), 0) for m in months] for s in SECTORS},
        "reasons": {s: [reasons[s][r] for r in TURN_AWAY_REASONS] for s in SECTORS},
    }


def trends_activity_attendance(*, house: House, firsts: list[datetime.date], today: datetime.date) -> list | None:
    """Attendance (head count: open activities by head, courses by named present) per month, from
    `activities.selectors.activity_attendance` (two queries a month, bounded by the window)."""
    from activities.selectors import activity_attendance as selector

    values = []
    for first in firsts:
        last = min(add_months(first, 1) - datetime.timedelta(days=1), today)
        per_activity = selector(house=house, start=first, end=last)
        values.append(sum(int(a.get("head_count") or 0) for a in per_activity.values()))
    return values


MIRROR_COHORTS = 4
MIRROR_TREND_KEYS = ("citizens", "admissions_before", "admissions_after", "bed_days_before", "bed_days_after")


def trends_mirror(*, house: House, today: datetime.date) -> dict:
    """The mirror image of the last four quarterly cohorts (quarters in which a first contract was granted)
    whose year after the contract has ended for everyone (the quarter's last day + 365 days has passed),
    per sector, from `contracts.aggregates`; plus the
    house's nights of each cohort in its after-windows (`beds.aggregates`). A cohort smaller than the house's
    small-number threshold shows its size only: its admissions would be a few people's."""
    from beds.aggregates import stay_nights_in_windows
    from contracts.aggregates import WINDOW_DAYS, admissions_mirror, cohort_quarters, mirror_cohort_after_windows
    from reporting.tables.periods import period_for

    last_observable = today - datetime.timedelta(days=WINDOW_DAYS)
    periods = [period_for(year=y, quarter=q) for y, q in
               cohort_quarters(house=house, until=last_observable, count=MIRROR_COHORTS)]
    result: dict = {"cohorts": [f"{p.start.year} K{(p.start.month - 1) // 3 + 1}" for p in periods]}
    for sector in SECTORS:
        series: dict[str, list] = {key: [] for key in (*MIRROR_TREND_KEYS, "house_nights_after")}
        for p in periods:
            figures = admissions_mirror(house=house, sector=sector, start=p.start, end=p.end, today=today)
            small = 0 < figures["citizens"] < house.small_number_threshold
            windows = mirror_cohort_after_windows(house=house, sector=sector, start=p.start, end=p.end, today=today)
            figures["house_nights_after"] = stay_nights_in_windows(house=house, windows=windows)
            for key in series:
                series[key].append(None if small and key != "citizens" else figures[key])
        result[sector] = series
    return result


def dashboard_trends(*, house: House, months: int, today: datetime.date | None = None) -> dict:
    """All trend figures for the last `months` months, both sectors (the view filters by access).

    Heavy: cached by `dashboard_services.dashboard_trends_cached` and refreshed by a beat task."""
    if months not in TREND_WINDOWS:
        raise ValueError("months must be one of %s" % (TREND_WINDOWS,))
    today = today or house_today(house=house)
    firsts = window_months(today=today, months=months)
    keys = [_month_key(f) for f in firsts]
    return {
        "months": keys,
        "today": today.isoformat(),
        "occupancy": trends_occupancy(house=house, firsts=firsts, today=today),
        **trends_stays(house=house, firsts=firsts, months=keys),
        "length_mix": trends_length_mix(house=house, firsts=firsts),
        "contracts": trends_contracts(house=house, firsts=firsts, months=keys),
        "turned_away": trends_turned_away(house=house, firsts=firsts, months=keys),
        "activity_attendance": trends_activity_attendance(house=house, firsts=firsts, today=today),
        "mirror": trends_mirror(house=house, today=today),
    }


# --- the lists behind the figures (citizen level, scoped by Access) -------------------------------


LIST_FIGURES = (
    "in_house", "arrivals", "departures", "turned_away_week", "followups_overdue", "followups_soon",
    "contracts_expiring", "faerdigbehandling", "stays_month", "contracts_new_month", "contracts_ended_month",
    "turned_away_month", "waiting",
)


def _month_range(month: str) -> tuple[datetime.date, datetime.date]:
    year, mon = (int(x) for x in month.split("-"))
    first = datetime.date(year, mon, 1)
    return first, add_months(first, 1)


def list_rows(*, access: Access, figure: str, sector: str | None, today: datetime.date,
              month: str | None = None) -> tuple[str, QuerySet]:
    """(kind, queryset) of the records behind a figure, within the viewer's citizen-level scope.

    kind is "stay", "request", "contract" or "waiting" (the template's columns). Raises ValueError on a bad figure
    or month; the view answers 404."""
    house = access.house
    if figure not in LIST_FIGURES:
        raise ValueError(figure)
    if figure.endswith("_month"):
        if not month:
            raise ValueError("month")
        start, end = _month_range(month)
    if figure == "waiting":
        kind, qs = "waiting", waiting_entries(house=house)
    elif figure in ("in_house", "arrivals", "departures", "faerdigbehandling", "stays_month"):
        kind = "stay"
        qs = figure_stays(house=house, figure=figure, today=today, **({"start": start, "end": end}
                                                                       if figure == "stays_month" else {}))
    elif figure in ("turned_away_week", "turned_away_month"):
        kind = "request"
        if figure == "turned_away_week":
            since, until = _local(house, week_start(today)), _local(house, today + datetime.timedelta(days=1))
        else:
            since, until = _local(house, start), _local(house, end)
        qs = turned_away_requests(house=house, since=since, until=until)
    else:
        kind = "contract"
        qs = figure_contracts(house=house, figure=figure, today=today,
                              **({"start": start, "end": end} if figure.endswith("_month") else {}))
    if sector in SECTORS:
        qs = qs.filter(sector=sector)
    if kind == "request":
        # A request without a citizen is citizen-level data of its sector only.
        scoped = access.citizen_filter(qs.filter(citizen__isnull=False)) | access.filter_sector(
            qs.filter(citizen__isnull=True))
        return kind, scoped
    return kind, access.citizen_filter(qs)

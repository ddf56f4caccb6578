"""The dashboard's trends for roles without raw figures (the steering group): calendar quarters, suppressed
like the evaluation report.

Why not the leaders' monthly figures: months and windows that end today are off the report grid, so two
of them differ by a few days or by one person (the 12-month length mix minus the 3-month one is the mix of
nine arbitrary months). Here every figure belongs to one complete calendar quarter, and each quarter is one
publication for `reporting.disclosure`: the figures carry the report's own paths (`("stays", "kommune",
"stays")` is the report's stay count), so the audit joins them with what the house's reports published for
the same quarter, half-year or year (a cell a report hid stays hidden here, a year is the sum of its
quarters), and with the dashboard's own earlier publications (`DashboardPublication`), which later reports
are audited against too.

Reads only (the storing of what was published is `dashboard_services`).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable

from django.utils.translation import gettext as _

from psykiatrihus.models import House
from reporting.disclosure import DisclosureError, Publication, disclose, withhold
from reporting.tables.periods import Period, period_for
from reporting.tables.querysets import SECTORS
from reporting.tables.registry import TABLES

# Window (months, as the page offers them) -> complete calendar quarters shown.
GRID_QUARTERS = {3: 1, 12: 4, 36: 12}
LENGTH_BUCKETS = ("0-1", "2", "3", "4", "5+")
TURN_AWAY_REASONS = ("no_bed", "not_eligible", "no_contract", "other")
MIRROR_COHORTS = 4
MIRROR_KEYS = ("citizens", "admissions_before", "admissions_after", "bed_days_before", "bed_days_after")


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def grid_quarters(*, today: datetime.date, count: int) -> list[Period]:
    """The last `count` complete calendar quarters before `today`, oldest first (the running quarter is
    never shown: it would be a range ending today)."""
    year, quarter = quarter_of(today)
    result = []
    for _i in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        result.append(period_for(year=year, quarter=quarter))
    return result[::-1]


def quarter_key(period: Period) -> str:
    year, quarter = quarter_of(period.start)
    return f"{year}-Q{quarter}"


def quarter_label(key: str) -> str:
    year, quarter = key.split("-Q")
    return _("%(year)s K%(quarter)s") % {"year": year, "quarter": quarter}


# --- one quarter's raw figures, under the report's paths -------------------------------------------------


def _trend_tables(*, house: House, period: Period) -> dict:
    """The trend figures of one quarter, as the report's tables build them, trimmed to what the dashboard
    shows (a relation naming a figure left out is dropped by the audit: it publishes nothing)."""
    from activities.selectors import activity_attendance

    stays = TABLES["stays"].build(house=house, period=period)
    occupancy = TABLES["occupancy"].build(house=house, period=period)
    requests = TABLES["requests"].build(house=house, period=period)
    contracts = TABLES["contracts"].build(house=house, period=period)
    attendance = sum(int(a.get("head_count") or 0)
                     for a in activity_attendance(house=house, start=period.start, end=period.end).values())
    return {
        "stays": {s: {"stays": stays[s]["stays"], "unique_citizens": stays[s]["unique_citizens"],
                      "stays_by_nights": stays[s]["stays_by_nights"]} for s in SECTORS},
        "occupancy": {s: {k: occupancy[s][k] for k in ("bed_nights_available", "bed_nights_occupied", "percent")}
                      for s in SECTORS} if occupancy else {},
        "requests": {s: {"turned_away_reasons": requests[s]["turned_away_reasons"]} for s in SECTORS},
        "contracts": {s: {"new": contracts[s]["new"], "ended": contracts[s]["ended"]} for s in SECTORS},
        "activity_attendance": {"total": attendance},
    }


def _mirror_tables(*, house: House, period: Period, today: datetime.date) -> dict:
    """The mirror image of one quarterly cohort under the report's paths. A cohort smaller than the
    threshold publishes its size only (its admissions would be a few people's)."""
    from beds.aggregates import stay_nights_in_windows
    from contracts.aggregates import admissions_mirror, mirror_cohort_after_windows

    mirror, nights = {}, {}
    for sector in SECTORS:
        figures = admissions_mirror(house=house, sector=sector, start=period.start, end=period.end, today=today)
        if 0 < figures["citizens"] < house.small_number_threshold:
            mirror[sector] = {"citizens": figures["citizens"]}
            continue
        mirror[sector] = {k: figures[k] for k in MIRROR_KEYS}
        windows = mirror_cohort_after_windows(house=house, sector=sector, start=period.start, end=period.end,
                                              today=today)
        nights[sector] = {"house_nights_after": stay_nights_in_windows(house=house, windows=windows)}
    return {"admissions_mirror": mirror, "admissions_mirror_house_nights": nights}


def _mirror_cohorts(*, house: House, today: datetime.date) -> list[Period]:
    from contracts.aggregates import WINDOW_DAYS, cohort_quarters

    until = today - datetime.timedelta(days=WINDOW_DAYS)
    return [period_for(year=y, quarter=q) for y, q in cohort_quarters(house=house, until=until, count=MIRROR_COHORTS)]


# --- suppression ----------------------------------------------------------------------------------------


def _same_year(pub: Publication, period: Period) -> bool:
    """What a quarter's output can be combined with: outputs of the same calendar year (the same quarter,
    its half-year and year, and the year's other quarters that sum with it)."""
    return pub.start[:4] == str(period.start.year) or pub.end[:4] == str(period.start.year)


def grid_disclose(*, tables_by_period: list[tuple[Period, dict]], below: int,
                  published: Iterable[Publication]) -> tuple[dict[str, dict], list[Publication], list[str]]:
    """Each period's tables as they may leave the house, audited together with everything `published`
    for its year and with the periods disclosed before it here. A period the audit refuses is withheld
    (every non-zero figure "–"). Returns (shown tables by quarter key, the new publications, withheld keys)."""
    published = list(published)
    shown: dict[str, dict] = {}
    new: list[Publication] = []
    withheld: list[str] = []
    for period, raw in tables_by_period:
        earlier = [p for p in [*published, *new] if _same_year(p, period)]
        start, end = period.start.isoformat(), period.end.isoformat()
        try:
            tables, pub, _intervals = disclose(raw, below=below, start=start, end=end, published=earlier)
        except DisclosureError:
            tables, pub = withhold(raw, below=below, start=start, end=end)
            withheld.append(quarter_key(period))
        shown[quarter_key(period)] = tables
        new.append(pub)
    return shown, new, withheld


def _get(tables: dict, *path: str):
    value = tables
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def dashboard_trends_grid(*, house: House, today: datetime.date,
                          published: Iterable[Publication]) -> tuple[dict, list[Publication]]:
    """The steering group's trends for the longest window (12 quarters) and the publications they make; the
    shorter windows are its last quarters (`grid_window`), so a quarter shows the same figures in every
    window by construction. A figure is an int, "<N" (a count from 1 to N-1) or None ("–": hidden so that
    the "<N" cells cannot be worked out, or not published)."""
    below = house.small_number_threshold
    quarters = grid_quarters(today=today, count=max(GRID_QUARTERS.values()))
    cohorts = _mirror_cohorts(house=house, today=today)
    by_key: dict[str, tuple[Period, dict]] = {}
    for period in quarters:
        by_key[quarter_key(period)] = (period, _trend_tables(house=house, period=period))
    for period in cohorts:
        key = quarter_key(period)
        entry = by_key.setdefault(key, (period, {}))
        entry[1].update(_mirror_tables(house=house, period=period, today=today))
    ordered = sorted(by_key.values(), key=lambda item: item[0].start)
    shown, publications, withheld = grid_disclose(tables_by_period=ordered, below=below, published=published)
    keys = [quarter_key(p) for p in quarters]
    cohort_keys = [quarter_key(p) for p in cohorts]

    def series(*path: str) -> dict[str, list]:
        return {s: [_get(shown[k], path[0], s, *path[1:]) for k in keys] for s in SECTORS}

    data = {
        "grid": True,
        "suppress_below": below,
        "quarters": keys,
        "periods": [{"start": p.start.isoformat(), "end": p.end.isoformat()} for p in quarters],
        "today": today.isoformat(),
        "occupancy": series("occupancy", "percent"),
        "stays": series("stays", "stays"),
        "citizens": series("stays", "unique_citizens"),
        "length_mix": {s: [[_get(shown[k], "stays", s, "stays_by_nights", b) for b in LENGTH_BUCKETS]
                           for k in keys] for s in SECTORS},
        "contracts": {"new": series("contracts", "new"), "ended": series("contracts", "ended", "total")},
        "turned_away": {
            "per_quarter": series("requests", "turned_away_reasons", "total"),
            "reasons": {s: [[_get(shown[k], "requests", s, "turned_away_reasons", "counts", r)
                             for r in TURN_AWAY_REASONS] for k in keys] for s in SECTORS},
        },
        "activity_attendance": [_get(shown[k], "activity_attendance", "total") for k in keys],
        "mirror": {"cohorts": cohort_keys, **{s: {key: [_get(shown[k], "admissions_mirror", s, key)
                                                        for k in cohort_keys] for key in MIRROR_KEYS}
                                              for s in SECTORS}},
        "withheld": withheld,
    }
    for s in SECTORS:
        data["mirror"][s]["house_nights_after"] = [
            _get(shown[k], "admissions_mirror_house_nights", s, "house_nights_after") for k in cohort_keys]
    return data, publications


def grid_window(data: dict, *, months: int) -> dict:
    """The trends of the window `months` (3, 12, 36 -> the last 1, 4, 12 quarters) cut from the full ones."""
    n = GRID_QUARTERS[months]

    def cut(value):
        if isinstance(value, dict):
            return {k: cut(v) for k, v in value.items()}
        return value[-n:]

    result = dict(data)
    result["quarters"], result["periods"] = data["quarters"][-n:], data["periods"][-n:]
    for key in ("occupancy", "stays", "citizens", "length_mix", "contracts", "turned_away"):
        result[key] = cut(data[key])
    result["activity_attendance"] = data["activity_attendance"][-n:]
    result["withheld"] = [k for k in data["withheld"] if k in result["quarters"]]
    return result


def publication_digest(pub: Publication) -> str:
    """A stable text of a publication (to store each distinct one once)."""
    return json.dumps(pub.to_json(), sort_keys=True, ensure_ascii=False)

"""Udvikling: the key figures for every year since the house opened (a year report, the evaluation's columns
2019→2022), or the last five quarters (a quarter report) or half-years (a half-year report).

A trend column is the key figures (`reporting.key_figures`) of one more grid period, made from that period's
suppressed tables exactly as the report's own Nøgletal are: the report's period and the same period a year
before are the report's two publications; every other column is a publication of its own (the tables the key
figures are read from, for that period), suppressed and audited together with everything the house has
published for the same calendar year. So a trend cell for 2021 is the very cell the 2021 report printed or
hid (same period, same path), and the quarters of a year add up to it where the figure counts events
(`Table.flow`): `reporting.disclosure` sees both.

Pure functions: no database. The periods are chosen from the house's opening date (`first_day`); a period
that ends before it gets no column (not a column of zeros).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from reporting.key_figures import KEYS, key_figures, not_applicable
from reporting.tables.periods import Period, half_year, period_for, period_is_grid

QUARTERS = 5  # a quarter report: this quarter and the four before it
HALF_YEARS = 5
MAX_YEARS = 10  # a year report: at most the last ten years since the house opened


def _kind(period: Period) -> str | None:
    if not period_is_grid(period):
        return None
    months = (period.end.month - period.start.month) + 1
    return {3: "quarter", 6: "half", 12: "year"}.get(months)


def _key(period: Period) -> str:
    """"2021", "2021-K1", "2021-H2": the JSON key of a trend column."""
    kind = _kind(period)
    if kind == "quarter":
        return f"{period.start.year}-K{(period.start.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{period.start.year}-H{1 if period.start.month == 1 else 2}"
    return str(period.start.year)


def trend_periods(*, period: Period, first_day: datetime.date | None) -> list[Period]:
    """The trend's columns, oldest first, ending with the report's own period; none for a period off the
    grid (raw from–to reports). `first_day`: the day the house opened (None: unknown, no limit but the caps)."""
    kind = _kind(period)
    if kind is None:
        return []
    if kind == "year":
        first = period.start.year - MAX_YEARS + 1
        if first_day is not None:
            first = max(first, first_day.year)
        periods = [period_for(year=y) for y in range(first, period.start.year + 1)]
    elif kind == "quarter":
        year, quarter = period.start.year, (period.start.month - 1) // 3 + 1
        periods = []
        for _i in range(QUARTERS):
            periods.insert(0, period_for(year=year, quarter=quarter))
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    else:
        year, half = period.start.year, 1 if period.start.month == 1 else 2
        periods = []
        for _i in range(HALF_YEARS):
            periods.insert(0, half_year(year=year, half=half))
            year, half = (year - 1, 2) if half == 1 else (year, 1)
    if first_day is not None:
        periods = [p for p in periods if p.end >= first_day]
    # The report's own period keeps its label (a report always has its own column).
    return [*periods[:-1], period] if periods else [period]


def trends_table(*, columns: list[tuple[Period, dict]], first_day: datetime.date | None) -> dict:
    """`{"periods": [{"key", "label", "start", "end"}], "opened_on", sector: {figure: {period key: value}}}`
    from each column's published figures (`data` as `report_figures` returns it, suppressed). A value is
    what the Nøgletal would print for that period: a number, "<N", None (hidden); a figure the period has
    no table for (no contracts yet) or a share of nothing (`not_applicable`) is left out of that column."""
    periods = []
    sectors: dict[str, dict[str, dict[str, object]]] = {}
    for period, data in columns:
        key = _key(period)
        periods.append({"key": key, "label": period.label, "start": period.start.isoformat(),
                        "end": period.end.isoformat()})
        tables = data.get("tables") or {}
        for sector, figures in key_figures(data=data, previous=None).items():
            part = sectors.setdefault(sector, {})
            for name in KEYS:
                if name in figures and not not_applicable(tables=tables, key=name, sector=sector):
                    part.setdefault(name, {})[key] = figures[name]["value"]
    result: dict = {"periods": periods, "opened_on": first_day.isoformat() if first_day else None}
    for sector in ("kommune", "region"):
        if sector in sectors:
            result[sector] = {name: sectors[sector][name] for name in KEYS if name in sectors[sector]}
    return result


def trend_footnote(*, table: dict) -> str:
    """What the reader must know about the columns: the first one may be a part of a period, and a year
    report shows at most MAX_YEARS years."""
    notes = []
    opened = table.get("opened_on")
    periods = table.get("periods") or []
    if opened and periods and periods[0]["start"] < opened <= periods[0]["end"]:
        day = datetime.date.fromisoformat(opened)
        notes.append(_("%(period)s: fra husets åbning %(day)s.") % {
            "period": periods[0]["label"], "day": f"{day.day}.{day.month}.{day.year}"})
    if opened and periods and periods[0]["start"] > opened and len(periods) == MAX_YEARS:
        notes.append(_("De seneste %(n)s år; huset åbnede %(year)s.") % {"n": MAX_YEARS, "year": opened[:4]})
    notes.append(_("Hver kolonne er periodens nøgletal, som rapporten for perioden viser dem: et skjult tal "
                   "er også skjult her, og en kolonne tæller ikke, før huset åbnede."))
    return " ".join(notes)

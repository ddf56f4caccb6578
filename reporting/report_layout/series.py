"""Activity tables: one row per figure and one column per period (months, semesters, years, dates)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting.report_layout.cells import (
    MONTH_NAMES,
    NA,
    STRUCTURAL,
    Block,
    danish_day,
    flatten_figures,
    row_label,
    term_text,
    value_at,
)

SERIES_KEYS = ("by_year", "by_semester", "by_cohort", "by_date", "by_month")


MAX_COLUMNS = 8  # a monthly series with its year before would not fit the page: then the period only


WHOLE_YEAR_TABLES = frozenset({"budget"})


# Figures an activity selector gives as None when nothing is reported (attendance of a semester not yet in);
# anywhere else None is a figure hidden by suppression ("–").
NOT_REPORTED_AS_NONE = {"recovery_school": {("attended",)}}  # figures for the whole calendar year whatever the period


def _series_label(series: str, key: str, entry: dict, *, period: dict, one_year: bool, table_key: str,
                  short: bool = False) -> str:
    if series == "by_year":
        if one_year and table_key not in WHOLE_YEAR_TABLES:
            return period["label"]  # "1. kvartal 2022": the year's figures are those of the period
        return key
    if series == "by_month":
        year, month = key.split("-")
        name = MONTH_NAMES[int(month) - 1]
        return f"{name[:3]}. {year}" if short else f"{name} {year}"
    if series == "by_date":
        return danish_day(key)
    return str(entry.get("label") or term_text(key))


def _series_figures(entries: list[dict]) -> list[tuple]:
    """The figure paths of a series, in first-seen order (a sector's figures nested: kommune → employees)."""
    paths: list[tuple] = []
    for entry in entries:
        for path, _v in flatten_figures(entry or {}):
            if path not in paths:
                paths.append(path)
    # A sector not counted on one date (None) is no figure of its own: its figures are rows already.
    return [p for p in paths if not any(len(q) > len(p) and q[:len(p)] == p for q in paths)]


def series_block(*, key: str, table: dict, prev_table: dict, series: str, data: dict, previous: dict | None,
                  meta: tuple[str, str, str], labels: dict) -> Block:
    """An activity table as the evaluation lays it out: figures down, periods across (the year before first),
    Danish dates and month names, and the period's total where the period holds several of them."""
    title, explanation, footnote = meta
    period = data["period"]
    one_year = period["start"][:4] == period["end"][:4]
    current = list(table[series].items())
    before = list((prev_table.get(series) or {}).items()) if previous else []
    if len(current) + len(before) > MAX_COLUMNS:
        before = []
    prev_period = previous["period"] if previous else period
    short = len(current) + len(before) > 6
    columns_data = [(
        _series_label(series, k, e, period=prev_period, one_year=prev_period["start"][:4] == prev_period["end"][:4],
                      table_key=key, short=short), e, True) for k, e in before if k not in dict(current)]
    columns_data += [(_series_label(series, k, e, period=period, one_year=one_year, table_key=key, short=short), e,
                      False) for k, e in current]
    paths = _series_figures([e for _label, e, _prev in columns_data])
    totals = table.get("totals") if isinstance(table.get("totals"), dict) else table
    with_total = len(current) > 1 and any(value_at(totals, p) is not None and not isinstance(value_at(totals, p), dict)
                                          for p in paths)
    at_end = table.get("at_end") if isinstance(table.get("at_end"), dict) else None
    columns = [""] + [label for label, _e, _p in columns_data]
    if with_total:
        columns.append(_("I alt %(period)s") % {"period": period["label"]})
    notes = [footnote] if footnote else []
    end_dates = sorted({v["on_date"] for v in (at_end or {}).values() if isinstance(v, dict) and v.get("on_date")})
    if at_end is not None:
        columns.append(_("Ved periodens slutning"))
        if end_dates:
            notes.append(_("Ved periodens slutning: optællingen %(dates)s (den første dag efter perioden, ellers "
                           "den seneste før dens slutning).") % {"dates": ", ".join(danish_day(d) for d in end_dates)})
    if series in ("by_semester", "by_cohort") and not _semester_aligned(period):
        notes.append(_("Opgjort pr. semester: kolonnen viser hele semestret (forår = januar–juni, efterår = "
                       "juli–december), også den del, der ligger uden for perioden; den kan ikke sammenlignes "
                       "direkte med perioder af en anden længde."))
    if key in WHOLE_YEAR_TABLES and not (period["start"][5:] == "01-01" and period["end"][5:] == "12-31"):
        notes.append(_("Budgettet gælder hele året, også når rapporten dækker en kortere periode."))
    if not current:
        notes.append(_("Intet indberettet i perioden."))
    block = Block(key=key, title=title, explanation=explanation, footnote=" ".join(notes), columns=columns,
                  series=True, wide=len(columns) > 8)
    for path in paths:
        row: list = [row_label(path, labels)]
        for _label, entry, _prev in columns_data:
            value = value_at(entry, path)
            if value is None and key in NOT_REPORTED_AS_NONE and path in NOT_REPORTED_AS_NONE[key]:
                value = STRUCTURAL  # nothing reported yet, which is not a hidden figure
            row.append({"value": value if value is not None or _has_path(entry, path) else STRUCTURAL,
                        "share": None})
        if with_total:
            value = value_at(totals, path)
            row.append({"value": value if not isinstance(value, dict) and (value is not None or
                                                                             _has_path(totals, path)) else NA,
                        "share": None})
        if at_end is not None:
            row.append({"value": _at_end_value(at_end, path), "share": None})
        block.rows.append(row)
    return block


def _has_path(value, path: tuple) -> bool:
    for p in path:
        if not isinstance(value, dict) or p not in value:
            return False
        value = value[p]
    return True


def _at_end_value(at_end: dict, path: tuple):
    """Staff at the period's end for a row "Kommune · Medarbejdere"; the total only where both sectors counted."""
    if len(path) != 2:
        return NA
    sector, figure = path
    if sector == "total":
        parts = [at_end.get(s) for s in ("kommune", "region")]
        values = [p.get(figure) for p in parts if isinstance(p, dict)]
        if len(values) == 2 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return round(sum(values), 2) if any(isinstance(v, float) for v in values) else sum(values)
        return NA
    entry = at_end.get(sector)
    return entry.get(figure, NA) if isinstance(entry, dict) else STRUCTURAL


def _semester_aligned(period: dict) -> bool:
    return period["start"][5:] in ("01-01", "07-01") and period["end"][5:] in ("06-30", "12-31")

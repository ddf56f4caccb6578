"""The evaluation report's reads: every registered table for a house and a period, suppressed for publishing.

The tables themselves live in `reporting.tables` (one registry, one module per group of tables); the
small-number rule in `reporting.disclosure`. All counting is done with SQL aggregates (GROUP BY, FILTER,
subqueries); nothing loops over stays in Python.

Reporting reads other apps' tables read-only for aggregates (the owning apps' selectors cover single
records and bookings); occupancy and activity figures come from `beds.selectors` / `activities.selectors`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass

from psykiatrihus.models import House
from reporting.disclosure import Interval, Publication, disclose, report_suppress  # noqa: F401
from reporting.tables import TABLES, Period, period_for, previous_quarter
from reporting.tables.activities import ACTIVITY_TABLES, table_activities
from reporting.tables.contracts import (
    contracts_apply,
    table_contracts,
    table_contracts_by_quarter_granted,
    table_diagnoses,
    table_holders_activity,
    table_holders_age_gender,
    table_municipal_services,
    table_referral_sources,
    table_treatment_responsibility,
)
from reporting.tables.house_rules import report_rules, table_aftercare, table_stay_goals, table_waiting_list
from reporting.tables.periods import REPORT_LANGUAGE, half_year, period_is_grid
from reporting.tables.querysets import SECTORS
from reporting.tables.stays import (
    table_faerdigbehandling,
    table_nights_age_gender,
    table_occupancy,
    table_requests,
    table_stays,
    table_stays_both_sectors,
    table_stays_per_month,
    table_stays_sector,
)

__all__ = [  # the table builders, re-exported for callers that read one table
    "ACTIVITY_TABLES", "REPORT_LANGUAGE", "Period", "half_year", "period_for", "period_is_grid", "previous_quarter",
    "report_data", "report_figures", "report_rules",
    "report_tables",
    "table_activities", "table_aftercare", "table_contracts", "table_contracts_by_quarter_granted",
    "table_diagnoses", "table_faerdigbehandling", "table_holders_activity", "table_holders_age_gender",
    "table_municipal_services", "table_nights_age_gender", "table_occupancy", "table_referral_sources",
    "table_requests", "table_stay_goals", "table_stays", "table_stays_both_sectors", "table_stays_per_month",
    "table_stays_sector", "table_treatment_responsibility", "table_waiting_list",
]


def report_tables(*, house: House, period: Period, progress: Callable[[int], None] | None = None,
                  keys: Collection[str] | None = None) -> dict:
    """Every registered table (or only `keys`), raw (not suppressed). `progress(percent)` is called as tables
    finish. Tables the house's rules do not use are left out: contracts where nobody is admitted under one, and
    the waiting list, goals and post-stay follow-up where the rules have none (their builders return None)."""
    tables: dict = {}
    with_contracts = contracts_apply(house=house, period=period)
    for i, (key, table) in enumerate(TABLES.items(), start=1):
        if keys is not None and key not in keys:
            continue
        if table.uses_contracts and not with_contracts:
            continue
        value = table.build(house=house, period=period, **({"tables": tables} if table.from_tables else {}))
        if value is not None:
            tables[key] = value
        if progress:
            progress(int(100 * i / len(TABLES)))
    return tables


def _has_figures(value) -> bool:
    if isinstance(value, dict):
        return any(_has_figures(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_figures(v) for v in value)
    if isinstance(value, bool) or value is None:
        return False
    return value not in (0, 0.0, "")


def _drop_absent_sectors(tables: dict, *, served: set[str]) -> None:
    """A sector the house does not have (no beds, no rules of its own: Samsø's single municipal bed) and
    with no figure anywhere in the period gets no column of zeros in any table."""
    for sector in SECTORS:
        if sector in served:
            continue
        if any(_has_figures(t.get(sector)) for t in tables.values() if isinstance(t, dict)):
            continue
        for table in tables.values():
            if isinstance(table, dict):
                table.pop(sector, None)


@dataclass
class ReportFigures:
    """A report's figures as they may leave the house (`data`), the publication to store with the run (what
    was printed and hidden, for the audit of later reports), and the audit of its hidden small cells."""

    data: dict
    publication: Publication
    intervals: list[Interval]


def report_figures(*, house: House, period: Period, suppress_below: int | None = None,
                   progress: Callable[[int], None] | None = None,
                   published: list[Publication] | None = None) -> ReportFigures:
    """The report, suppressed across all its tables together with what was `published` before for the house
    (see `reporting.disclosure`). Raises DisclosureError when a small number could not be protected."""
    below = house.small_number_threshold if suppress_below is None else suppress_below
    raw = report_tables(house=house, period=period, progress=progress)
    rules = report_rules(house=house, period=period)
    _drop_absent_sectors(raw, served=set(rules))
    tables, publication, intervals = disclose(raw, below=below, start=period.start.isoformat(),
                                              end=period.end.isoformat(), published=published)
    data = {
        "house": house.slug,
        "house_name": house.name,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "suppress_below": below,
        "rules": rules,
        "tables": tables,
    }
    return ReportFigures(data=data, publication=publication, intervals=intervals)


def report_data(*, house: House, period: Period, suppress_below: int | None = None,
                progress: Callable[[int], None] | None = None,
                published: list[Publication] | None = None) -> dict:
    """The JSON report: `{"house", "period": {"start", "end"}, "tables": {...}}` (suppressed unless 0)."""
    return report_figures(house=house, period=period, suppress_below=suppress_below, progress=progress,
                          published=published).data


def report_trend_figures(*, house: House, period: Period, below: int, paths: dict[str, tuple[tuple[str, ...], ...]],
                         sectors: Collection[str], published: list[Publication] | None = None) -> ReportFigures:
    """One more period's figures `paths` (per table, paths inside a sector's section: a trend column publishes
    only the figures the key figures are read from), for the `sectors` the report shows, suppressed and audited
    together with what was `published` (see `reporting.trends`). Publishing no more than is shown keeps the
    column's suppression to what it prints. Raises DisclosureError when a small number could not be
    protected."""
    built = report_tables(house=house, period=period, keys=set(paths))
    raw: dict = {}
    for key, table in built.items():
        if not isinstance(table, dict):
            continue
        for sector in SECTORS:
            section = table.get(sector)
            if sector not in sectors or not isinstance(section, dict):
                continue
            for path in paths[key]:
                value = section
                for step in path:
                    value = value.get(step) if isinstance(value, dict) else None
                if value is None:
                    continue
                target = raw.setdefault(key, {}).setdefault(sector, {})
                for step in path[:-1]:
                    target = target.setdefault(step, {})
                target[path[-1]] = value
    tables, publication, intervals = disclose(raw, below=below, start=period.start.isoformat(),
                                              end=period.end.isoformat(), published=published)
    data = {"house": house.slug, "house_name": house.name,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
            "suppress_below": below, "tables": tables}
    return ReportFigures(data=data, publication=publication, intervals=intervals)


def house_history_start(*, house: House) -> datetime.date | None:
    """The first day the house's trends count from: its opening date, or where its records begin when that is
    not recorded (None: no records at all)."""
    if house.opened_on is not None:
        return house.opened_on
    from beds.aggregates import first_arrival
    from contracts.aggregates import first_grant

    days = [d for d in (first_arrival(house=house), first_grant(house=house)) if d is not None]
    return min(days) if days else None

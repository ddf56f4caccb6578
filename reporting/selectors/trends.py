"""The trend columns' reads: one more period's key tables, suppressed and audited with what the report
publishes (`reporting.trends` lays them out), and where the house's history begins."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from psykiatrihus.models import House
from reporting.disclosure import Publication, disclose
from reporting.selectors.figures import ReportFigures
from reporting.selectors.tables import report_tables
from reporting.tables import Period
from reporting.tables.querysets import SECTORS


def report_trend_figures(*, house: House, period: Period, below: int, paths: dict[str, tuple[tuple[str, ...], ...]],
                         sectors: Collection[str], published: list[Publication] | None = None,
                         built: dict | None = None) -> ReportFigures:
    """One more period's figures `paths` (per table, paths inside a sector's section: a trend column publishes
    only the figures the key figures are read from), for the `sectors` the report shows, suppressed and audited
    together with what was `published` (see `reporting.trends`). Publishing no more than is shown keeps the
    column's suppression to what it prints. Raises DisclosureError when a small number could not be
    protected. `built` is `trend_tables_raw` of the same period when it was read already."""
    if built is None:
        built = trend_tables_raw(house=house, period=period, paths=paths)
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


def trend_tables_raw(*, house: House, period: Period, paths: dict[str, tuple[tuple[str, ...], ...]]) -> dict:
    """The raw tables a trend column of `period` reads its `paths` from (inside the house only)."""
    return report_tables(house=house, period=period, keys=set(paths))


def house_history_start(*, house: House) -> datetime.date | None:
    """The first day the house's trends count from: its opening date, or where its records begin when that is
    not recorded (None: no records at all)."""
    if house.opened_on is not None:
        return house.opened_on
    from beds.aggregates import first_arrival
    from contracts.aggregates import first_grant

    days = [d for d in (first_arrival(house=house), first_grant(house=house)) if d is not None]
    return min(days) if days else None

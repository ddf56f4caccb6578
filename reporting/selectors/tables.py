"""The report's raw tables for a house and a period: every registered table built, before suppression.

The tables themselves live in `reporting.tables` (one registry, one module per group of tables); their
figures come from the owning apps' aggregates (`beds.aggregates`, `contracts.aggregates`,
`activities.selectors`). Raw figures never leave the house: `reporting.selectors.figures` suppresses them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from psykiatrihus.models import House
from reporting.tables import TABLES, Period
from reporting.tables.contracts import contracts_apply
from reporting.tables.house_rules import rules_read_once
from reporting.tables.querysets import SECTORS


def report_tables(*, house: House, period: Period, progress: Callable[[int], None] | None = None,
                  keys: Collection[str] | None = None) -> dict:
    """Every registered table (or only `keys`), raw (not suppressed). `progress(percent)` is called as tables
    finish. Tables the house's rules do not use are left out: contracts where nobody is admitted under one, and
    the waiting list, goals and post-stay follow-up where the rules have none (their builders return None)."""
    tables: dict = {}
    with rules_read_once():
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


def drop_absent_sectors(tables: dict, *, served: set[str]) -> None:
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

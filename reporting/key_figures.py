"""Nøgletal: the figures the steering group asks first, per sector, beside the same period a year before.

Made only from figures the report already publishes (after suppression), so the page discloses nothing the
tables do not: a hidden figure stays hidden here, a share is one published count over another, and a change
is the difference of two published figures. Follow-ups overdue: contracts whose follow-up deadline had
passed at the period's end (`tables.compliance`).
"""

from __future__ import annotations

SECTORS = ("kommune", "region")
# key: (table, path inside the sector's section); "turned_away_percent" is computed below.
SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "stays": ("stays", ("stays",)),
    "unique_citizens": ("stays", ("unique_citizens",)),
    "nights": ("stays", ("nights",)),
    "occupancy_percent": ("occupancy", ("percent",)),
    "contracts_in_force": ("contracts", ("active_at_end",)),
    "new_contracts": ("contracts", ("new",)),
}
KEYS = (*SOURCES, "turned_away_percent", "followups_overdue")


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _get(tables: dict, table: str, sector: str, path: tuple[str, ...]):
    value = (tables.get(table) or {}).get(sector)
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _turned_away_percent(tables: dict, sector: str):
    outcomes = _get(tables, "requests", sector, ("outcomes",)) or {}
    turned, total = (outcomes.get("counts") or {}).get("turned_away"), outcomes.get("total")
    if _number(turned) and _number(total) and total > 0:
        return round(100.0 * turned / total, 1)
    return None


def _figure(tables: dict, key: str, sector: str):
    if key == "turned_away_percent":
        return _turned_away_percent(tables, sector)
    if key == "followups_overdue":
        return _get(tables, "compliance", sector, ("followups_overdue_at_end",))
    table, path = SOURCES[key]
    return _get(tables, table, sector, path)


def key_figures(*, data: dict, previous: dict | None) -> dict:
    """`{sector: {key: {"value", "previous", "change"}}}` for the sectors the report has. A value is a published
    figure ("<5" and None pass through as they are); `change` only where both are numbers (percentage points for
    the shares) and both exist (none from an occupancy of no bed at all: `not_applicable`). A figure the
    report does not have at all (no contract tables, no follow-up table) is left out."""
    tables = data.get("tables") or {}
    before = (previous or {}).get("tables") or {}
    sectors = [s for s in SECTORS if any(isinstance(t, dict) and s in t for t in tables.values())]
    result: dict = {}
    for sector in sectors:
        figures = {}
        for key in KEYS:
            value = _figure(tables, key, sector)
            prior = _figure(before, key, sector) if previous else None
            if value is None and key != "turned_away_percent" and not _present(tables, key, sector):
                continue
            change = None
            if _number(value) and _number(prior) and not not_applicable(tables=tables, key=key, sector=sector) \
                    and not not_applicable(tables=before, key=key, sector=sector):
                change = round(value - prior, 1) if isinstance(value, float) or isinstance(prior, float) \
                    else value - prior
            figures[key] = {"value": value, "previous": prior, "change": change}
        result[sector] = figures
    return result


def not_applicable(*, tables: dict, key: str, sector: str) -> bool:
    """Whether the figure cannot exist for the period, which is not the same as hidden (printed "·", not "–"):
    the period has no table for it (no contracts yet), or it is a share of nothing (no request recorded, no
    bed-night available). Decided from the published denominators, which are never hidden when they are 0."""
    if not _present(tables, key, sector):
        return True
    if key == "turned_away_percent":
        outcomes = _get(tables, "requests", sector, ("outcomes",)) or {}
        return outcomes.get("total") == 0
    if key == "occupancy_percent":
        return _get(tables, "occupancy", sector, ("bed_nights_available",)) == 0
    return False


def _present(tables: dict, key: str, sector: str) -> bool:
    """Whether the report has the figure's table for the sector (a hidden figure is present, but None)."""
    if key == "followups_overdue":  # only where contracts are in force (their follow-ups)
        return "followups_overdue_at_end" in ((tables.get("compliance") or {}).get(sector) or {})
    table = SOURCES.get(key, ("requests",))[0]
    return isinstance((tables.get(table) or {}).get(sector), dict)


def source_paths() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Per table, the figures (paths inside a sector's section) the key figures are read from, with the counts
    a share is made of (occupied bed-nights for the occupancy, the requests for the turned-away share): all a
    trend column of another period publishes."""
    paths: dict[str, list[tuple[str, ...]]] = {}
    for table, path in SOURCES.values():
        paths.setdefault(table, []).append(path)
    paths.setdefault("occupancy", []).extend([("bed_nights_occupied",), ("bed_nights_available",)])
    paths["requests"] = [("outcomes", "counts", "turned_away"), ("outcomes", "total")]
    paths["compliance"] = [("followups_overdue_at_end",)]
    return {table: tuple(dict.fromkeys(p)) for table, p in paths.items()}


def source_tables() -> frozenset[str]:
    """The tables the key figures are read from (a trend column builds only these for its period)."""
    return frozenset(source_paths())

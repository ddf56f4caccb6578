"""Small-number suppression: what of the report's raw figures may leave the house.

Pure functions over the tables' JSON (no database): counts 1..below-1 become "<below", and figures from which
such a count could be recovered become None ("–" in the PDF/XLSX).
"""

from __future__ import annotations


def _small(value, n: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < n


def _mark(n: int) -> str:
    return f"<{n}"


def _leaves(cells: dict, path=()):
    for k, v in cells.items():
        if isinstance(v, dict):
            yield from _leaves(v, (*path, k))
        else:
            yield (*path, k), v


def _set(cells: dict, path: tuple, value) -> None:
    for k in path[:-1]:
        cells = cells[k]
    cells[path[-1]] = value


def _suppress_partition(part: dict, n: int) -> dict:
    """Primary: every cell 1..n-1 becomes "<n". Secondary: with exactly one small cell, the next smallest
    positive cell is hidden too (None), so a total known elsewhere cannot give it away; and the partition's
    total is hidden whenever a cell is."""
    cells = _copy(part["counts"])
    leaves = list(_leaves(cells))
    small = [path for path, v in leaves if _small(v, n)]
    for path in small:
        _set(cells, path, _mark(n))
    if len(small) == 1:
        others = sorted((v, path) for path, v in leaves if path not in small and isinstance(v, int) and v > 0)
        if others:
            _set(cells, others[0][1], None)
    total = part["total"]
    if small:
        total = None
    elif _small(total, n):
        total = _mark(n)
    return {**part, "counts": cells, "total": total}


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


# Figures that are not counts of people or their stays (never suppressed): dates, calendar counts, money.
NOT_PERSON_COUNTS = frozenset({"year", "months_reported", "days_reported", "courses", "courses_without_attendance",
                               "amount", "weekly_hours", "fte", "bed_nights_available", "hours_available"})
# Figures derived from their sibling counts (hidden when a sibling is suppressed).
DERIVED = frozenset({"total", "per_day", "contacts_per_citizen", "stays_per_citizen", "nights_per_stay",
                     "percent", "hours_percent"})


def _suppress_generic(value, n: int):
    """Walk a table: partitions get `_suppress_partition`; other dicts get the primary rule on their counts,
    and their derived figures (a total beside its parts, a ratio) are hidden if a sibling was suppressed."""
    if not isinstance(value, dict):
        return _mark(n) if _small(value, n) else value
    if "counts" in value and "total" in value:
        return _suppress_partition(value, n)
    out, suppressed = {}, False
    for key, item in value.items():
        if key in NOT_PERSON_COUNTS or key in DERIVED:
            out[key] = item
        elif isinstance(item, dict):
            out[key] = _suppress_generic(item, n)
        elif _small(item, n):
            out[key], suppressed = _mark(n), True
        else:
            out[key] = item
    for key in DERIVED & out.keys():
        if suppressed:
            out[key] = None
        elif key == "total" and _small(out[key], n):
            out[key] = _mark(n)
    return out


def suppress_stay_table(table: dict, n: int) -> dict:
    """The stay table's own rule (its keys are fixed by the JSON contract):
    a small bucket in `stays_by_nights` hides `stays`; in `citizens_by_stays` hides `unique_citizens`;
    averages are hidden when either of their parts is not shown."""
    if n <= 0:
        return _copy(table)
    by_nights = _suppress_partition({"counts": table["stays_by_nights"], "total": table["stays"]}, n)
    by_stays = _suppress_partition({"counts": table["citizens_by_stays"], "total": table["unique_citizens"]}, n)
    out = {
        "stays": by_nights["total"],
        "unique_citizens": by_stays["total"],
        "nights": _mark(n) if _small(table["nights"], n) else table["nights"],
        "stays_per_citizen": table["stays_per_citizen"],
        "nights_per_stay": table["nights_per_stay"],
        "max_stays_one_citizen": _mark(n) if _small(table["max_stays_one_citizen"], n)
        else table["max_stays_one_citizen"],
        "max_nights_one_citizen": _mark(n) if _small(table["max_nights_one_citizen"], n)
        else table["max_nights_one_citizen"],
        "citizens_by_stays": by_stays["counts"],
        "stays_by_nights": by_nights["counts"],
    }
    if not isinstance(out["stays"], int) or not isinstance(out["unique_citizens"], int):
        out["stays_per_citizen"] = None
    if not isinstance(out["stays"], int) or not isinstance(out["nights"], int):
        out["nights_per_stay"] = None
    return out


def _suppress_occupancy(section: dict, n: int) -> dict:
    out = dict(section)
    occupied = section.get("bed_nights_occupied")
    if _small(occupied, n):
        out["bed_nights_occupied"] = _mark(n)
        out["percent"] = None
        for key in list(out):
            if key.startswith("hours"):
                out[key] = None
    return out


def _suppress_waiting(section: dict, n: int) -> dict:
    """A small number of placements is shown as "<n" and its mean and median wait are hidden (with one or two
    citizens they are their own waits); a small number still waiting becomes "<n"."""
    out = dict(section)
    if _small(section["placed"], n):
        out.update(placed=_mark(n), mean_days=None, median_days=None)
    if _small(section["waiting_at_end"], n):
        out["waiting_at_end"] = _mark(n)
    return out


def report_suppress(tables: dict, *, below: int) -> dict:
    """The tables as they may leave the house: counts 1..below-1 become "<below", and every figure from
    which such a count could be recovered (totals, shares, averages) becomes None. `below=0`: raw."""
    if below <= 1:
        return _copy(tables)
    result = {}
    for key, table in tables.items():
        if key == "stays":
            result[key] = {s: suppress_stay_table(t, below) for s, t in table.items()}
        elif key == "occupancy":
            result[key] = {s: _suppress_occupancy(t, below) for s, t in table.items()}
        elif key == "waiting_list":
            result[key] = {s: _suppress_waiting(t, below) for s, t in table.items()}
        else:
            result[key] = _suppress_generic(table, below)
    return result


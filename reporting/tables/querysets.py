"""Shapes and constants shared by the table builders: the sectors, and how counts become partitions.

The counting itself happens in the owning apps' aggregates (`beds.aggregates`, `contracts.aggregates`,
`activities.selectors`); the builders turn their plain rows into the report's JSON here."""

from __future__ import annotations

from contracts.aggregates import AGE_BANDS, GENDERS
from psykiatrihus.models import Sector

SECTORS: tuple[str, ...] = (Sector.KOMMUNE.value, Sector.REGION.value)

__all__ = ["AGE_BANDS", "GENDERS", "SECTORS", "age_gender_partition", "counts_by", "partition"]


def counts_by(rows, key: str, keys: tuple[str, ...] | list[str], value: str = "n") -> dict[str, int]:
    """Fill a dict with every key (0 where the database returned nothing), in a fixed order."""
    found: dict[str, int] = {}
    for row in rows:  # rows may repeat a key when grouped by more columns: add them up
        found[row[key] or ""] = found.get(row[key] or "", 0) + int(row[value] or 0)
    result = {k: int(found.get(k, 0)) for k in keys}
    extra = sum(v for k, v in found.items() if k not in result)
    if extra:
        result["unknown"] = result.get("unknown", 0) + int(extra)
    return result


def partition(counts: dict, total: int | None = None) -> dict:
    """A partition: cells that add up to `total` (suppression hides the total with any small cell)."""
    if total is None:
        total = sum(v if isinstance(v, int) else sum(v.values()) for v in counts.values())
    return {"counts": counts, "total": total}


def age_gender_partition(rows, value: str = "n") -> dict:
    """Rows `{"band", "gender", value}` as a partition of age band × gender (every cell, 0 where absent)."""
    cells = {band: {g: 0 for g in GENDERS} for band in AGE_BANDS}
    for r in rows:
        if r["band"] in cells and r["gender"] in GENDERS:
            cells[r["band"]][r["gender"]] = int(r[value] or 0)
    return partition(cells)

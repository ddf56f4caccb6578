"""Querysets and small helpers shared by the table builders (read-only aggregates over other apps' tables)."""

from __future__ import annotations

import datetime

from django.db.models import Case, Func, IntegerField, Q, QuerySet, Value, When

from beds.models import Stay
from contracts.models import Contract
from psykiatrihus.models import House, Sector
from reporting.tables.periods import Period

SECTORS: tuple[str, ...] = (Sector.KOMMUNE.value, Sector.REGION.value)
# Stays that took place (cancelled and no-show stays did not).
COUNTED_STAY_STATUSES = ("checked_in", "checked_out")
AGE_BANDS = ("under_20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
GENDERS = ("F", "M")


def stays_in_period(*, house: House, sector: str, period: Period, ordinary_only: bool = True) -> QuerySet:
    qs = Stay.objects.filter(house=house, sector=sector, status__in=COUNTED_STAY_STATUSES,
                             arrival_date__gte=period.start, arrival_date__lte=period.end)
    if ordinary_only:
        qs = qs.filter(kind="ordinary")
    return qs.order_by()


def holders_in_period(*, house: House, sector: str, period: Period) -> QuerySet:
    """Contracts in force on at least one day of the period (granted before its end, not ended before it)."""
    return Contract.objects.filter(house=house, sector=sector, granted_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    ).order_by()


def contracts_active_at(*, house: House, sector: str, day: datetime.date) -> QuerySet:
    """Contracts in force at the end of `day` (a contract ended on `day` is no longer active)."""
    return Contract.objects.filter(house=house, sector=sector, granted_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    ).order_by()


class Age(Func):
    """Whole years between two dates (PostgreSQL AGE)."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()


def age_band(field: str) -> Case:
    bounds = [(20, "under_20"), (30, "20-29"), (40, "30-39"), (50, "40-49"), (60, "50-59"), (70, "60-69")]
    return Case(*[When(Q(**{f"{field}__lt": upper}), then=Value(band)) for upper, band in bounds],
                default=Value("70+"))


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
    cells = {band: {g: 0 for g in GENDERS} for band in AGE_BANDS}
    for r in rows:
        if r["band"] in cells and r["gender"] in GENDERS:
            cells[r["band"]][r["gender"]] = int(r[value] or 0)
    return partition(cells)

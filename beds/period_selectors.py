"""Reads of a stay's bed periods: the history shown on the stay and the beds a guest may move to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F, Prefetch
from django.utils import timezone

from beds.models import Bed, BedBlock, Stay, StayBedPeriod, StayStatus


@dataclass(frozen=True)
class BedStretch:
    bed_label: str
    start: datetime.datetime  # arrival, check-in or the move here
    end: datetime.datetime  # the move away, the check-out or the planned departure
    current: bool
    bed_id: int


def _periods_oldest_first():
    return StayBedPeriod.objects.select_related("bed").order_by(F("starts_at").asc(nulls_first=True))


def bed_periods_prefetch() -> Prefetch:
    """A stays query's `prefetch_related` for `stay_bed_stretches`: every stay's periods with their beds, oldest
    first, in one query for the whole page."""
    return Prefetch("bed_periods", queryset=_periods_oldest_first())


def stay_bed_stretches(*, stay: Stay, periods: list[StayBedPeriod]) -> list[BedStretch]:
    """The stay's `periods` (oldest first, with their beds) as where the guest lay when. A checked-in guest's
    stretches start at the check-in; periods without a night or an hour on the bed (a cancelled stay's) still
    show their bed."""
    result = []
    for i, period in enumerate(periods):
        span = period.presence if period.presence is not None and not period.presence.isempty else period.during
        start = period.starts_at or (span.lower if span and not span.isempty else stay.arrival)
        end = period.ends_at or (span.upper if span and not span.isempty and span.upper else stay.period.upper)
        result.append(BedStretch(bed_label=period.bed.label, start=start, end=end, current=i == len(periods) - 1,
                                 bed_id=period.bed_id))
    return result


def stay_bed_history(*, stay: Stay) -> list[BedStretch]:
    """Where the guest lay when, oldest first (one query; see `stay_bed_stretches`)."""
    return stay_bed_stretches(stay=stay, periods=list(_periods_oldest_first().filter(stay=stay)))


def stay_move_targets(*, stay: Stay, at: datetime.datetime | None = None) -> list[Bed]:
    """Active beds of the stay's sector (not its own) free from `at` (default now; a booked stay: its
    arrival) to the planned departure: no other booking, no other guest present, no block. Two queries
    plus the beds; the move service still decides."""
    if stay.status == StayStatus.BOOKED:
        start = stay.period.lower
    else:
        start = max(at or timezone.now(), stay.checked_in_at or stay.arrival)
    if start >= stay.period.upper:
        return []
    needed = DateTimeTZRange(start, stay.period.upper, "[)")
    others = StayBedPeriod.objects.filter(bed__house_id=stay.house_id).exclude(stay_id=stay.pk)
    busy = others.filter(holds=True, during__overlap=needed).values("bed_id")
    present = others.filter(presence__overlap=needed).values("bed_id")
    blocked = BedBlock.objects.filter(bed__house_id=stay.house_id, period__overlap=needed).values("bed_id")
    return list(Bed.objects.filter(house_id=stay.house_id, sector=stay.sector, active=True)
                .exclude(pk=stay.bed_id).exclude(pk__in=busy).exclude(pk__in=present).exclude(pk__in=blocked)
                .order_by("sort_order", "label"))

"""What each bed is on each night: THE one rule behind the bed board, the free beds tonight, the leader
dashboard (through `bed_night_counts`) and the API.

A stay covers night d (the night from local date d to d+1) when arrival date <= d < departure date, where the
departure is the end of `Stay.period` (the actual check-out once checked out, else the planned departure),
on the bed of its period covering that night (`period_nights`: a guest moved mid-stay is on the old bed up
to the move and on the new one after it).
One exception follows reality: a guest still checked in after the planned departure has passed (an overdue
check-out) keeps the bed through tonight, until someone checks them out. A guest leaving later today is not
overdue yet: the bed counts as free tonight, and the board shows the stay on last night's cell with its
check-out action.

Per bed and night the strongest state wins: occupied (checked in or out) > booked > blocked (a block covering
local midnight at the end of the night) > free. Booked, checked-in and checked-out stays hold a bed; cancelled
and no-show stays do not. Three queries whatever the history (beds, bed periods with their stays, blocks via
GiST range indexes).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Q
from django.utils import timezone

from beds.models import Bed, BedBlock, Stay, StayBedPeriod, StayStatus
from psykiatrihus.models import House, Sector

FREE, BOOKED, OCCUPIED, BLOCKED = "free", "booked", "occupied", "blocked"
_RANK = {FREE: 0, BLOCKED: 1, BOOKED: 2, OCCUPIED: 3}


@dataclass
class BedNight:
    night: datetime.date
    state: str = FREE
    stay: Stay | None = None
    block: BedBlock | None = None
    starts_here: bool = False  # the first night of the stay inside the window (where its name is written)
    overdue: bool = False  # the stay's guest is still checked in after the planned departure


@dataclass
class BedNights:
    beds: list[Bed]
    nights: list[datetime.date]
    by_bed: dict[int, list[BedNight]]
    today: datetime.date


def house_tz(house: House) -> ZoneInfo:
    return ZoneInfo(getattr(house, "time_zone", "") or "Europe/Copenhagen")


def _midnight(day: datetime.date, tz: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)


def stay_is_overdue(stay: Stay, *, now: datetime.datetime) -> bool:
    """Checked in, and the planned departure has passed: the guest is still in the bed."""
    return stay.status == StayStatus.CHECKED_IN and stay.planned_departure <= now


def stay_last_night_end(stay: Stay, *, tz: ZoneInfo, today: datetime.date, now: datetime.datetime) -> datetime.date:
    """The first night the stay no longer covers (its departure date; tomorrow for an overdue guest)."""
    end = stay.period.upper.astimezone(tz).date()
    if stay_is_overdue(stay, now=now):
        end = max(end, today + datetime.timedelta(days=1))
    return end


def period_nights(period: StayBedPeriod, *, stay: Stay, tz: ZoneInfo, today: datetime.date,
                  now: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The nights [first, end) a stay spends on one of its bed periods. The periods tile the stay's nights by
    local date: the night from d to d+1 belongs to the bed the guest is on at the end of local day d, so
    a guest moved on 2.12 at 09:30 has the night of 1.12 on the old bed and that of 2.12 on the new one."""
    first = stay.arrival_date if period.starts_at is None else period.starts_at.astimezone(tz).date()
    if period.ends_at is None:
        return first, stay_last_night_end(stay, tz=tz, today=today, now=now)
    return first, period.ends_at.astimezone(tz).date()


def bed_nights(*, house: House, start: datetime.date, days: int, sectors: Iterable[str] | None = None,
               now: datetime.datetime | None = None) -> BedNights:
    """The state of every active bed (of `sectors`, default all) on the `days` nights from `start`."""
    tz = house_tz(house)
    now = now or timezone.now()
    today = now.astimezone(tz).date()
    nights = [start + datetime.timedelta(days=i) for i in range(days)]
    beds_qs = Bed.objects.filter(house=house, active=True)
    if sectors is not None:
        beds_qs = beds_qs.filter(sector__in=sorted(set(sectors)))
    beds = list(beds_qs.order_by("sort_order", "label"))
    bed_ids = [b.pk for b in beds]
    window = DateTimeTZRange(_midnight(start, tz), _midnight(start + datetime.timedelta(days=days + 1), tz), "[)")
    by_bed = {b.pk: [BedNight(night=n) for n in nights] for b in beds}
    if not beds or not nights:
        return BedNights(beds=beds, nights=nights, by_bed=by_bed, today=today)
    # An overdue guest's period ended in the past: fetched too while the window reaches tonight.
    overdue = Q(ends_at__isnull=True, stay__status=StayStatus.CHECKED_IN, stay__planned_departure__lte=now,
                stay__arrival__lt=window.upper) \
        if start <= today < start + datetime.timedelta(days=days) else Q(pk__in=[])
    # A stay is on the bed of each of its periods (a guest who moved shows on the old bed up to the move).
    periods = list(StayBedPeriod.objects.filter(Q(during__overlap=window) | overdue, bed_id__in=bed_ids, holds=True)
                   .select_related("stay__citizen").order_by("stay__arrival", "stay_id", "during"))
    blocks = list(BedBlock.objects.filter(bed_id__in=bed_ids, period__overlap=window))
    index = {night: i for i, night in enumerate(nights)}
    blocks_by_bed: dict[int, list[BedBlock]] = defaultdict(list)
    for block in blocks:
        blocks_by_bed[block.bed_id].append(block)
    for bed_id, cells in by_bed.items():
        for cell in cells:
            midnight = _midnight(cell.night + datetime.timedelta(days=1), tz)
            for block in blocks_by_bed.get(bed_id, ()):
                if (block.period.lower is None or block.period.lower <= midnight) and (
                        block.period.upper is None or midnight < block.period.upper):
                    cell.state, cell.block = BLOCKED, block
    for period in periods:
        stay = period.stay
        cells = by_bed[period.bed_id]
        state = BOOKED if stay.status == StayStatus.BOOKED else OCCUPIED
        last = period.ends_at is None
        late = last and stay_is_overdue(stay, now=now)
        first_night, end = period_nights(period, stay=stay, tz=tz, today=today, now=now)
        night, first = max(first_night, start), True
        while night < end and night in index:
            cell = cells[index[night]]
            if _RANK[state] >= _RANK[cell.state]:
                cell.state, cell.stay, cell.starts_here, cell.overdue = state, stay, first, late
            first = False
            night += datetime.timedelta(days=1)
    return BedNights(beds=beds, nights=nights, by_bed=by_bed, today=today)


def bed_night_counts(*, house: House, sectors: Iterable[str], start: datetime.date, nights: int,
                     now: datetime.datetime | None = None) -> dict[str, list[dict]]:
    """Per sector (sector order) and night from `start`: beds, occupied, booked, blocked, free (aggregates)."""
    wanted = [s for s in Sector.values if s in set(sectors)]
    data = bed_nights(house=house, start=start, days=nights, sectors=wanted, now=now)
    result: dict[str, list[dict]] = {}
    for sector in wanted:
        beds = [b for b in data.beds if b.sector == sector]
        rows = []
        for i, night in enumerate(data.nights):
            counts = {OCCUPIED: 0, BOOKED: 0, BLOCKED: 0, FREE: 0}
            for bed in beds:
                counts[data.by_bed[bed.pk][i].state] += 1
            rows.append({"night": night.isoformat(), "beds": len(beds), "occupied": counts[OCCUPIED],
                         "booked": counts[BOOKED], "blocked": counts[BLOCKED], "free": counts[FREE]})
        result[sector] = rows
    return result


def free_tonight(*, house: House, sectors: Iterable[str], now: datetime.datetime | None = None) -> dict[str, int]:
    """Free beds tonight per sector the house has beds in (of `sectors`): the number above the board, on the
    front page, on "I huset nu" and in the dashboard's first night."""
    now = now or timezone.now()
    today = now.astimezone(house_tz(house)).date()
    counts = bed_night_counts(house=house, sectors=sectors, start=today, nights=1, now=now)
    return {sector: rows[0]["free"] for sector, rows in counts.items() if rows[0]["beds"]}


def free_tonight_from(data: BedNights) -> dict[str, int] | None:
    """The same figure from a window already loaded (the board), or None when tonight is outside it."""
    if data.today not in data.nights:
        return None
    i = data.nights.index(data.today)
    result: dict[str, int] = {}
    for sector in Sector.values:
        beds = [b for b in data.beds if b.sector == sector]
        if beds:
            result[sector] = sum(1 for b in beds if data.by_bed[b.pk][i].state == FREE)
    return result

"""Reads of beds and stays: occupancy (one definition for both sectors) and the bed board.

Occupancy definition (also in the README):
- A **bed-night** is one active bed on one night; the night of date d runs from d to d+1 (local
  Europe/Copenhagen dates).
- A stay **occupies** the nights arrival_date ≤ d < departure date, where the departure is the actual
  check-out time once checked out, else the planned departure (that is the end of `Stay.period`). Booked,
  checked-in and checked-out stays count; cancelled and no-show stays do not. A night is counted on the
  bed of the stay's period covering it (`beds.night_selectors.period_nights`: a guest moved mid-stay has
  the nights before the move's date on the old bed): a move between beds of one sector changes no
  sector figure, only the figures per bed (`beds.aggregates.occupancy_per_bed`).
- A night is **blocked** when a BedBlock of that bed covers local midnight at the end of the night
  (d+1 00:00). A cleaning block during the day therefore costs no night; a block across midnight does.
- **Available** bed-nights = active beds of the sector × nights in the period − blocked bed-nights.
  **Occupied** bed-nights = nights occupied by stays on active beds of the sector (a stay on a blocked night
  still counts as occupied). **percent** = occupied / available × 100 (0.0 when nothing is available).
- **Hours**: available = active beds × hours of the period − hours covered by blocks; occupied = overlap of
  the stays' periods with the period. The period runs from `start` 00:00 to `end + 1 day` 00:00 local time,
  so both `start` and `end` dates are included (a closed range of dates, as in reports).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Q, QuerySet
from django.utils import timezone

from beds.models import (
    AftercareStatus,
    Bed,
    BedBlock,
    Stay,
    StayAftercare,
    StayBedPeriod,
    StayRequest,
    StayStatus,
    WaitingListEntry,
    WaitingStatus,
)
from psykiatrihus.models import House
from psykiatrihus.scoping import Access

OCCUPANCY_SQL = """
WITH b AS (
    SELECT id FROM beds_bed
    WHERE house_id = %(house)s AND active AND (%(sector)s::text IS NULL OR sector = %(sector)s::text)
), n AS (
    SELECT g::date AS night FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS g
), w AS (
    SELECT tstzrange(%(start)s::date::timestamp AT TIME ZONE %(tz)s,
                     (%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s, '[)') AS r
)
SELECT
    (SELECT count(*) FROM b CROSS JOIN n
      WHERE NOT EXISTS (SELECT 1 FROM beds_bedblock k
                        WHERE k.bed_id = b.id
                          AND k.period @> ((n.night + 1)::timestamp AT TIME ZONE %(tz)s))) AS nights_available,
    (SELECT COALESCE(sum(GREATEST(0, LEAST((upper(p.during) AT TIME ZONE %(tz)s)::date, %(end)s::date + 1)
                                     - GREATEST((lower(p.during) AT TIME ZONE %(tz)s)::date, %(start)s::date))), 0)
       FROM beds_staybedperiod p, w
      WHERE p.bed_id IN (SELECT id FROM b) AND p.holds AND p.during && w.r)
      AS nights_occupied,
    (SELECT count(*) FROM b) * extract(epoch FROM upper(w.r) - lower(w.r)) / 3600.0
    - (SELECT COALESCE(sum(extract(epoch FROM upper(k.period * w.r) - lower(k.period * w.r))), 0) / 3600.0
         FROM beds_bedblock k WHERE k.bed_id IN (SELECT id FROM b) AND k.period && w.r) AS hours_available,
    (SELECT COALESCE(sum(extract(epoch FROM upper(p.during * w.r) - lower(p.during * w.r))), 0) / 3600.0
       FROM beds_staybedperiod p
      WHERE p.bed_id IN (SELECT id FROM b) AND p.holds AND p.during && w.r)
      AS hours_occupied
FROM w
"""


def occupancy(*, house: House, sector: str | None, start: datetime.date, end: datetime.date) -> dict:
    """Occupancy of a sector (None: the whole house) for the nights `start` … `end` (both included).

    See the module docstring for the definition. One SQL statement with aggregates; no Python loop over
    stays. Returns bed_nights_available, bed_nights_occupied, percent, hours_available, hours_occupied,
    hours_percent (percentages rounded to one decimal, 0.0 when nothing is available)."""
    if end < start:
        raise ValueError("end before start")
    tz = getattr(house, "time_zone", "") or "Europe/Copenhagen"
    with connection.cursor() as cursor:
        cursor.execute(OCCUPANCY_SQL, {"house": house.pk, "sector": sector or None, "start": start, "end": end,
                                       "tz": tz})
        available, occupied, hours_available, hours_occupied = cursor.fetchone()
    available, occupied = int(available), int(occupied)
    hours_available, hours_occupied = float(hours_available), float(hours_occupied)
    return {
        "bed_nights_available": available,
        "bed_nights_occupied": occupied,
        "percent": round(100.0 * occupied / available, 1) if available else 0.0,
        "hours_available": round(hours_available, 1),
        "hours_occupied": round(hours_occupied, 1),
        "hours_percent": round(100.0 * hours_occupied / hours_available, 1) if hours_available else 0.0,
    }


# --- bed board ------------------------------------------------------------------------------------

FREE, BOOKED, OCCUPIED, BLOCKED = "free", "booked", "occupied", "blocked"


@dataclass
class Cell:
    night: datetime.date
    state: str = FREE
    stay: Stay | None = None
    block: BedBlock | None = None
    starts_here: bool = False
    can_book: bool = False
    can_act: bool = False
    show_name: bool = False
    overdue: bool = False


@dataclass
class BoardRow:
    bed: Bed
    cells: list[Cell] = field(default_factory=list)
    can_book: bool = False


@dataclass
class Board:
    start: datetime.date
    nights: list[datetime.date]
    rows: list[BoardRow]
    today: datetime.date
    free_tonight: dict[str, int] | None = None  # per sector shown; None when tonight is outside the window


def _local_tz(house: House) -> ZoneInfo:
    return ZoneInfo(getattr(house, "time_zone", "") or "Europe/Copenhagen")


def window_range(*, house: House, start: datetime.date, days: int) -> DateTimeTZRange:
    """From `start` 00:00 to the morning after the last night (local)."""
    tz = _local_tz(house)
    lo = datetime.datetime.combine(start, datetime.time(0), tzinfo=tz)
    hi = datetime.datetime.combine(start + datetime.timedelta(days=days + 1), datetime.time(0), tzinfo=tz)
    return DateTimeTZRange(lo, hi, "[)")


def bed_board(*, house: House, access: Access, start: datetime.date, days: int = 14,
              sector: str | None = None, now: datetime.datetime | None = None) -> Board:
    """Beds as rows, `days` nights as columns, each night's state decided by `beds.night_selectors.bed_nights`
    (three queries whatever the history size). Names only for stays the user may see (`Access.sees_board_names`); other
    sectors see free/occupied/blocked (booked shown as occupied)."""
    from beds.night_selectors import bed_nights, free_tonight_from

    data = bed_nights(house=house, start=start, days=days, sectors=[sector] if sector else None, now=now)
    today = data.today
    rows = []
    for bed in data.beds:
        row = BoardRow(bed=bed, can_book=access.may_book(bed))
        for night in data.by_bed[bed.pk]:
            cell = Cell(night=night.night, state=night.state, stay=night.stay, block=night.block,
                        starts_here=night.starts_here, overdue=night.overdue)
            stay = night.stay
            if stay is None:
                cell.can_book = row.can_book and cell.state == FREE and cell.night >= today - datetime.timedelta(days=1)
            else:
                own = access.may_book(stay)
                named = access.sees_board_names(stay)  # the record rule: own sector, or consent
                if stay.status == StayStatus.BOOKED and not (named or own):
                    cell.state = OCCUPIED
                cell.show_name = named
                cell.can_act = own and stay.status in (StayStatus.BOOKED, StayStatus.CHECKED_IN)
            row.cells.append(cell)
        rows.append(row)
    return Board(start=start, nights=data.nights, rows=rows, today=today, free_tonight=free_tonight_from(data))


def availability(*, house: House, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per active bed and night (start … end, both included): free / booked / occupied / blocked, no names."""
    from psykiatrihus.scoping import NO_ACCESS

    days = (end - start).days + 1
    board = bed_board(house=house, access=NO_ACCESS, start=start, days=days)
    result = []
    for row in board.rows:
        result.append({
            "bed": row.bed.label,
            "sector": row.bed.sector,
            "may_be_faerdigbehandling": row.bed.may_be_faerdigbehandling,
            "nights": [{"date": c.night.isoformat(),
                        "state": OCCUPIED if c.state == BOOKED else c.state} for c in row.cells],
        })
    return result


def stays_visible(*, access: Access) -> QuerySet[Stay]:
    """Stays with citizen-level data the user may read (own sectors plus consented citizens)."""
    return access.citizen_filter(Stay.objects.all()).select_related("bed", "citizen")


def stay_requests_visible(*, access: Access) -> QuerySet[StayRequest]:
    return access.citizen_filter(StayRequest.objects.all()).select_related("citizen")


# --- waiting list and aftercare -------------------------------------------------------------------------


@dataclass
class WaitingItem:
    entry: WaitingListEntry
    position: int
    waited: datetime.timedelta

    @property
    def waited_days(self) -> float:
        return round(self.waited.total_seconds() / 86400, 1)


def waiting_list(*, access: Access, sector: str | None = None,
                 now: datetime.datetime | None = None) -> list[WaitingItem]:
    """Citizens waiting for a bed, first in line first (request time, then id), with how long they have
    waited. Only the sectors whose citizens the user may see."""
    now = now or timezone.now()
    entries = access.filter_sector(WaitingListEntry.objects.filter(status=WaitingStatus.WAITING))
    if sector is not None:
        entries = entries.filter(sector=sector)
    entries = (entries.select_related("citizen", "visitation").order_by("requested_at", "id"))
    items: list[WaitingItem] = []
    positions: dict[str, int] = {}
    for entry in entries:
        positions[entry.sector] = positions.get(entry.sector, 0) + 1
        items.append(WaitingItem(entry=entry, position=positions[entry.sector], waited=now - entry.requested_at))
    return items


def waiting_time(*, house: House, sector: str | None, start: datetime.date, end: datetime.date) -> dict:
    """Waiting time of the citizens who got a bed with arrival in [start, end] (local dates): how many,
    the mean, median and longest wait in days (aggregate, no citizen)."""
    tz = ZoneInfo(getattr(house, "time_zone", "") or "Europe/Copenhagen")
    lower = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    upper = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    qs = WaitingListEntry.objects.filter(house=house, status=WaitingStatus.PLACED, placed_at__gte=lower,
                                         placed_at__lt=upper)
    if sector:
        qs = qs.filter(sector=sector)
    waits = sorted((placed - requested).total_seconds() / 86400
                   for requested, placed in qs.values_list("requested_at", "placed_at"))
    if not waits:
        return {"placed": 0, "mean_days": None, "median_days": None, "max_days": None}
    mid = len(waits) // 2
    median = waits[mid] if len(waits) % 2 else (waits[mid - 1] + waits[mid]) / 2
    return {"placed": len(waits), "mean_days": round(sum(waits) / len(waits), 1), "median_days": round(median, 1),
            "max_days": round(waits[-1], 1)}


def aftercare_due(*, access: Access, on_or_before: datetime.date):
    """Planned safety visits/calls due by a date, in the user's sectors (a work list)."""
    due = StayAftercare.objects.filter(status=AftercareStatus.PLANNED, planned_on__lte=on_or_before)
    return (access.filter_sector(due, sector_field="stay__sector", house_field="stay__house")
            .select_related("stay", "stay__citizen", "stay__bed").order_by("planned_on", "id"))


def waiting_figures(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict]:
    """The waiting list in aggregate, per sector (no citizen), in one query:
    - `placed`: entries placed in a bed with arrival in [start, end] (local dates), and their `mean_days` and
      `median_days` of waiting (written up → arrival, as `waiting_time`);
    - `waiting_at_end`: written up before the end of `end` and neither placed nor withdrawn by then;
    - `waiting_now`: on the list at the time of the query (status waiting).
    Sectors without entries are absent."""
    tz = ZoneInfo(getattr(house, "time_zone", "") or "Europe/Copenhagen")
    lower = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    upper = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (WaitingListEntry.objects.filter(house=house, requested_at__lt=upper)
            .filter(Q(status=WaitingStatus.WAITING) | Q(status=WaitingStatus.PLACED, placed_at__gte=lower)
                    | Q(status=WaitingStatus.WITHDRAWN, withdrawn_at__gte=upper))
            .order_by().values_list("sector", "status", "requested_at", "placed_at", "withdrawn_at"))
    waits: dict[str, list[float]] = defaultdict(list)
    result: dict[str, dict] = {}
    for sector, status, requested_at, placed_at, withdrawn_at in rows:
        figures = result.setdefault(sector, {"placed": 0, "mean_days": None, "median_days": None,
                                             "waiting_at_end": 0, "waiting_now": 0})
        if status == WaitingStatus.WAITING:
            figures["waiting_now"] += 1
        if status == WaitingStatus.PLACED and placed_at < upper:
            waits[sector].append((placed_at - requested_at).total_seconds() / 86400)
        ended_at = placed_at if status == WaitingStatus.PLACED else withdrawn_at
        if ended_at is None or ended_at >= upper:
            figures["waiting_at_end"] += 1
    for sector, days in waits.items():
        days.sort()
        mid = len(days) // 2
        median = days[mid] if len(days) % 2 else (days[mid - 1] + days[mid]) / 2
        result[sector].update(placed=len(days), mean_days=round(sum(days) / len(days), 1),
                              median_days=round(median, 1))
    return result



def waiting_entry_get(*, access: Access, pk: int) -> WaitingListEntry | None:
    """An open or closed waiting-list entry of the user's citizen sectors (None outside the wall)."""
    if not 0 < pk < 2**62:
        return None
    return (access.filter_sector(WaitingListEntry.objects.all()).select_related("citizen", "visitation", "house")
            .filter(pk=pk).first())


def waiting_count(*, access: Access) -> int:
    """How many citizens wait for a bed in the user's citizen sectors (a number, no names)."""
    return access.filter_sector(WaitingListEntry.objects.filter(status=WaitingStatus.WAITING)).count()


def house_rules_today(*, house: House, on_date: datetime.date, sectors=None) -> list:
    """The rules in force on `on_date` for each sector the house uses (sector order): one with rules of its
    own or with active beds; a sector with neither (Samsø's region) is not in use. Two queries at most.
    `sectors` narrows to what the caller may see."""
    from psykiatrihus.models import Sector
    from psykiatrihus.policy import policy_versions

    policies = {p.sector: p for p in policy_versions(house=house, start=on_date, end=on_date)}
    wanted = [s for s in Sector.values if sectors is None or s in set(sectors)]
    defaults = [s for s in wanted if policies[s].is_default]
    if defaults:
        with_beds = set(Bed.objects.filter(house=house, active=True, sector__in=defaults).order_by()
                        .values_list("sector", flat=True).distinct())
        wanted = [s for s in wanted if s not in defaults or s in with_beds]
    return [policies[s] for s in wanted]


def beds_free_now(*, house: House, sectors, at: datetime.datetime | None = None) -> list[Bed]:
    """Active beds of `sectors` with no stay and no block in the next 24 hours from `at` (candidates for
    placing the first waiting citizen; the booking service still decides)."""
    at = at or timezone.now()
    window = DateTimeTZRange(at, at + datetime.timedelta(days=1), "[)")
    busy = StayBedPeriod.objects.filter(bed__house=house, holds=True, during__overlap=window).values("bed_id")
    blocked = BedBlock.objects.filter(bed__house=house, period__overlap=window).values("bed_id")
    return list(Bed.objects.filter(house=house, active=True, sector__in=sorted(sectors))
                .exclude(pk__in=busy).exclude(pk__in=blocked).order_by("sort_order", "label"))


def stay_goal_get(*, access: Access, pk: int):
    """A goal of a stay the user may read (None otherwise)."""
    from beds.models import StayGoal

    if not 0 < pk < 2**62:
        return None
    return (StayGoal.objects.filter(pk=pk, stay__in=stays_visible(access=access).values("pk"))
            .select_related("stay", "stay__house", "stay__citizen").first())


def aftercare_get(*, access: Access, pk: int) -> StayAftercare | None:
    if not 0 < pk < 2**62:
        return None
    return (StayAftercare.objects.filter(pk=pk, stay__in=stays_visible(access=access).values("pk"))
            .select_related("stay", "stay__house", "stay__citizen", "stay__bed").first())


def waiting_list_candidates(*, access: Access, on_date: datetime.date):
    """Visitation decisions in force in the user's booking sectors whose citizen neither waits already nor
    has a booked or current stay: what staff may put on the waiting list."""
    from contracts.selectors import visitations_in_force

    waiting = WaitingListEntry.objects.filter(house=access.house, status=WaitingStatus.WAITING).values("citizen_id")
    staying = Stay.objects.filter(house=access.house, status__in=(StayStatus.BOOKED, StayStatus.CHECKED_IN)
                                  ).values("citizen_id")
    return (visitations_in_force(access=access, on_date=on_date).exclude(citizen_id__in=waiting)
            .exclude(citizen_id__in=staying))


# --- requests for a stay (henvendelser) -----------------------------------------------------------------


OPEN_REQUEST_DAYS = 7


def stay_requests_open(*, access: Access, today: datetime.date | None = None,
                       days: int = OPEN_REQUEST_DAYS) -> list[StayRequest]:
    """Pending requests of the last `days` local days (today included) in the sectors whose citizens the user
    may see, oldest first: a call taken last night and not yet answered must not vanish at midnight. Older
    ones are stale and stay in the API. One query (the citizen joined); the caller audits the names shown."""
    if access.house is None or not access.citizen_sectors:
        return []
    tz = _local_tz(access.house)
    today = today or datetime.datetime.now(tz).date()
    start = datetime.datetime.combine(today - datetime.timedelta(days=days - 1), datetime.time(0), tzinfo=tz)
    end = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    return list(access.filter_sector(StayRequest.objects.filter(outcome="pending", requested_at__gte=start,
                                                                requested_at__lt=end))
                .select_related("citizen").order_by("requested_at", "id"))


def stay_request_actionable(*, access: Access, pk: int) -> StayRequest | None:
    """A request (any outcome) in one of the user's booking sectors, else None (the sector wall)."""
    if not 0 < pk < 2**62 or access.house is None:
        return None
    return (access.filter_sector(StayRequest.objects.filter(pk=pk), sectors=access.booking_sectors)
            .select_related("citizen", "house").first())


def stay_request_citizen_choices(*, access: Access, query: str = "", limit: int = 20) -> list:
    """Citizens the user may see (through `contracts.selectors.citizen_lookup`: name, birth date or exact CPR),
    for picking the citizen of a request; at most `limit`, by name and birth date. Two queries (the contracts
    the user sees tell namesakes apart)."""
    from contracts.selectors import citizen_lookup

    query = (query or "").strip()
    if not query:
        return []
    return citizen_lookup(access=access, query=query, limit=limit)[:limit]


def house_change_version(*, house: House) -> int:
    """The house's change counter (bumped by database triggers on beds, stays, blocks and requests)."""
    from beds.change_models import HouseChange

    return HouseChange.objects.filter(house=house).values_list("version", flat=True).first() or 0

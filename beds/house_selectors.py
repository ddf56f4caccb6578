"""Reads behind "I huset nu" (the night shift's page and `GET /api/v1/house-now/`): who is in the house now,
who is still to come today, who leaves today, who should have left, and the free beds tonight.

Names only where the user may see the stay (`Access.sees_board_names`); actions only where they may book it
(`Access.may_book`). The callers audit the names they show. Two queries for the stays plus three for the
free beds tonight (`beds.night_selectors.free_tonight`), whatever the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from beds.models import Stay, StayStatus
from beds.night_selectors import free_tonight, house_tz, stay_is_overdue
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import Access


@dataclass
class NowRow:
    stay: Stay
    show_name: bool
    may_act: bool
    overdue: bool = False

    @property
    def name(self) -> str | None:
        return self.stay.citizen.name if self.show_name else None


@dataclass
class HouseNow:
    now: datetime.datetime
    today: datetime.date
    in_house: list[NowRow] = field(default_factory=list)  # checked in now, by bed
    arrivals: list[NowRow] = field(default_factory=list)  # booked to arrive today (or earlier), not yet here
    departures: list[NowRow] = field(default_factory=list)  # checked in, planned departure later today
    overdue: list[NowRow] = field(default_factory=list)  # checked in, planned departure passed
    free_tonight: dict[str, int] = field(default_factory=dict)

    @property
    def named_stays(self) -> list[Stay]:
        seen: dict[int, Stay] = {}
        for row in (*self.in_house, *self.arrivals):
            if row.show_name:
                seen[row.stay.pk] = row.stay
        return list(seen.values())


def house_now(*, house: House, access: Access, now: datetime.datetime | None = None) -> HouseNow:
    """The house at `now` (default: now) as the user may see it."""
    now = now or timezone.now()
    tz = house_tz(house)
    today = now.astimezone(tz).date()
    end_of_today = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    stays = list(Stay.objects.filter(Q(status=StayStatus.CHECKED_IN)
                                     | Q(status=StayStatus.BOOKED, arrival__lt=end_of_today,
                                         planned_departure__gt=now),
                                     house=house, bed__active=True)
                 .select_related("bed", "citizen").order_by("bed__sort_order", "bed__label", "arrival"))
    result = HouseNow(now=now, today=today,
                      free_tonight=free_tonight(house=house, sectors=sorted(access.aggregate_sectors) or Sector.values,
                                                now=now))
    for stay in stays:
        row = NowRow(stay=stay, show_name=access.sees_board_names(stay), may_act=access.may_book(stay),
                     overdue=stay_is_overdue(stay, now=now))
        if stay.status == StayStatus.BOOKED:
            result.arrivals.append(row)
            continue
        result.in_house.append(row)
        if row.overdue:
            result.overdue.append(row)
        elif stay.planned_departure < end_of_today:
            result.departures.append(row)
    result.arrivals.sort(key=lambda r: (r.stay.arrival, r.stay.bed.sort_order))
    result.departures.sort(key=lambda r: r.stay.planned_departure)
    result.overdue.sort(key=lambda r: r.stay.planned_departure)
    return result


NOTES_LIMIT = 100


def handover_notes_visible(*, access: Access, since: datetime.date, limit: int = NOTES_LIMIT) -> list:
    """Handover notes from `since` on (newest first): a sector's general notes to its own staff; notes about a
    citizen to whoever may see that citizen's records of the sector (consent included). The caller audits."""
    from beds.handover_models import HandoverNote

    qs = HandoverNote.objects.filter(shift_date__gte=since)
    about = access.citizen_filter(qs.filter(citizen__isnull=False))
    general = access.filter_sector(qs.filter(citizen__isnull=True))
    return list((about | general).select_related("citizen", "created_by")
                .order_by("-shift_date", "-created_at", "-id")[:limit])


def attention_visible(*, access: Access, on_date: datetime.date) -> list:
    """The attention list in force on `on_date` (until-date first), as far as the user may see the citizens."""
    from beds.handover_models import AttentionItem

    return list(access.citizen_filter(AttentionItem.objects.filter(until__gte=on_date))
                .select_related("citizen", "created_by").order_by("until", "id"))


def attention_get(*, access: Access, pk: int):
    from beds.handover_models import AttentionItem

    if not 0 < pk < 2**62:
        return None
    return access.citizen_filter(AttentionItem.objects.filter(pk=pk)).select_related("house", "citizen").first()

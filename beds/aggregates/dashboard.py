"""Aggregates behind the leader dashboard's "now" and its monthly trends: plain counts per sector, no names.

Each is one query, whatever the length of the house's history (GROUP BY with FILTER in SQL). The definitions
are the dashboard's (see `reporting.dashboard_selectors`): a stay that took place is checked in or out; the
departure date is the arrival date plus the nights; requests count by their local date in the house.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.db.models import Count, DateField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth

from beds.aggregates.stays import USED_STATUSES
from beds.models import Stay, StayRequest
from psykiatrihus.models import House

DASHBOARD_LENGTH_BUCKETS = ("0-1", "2", "3", "4", "5+")


def _departure_date() -> ExpressionWrapper:
    return ExpressionWrapper(F("arrival_date") + F("nights"), output_field=DateField())


def stay_movements_today(*, house: House, sectors: Iterable[str], today: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector: arrivals today (expected, and of them arrived) and departures today (due among the stays
    that came, and of them checked out). Sectors without any are left out."""
    rows = (
        Stay.objects.filter(house=house, sector__in=list(sectors), status__in=("booked", *USED_STATUSES))
        .annotate(dep=_departure_date())
        .filter(Q(arrival_date=today) | Q(dep=today))
        .order_by().values("sector")
        .annotate(
            arrivals=Count("id", filter=Q(arrival_date=today)),
            arrived=Count("id", filter=Q(arrival_date=today, status__in=USED_STATUSES)),
            departures=Count("id", filter=Q(dep=today) & ~Q(status="booked")),
            departed=Count("id", filter=Q(dep=today, status="checked_out")),
        )
    )
    return {r["sector"]: {k: r[k] for k in ("arrivals", "arrived", "departures", "departed")} for r in rows}


def turned_away_counts(*, house: House, sectors: Iterable[str], since: datetime.datetime,
                       until: datetime.datetime) -> list[dict]:
    """Requests turned away in [since, until), per sector and reason: `{"sector", "reason", "n"}` (reason
    None where staff gave none)."""
    rows = (StayRequest.objects.filter(house=house, sector__in=list(sectors), outcome="turned_away",
                                       requested_at__gte=since, requested_at__lt=until)
            .order_by().values("sector", "turn_away_reason").annotate(n=Count("id")))
    return [{"sector": r["sector"], "reason": r["turn_away_reason"], "n": r["n"]} for r in rows]


def faerdigbehandling_arrival_dates(*, house: House, limit: int = 50) -> list[datetime.date]:
    """Arrival dates of the færdigbehandling stays checked in now, oldest first (at most `limit`)."""
    return list(Stay.objects.filter(house=house, kind="faerdigbehandling", status="checked_in")
                .order_by("arrival_date").values_list("arrival_date", flat=True)[:limit])


def stays_per_month(*, house: House, start: datetime.date, end: datetime.date) -> list[dict]:
    """Ordinary stays that took place with arrival in [start, end), per sector and month of arrival, and the
    distinct citizens among them: `{"sector", "month" (first day), "stays", "citizens"}`."""
    rows = (Stay.objects.filter(house=house, kind="ordinary", status__in=USED_STATUSES, arrival_date__gte=start,
                                arrival_date__lt=end)
            .annotate(month=TruncMonth("arrival_date")).order_by().values("sector", "month")
            .annotate(stays=Count("id"), citizens=Count("citizen_id", distinct=True)))
    return [dict(r) for r in rows]


def stay_length_mix(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, list[int]]:
    """Ordinary stays that took place with arrival in [start, end), per sector by nights: 0–1, 2, 3, 4, 5+."""
    rows = (Stay.objects.filter(house=house, kind="ordinary", status__in=USED_STATUSES, arrival_date__gte=start,
                                arrival_date__lt=end)
            .order_by().values("sector").annotate(
                b0=Count("id", filter=Q(nights__lte=1)), b2=Count("id", filter=Q(nights=2)),
                b3=Count("id", filter=Q(nights=3)), b4=Count("id", filter=Q(nights=4)),
                b5=Count("id", filter=Q(nights__gte=5))))
    return {r["sector"]: [r[k] for k in ("b0", "b2", "b3", "b4", "b5")] for r in rows}


def turned_away_per_month(*, house: House, start: datetime.datetime, end: datetime.datetime,
                          tz: zoneinfo.ZoneInfo) -> list[dict]:
    """Requests turned away in [start, end), per sector, local month and reason:
    `{"sector", "month", "reason", "n"}`."""
    rows = (StayRequest.objects.filter(house=house, outcome="turned_away", requested_at__gte=start,
                                       requested_at__lt=end)
            .annotate(month=TruncMonth("requested_at", tzinfo=tz)).order_by()
            .values("sector", "month", "turn_away_reason").annotate(n=Count("id")))
    return [{"sector": r["sector"], "month": r["month"], "reason": r["turn_away_reason"], "n": r["n"]} for r in rows]

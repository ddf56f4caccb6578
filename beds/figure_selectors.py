"""The records behind the dashboard's figures (citizen level): querysets the caller scopes with
`Access.citizen_filter` and audits when read. The definitions match `beds.aggregates.dashboard`."""

from __future__ import annotations

import datetime

from django.db.models import DateField, ExpressionWrapper, F, QuerySet

from beds.aggregates.stays import USED_STATUSES
from beds.models import Stay, StayRequest, WaitingListEntry, WaitingStatus
from psykiatrihus.models import House

STAY_FIGURES = ("in_house", "arrivals", "departures", "faerdigbehandling", "stays_month")


def figure_stays(*, house: House, figure: str, today: datetime.date, start: datetime.date | None = None,
                 end: datetime.date | None = None) -> QuerySet:
    """The stays behind one figure: in the house now, arrivals or departures today, færdigbehandling now, or
    ordinary stays that took place with arrival in [start, end). Oldest arrival first."""
    if figure not in STAY_FIGURES:
        raise ValueError(figure)
    qs = Stay.objects.filter(house=house).annotate(
        dep=ExpressionWrapper(F("arrival_date") + F("nights"), output_field=DateField()))
    if figure == "in_house":
        qs = qs.filter(status="checked_in")
    elif figure == "arrivals":
        qs = qs.filter(arrival_date=today, status__in=("booked", *USED_STATUSES))
    elif figure == "departures":
        qs = qs.filter(dep=today, status__in=USED_STATUSES)
    elif figure == "faerdigbehandling":
        qs = qs.filter(kind="faerdigbehandling", status="checked_in")
    else:
        if start is None or end is None:
            raise ValueError("month")
        qs = qs.filter(kind="ordinary", status__in=USED_STATUSES, arrival_date__gte=start, arrival_date__lt=end)
    return qs.select_related("citizen", "bed").order_by("arrival", "id")


def turned_away_requests(*, house: House, since: datetime.datetime, until: datetime.datetime) -> QuerySet:
    """Requests turned away in [since, until), newest first."""
    return (StayRequest.objects.filter(house=house, outcome="turned_away", requested_at__gte=since,
                                       requested_at__lt=until)
            .select_related("citizen").order_by("-requested_at", "-id"))


def waiting_entries(*, house: House) -> QuerySet:
    """The waiting list now, first come first."""
    return (WaitingListEntry.objects.filter(house=house, status=WaitingStatus.WAITING)
            .select_related("citizen", "visitation").order_by("requested_at", "id"))

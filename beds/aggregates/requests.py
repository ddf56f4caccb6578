"""Aggregates over requests for a stay, for the report's requests table."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncDate

from beds.aggregates.stays import USED_STATUSES
from beds.models import Stay, StayRequest
from psykiatrihus.models import House


def request_counts(*, house: House, start: datetime.date, end: datetime.date) -> list[dict]:
    """Requests made on a day of [start, end] (the house's local day): rows `{"sector", "outcome",
    "turn_away_reason", "n"}`. One query."""
    return list(StayRequest.objects.filter(house=house).order_by()
                .annotate(day=TruncDate("requested_at"))
                .filter(day__gte=start, day__lte=end)
                .values("sector", "outcome", "turn_away_reason").annotate(n=Count("id")))


def stays_from_requests(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector with stays, the ordinary stays that took place with arrival in [start, end] (`stays`) and how
    many were booked from a recorded request (`with_request`): where staff book without recording the
    request, "led to a stay" says less than it seems. One query."""
    linked = StayRequest.objects.filter(stay_id=OuterRef("pk"))
    rows = (Stay.objects.filter(house=house, status__in=USED_STATUSES, kind="ordinary", arrival_date__gte=start,
                                arrival_date__lte=end)
            .order_by().values("sector").annotate(n=Count("id"), linked=Count("id", filter=Exists(linked))))
    return {r["sector"]: {"stays": r["n"], "with_request": r["linked"]} for r in rows}

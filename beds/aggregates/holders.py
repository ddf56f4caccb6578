"""Which contract holders used a bed: contracts (the contracts app's) meet stays (ours) here, and leave as
counts."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q

from beds.aggregates.stays import USED_STATUSES
from beds.models import Stay
from contracts.aggregates.contracts import holders_in_period
from psykiatrihus.models import House


def holder_activity(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector with holders: citizens with a contract in force on a day of [start, end] (`holders`) and
    those of them with a stay of any kind in the contract's sector that took place with arrival in it
    (`active`). One query."""
    used = Stay.objects.filter(house=house, sector=OuterRef("sector"), citizen_id=OuterRef("citizen_id"),
                               status__in=USED_STATUSES, arrival_date__gte=start, arrival_date__lte=end)
    rows = (holders_in_period(house=house, start=start, end=end).annotate(used=Exists(used)).values("sector")
            .annotate(holders=Count("citizen_id", distinct=True),
                      active=Count("citizen_id", distinct=True, filter=Q(used=True))))
    return {r["sector"]: {"holders": r["holders"], "active": r["active"]} for r in rows}

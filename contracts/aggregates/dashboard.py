"""Aggregates behind the leader dashboard's contract figures: plain counts per sector, no names.

Definitions (the dashboard shows them too): a follow-up is overdue when an open contract's next follow-up
was due before today, soon due within `soon_days`; a contract is about to expire when it is paused or its
follow-up is more than `expiry_overdue_days` overdue.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from contracts.models import Contract
from psykiatrihus.models import House

SOON_DAYS = 30
EXPIRY_OVERDUE_DAYS = 90


def expiring_condition(*, today: datetime.date, expiry_overdue_days: int = EXPIRY_OVERDUE_DAYS) -> Q:
    """Open contracts about to expire (paused, or the follow-up long overdue): for counts and for the list."""
    return Q(status="paused") | Q(next_followup_due__lt=today - datetime.timedelta(days=expiry_overdue_days))


def open_contract_counts(*, house: House, sectors: Iterable[str], today: datetime.date,
                         soon_days: int = SOON_DAYS) -> dict[str, dict[str, int]]:
    """Per sector with open contracts: open, follow-ups overdue / due within `soon_days`, about to expire,
    paused (one query)."""
    rows = (Contract.objects.filter(house=house, sector__in=list(sectors)).exclude(status="ended").order_by()
            .values("sector").annotate(
                open=Count("id"),
                overdue=Count("id", filter=Q(next_followup_due__lt=today)),
                soon=Count("id", filter=Q(next_followup_due__gte=today,
                                          next_followup_due__lte=today + datetime.timedelta(days=soon_days))),
                expiring=Count("id", filter=expiring_condition(today=today)),
                paused=Count("id", filter=Q(status="paused"))))
    return {r["sector"]: {k: r[k] for k in ("open", "overdue", "soon", "expiring", "paused")} for r in rows}


def contracts_per_month(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, list[dict]]:
    """Contracts granted and ended in [start, end), per sector and month (two queries):
    `{"new": [{"sector", "month", "n"}], "ended": [...]}`."""
    new = (Contract.objects.filter(house=house, granted_on__gte=start, granted_on__lt=end)
           .annotate(month=TruncMonth("granted_on")).order_by().values("sector", "month").annotate(n=Count("id")))
    ended = (Contract.objects.filter(house=house, ended_on__gte=start, ended_on__lt=end)
             .annotate(month=TruncMonth("ended_on")).order_by().values("sector", "month").annotate(n=Count("id")))
    return {"new": [dict(r) for r in new], "ended": [dict(r) for r in ended]}

"""The contracts behind the dashboard's figures (citizen level): querysets the caller scopes with
`Access.citizen_filter` and audits when read. The definitions match `contracts.aggregates.dashboard`."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from contracts.aggregates.dashboard import SOON_DAYS, expiring_condition
from contracts.models import Contract
from psykiatrihus.models import House

CONTRACT_FIGURES = ("followups_overdue", "followups_soon", "contracts_expiring", "contracts_new_month",
                    "contracts_ended_month")


def figure_contracts(*, house: House, figure: str, today: datetime.date, start: datetime.date | None = None,
                     end: datetime.date | None = None) -> QuerySet:
    """Open contracts with the follow-up overdue, due within 30 days or about to expire, or the contracts
    granted or ended in [start, end). Next follow-up first."""
    if figure not in CONTRACT_FIGURES:
        raise ValueError(figure)
    qs = Contract.objects.filter(house=house).select_related("citizen")
    if figure == "followups_overdue":
        qs = qs.exclude(status="ended").filter(next_followup_due__lt=today)
    elif figure == "followups_soon":
        qs = qs.exclude(status="ended").filter(
            next_followup_due__gte=today, next_followup_due__lte=today + datetime.timedelta(days=SOON_DAYS))
    elif figure == "contracts_expiring":
        qs = qs.exclude(status="ended").filter(expiring_condition(today=today))
    else:
        if start is None or end is None:
            raise ValueError("month")
        field = "granted_on" if figure == "contracts_new_month" else "ended_on"
        qs = qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})
    return qs.order_by("next_followup_due", "id")

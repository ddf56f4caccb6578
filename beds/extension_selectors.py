"""Reads for longer stays: the stays awaiting a leader's decision ("afventer leder")."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from beds.models import HOLDING_STATUSES, ExtensionState, Stay
from psykiatrihus.models import House
from psykiatrihus.scoping import Access

# Pending and still holding its bed (a cancelled pending stay needs no decision).
AWAITING = Q(extension_state=ExtensionState.PENDING, status__in=HOLDING_STATUSES)


def stays_awaiting_decision(*, access: Access, sectors) -> QuerySet[Stay]:
    """The pending stays of `sectors` this user decides (`Access.may_decide_extension`), oldest arrival first."""
    own = frozenset(s for s in sectors if access.may_decide_extension(s))
    if not own:
        return Stay.objects.none()
    return (access.filter_sector(Stay.objects.filter(AWAITING), sectors=own)
            .select_related("bed", "citizen", "created_by").order_by("arrival", "id"))


def awaiting_decision_counts(*, house: House, sectors) -> dict[str, int]:
    """How many stays of each sector await a leader (an aggregate: no names)."""
    rows = (Stay.objects.filter(AWAITING, house=house, sector__in=sorted(sectors)).values("sector")
            .annotate(n=Count("id")))
    return {row["sector"]: row["n"] for row in rows}


def user_display(user) -> str | None:
    """How a decision's maker is named to staff (full name, else username)."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()

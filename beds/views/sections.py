"""What beds contributes to pages it does not own (`psykiatrihus.sections`)."""

from __future__ import annotations

from django.template.loader import render_to_string

from beds.night_selectors import free_tonight
from psykiatrihus.models import Sector


def free_tonight_section(*, request, **context) -> str | None:
    """The front page: free beds tonight per sector (an aggregate: any member of the house sees it)."""
    house, access = getattr(request, "house", None), getattr(request, "access", None)
    if house is None or access is None or not access.is_member:
        return None
    free = free_tonight(house=house, sectors=sorted(access.aggregate_sectors) or Sector.values)
    if not free:
        return None
    return render_to_string("beds/_home_tonight.html", {
        "free_tonight": [{"sector": s, "label": Sector(s).label, "free": n} for s, n in free.items()],
        "may_open_board": access.can_book or access.is_peer or access.is_leader,
    }, request=request)

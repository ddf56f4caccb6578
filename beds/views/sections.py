"""What beds contributes to pages it does not own (`psykiatrihus.sections`)."""

from __future__ import annotations

from django.template.loader import render_to_string

from beds import citizen_selectors
from beds.models import StayStatus
from beds.night_selectors import free_tonight
from psykiatrihus.models import Sector
from psykiatrihus.services import audit_log_many


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


def citizen_course_section(*, request, citizen, **context) -> str | None:
    """The citizen page: the stays (bed, dates, nights, ORS/SRS), requests and waiting-list entries the user
    may read (the other sector's only by consent). One audit row per record shown, in one INSERT."""
    access = request.access
    stays = citizen_selectors.citizen_stays(access=access, citizen_id=citizen.pk)
    requests = citizen_selectors.citizen_requests(access=access, citizen_id=citizen.pk)
    entries = citizen_selectors.citizen_waiting_entries(access=access, citizen_id=citizen.pk)
    shown = [*stays, *requests, *entries]
    if shown:
        audit_log_many(user=request.user, action="read", objects=shown, house=access.house,
                       citizen_attr="citizen_id", detail="borgerens forløb")
    return render_to_string("beds/_citizen_course.html", {
        "citizen": citizen, "stays": stays, "requests": requests, "entries": entries,
        "may_book": access.can_book,
    }, request=request)


def contract_stays_section(*, request, contract, **context) -> str | None:
    """The contract page: the stays booked under this contract that the user may read, audited."""
    access = request.access
    stays = citizen_selectors.contract_stays(access=access, contract_id=contract.pk)
    if stays:
        audit_log_many(user=request.user, action="read", objects=stays, house=access.house,
                       citizen_attr="citizen_id", detail="kontraktens ophold")
    used = sum(s.nights for s in stays if s.status in (StayStatus.CHECKED_IN, StayStatus.CHECKED_OUT))
    return render_to_string("beds/_contract_stays.html", {"contract": contract, "stays": stays, "nights_used": used},
                            request=request)
def extensions_pending_section(*, request, sectors=(), **context) -> str | None:
    """The leader's dashboard: stays booked beyond the frame that await a leader's decision, with approve /
    decline (leaders of the stay's sector only; names audited). Other sectors' pending stays as a count."""
    from beds.views.extensions import pending_context

    access = getattr(request, "access", None)
    if getattr(request, "house", None) is None or access is None or not access.decides_extensions:
        return None
    return render_to_string("beds/_extensions_pending.html",
                            pending_context(request, sectors=list(sectors) or list(Sector.values)), request=request)

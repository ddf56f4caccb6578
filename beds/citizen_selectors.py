"""A citizen's course as beds records it (stays, requests, waiting-list entries), for the citizen and contract
pages that the contracts app owns and beds contributes to (`beds.views.sections`). Every read is scoped by
`Access.citizen_filter`: the user's own sectors, and the other sector's records only where the citizen's
consent opens the wall."""

from __future__ import annotations

from django.db.models import QuerySet

from beds.models import Stay, StayRequest, WaitingListEntry
from psykiatrihus.scoping import Access


def citizen_stays(*, access: Access, citizen_id: int) -> list[Stay]:
    """The citizen's stays the user may read, newest first, with bed and the request each came from."""
    qs: QuerySet[Stay] = access.citizen_filter(Stay.objects.filter(citizen_id=citizen_id))
    return list(qs.select_related("bed", "request").order_by("-arrival", "-id"))


def contract_stays(*, access: Access, contract_id: int) -> list[Stay]:
    """The stays booked under one contract that the user may read, newest first."""
    qs: QuerySet[Stay] = access.citizen_filter(Stay.objects.filter(contract_id=contract_id))
    return list(qs.select_related("bed", "request").order_by("-arrival", "-id"))


def citizen_requests(*, access: Access, citizen_id: int) -> list[StayRequest]:
    """The citizen's requests for a stay (henvendelser) the user may read, newest first."""
    qs: QuerySet[StayRequest] = access.citizen_filter(StayRequest.objects.filter(citizen_id=citizen_id))
    return list(qs.order_by("-requested_at", "-id"))


def citizen_waiting_entries(*, access: Access, citizen_id: int) -> list[WaitingListEntry]:
    """The citizen's waiting-list entries (open and closed) the user may read, newest first."""
    qs: QuerySet[WaitingListEntry] = access.citizen_filter(WaitingListEntry.objects.filter(citizen_id=citizen_id))
    return list(qs.order_by("-requested_at", "-id"))

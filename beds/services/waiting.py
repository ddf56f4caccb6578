"""The house's waiting list: add, withdraw and place the first in line in a freed bed."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.models import (
    Bed,
    Stay,
    WaitingListEntry,
    WaitingStatus,
)
from beds.services.booking import stay_book
from beds.services.rules import _aware, local_date, stay_frame_for
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log


def waiting_list_add(*, visitation, user, requested_at: datetime.datetime | None = None,
                     requested_nights: int | None = None, note: str = "") -> WaitingListEntry:
    """Put a visited citizen on the house's waiting list (no bed free now). One open entry per citizen."""
    house = visitation.house
    if not access_for(user, house).may_book(visitation):
        raise PermissionDenied(_("Du kan kun skrive borgere op i din egen sektor."))
    requested_at = _aware(requested_at) if requested_at else timezone.now()
    if requested_nights is None:
        requested_nights = stay_frame_for(house=house, sector=visitation.sector, contract=None,
                                          on_date=local_date(requested_at, house), visitation=visitation)
    if requested_nights < 1:
        raise ValidationError({"requested_nights": _("Angiv mindst én nat.")})
    if visitation.withdrawn_on is not None or visitation.granted_until < local_date(requested_at, house):
        raise ValidationError({"visitation": _("Visitationsafgørelsen gælder ikke længere.")})
    try:
        with transaction.atomic():
            entry = WaitingListEntry.objects.create(
                house=house, sector=visitation.sector, citizen_id=visitation.citizen_id, visitation=visitation,
                requested_at=requested_at, requested_nights=requested_nights, note=note, created_by=user,
            )
    except IntegrityError as exc:
        if "waiting_one_open_per_citizen" in str(exc):
            raise ValidationError({"citizen": _("Borgeren står allerede på ventelisten.")},
                                  code="already_waiting") from exc
        raise
    audit_log(user=user, action="create", obj=entry, house=house, citizen_id=visitation.citizen_id)
    return entry


def waiting_list_withdraw(*, entry: WaitingListEntry, user, note: str = "") -> WaitingListEntry:
    if not access_for(user, entry.house).may_book(entry):
        raise PermissionDenied(_("Du kan kun ændre ventelisten i din egen sektor."))
    updated = WaitingListEntry.objects.filter(pk=entry.pk, status=WaitingStatus.WAITING).update(
        status=WaitingStatus.WITHDRAWN, withdrawn_at=timezone.now(), note=(note or entry.note)[:500])
    if not updated:
        raise ValidationError({"status": _("Borgeren står ikke længere på ventelisten.")})
    entry.refresh_from_db()
    audit_log(user=user, action="update", obj=entry, house=entry.house, citizen_id=entry.citizen_id,
              detail="withdrawn")
    return entry


@transaction.atomic
def waiting_list_place_next(*, bed: Bed, user, arrival: datetime.datetime | None = None) -> Stay | None:
    """Move the first citizen waiting for a bed of this sector into `bed`, in one action (one transaction):
    the entry is locked (others skip it), the stay is booked under the house's rules and the entry marked
    placed. Returns None when nobody waits; a refused booking leaves the list unchanged."""
    house = bed.house
    if not access_for(user, house).may_book(bed):
        raise PermissionDenied(_("Du kan kun booke senge i din egen sektor."))
    entry = (WaitingListEntry.objects.select_for_update(skip_locked=True)
             .filter(house=house, sector=bed.sector, status=WaitingStatus.WAITING)
             .select_related("visitation", "citizen").order_by("requested_at", "id").first())
    if entry is None:
        return None
    arrival = _aware(arrival) if arrival else timezone.now()
    stay = stay_book(house=house, bed=bed, citizen=entry.citizen, arrival=arrival,
                     planned_departure=arrival + datetime.timedelta(days=entry.requested_nights), user=user)
    entry.status, entry.placed_at, entry.stay = WaitingStatus.PLACED, arrival, stay  # the wait ends on arrival
    entry.save(update_fields=["status", "placed_at", "stay"])
    audit_log(user=user, action="update", obj=entry, house=house, citizen_id=entry.citizen_id, detail="placed")
    return stay

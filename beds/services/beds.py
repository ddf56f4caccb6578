"""Writes for the beds themselves: the house's beds and taking a bed out of use."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils.translation import gettext as _

from beds.locks import stay_write_lock
from beds.models import (
    Bed,
    BedBlock,
    BlockReason,
)
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log


@transaction.atomic
def beds_ensure(*, house: House, municipal_beds: int, regional_beds: int, faerdigbehandling_beds: int) -> None:
    """K1..Kn and R1..Rn exist and are active; extra beds are deactivated, never deleted (history)."""
    wanted: dict[str, tuple[str, bool, int]] = {}
    for i in range(1, municipal_beds + 1):
        fb = i > municipal_beds - faerdigbehandling_beds
        wanted[f"K{i}"] = (Sector.KOMMUNE, fb, i)
    for i in range(1, regional_beds + 1):
        wanted[f"R{i}"] = (Sector.REGION, False, 100 + i)
    existing = {b.label: b for b in Bed.objects.filter(house=house)}
    for label, (sector, fb, order) in wanted.items():
        bed = existing.get(label)
        if bed is None:
            Bed.objects.create(house=house, label=label, sector=sector, may_be_faerdigbehandling=fb,
                               sort_order=order)
        elif (bed.sector, bed.may_be_faerdigbehandling, bed.active, bed.sort_order) != (sector, fb, True, order):
            bed.sector, bed.may_be_faerdigbehandling, bed.active, bed.sort_order = sector, fb, True, order
            bed.save(update_fields=["sector", "may_be_faerdigbehandling", "active", "sort_order"])
    for label, bed in existing.items():
        if label not in wanted and bed.active:
            bed.active = False
            bed.save(update_fields=["active"])


def bed_block(*, bed: Bed, start: datetime.datetime, end: datetime.datetime, reason: str = BlockReason.CLEANING,
              note: str = "", user=None) -> BedBlock:
    """Take a bed out of use (cleaning, maintenance). Overlapping blocks are refused by the database."""
    if end <= start:
        raise ValidationError({"end": _("Slut skal ligge efter start.")})
    if user is not None and not access_for(user, bed.house).may_book(bed):
        raise PermissionDenied(_("Du kan kun spærre senge i din egen sektor."))
    try:
        with transaction.atomic():
            stay_write_lock(bed_id=bed.pk)
            block = BedBlock.objects.create(bed=bed, period=DateTimeTZRange(start, end, "[)"),
                                            reason=BlockReason(reason), note=note,
                                            created_by=user if user is not None else None)
    except IntegrityError as exc:
        raise ValidationError(_("Sengen er allerede spærret i perioden."), code="block_overlap") from exc
    if user is not None:
        audit_log(user=user, action="create", obj=block, house=bed.house)
    return block

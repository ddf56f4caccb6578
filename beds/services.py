"""Writes for beds and stays. Booking rules live here and only here (UI, API and import call them)."""

from __future__ import annotations

from django.db import transaction

from beds.models import Bed
from psykiatrihus.models import House, Sector


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

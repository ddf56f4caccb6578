"""Reads of citizens and contracts. Other apps use these, never the tables directly."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from contracts.models import Citizen, Contract, ContractStatus, HomeTreatmentCourse
from psykiatrihus import crypto
from psykiatrihus.models import House


def citizen_by_cpr(*, digits: str) -> Citizen | None:
    return Citizen.objects.filter(cpr_hash=crypto.lookup_hash(digits)).first()


def contracts_covering(*, house: House, citizen_id: int, sector: str, start: datetime.date,
                       end: datetime.date) -> QuerySet[Contract]:
    """Contracts of the sector valid on every day from `start` to `end` (not paused, not ended before)."""
    return Contract.objects.filter(
        house=house, citizen_id=citizen_id, sector=sector, granted_on__lte=start
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=end)).exclude(status=ContractStatus.PAUSED)


def home_treatment_covering(*, house: House, citizen_id: int, start: datetime.date,
                            end: datetime.date) -> QuerySet[HomeTreatmentCourse]:
    return HomeTreatmentCourse.objects.filter(house=house, citizen_id=citizen_id, started_on__lte=start).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=end)
    )


def citizen_ids_visible(*, access) -> QuerySet:
    """Ids of the citizens of `access.house` whose records `access` may read: registered by, or holding a
    contract in, one of its citizen-level sectors, or across the wall by consent. (Used by other apps to
    scope their own citizen-level rows, e.g. named attendance.)"""
    if access.house is None or not access.citizen_sectors:
        return Citizen.objects.none().values("id")
    sectors = sorted(access.citizen_sectors)
    condition = Q(registered_by_sector__in=sectors) | Q(contracts__sector__in=sectors, contracts__house=access.house)
    consented = access.consented_citizen_ids()
    if consented is not None:
        condition |= Q(id__in=consented)
    return Citizen.objects.filter(condition, house=access.house).values("id")


def citizen_ids_with_contract(*, house: House, sector: str, start: datetime.date,
                              end: datetime.date) -> QuerySet:
    """Ids of citizens holding a contract of `sector` that was valid on some day in [start, end]."""
    return (Contract.objects.filter(house=house, sector=sector, granted_on__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start)).values("citizen_id"))


def citizens_by_ids(*, ids) -> QuerySet[Citizen]:
    """Citizens by id (the caller has scoped the ids)."""
    return Citizen.objects.filter(id__in=ids)

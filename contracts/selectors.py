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

"""Writes for citizens, contracts, follow-ups and consents. Every state change goes through here."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contracts.cpr import cpr_birth_date, cpr_clean, cpr_gender
from contracts.models import Citizen, Contract, ContractStatus, HomeTreatmentCourse
from psykiatrihus import crypto
from psykiatrihus.models import House, Sector
from psykiatrihus.services import audit_log

FOLLOWUP_INTERVAL_MONTHS = {Sector.KOMMUNE: 12, Sector.REGION: 6}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def followup_next_due(*, sector: str, since: datetime.date) -> datetime.date:
    """Municipal contracts are followed up yearly, regional every 6 months."""
    return add_months(since, FOLLOWUP_INTERVAL_MONTHS[Sector(sector)])


def citizen_create(*, house: House, sector: str, name: str, cpr: str, phone: str = "", next_of_kin: str = "",
                   user=None, imported: bool = False) -> Citizen:
    """Create a citizen; a CPR number already known raises ValidationError on `cpr`."""
    digits = cpr_clean(cpr)
    if not name.strip():
        raise ValidationError({"name": _("Skriv borgerens navn.")})
    try:
        with transaction.atomic():
            citizen = Citizen.objects.create(
                house=house,
                registered_by_sector=Sector(sector),
                name=name.strip(),
                cpr_encrypted=crypto.encrypt(digits),
                cpr_hash=crypto.lookup_hash(digits),
                birth_date=cpr_birth_date(digits),
                gender=cpr_gender(digits),
                phone=phone,
                next_of_kin=next_of_kin,
                imported=imported,
            )
    except IntegrityError as exc:
        raise ValidationError({"cpr": _("Der findes allerede en borger med dette CPR-nummer.")},
                              code="duplicate_cpr") from exc
    if user is not None:
        audit_log(user=user, action="create", obj=citizen, house=house, citizen_id=citizen.pk)
    return citizen


def contract_create(*, house: House, citizen: Citizen, sector: str, granted_on: datetime.date, user=None,
                    referral_source: str = "", stay_frame_nights: int | None = None, imported: bool = False,
                    **fields) -> Contract:
    """Grant a BSK. A second open contract in the same sector raises ValidationError (code `duplicate`)."""
    if stay_frame_nights is not None and stay_frame_nights > house.default_stay_frame_nights:
        raise ValidationError({"stay_frame_nights": _("Den individuelle ramme kan kun være strammere end husets "
                                                      "(%(n)s nætter).") % {"n": house.default_stay_frame_nights}})
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                house=house, citizen=citizen, sector=Sector(sector), granted_on=granted_on,
                referral_source=referral_source, stay_frame_nights=stay_frame_nights, imported=imported,
                next_followup_due=followup_next_due(sector=sector, since=granted_on),
                created_by=user if user is not None and user.is_authenticated else None,
                status=ContractStatus.ACTIVE, **fields,
            )
    except IntegrityError as exc:
        if "contract_one_open_per_sector" in str(exc):
            raise ValidationError(_("Borgeren har allerede en aktiv kontrakt i denne sektor."),
                                  code="duplicate") from exc
        raise
    if user is not None:
        audit_log(user=user, action="create", obj=contract, house=house, citizen_id=citizen.pk)
    return contract


def home_treatment_start(*, house: House, citizen: Citizen, started_on: datetime.date,
                         ended_on: datetime.date | None = None, user=None) -> HomeTreatmentCourse:
    course = HomeTreatmentCourse.objects.create(house=house, citizen=citizen, started_on=started_on,
                                                ended_on=ended_on)
    if user is not None:
        audit_log(user=user, action="create", obj=course, house=house, citizen_id=citizen.pk)
    return course

"""Writes of outcome questionnaires: recording a response (the score is computed here, never typed in).

Errors are Danish `ValidationError`s keyed by field; a wrong answer names its item ("Spørgsmål 3 ...") and
never echoes more than the item's own text.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import (
    Citizen,
    Contract,
    HouseInstrument,
    Instrument,
    Moment,
    QuestionnaireResponse,
)
from psykiatrihus.dates import date_window
from psykiatrihus.models import House, Sector
from psykiatrihus.services import audit_log

CONTRACT_MOMENTS = (Moment.CONTRACT_START, Moment.FOLLOWUP)


def questionnaire_score(*, instrument: Instrument, answers) -> int:
    """Check the answers against the instrument (count, whole numbers on its scale) and return the score:
    sum × multiplier. Raises ValidationError on `answers` naming the first wrong item."""
    items = instrument.items
    if not isinstance(answers, list | tuple):
        raise ValidationError({"answers": _("Svarene skal være en liste med ét tal pr. spørgsmål.")},
                              code="invalid")
    if len(answers) != len(items):
        raise ValidationError({"answers": _("%(name)s har %(n)s spørgsmål; der er %(got)s svar.")
                               % {"name": instrument.name, "n": len(items), "got": len(answers)}},
                              code="wrong_number_of_answers")
    allowed = set(instrument.values)
    for item, value in zip(items, answers, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ValidationError({"answers": _("Spørgsmål %(key)s (%(text)s): svaret skal være et helt tal fra "
                                                "%(low)s til %(high)s.")
                                   % {"key": item["key"], "text": item["text"], "low": instrument.scale_low,
                                      "high": instrument.scale_high}},
                                  code="answer_out_of_range")
    score = sum(answers) * instrument.multiplier
    if not instrument.score_min <= score <= instrument.score_max:  # the instrument's own data is inconsistent
        raise ValidationError({"answers": _("Scoren ligger uden for skemaets område.")}, code="invalid")
    return score


def house_instrument_for(*, house: House, code: str) -> HouseInstrument | None:
    return (HouseInstrument.objects.filter(house=house, instrument__code=code, instrument__active=True)
            .select_related("instrument").first())


def questionnaire_response_record(*, house: House, citizen: Citizen, instrument_code: str, moment: str,
                                  answers, sector: str, user=None, answered_on: datetime.date | None = None,
                                  contract: Contract | None = None) -> QuestionnaireResponse:
    """Record a completed questionnaire for the citizen in `sector` (the caller has checked that the user
    may write there). The house must use the instrument at that moment; a contract moment needs the
    citizen's contract of the sector (found when not given)."""
    errors: dict[str, str] = {}
    chosen = house_instrument_for(house=house, code=str(instrument_code or "")[:50])
    if chosen is None:
        raise ValidationError({"instrument": _("Huset bruger ikke det spørgeskema.")}, code="invalid")
    if moment not in Moment.values:
        errors["moment"] = _("Ukendt tidspunkt. Vælg en af: %(m)s.") % {"m": ", ".join(Moment.values)}
    elif moment not in chosen.moments:
        errors["moment"] = _("Huset bruger ikke %(name)s på det tidspunkt.") % {"name": chosen.instrument.name}
    if sector not in Sector.values:
        errors["sector"] = _("Angiv sektoren (kommune eller region).")
    today = timezone.localdate()
    answered_on = answered_on or today
    if answered_on > today:
        errors["answered_on"] = _("Datoen ligger i fremtiden.")
    elif answered_on not in date_window(house=house) or answered_on < citizen.birth_date:
        errors["answered_on"] = date_window(house=house).message()
    if citizen.house_id != house.pk:
        errors["citizen"] = _("Borgeren findes ikke.")
    if errors:
        raise ValidationError(errors, code="invalid")
    score = questionnaire_score(instrument=chosen.instrument, answers=answers)
    if contract is None:
        contract = (Contract.objects.filter(house=house, citizen=citizen, sector=sector, granted_on__lte=answered_on)
                    .order_by("-granted_on", "-id").first())
    elif contract.citizen_id != citizen.pk or contract.sector != sector:
        raise ValidationError({"contract": _("Kontrakten hører ikke til borgeren i sektoren.")}, code="invalid")
    if contract is None and moment in CONTRACT_MOMENTS:
        raise ValidationError({"moment": _("Borgeren har ingen kontrakt i sektoren på den dato.")}, code="invalid")
    with transaction.atomic():
        response = QuestionnaireResponse.objects.create(
            house=house, citizen=citizen, sector=sector, instrument=chosen.instrument, moment=moment,
            contract=contract, answered_on=answered_on, answers=list(answers), score=score,
            recorded_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        )
        audit_log(user=user, action="create", obj=response, house=house, citizen_id=citizen.pk,
                  detail=f"{chosen.instrument.code} {moment}")
    return response


def house_instrument_choose(*, house: House, code: str, moments: list[str]) -> HouseInstrument:
    """Let a house use an instrument at `moments` (configuration; the admin does the same)."""
    instrument = Instrument.objects.get(code=code)
    unknown = set(moments) - set(Moment.values)
    if unknown or not moments:
        raise ValidationError({"moments": _("Vælg mindst ét kendt tidspunkt.")}, code="invalid")
    chosen, _created = HouseInstrument.objects.update_or_create(
        house=house, instrument=instrument, defaults={"moments": list(dict.fromkeys(moments))})
    return chosen

"""Requests (henvendelser): recorded, turned away or withdrawn (booking one is `stay_book(request=...)`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.models import (
    RequestChannel,
    RequestOutcome,
    StayRequest,
    TurnAwayReason,
)
from beds.services.rules import _aware, _moment
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log


def stay_request_record(*, house: House, sector: str, channel: str, user, citizen=None,
                        requested_at: datetime.datetime | None = None, requested_nights: int = 1,
                        note: str = "") -> StayRequest:
    """Record a henvendelse. Every request is recorded, whatever becomes of it."""
    access = access_for(user, house)
    if not access.may_book(sector):
        raise PermissionDenied(_("Du kan kun registrere henvendelser i din egen sektor."))
    errors = {}
    if citizen is not None and (citizen.house_id != house.pk or not access.may_see_citizen(citizen)):
        errors["citizen"] = _("Borgeren findes ikke i huset.")  # unseen answers like non-existent
    if channel not in RequestChannel.values:
        errors["channel"] = _("Vælg en kanal.")
    if sector not in Sector.values:
        errors["sector"] = _("Vælg en sektor.")
    if not isinstance(requested_nights, int) or requested_nights < 1:
        errors["requested_nights"] = _("Angiv mindst én nat.")
    if errors:
        raise ValidationError(errors)
    req = StayRequest.objects.create(
        house=house, sector=sector, citizen=citizen, channel=channel,
        requested_at=_aware(requested_at) if requested_at else timezone.now(),
        requested_nights=requested_nights, note=note, created_by=user,
    )
    audit_log(user=user, action="create", obj=req, house=house, citizen_id=getattr(citizen, "pk", None))
    return req


def _answered_at(stay_request: StayRequest, at: datetime.datetime | None) -> datetime.datetime:
    """When the request was answered (default now), never before it was made."""
    moment = _moment(at, "at")
    if moment < stay_request.requested_at:
        raise ValidationError({"at": _("Svaret kan ikke ligge før henvendelsen.")})
    return moment


def stay_request_turn_away(*, stay_request: StayRequest, reason: str, user, note: str = "",
                           at: datetime.datetime | None = None) -> StayRequest:
    """The request ends without a stay (no bed, not eligible, no valid contract, other with text), answered
    at `at` (default now; the house answers the same day)."""
    if not access_for(user, stay_request.house).may_book(stay_request):
        raise PermissionDenied(_("Du kan kun behandle henvendelser i din egen sektor."))
    if stay_request.outcome != RequestOutcome.PENDING:
        raise ValidationError({"outcome": _("Henvendelsen er allerede afsluttet.")})
    if reason not in TurnAwayReason.values:
        raise ValidationError({"reason": _("Vælg en årsag.")})
    if reason == TurnAwayReason.OTHER and not (note or stay_request.note).strip():
        raise ValidationError({"note": _("Beskriv årsagen.")})
    stay_request.outcome = RequestOutcome.TURNED_AWAY
    stay_request.turn_away_reason = reason
    stay_request.answered_at = _answered_at(stay_request, at)
    if note:
        stay_request.note = note
    stay_request.save(update_fields=["outcome", "turn_away_reason", "note", "answered_at"])
    audit_log(user=user, action="update", obj=stay_request, house=stay_request.house, detail="turned away")
    return stay_request


def stay_request_withdraw(*, stay_request: StayRequest, user, at: datetime.datetime | None = None) -> StayRequest:
    """The citizen no longer wants the stay (answered at `at`, default now)."""
    if not access_for(user, stay_request.house).may_book(stay_request):
        raise PermissionDenied(_("Du kan kun behandle henvendelser i din egen sektor."))
    if stay_request.outcome != RequestOutcome.PENDING:
        raise ValidationError({"outcome": _("Henvendelsen er allerede afsluttet.")})
    stay_request.outcome = RequestOutcome.WITHDRAWN
    stay_request.answered_at = _answered_at(stay_request, at)
    stay_request.save(update_fields=["outcome", "answered_at"])
    audit_log(user=user, action="update", obj=stay_request, house=stay_request.house, detail="withdrawn")
    return stay_request

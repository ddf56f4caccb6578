"""Aftercare after a stay: the planned safety visit or call, and recording it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from beds.models import (
    AftercareKind,
    AftercareStatus,
    Stay,
    StayAftercare,
)
from beds.services.rules import _require_booking_access, local_date
from psykiatrihus.policy import policy_for
from psykiatrihus.services import audit_log


def _aftercare_plan(*, stay: Stay) -> StayAftercare | None:
    """At check-out: plan the safety visit/call the house's rules (valid on the arrival date) ask for."""
    policy = policy_for(house=stay.house, sector=stay.sector, on_date=stay.arrival_date)
    if not policy.plans_post_stay_followup or stay.aftercare.exists():
        return None
    departed = local_date(stay.checked_out_at or stay.planned_departure, stay.house)
    return StayAftercare.objects.create(
        stay=stay, planned_kind=policy.post_stay_followup,
        planned_on=departed + datetime.timedelta(days=policy.post_stay_followup_days),
    )


def stay_aftercare_record(*, aftercare: StayAftercare, user, done_on: datetime.date, kind: str = "",
                          reached: bool = True, note: str = "") -> StayAftercare:
    """Record the safety visit or call (or that the citizen was not reached)."""
    _require_booking_access(stay=aftercare.stay, user=user)
    if aftercare.status != AftercareStatus.PLANNED:
        raise ValidationError({"status": _("Opfølgningen er allerede registreret.")})
    kind = kind or (aftercare.planned_kind if aftercare.planned_kind != AftercareKind.VISIT_OR_CALL else "")
    if kind not in (AftercareKind.VISIT, AftercareKind.CALL):
        raise ValidationError({"kind": _("Vælg tryghedsbesøg eller tryghedsopkald.")})
    if done_on < aftercare.stay.arrival_date:
        raise ValidationError({"done_on": _("Datoen kan ikke ligge før opholdet.")})
    aftercare.status = AftercareStatus.DONE if reached else AftercareStatus.NOT_REACHED
    aftercare.done_kind, aftercare.done_on, aftercare.note, aftercare.done_by = kind, done_on, note.strip(), user
    aftercare.save(update_fields=["status", "done_kind", "done_on", "note", "done_by"])
    audit_log(user=user, action="update", obj=aftercare, house=aftercare.stay.house,
              citizen_id=aftercare.stay.citizen_id)
    return aftercare

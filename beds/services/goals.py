"""The stay's goals and questionnaires with the citizen (house rules: psykiatrihus.policy)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.models import (
    GoalResult,
    Stay,
    StayGoal,
    StayStatus,
)
from beds.services.rules import _aware, _require_booking_access
from psykiatrihus.services import audit_log


def stay_goals_set(*, stay: Stay, goals: list[str], user) -> list[StayGoal]:
    """Agree the stay's individual goals with the citizen (replaces goals not yet evaluated)."""
    _require_booking_access(stay=stay, user=user)
    texts = [g.strip()[:500] for g in goals if g and g.strip()]
    if not texts:
        raise ValidationError({"goals": _("Skriv mindst ét mål.")})
    if stay.status in (StayStatus.CHECKED_OUT, StayStatus.CANCELLED, StayStatus.NO_SHOW):
        raise ValidationError({"goals": _("Målene kan ikke ændres, når opholdet er afsluttet.")})
    with transaction.atomic():
        stay.goals.filter(result="").delete()
        start = stay.goals.count()
        created = StayGoal.objects.bulk_create(
            [StayGoal(stay=stay, text=text, sort_order=start + i) for i, text in enumerate(texts)]
        )
    audit_log(user=user, action="update", obj=stay, house=stay.house, citizen_id=stay.citizen_id, detail="goals")
    return created


def stay_goal_evaluate(*, goal: StayGoal, result: str, user, note: str = "",
                       at: datetime.datetime | None = None) -> StayGoal:
    """Evaluate a goal with the citizen at the end of the stay."""
    _require_booking_access(stay=goal.stay, user=user)
    if result not in GoalResult.values:
        raise ValidationError({"result": _("Vælg om målet er nået, delvist nået eller ikke nået.")})
    goal.result = result
    goal.evaluation_note = note.strip()
    goal.evaluated_at = _aware(at) if at else timezone.now()
    goal.evaluated_by = user
    goal.save(update_fields=["result", "evaluation_note", "evaluated_at", "evaluated_by"])
    audit_log(user=user, action="update", obj=goal.stay, house=goal.stay.house, citizen_id=goal.stay.citizen_id,
              detail="goal evaluated")
    return goal


def stay_questionnaire_record(*, stay: Stay, instrument_code: str, moment: str, answers, user):
    """Record a questionnaire at the stay's start or end (staff of the stay's sector): the response in the
    citizen's record (contracts), linked to the stay here, in one transaction."""
    from beds.models import StayResponse
    from contracts.models.questionnaires import STAY_MOMENTS
    from contracts.questionnaire_services import questionnaire_response_record

    _require_booking_access(stay=stay, user=user)
    if moment not in STAY_MOMENTS:
        raise ValidationError({"moment": _("Vælg opholdets start eller slutning.")}, code="invalid")
    with transaction.atomic():
        response = questionnaire_response_record(
            house=stay.house, citizen=stay.citizen, instrument_code=instrument_code, moment=moment, answers=answers,
            sector=stay.sector, user=user, contract=stay.contract, answered_on=timezone.localdate())
        StayResponse.objects.create(stay=stay, response=response)
    return response

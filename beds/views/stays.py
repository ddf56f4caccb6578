"""The stay panel: details, check in/out, cancel, no-show, goals."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beds import selectors, services
from beds.extension_selectors import user_display
from beds.forms import (
    AftercareRecordForm,
    CheckInForm,
    CheckOutForm,
    GoalEvaluateForm,
    GoalsForm,
    MoveForm,
)
from beds.models import Bed, Stay, StayKind, StayStatus
from beds.move_services import stay_move
from beds.period_selectors import stay_bed_history, stay_move_targets
from beds.views._common import _board_member, _done, _form_errors
from beds.views.stay_course import stay_course_context
from psykiatrihus.services import audit_log


def _own_stay(request, pk: int) -> Stay:
    house, access = _board_member(request)
    if not 0 < pk < 2**62:  # beyond bigint PostgreSQL would refuse the query
        raise Http404
    stay = selectors.stays_visible(access=access).filter(pk=pk).first()
    if stay is None:
        raise Http404
    return stay


UNDO_MINUTES = int(services.UNDO_WINDOW.total_seconds() // 60)


def stay_panel(request, pk: int):
    """A stay's details and its actions (check in, check out, cancel, no-show)."""
    stay = _own_stay(request, pk)
    audit_log(user=request.user, action="read", obj=stay, house=stay.house, citizen_id=stay.citizen_id)
    return render(request, "beds/_stay.html", _stay_panel_context(request, stay))


@require_POST
def stay_action(request, pk: int, action: str):
    stay = _own_stay(request, pk)
    user = request.user
    form = None
    try:
        if action == "check-in":
            form = CheckInForm(request.POST)
            if form.is_valid():
                services.stay_check_in(stay=stay, user=user, at=form.cleaned_data["at"],
                                       ors_score=form.cleaned_data["ors_score"])
                return _done(request, _("%(name)s er indskrevet på %(bed)s.") % {"name": stay.citizen.name,
                                                                                "bed": stay.bed.label})
        elif action == "check-out":
            form = CheckOutForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                services.stay_check_out(stay=stay, user=user, at=data["at"], srs_score=data["srs_score"],
                                        end_note=data["end_note"],
                                        fb_outcome=data["fb_outcome"], fb_stays_attached=data["fb_stays_attached"])
                return _done(request, _("%(name)s er udskrevet fra %(bed)s.") % {"name": stay.citizen.name,
                                                                                "bed": stay.bed.label})
        elif action == "move":
            form = _move_form(stay, request.POST)
            if form.is_valid():
                target = Bed.objects.filter(house_id=stay.house_id, pk=form.cleaned_data["bed"]).first()
                if target is None:
                    raise Http404
                old = stay.bed.label
                stay_move(actor=user, stay=stay, bed=target, at=form.cleaned_data.get("at"))
                return _done(request, _("%(name)s er flyttet fra %(old)s til %(bed)s.") % {
                    "name": stay.citizen.name, "old": old, "bed": target.label})
        elif action in ("cancel", "no-show"):
            if request.POST.get("confirm") != "1":  # one click asks first; the answer posts confirm=1
                audit_log(user=user, action="read", obj=stay, house=stay.house, citizen_id=stay.citizen_id,
                          detail="aflys: bekræft")
                return render(request, "beds/_cancel_confirm.html", {"stay": stay, "no_show": action == "no-show",
                                                                     "minutes": UNDO_MINUTES})
            services.stay_cancel(stay=stay, user=user, no_show=action == "no-show")
            message = _("Opholdet er aflyst.") if action == "cancel" else _("Udeblivelse er registreret.")
            if not request.htmx:
                return _done(request, message)
            response = render(request, "beds/_cancelled.html", {"stay": stay, "message": message,
                                                                "minutes": UNDO_MINUTES})
            response["HX-Trigger"] = "boardChanged"
            return response
        elif action == "undo":
            services.stay_cancel_undo(stay=stay, user=user)
            return _done(request, _("Fortrudt: %(name)s er booket på %(bed)s igen.") % {
                "name": stay.citizen.name, "bed": stay.bed.label})
        else:
            raise Http404
    except ValidationError as exc:
        if form is None:
            return render(request, "beds/_panel_message.html", {"error": " ".join(exc.messages)})
        _form_errors(form, exc)
    except services.BookingConflict as exc:
        # The stay stays open in the panel with the reason (e.g. which bed the citizen is still checked in on).
        stay.refresh_from_db()
        response = render(request, "beds/_stay.html", _stay_panel_context(
            request, stay, panel_error=exc.message, check_in_form=form if action == "check-in" else None,
            check_out_form=form if action == "check-out" else None, move_form=form if action == "move" else None),
            status=200 if request.htmx else 409)
        response["HX-Trigger"] = "boardChanged"
        return response
    stay.refresh_from_db()
    return render(request, "beds/_stay.html", _stay_panel_context(
        request, stay, check_in_form=form if action == "check-in" else None,
        check_out_form=form if action == "check-out" else None, move_form=form if action == "move" else None))


def _move_form(stay: Stay, data=None) -> MoveForm:
    """The move form with the free beds of the stay's sector (a bed that became taken meanwhile is the
    service's to refuse: the choices are every active bed of the sector when posted)."""
    booked = stay.status == StayStatus.BOOKED
    if data is None:
        beds = stay_move_targets(stay=stay)
    else:
        beds = Bed.objects.filter(house_id=stay.house_id, sector=stay.sector, active=True).order_by("sort_order",
                                                                                                    "label")
    return MoveForm(data, beds=beds, booked=booked)


# --- the stay panel: goals and aftercare ------------------------------------------------------------------


def _stay_panel_context(request, stay, **forms) -> dict:
    from psykiatrihus.models import PostStayFollowUp
    from psykiatrihus.policy import policy_for

    policy = policy_for(house=stay.house, sector=stay.sector, on_date=stay.arrival_date)
    movable = request.access.may_book(stay) and stay.status in (StayStatus.BOOKED, StayStatus.CHECKED_IN)
    goals = list(stay.goals.all())
    open_goals = [g for g in goals if not g.result]
    evaluate_forms = forms.get("evaluate_forms") or {}
    for goal in goals:
        goal.form = evaluate_forms.get(goal.pk) or GoalEvaluateForm(auto_id=f"g{goal.pk}_%s")
    aftercare = list(stay.aftercare.all())
    record_forms = forms.get("record_forms") or {}
    for item in aftercare:
        item.form = record_forms.get(item.pk) or AftercareRecordForm(initial={"done_on": timezone.localdate()},
                                                                     auto_id=f"a{item.pk}_%s")
    return {
        "stay": stay, "can_act": request.access.may_book(stay),
        "check_in_form": forms.get("check_in_form") or CheckInForm(),
        "check_out_form": forms.get("check_out_form") or CheckOutForm(),
        "bed_history": stay_bed_history(stay=stay),
        "move_form": (forms.get("move_form") or _move_form(stay)) if movable else None,
        "faerdigbehandling": stay.kind == StayKind.FAERDIGBEHANDLING,
        "policy": policy, "goals": goals,
        "followup_label": str(PostStayFollowUp(policy.post_stay_followup).label).lower(),
        "show_goals": policy.stays_have_goals or bool(goals),
        "goals_form": forms.get("goals_form") or GoalsForm(initial={"goals": "\n".join(g.text for g in open_goals)}),
        "goals_editable": stay.status in (StayStatus.BOOKED, StayStatus.CHECKED_IN),
        "aftercare": aftercare, "panel_error": forms.get("panel_error", ""),
        "undoable": services.stay_cancel_undoable(stay), "undo_minutes": UNDO_MINUTES,
        "panel_message": forms.get("panel_message", ""),
        "instruments": stay_instruments(stay) if request.access.may_book(stay) else [],
        **stay_course_context(request, stay),
        "extension_decided_by": user_display(stay.extension_by) or "–",
    }


@require_POST
def stay_goals(request, pk: int):
    stay = _own_stay(request, pk)
    if not request.access.may_book(stay):
        raise PermissionDenied
    form = GoalsForm(request.POST)
    message = ""
    if form.is_valid():
        try:
            services.stay_goals_set(stay=stay, goals=form.goal_list(), user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            message = _("Målene er gemt.")
            form = None
    return render(request, "beds/_stay.html", _stay_panel_context(request, stay, goals_form=form,
                                                                   panel_message=message),
                  status=200)


@require_POST
def stay_goal_evaluate(request, pk: int, goal_pk: int):
    stay = _own_stay(request, pk)
    if not request.access.may_book(stay):
        raise PermissionDenied
    goal = stay.goals.filter(pk=goal_pk).first() if 0 < goal_pk < 2**62 else None
    if goal is None:
        raise Http404
    form = GoalEvaluateForm(request.POST, auto_id=f"g{goal.pk}_%s")
    message = ""
    if form.is_valid():
        try:
            services.stay_goal_evaluate(goal=goal, result=form.cleaned_data["result"], note=form.cleaned_data["note"],
                                        user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            message = _("Målet er evalueret.")
            form = None
    return render(request, "beds/_stay.html", _stay_panel_context(
        request, stay, evaluate_forms={goal.pk: form} if form else {}, panel_message=message))


def stay_questionnaire(request, pk: int, code: str):
    """A questionnaire at the start or end of the stay (staff of the stay's sector), on a page of its own:
    the answers are too many for the side panel. Back to the board when saved."""
    from django.shortcuts import redirect

    from contracts.forms import QuestionnaireForm, add_service_error
    from contracts.models.questionnaires import STAY_MOMENTS
    from contracts.questionnaire_services import house_instrument_for

    stay = _own_stay(request, pk)
    if not request.access.may_book(stay):
        raise PermissionDenied
    chosen = house_instrument_for(house=stay.house, code=code)
    moments = [m for m in (chosen.moments if chosen else []) if m in STAY_MOMENTS]
    if not moments:
        raise Http404
    form = QuestionnaireForm(request.POST or None, instrument=chosen.instrument, moments=moments,
                             sectors={stay.sector})
    form.fields.pop("answered_on")  # given now, at the stay
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_questionnaire_record(stay=stay, instrument_code=code, moment=form.cleaned_data["moment"],
                                               answers=form.answers(), user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            from django.contrib import messages

            messages.success(request, _("Besvarelsen er gemt."))
            return redirect("beds:board")
    return render(request, "contracts/questionnaire_form.html", {
        "form": form, "citizen": stay.citizen, "instrument": chosen.instrument, "back_url": "beds:board"})


def stay_instruments(stay) -> list:
    """The house's instruments used at a stay's start or end (links on the stay panel)."""
    from contracts.models.questionnaires import STAY_MOMENTS
    from contracts.questionnaire_selectors import house_instruments

    return [hi for hi in house_instruments(house=stay.house) if set(hi.moments) & set(STAY_MOMENTS)]

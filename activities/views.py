"""Activity pages: week calendar, activity with enrolment, session attendance (phone first), counts.

Views are thin: they read through `activities.selectors`, write through `activities.services`, and ask
`request.access` (psykiatrihus.scoping) what the user may see. Named lists are audited.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from activities import forms, selectors, services
from activities.models import Activity, ActivityKind, Enrolment, EnrolmentStatus, Session
from contracts.selectors import citizen_ids_visible, citizens_by_ids
from psykiatrihus.dates import date_query_param
from psykiatrihus.services import audit_log_many

WEEKDAYS = [gettext_lazy("Mandag"), gettext_lazy("Tirsdag"), gettext_lazy("Onsdag"), gettext_lazy("Torsdag"),
            gettext_lazy("Fredag"), gettext_lazy("Lørdag"), gettext_lazy("Søndag")]


def _member(request):
    access = request.access
    if not access.is_member or access.house is None:
        raise PermissionDenied
    return access


def _activity(access, pk: int) -> Activity:
    activity = selectors.activities_visible(access=access).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def _session(access, pk: int) -> Session:
    session = (Session.objects.select_related("activity").filter(pk=pk, house=access.house).first()
               if access.house else None)
    if session is None:
        raise Http404
    return session


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's Danish error beside its field (or on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- calendar ------------------------------------------------------------------------------------------


def calendar(request):
    """The house's week (Monday–Sunday): every session, with its figure (named present or head count)."""
    access = _member(request)
    day = date_query_param(request.GET.get("dato"), default=timezone.localdate(), house=access.house)
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    sessions = list(selectors.sessions_between(house=access.house, start=monday, end=sunday))
    days = []
    for i in range(7):
        d = monday + datetime.timedelta(days=i)
        items = [s for s in sessions if timezone.localtime(s.starts_at).date() == d]
        days.append({"date": d, "name": WEEKDAYS[i], "sessions": [
            {"session": s, "figure": selectors.session_figure(s)} for s in items]})
    return render(request, "activities/calendar.html", {
        "days": days, "monday": monday, "sunday": sunday, "today": timezone.localdate(),
        "week": monday.isocalendar().week,
        "prev": (monday - datetime.timedelta(days=7)).isoformat(), "next": (monday + datetime.timedelta(days=7))
        .isoformat(), "may_create": selectors.activity_may_create(access=access),
    })


# --- activities ----------------------------------------------------------------------------------------


def activity_list(request):
    access = _member(request)
    activities = list(selectors.activities_visible(access=access).filter(active=True)
                      .order_by("kind", "name", "starts_on"))
    counts = selectors.enrolment_counts(activity_ids=[a.pk for a in activities])
    rows = [{"activity": a, **counts.get(a.pk, {"enrolled": 0, "waiting": 0})} for a in activities]
    return render(request, "activities/activity_list.html", {
        "rows": rows, "may_create": selectors.activity_may_create(access=access)})


def activity_create(request):
    access = _member(request)
    if not selectors.activity_may_create(access=access):
        raise PermissionDenied
    form = forms.ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(house=access.house, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Aktiviteten er oprettet."))
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form})


def activity_detail(request, pk: int):
    access = _member(request)
    activity = _activity(access, pk)
    may_manage = selectors.activity_may_manage(access=access, activity=activity)
    enrolments = list(selectors.enrolments_visible(access=access, activity=activity))
    audit_log_many(user=request.user, action="read", objects=enrolments, house=access.house,
                   citizen_attr="citizen_id", detail="tilmeldinger")
    counts = selectors.enrolment_counts(activity_ids=[activity.pk])[activity.pk]
    today = timezone.localdate()
    sessions = list(activity.sessions.order_by("starts_at"))
    enrol_form = schedule_form = None
    if may_manage and activity.kind == ActivityKind.COURSE:
        enrol_form = forms.EnrolForm(citizens=_enrollable(access, activity))
        first = activity.starts_on or today
        schedule_form = forms.ScheduleForm(initial={"first_day": first, "count": activity.sessions_planned or 1})
    elif may_manage:
        schedule_form = forms.ScheduleForm(initial={"first_day": today, "count": 4})
    return render(request, "activities/activity_detail.html", {
        "activity": activity, "may_manage": may_manage, "counts": counts, "sessions": sessions,
        "enrolled": [e for e in enrolments if e.status == EnrolmentStatus.ENROLLED],
        "waiting": [e for e in enrolments if e.status == EnrolmentStatus.WAITING],
        "hidden": counts["enrolled"] + counts["waiting"] - len(enrolments),
        "enrol_form": enrol_form, "schedule_form": schedule_form, "today": today,
    })


def _enrollable(access, activity: Activity):
    taken = Enrolment.objects.filter(activity=activity, status__in=selectors.OPEN_ENROLMENT).values("citizen_id")
    return citizens_by_ids(ids=citizen_ids_visible(access=access)).exclude(id__in=taken).order_by("name")


@require_POST
def enrol(request, pk: int):
    access = _member(request)
    activity = _activity(access, pk)
    if not selectors.activity_may_manage(access=access, activity=activity):
        raise PermissionDenied
    form = forms.EnrolForm(request.POST, citizens=_enrollable(access, activity))
    if form.is_valid():
        try:
            enrolment = services.enrolment_create(activity=activity, citizen=form.cleaned_data["citizen"],
                                                  user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(request, _("%(name)s er tilmeldt.") % {"name": enrolment.citizen.name})
            else:
                messages.info(request, _("Holdet er fuldt: %(name)s står som nr. %(n)s på ventelisten.") % {
                    "name": enrolment.citizen.name, "n": selectors.waiting_position(enrolment=enrolment)})
    else:
        messages.error(request, _("Vælg en borger."))
    return redirect("activities:activity_detail", pk=activity.pk)


@require_POST
def withdraw(request, pk: int):
    access = _member(request)
    enrolment = selectors.enrolments_visible(access=access).filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    if not selectors.activity_may_manage(access=access, activity=enrolment.activity):
        raise PermissionDenied
    try:
        promoted = services.enrolment_withdraw(enrolment=enrolment, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Afmeldt."))
        if promoted is not None:
            messages.info(request, _("En borger fra ventelisten har fået pladsen."))
    return redirect("activities:activity_detail", pk=enrolment.activity_id)


@require_POST
def schedule(request, pk: int):
    access = _member(request)
    activity = _activity(access, pk)
    if not selectors.activity_may_manage(access=access, activity=activity):
        raise PermissionDenied
    form = forms.ScheduleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        first = timezone.make_aware(datetime.datetime.combine(data["first_day"], data["time"]))
        try:
            created = services.sessions_schedule(activity=activity, first_starts_at=first, count=data["count"],
                                                 every_days=data["every_days"], minutes=data["minutes"],
                                                 user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)s gange er lagt i kalenderen.") % {"n": len(created)})
    else:
        messages.error(request, _("Tjek datoen, klokkeslættet og antallet."))
    return redirect("activities:activity_detail", pk=activity.pk)


# --- a session: attendance in two taps ------------------------------------------------------------------


def _attendance_rows(access, session: Session, user) -> list[dict]:
    enrolled = list(selectors.enrolments_visible(access=access, activity=session.activity)
                    .filter(status=EnrolmentStatus.ENROLLED))
    present = {a.citizen_id: a.present for a in selectors.attendance_visible(access=access, session=session)}
    audit_log_many(user=user, action="read", objects=enrolled, house=access.house, citizen_attr="citizen_id",
                   detail=f"fremmøde gang {session.pk}")
    return [{"citizen": e.citizen, "present": present.get(e.citizen_id)} for e in enrolled]


def session_detail(request, pk: int):
    access = _member(request)
    session = _session(access, pk)
    activity = session.activity
    may_manage = selectors.activity_may_manage(access=access, activity=activity)
    is_course = activity.kind == ActivityKind.COURSE
    rows = _attendance_rows(access, session, request.user) if is_course else []
    named_present = session.attendances.filter(present=True).count()
    recordable = not session.cancelled and timezone.localtime(session.starts_at).date() <= timezone.localdate()
    head_form = None
    if not is_course and may_manage:
        head_form = forms.HeadCountForm(initial={"head_count": session.head_count or 0})
    return render(request, "activities/session_detail.html", {
        "session": session, "activity": activity, "may_manage": may_manage, "is_course": is_course,
        "rows": rows, "named_present": named_present, "recordable": recordable, "head_form": head_form,
    })


@require_POST
def attendance_toggle(request, pk: int, citizen_id: int):
    access = _member(request)
    session = _session(access, pk)
    if not selectors.activity_may_manage(access=access, activity=session.activity):
        raise PermissionDenied
    enrolment = (selectors.enrolments_visible(access=access, activity=session.activity)
                 .filter(citizen_id=citizen_id, status=EnrolmentStatus.ENROLLED).first())
    if enrolment is None:
        raise Http404
    error = None
    try:
        attendance = services.attendance_toggle(session=session, citizen=enrolment.citizen, user=request.user)
        present = attendance.present
    except ValidationError as exc:
        error = " ".join(exc.messages)
        present = None
    if request.headers.get("HX-Request"):
        return render(request, "activities/_attendance_button.html", {
            "session": session, "row": {"citizen": enrolment.citizen, "present": present}, "error": error,
            "recordable": True, "may_manage": True}, status=200 if error is None else 422)
    if error:
        messages.error(request, error)
    return redirect("activities:session_detail", pk=session.pk)


@require_POST
def head_count(request, pk: int):
    access = _member(request)
    session = _session(access, pk)
    if not selectors.activity_may_manage(access=access, activity=session.activity):
        raise PermissionDenied
    form = forms.HeadCountForm(request.POST)
    if form.is_valid():
        try:
            services.head_count_record(session=session, head_count=form.cleaned_data["head_count"], user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Antal fremmødte er gemt."))
    else:
        messages.error(request, _("Antallet kan ikke være negativt."))
    return redirect("activities:session_detail", pk=session.pk)


# --- counts: monthly overview and entry forms --------------------------------------------------------------


def _leader(access) -> bool:
    return access.is_leader or access.is_superuser


COUNT_KINDS = {
    # slug: (title, form, service, who may enter: sectors whose staff may, leaders always)
    "aaben-dialog": (gettext_lazy("Åben Dialog-netværksmøder"), forms.OpenDialogueForm,
                     services.open_dialogue_record, {"kommune", "region"}),
    "hjemmebehandling": (gettext_lazy("Hjemmebehandlerteamet"), forms.HomeTreatmentForm,
                         services.home_treatment_record, {"region"}),
    "socialvagten": (gettext_lazy("Socialvagten"), forms.SocialvagtenForm, services.socialvagten_record,
                     {"kommune"}),
    "recoveryskole": (gettext_lazy("Recoveryskolen"), forms.RecoveryCourseForm, services.recovery_course_record,
                      {"kommune"}),
    "peeruddannelse": (gettext_lazy("Peeruddannelsen"), forms.PeerCohortForm, services.peer_cohort_record,
                       {"kommune"}),
    "peer-timer": (gettext_lazy("Peer-timer og peer-samtaler"), forms.PeerMonthForm, services.peer_month_record,
                   set()),
    "medarbejdere": (gettext_lazy("Medarbejdere og årsværk"), forms.StaffCountForm, services.staff_count_record,
                     set()),
    "budget": (gettext_lazy("Budget"), forms.BudgetForm, services.budget_record, set()),
}


def may_enter(access, kind: str) -> bool:
    sectors = COUNT_KINDS[kind][3]
    return _leader(access) or bool(sectors & set(access.citizen_sectors))


def overview(request):
    """One month of the house: activities (sessions, attendance) and the counts entered."""
    access = _member(request)
    default = timezone.localdate().replace(day=1)
    raw = request.GET.get("maaned", "")
    try:
        month = datetime.datetime.strptime(raw, "%Y-%m").date() if raw else default
    except ValueError:
        month = default
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    last_day = next_month - datetime.timedelta(days=1)
    attendance = selectors.activity_attendance(house=access.house, start=month, end=last_day)
    return render(request, "activities/overview.html", {
        "month": month, "month_label": formats.date_format(month, "F Y"),
        "prev": (month - datetime.timedelta(days=1)).strftime("%Y-%m"), "next": next_month.strftime("%Y-%m"),
        "attendance": sorted(attendance.values(), key=lambda r: (r["kind"], r["name"])),
        "counts": selectors.month_counts(house=access.house, month=month),
        "kinds": [(slug, spec[0]) for slug, spec in COUNT_KINDS.items() if may_enter(access, slug)],
    })


def count_entry(request, kind: str):
    access = _member(request)
    if kind not in COUNT_KINDS:
        raise Http404
    if not may_enter(access, kind):
        raise PermissionDenied
    title, form_class, service, _sectors = COUNT_KINDS[kind]
    extra = {"peers": selectors.peer_workers(house=access.house)} if kind == "peer-timer" else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if kind != "peer-timer":
            kwargs["house"] = access.house
        try:
            service(user=request.user, **kwargs)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Tallene er gemt."))
            return redirect(reverse("activities:count_entry", args=[kind]))
    return render(request, "activities/count_form.html", {"form": form, "title": title, "kind": kind})

"""Bed board (HTMX). Thin views: they parse input, call `beds.services` / `beds.selectors` and render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from beds import selectors, services
from beds.forms import (
    AftercareRecordForm,
    BookForm,
    CheckInForm,
    CheckOutForm,
    GoalEvaluateForm,
    GoalsForm,
    PlaceNextForm,
    RequestForm,
    TurnAwayForm,
    WaitingAddForm,
    WaitingWithdrawForm,
)
from beds.models import Bed, RequestChannel, RequestOutcome, Sector, Stay, StayKind, StayStatus, TurnAwayReason
from psykiatrihus.services import audit_log, audit_log_many

BOARD_DAYS = 14
POLL_SECONDS = 20
# The board and the request list refresh themselves; the same names on the same user's screen within this
# window are one read in the audit log (psykiatrihus.services.audit_log_many, `once_per`).
SAME_READ_WINDOW = datetime.timedelta(minutes=15)


def _member(request):
    access = request.access
    if request.house is None or not access.is_member:
        raise PermissionDenied
    return request.house, access


def _board_params(request) -> tuple[datetime.date, str]:
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("fra", ""))
    except ValueError:
        start = today
    sector = request.GET.get("sektor", "")
    if sector not in Sector.values:
        sector = ""
    return start, sector


ROUTE_WORDS = {"bsk": gettext_lazy("brugerstyret kontrakt"), "visitation": gettext_lazy("visitation"),
               "home_treatment": gettext_lazy("hjemmebehandling")}
STATE_WORDS = {"free": gettext_lazy("ledig"), "booked": gettext_lazy("booket"), "occupied": gettext_lazy("optaget"),
               "blocked": gettext_lazy("spærret")}


def _decorate(board) -> None:
    """Each cell's HTML built once in Python (escaped): 224 cells through template tags cost ~10× more.

    Free cells of the user's sectors are buttons that open the booking form; the user's stays are buttons
    that open the stay; everything else is a focusable span (arrow keys move between all cells)."""
    from django.utils.dateformat import format as date_format
    from django.utils.html import escape

    book_url = reverse("beds:book")
    stay_url = reverse("beds:stay", args=[0])[:-2]  # ".../ophold/" + id + "/"
    words = {k: str(v) for k, v in STATE_WORDS.items()}
    statuses = {k: str(v).lower() for k, v in StayStatus.choices}
    book_word, today = escape(str(_("ledig, book"))), board.today
    nights = [(n, escape(date_format(n, "j. F")), n.strftime("%Y%m%d"), n.isoformat()) for n in board.nights]
    for r, row in enumerate(board.rows):
        label = escape(row.bed.label)
        html = []
        for c, (cell, (night, human, key, iso)) in enumerate(zip(row.cells, nights, strict=True)):
            css = f"state-{cell.state}" + (" today" if night == today else "")
            pos = f'id="c-{row.bed.pk}-{key}" data-cell data-r="{r}" data-c="{c}"'
            if cell.can_book:
                inner = (f'<button type="button" {pos} class="cell" hx-get="{book_url}?seng={row.bed.pk}&amp;nat={iso}"'
                         f' hx-target="#panel" aria-label="{label} {human}: {book_word}">'
                         '<span aria-hidden="true">+</span></button>')
            elif cell.stay is not None and cell.show_name:
                name = cell.stay.citizen.name
                text = escape(name if len(name) <= 12 else name[:11] + "…") if cell.starts_here else \
                    '<span aria-hidden="true">·</span>'
                inner = (f'<button type="button" {pos} class="cell stay" hx-get="{stay_url}{cell.stay.pk}/"'
                         f' hx-target="#panel" aria-label="{label} {human}: {escape(name)}, '
                         f'{statuses[cell.stay.status]}">{text}</button>')
            else:
                mark = '<span aria-hidden="true">×</span>' if cell.state == "blocked" else ""
                inner = (f'<span tabindex="-1" {pos} class="cell"><span class="visually-hidden">{label} {human}: '
                         f'{words[cell.state]}</span>{mark}</span>')
            html.append(f'<td class="{css}">{inner}</td>')
        row.html = mark_safe("".join(html))  # noqa: S308 - every dynamic part above is escaped


def _board_context(request, house, access) -> dict:
    start, sector = _board_params(request)
    board = selectors.bed_board(house=house, access=access, start=start, days=BOARD_DAYS, sector=sector or None)
    _decorate(board)
    shown = [c.stay for row in board.rows for c in row.cells if c.starts_here and c.show_name]
    if shown:
        audit_log_many(user=request.user, action="read", objects=shown, house=house, detail="sengeoversigt",
                       citizen_attr="citizen_id", once_per=SAME_READ_WINDOW)
    return {
        "board": board, "start": start, "sector": sector, "poll_seconds": POLL_SECONDS,
        "prev": start - datetime.timedelta(days=7), "next": start + datetime.timedelta(days=7),
        "today": board.today, "sectors": Sector.choices,
    }


def board(request):
    """The bed board: 16 beds × 14 nights, live refresh by polling and after every change."""
    house, access = _member(request)
    context = _board_context(request, house, access)
    rules = selectors.house_rules_today(house=house, on_date=context["today"])
    waiting = selectors.waiting_count(access=access) if access.sees_citizens else 0
    context.update({
        "rules": [{"sector": p.sector, "label": Sector(p.sector).label, "frame": p.stay_frame_nights,
                   "routes": ", ".join(str(ROUTE_WORDS[r]) for r in p.admission_routes), "policy": p}
                  for p in rules],
        "waiting_count": waiting,
        "show_waiting_link": access.sees_citizens and (waiting > 0 or any(p.admits_visitation for p in rules)),
        "show_aftercare_link": access.sees_citizens and any(p.plans_post_stay_followup for p in rules),
        "show_requests": access.sees_citizens,
    })
    if access.sees_citizens:
        context.update(_requests_context(request, house, access))
    _remember_rules_for_navigation(request, house, rules)
    return render(request, "beds/board.html", context)


def _remember_rules_for_navigation(request, house, rules) -> None:
    from psykiatrihus.context_processors import remember_beds_navigation

    remember_beds_navigation(request, house, waiting=any(p.admits_visitation for p in rules),
                             aftercare=any(p.plans_post_stay_followup for p in rules))


def board_grid(request):
    house, access = _member(request)
    return render(request, "beds/_grid.html", _board_context(request, house, access))


def _done(request, message: str):
    """After a change: HTMX gets the panel with the message and a `boardChanged` event; others a redirect."""
    if request.htmx:
        response = render(request, "beds/_panel_message.html", {"message": message})
        response["HX-Trigger"] = "boardChanged"
        return response
    messages.success(request, message)
    return redirect("beds:board")


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
def book(request):
    """Book a free cell: the form opens in the side panel; the service decides."""
    house, access = _member(request)
    stay_request, other_beds = None, []
    raw_request = str(request.GET.get("henvendelse") or request.POST.get("henvendelse") or "")
    if raw_request:
        # "Book" beside a request: its sector's first bed free now unless a bed is given; the stay is linked
        # to the request (`stay_book(request=...)`), which is then marked booked.
        stay_request = selectors.stay_request_actionable(access=access, pk=int(raw_request)) \
            if raw_request.isdigit() else None
        if stay_request is None:
            raise Http404
        if stay_request.outcome != RequestOutcome.PENDING:
            return _request_closed(request, _("Henvendelsen er allerede afsluttet."))
    raw_bed = str(request.GET.get("seng") or request.POST.get("seng") or "")
    if stay_request is not None and not raw_bed:
        free = selectors.beds_free_now(house=house, sectors=[stay_request.sector])
        if not free:
            from beds.forms import TurnAwayForm

            return render(request, "beds/_request_turn_away.html", _request_panel_context(
                request, stay_request, form=TurnAwayForm(initial={"reason": TurnAwayReason.NO_BED}),
                no_bed=True))
        raw_bed = str(free[0].pk)
    bed = Bed.objects.filter(house=house, pk=int(raw_bed)).first() if raw_bed.isdigit() and int(raw_bed) < 2**62 \
        else None
    if bed is None:
        raise Http404
    if bed.sector not in access.booking_sectors:
        raise PermissionDenied
    if stay_request is not None and stay_request.sector != bed.sector:
        return _request_closed(request, _("Henvendelsen gælder sektoren %(sector)s. Vælg en seng i den sektor.")
                               % {"sector": stay_request.get_sector_display()})
    try:
        night = datetime.date.fromisoformat(request.GET.get("nat") or request.POST.get("nat") or "")
    except ValueError:
        night = timezone.localdate()
    tz = timezone.get_current_timezone()
    conflict = ""
    known = stay_request.citizen if stay_request is not None and stay_request.citizen_id else None
    if request.method == "POST":
        form = BookForm(request.POST)
        if known is not None:
            form.fields["cpr"].required = False
        if form.is_valid():
            data = form.cleaned_data
            citizen = known or _citizen_by_cpr(house, data["cpr"])
            if citizen is None:
                form.add_error("cpr", _("Der findes ingen borger med dette CPR-nummer i huset."))
            else:
                try:
                    stay = services.stay_book(
                        house=house, bed=bed, citizen=citizen, arrival=data["arrival"],
                        planned_departure=data["planned_departure"], user=request.user, kind=data["kind"],
                        extension_reason=data["extension_reason"], fb_decided_on=data["fb_decided_on"],
                        fb_ward=data["fb_ward"], fb_case_worker=data["fb_case_worker"],
                        fb_house_contact=data["fb_house_contact"], request=stay_request,
                    )
                except ValidationError as exc:
                    _form_errors(form, exc)
                except services.BookingConflict as exc:
                    conflict = exc.message
                else:
                    message = _("%(bed)s er booket %(from)s–%(to)s.") % {
                        "bed": bed.label, "from": stay.arrival_date.strftime("%d.%m."),
                        "to": timezone.localtime(stay.planned_departure).strftime("%d.%m.%Y")}
                    if stay_request is not None:
                        message += " " + _("Henvendelsen er markeret som booket.")
                    return _done(request, message)
    else:
        arrival = datetime.datetime.combine(night, datetime.time(14, 0), tzinfo=tz)
        nights = stay_request.requested_nights if stay_request is not None else 1
        if stay_request is not None and night == timezone.localdate():
            now = timezone.localtime().replace(second=0, microsecond=0)
            arrival = max(arrival, now)  # a request taken in the evening: the stay starts now
        departure = datetime.datetime.combine(night + datetime.timedelta(days=nights), datetime.time(10, 0),
                                              tzinfo=tz)
        form = BookForm(initial={"arrival": arrival, "planned_departure": departure})
    if stay_request is not None:
        other_beds = [b for b in selectors.beds_free_now(house=house, sectors=[bed.sector]) if b.pk != bed.pk] \
            if night == timezone.localdate() else []
        if known is not None:
            form.fields["cpr"].required = False
            audit_log(user=request.user, action="read", obj=stay_request, house=house,
                      citizen_id=stay_request.citizen_id, detail="henvendelse: booking")
    status = 409 if conflict and not request.htmx else 200
    first_waiting = None
    if night <= timezone.localdate() and access.sees_citizens and stay_request is None:
        first_waiting = next(iter(selectors.waiting_list(access=access, sector=bed.sector)), None)
    response = render(request, "beds/_book.html", {"form": form, "bed": bed, "night": night, "conflict": conflict,
                                                   "first_waiting": first_waiting, "stay_request": stay_request,
                                                   "known_citizen": known, "other_beds": other_beds,
                                                   "fb_allowed": bed.may_be_faerdigbehandling,
                                                   "faerdigbehandling": StayKind.FAERDIGBEHANDLING}, status=status)
    if conflict:
        response["HX-Trigger"] = "boardChanged"  # the loser's board shows the winner's stay at once
    return response


def _citizen_by_cpr(house, raw: str):
    from contracts.cpr import cpr_clean
    from contracts.selectors import citizen_by_cpr

    try:
        digits = cpr_clean(raw)
    except ValidationError:
        return None
    citizen = citizen_by_cpr(digits=digits, house=house)
    return citizen if citizen is not None and citizen.house_id == house.pk else None


def _own_stay(request, pk: int) -> Stay:
    house, access = _member(request)
    if not 0 < pk < 2**62:  # beyond bigint PostgreSQL would refuse the query
        raise Http404
    stay = selectors.stays_visible(access=access).filter(pk=pk).first()
    if stay is None:
        raise Http404
    return stay


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
                services.stay_check_in(stay=stay, user=user, ors_score=form.cleaned_data["ors_score"])
                return _done(request, _("%(name)s er indskrevet på %(bed)s.") % {"name": stay.citizen.name,
                                                                                "bed": stay.bed.label})
        elif action == "check-out":
            form = CheckOutForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                services.stay_check_out(stay=stay, user=user, srs_score=data["srs_score"], end_note=data["end_note"],
                                        fb_outcome=data["fb_outcome"], fb_stays_attached=data["fb_stays_attached"])
                return _done(request, _("%(name)s er udskrevet fra %(bed)s.") % {"name": stay.citizen.name,
                                                                                "bed": stay.bed.label})
        elif action in ("cancel", "no-show"):
            services.stay_cancel(stay=stay, user=user, no_show=action == "no-show")
            return _done(request, _("Opholdet er aflyst.") if action == "cancel"
                         else _("Udeblivelse er registreret."))
        else:
            raise Http404
    except ValidationError as exc:
        if form is None:
            return render(request, "beds/_panel_message.html", {"error": " ".join(exc.messages)})
        _form_errors(form, exc)
    except services.BookingConflict as exc:
        return render(request, "beds/_panel_message.html", {"error": exc.message})
    stay.refresh_from_db()
    return render(request, "beds/_stay.html", _stay_panel_context(
        request, stay, check_in_form=form if action == "check-in" else None,
        check_out_form=form if action == "check-out" else None))


def empty(request):
    return HttpResponse("")


# --- waiting list (visitation houses), goals per stay and aftercare ---------------------------------------


def _citizen_member(request):
    """Pages with citizen names: staff and leaders of a sector; others 403."""
    house, access = _member(request)
    if not access.sees_citizens:
        raise PermissionDenied
    return house, access


def _waiting_context(request, house, access, *, add_form=None, withdraw_forms=None, place_forms=None) -> dict:
    today = timezone.localdate()
    items = selectors.waiting_list(access=access)
    audit_log_many(user=request.user, action="read", objects=[i.entry for i in items], house=house,
                   detail="venteliste", citizen_attr="citizen_id")
    candidates = list(selectors.waiting_list_candidates(access=access, on_date=today)) if access.can_book else []
    withdraw_forms = withdraw_forms or {}
    for item in items:
        item.withdraw_form = withdraw_forms.get(item.entry.pk) or WaitingWithdrawForm(auto_id=f"w{item.entry.pk}_%s")
        item.may_change = item.entry.sector in access.booking_sectors
    free = selectors.beds_free_now(house=house, sectors=access.booking_sectors) if access.can_book else []
    place_forms = place_forms or {}
    sectors = []
    for value, label in Sector.choices:
        if value not in access.citizen_sectors:
            continue
        own = [i for i in items if i.entry.sector == value]
        beds = [b for b in free if b.sector == value]
        sectors.append({
            "value": value, "label": label, "items": own, "beds": beds,
            "may_place": value in access.booking_sectors,
            "place_form": place_forms.get(value) or PlaceNextForm(beds=beds, auto_id=f"p{value}_%s"),
        })
    return {
        "sectors": sectors, "count": len(items), "today": today,
        "add_form": add_form or (WaitingAddForm(decisions=candidates, initial=_preselected(request, candidates))
                                 if access.can_book else None),
    }


def _preselected(request, candidates) -> dict:
    """`?visitation=<id>` (the link beside a decision on the citizen page) preselects that decision."""
    raw = request.GET.get("visitation", "")
    wanted = int(raw) if raw.isdigit() and int(raw) < 2**62 else None
    return {"visitation": wanted} if any(d.pk == wanted for d in candidates) else {}


def waiting_list_page(request):
    """The house's waiting list: first come, first served per sector, with the wait so far and the visitation
    decision behind each entry; put a visited citizen on it, withdraw with a note, place the first in a bed."""
    house, access = _citizen_member(request)
    return render(request, "beds/waiting_list.html", _waiting_context(request, house, access))


def _waiting_rerender(request, house, access, **forms):
    return render(request, "beds/waiting_list.html", _waiting_context(request, house, access, **forms))


@require_POST
def waiting_list_add(request):
    house, access = _citizen_member(request)
    if not access.can_book:
        raise PermissionDenied
    candidates = list(selectors.waiting_list_candidates(access=access, on_date=timezone.localdate()))
    form = WaitingAddForm(request.POST, decisions=candidates)
    if form.is_valid():
        decision = next((d for d in candidates if d.pk == form.cleaned_data["visitation"]), None)
        try:
            entry = services.waiting_list_add(visitation=decision, user=request.user,
                                              requested_nights=form.cleaned_data["requested_nights"],
                                              note=form.cleaned_data["note"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s er skrevet op på ventelisten.") % {"name": entry.citizen.name})
            return redirect("beds:waiting_list")
    return _waiting_rerender(request, house, access, add_form=form)


@require_POST
def waiting_list_withdraw(request, pk: int):
    house, access = _citizen_member(request)
    entry = selectors.waiting_entry_get(access=access, pk=pk)
    if entry is None:
        raise Http404
    if entry.sector not in access.booking_sectors:
        raise PermissionDenied
    form = WaitingWithdrawForm(request.POST, auto_id=f"w{pk}_%s")
    if form.is_valid():
        try:
            services.waiting_list_withdraw(entry=entry, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s er taget af ventelisten.") % {"name": entry.citizen.name})
        return redirect("beds:waiting_list")
    return _waiting_rerender(request, house, access, withdraw_forms={pk: form})


@require_POST
def waiting_list_place(request):
    """"Place the first waiting citizen in bed X": one action, one transaction (the service)."""
    house, access = _citizen_member(request)
    raw = str(request.POST.get("bed", ""))
    bed = Bed.objects.filter(house=house, active=True, pk=int(raw)).first() \
        if raw.isdigit() and int(raw) < 2**62 else None
    if bed is None:
        if request.htmx:
            return render(request, "beds/_panel_message.html", {"error": _("Vælg en ledig seng.")})
        messages.error(request, _("Vælg en ledig seng."))
        return redirect("beds:waiting_list")
    if bed.sector not in access.booking_sectors:
        raise PermissionDenied
    error = ""
    try:
        stay = services.waiting_list_place_next(bed=bed, user=request.user)
    except ValidationError as exc:
        error = _("Den første på ventelisten kan ikke få %(bed)s: %(why)s") % {
            "bed": bed.label, "why": " ".join(exc.messages)}
    except services.BookingConflict as exc:
        error = _("%(bed)s er ikke ledig nu: %(why)s") % {"bed": bed.label, "why": exc.message}
    else:
        if stay is None:
            error = _("Ingen borgere venter på en seng i sektoren %(sector)s.") % {"sector": bed.get_sector_display()}
    if error:
        if request.htmx:
            response = render(request, "beds/_panel_message.html", {"error": error})
            response["HX-Trigger"] = "boardChanged"
            return response
        form = PlaceNextForm({"bed": bed.pk}, beds=[bed], auto_id=f"p{bed.sector}_%s")
        form.is_valid()
        form.add_error("bed", error)
        return _waiting_rerender(request, house, access, place_forms={bed.sector: form})
    message = _("%(name)s har fået %(bed)s fra i dag (%(n)s nætter).") % {
        "name": stay.citizen.name, "bed": bed.label, "n": stay.nights}
    if request.htmx:
        return _done(request, message)
    messages.success(request, message)
    return redirect("beds:waiting_list")


def _aftercare_context(request, house, access, *, record_forms=None) -> dict:
    today = timezone.localdate()
    items = list(selectors.aftercare_due(access=access, on_or_before=today + datetime.timedelta(days=AFTERCARE_DAYS)))
    audit_log_many(user=request.user, action="read", objects=[a.stay for a in items], house=house,
                   detail="opfølgning efter ophold", citizen_attr="citizen_id")
    record_forms = record_forms or {}
    for item in items:
        item.form = record_forms.get(item.pk) or AftercareRecordForm(initial={"done_on": today},
                                                                     auto_id=f"a{item.pk}_%s")
        item.may_record = item.stay.sector in access.booking_sectors
        item.overdue = item.planned_on < today
    return {"items": items, "today": today, "within": AFTERCARE_DAYS}


AFTERCARE_DAYS = 7


def aftercare_list(request):
    """Opfølgning efter ophold: planned safety visits/calls due within a week, in the user's sectors."""
    house, access = _citizen_member(request)
    return render(request, "beds/aftercare_list.html", _aftercare_context(request, house, access))


# --- the stay panel: goals and aftercare ------------------------------------------------------------------


def _stay_panel_context(request, stay, **forms) -> dict:
    from psykiatrihus.models import PostStayFollowUp
    from psykiatrihus.policy import policy_for

    policy = policy_for(house=stay.house, sector=stay.sector, on_date=stay.arrival_date)
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
        "stay": stay, "can_act": stay.sector in request.access.booking_sectors,
        "check_in_form": forms.get("check_in_form") or CheckInForm(),
        "check_out_form": forms.get("check_out_form") or CheckOutForm(),
        "faerdigbehandling": stay.kind == StayKind.FAERDIGBEHANDLING,
        "policy": policy, "goals": goals,
        "followup_label": str(PostStayFollowUp(policy.post_stay_followup).label).lower(),
        "show_goals": policy.stays_have_goals or bool(goals),
        "goals_form": forms.get("goals_form") or GoalsForm(initial={"goals": "\n".join(g.text for g in open_goals)}),
        "goals_editable": stay.status in (StayStatus.BOOKED, StayStatus.CHECKED_IN),
        "aftercare": aftercare, "panel_error": forms.get("panel_error", ""),
        "panel_message": forms.get("panel_message", ""),
    }


@require_POST
def stay_goals(request, pk: int):
    stay = _own_stay(request, pk)
    if stay.sector not in request.access.booking_sectors:
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
    if stay.sector not in request.access.booking_sectors:
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


@require_POST
def aftercare_record(request, pk: int):
    """Record a safety visit/call (from the stay panel with HTMX, or from the follow-up list)."""
    house, access = _citizen_member(request)
    aftercare = selectors.aftercare_get(access=access, pk=pk)
    if aftercare is None:
        raise Http404
    if aftercare.stay.sector not in access.booking_sectors:
        raise PermissionDenied
    form = AftercareRecordForm(request.POST, auto_id=f"a{pk}_%s")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.stay_aftercare_record(aftercare=aftercare, user=request.user, done_on=d["done_on"],
                                           kind=d["kind"], reached=d["reached"], note=d["note"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            message = _("Opfølgningen efter opholdet er registreret.")
            if request.htmx:
                return render(request, "beds/_stay.html", _stay_panel_context(request, aftercare.stay,
                                                                               panel_message=message))
            messages.success(request, message)
            return redirect("beds:aftercare_list")
    if request.htmx:
        return render(request, "beds/_stay.html", _stay_panel_context(request, aftercare.stay,
                                                                       record_forms={pk: form}))
    return render(request, "beds/aftercare_list.html", _aftercare_context(request, house, access,
                                                                          record_forms={pk: form}))


# --- requests for a stay (henvendelser) -------------------------------------------------------------------


def _requests_context(request, house, access) -> dict:
    """Open requests of the last week per sector the user sees (one query; the names shown are audited)."""
    items = selectors.stay_requests_open(access=access)
    named = [r for r in items if r.citizen_id]
    if named:
        audit_log_many(user=request.user, action="read", objects=named, house=house, detail="åbne henvendelser",
                       citizen_attr="citizen_id", once_per=SAME_READ_WINDOW)
    for item in items:
        item.may_act = item.sector in access.booking_sectors
    sectors = [{"value": value, "label": label, "items": [i for i in items if i.sector == value]}
               for value, label in Sector.choices if value in access.citizen_sectors]
    return {"request_sectors": sectors, "request_count": len(items), "may_record_request": access.can_book,
            "today": timezone.localdate()}


def requests_list(request):
    """The board's list of open requests (refreshed after every change on the board)."""
    house, access = _citizen_member(request)
    return render(request, "beds/_requests.html", _requests_context(request, house, access))


def _request_citizens(request, access, *, search: bool):
    """The citizens offered in the request form: the posted search's matches (when searching) plus the one
    already chosen, each visible to the user through `citizens_visible`; searches and names are audited."""
    from contracts.selectors import citizen_get, cpr_lookup_digits

    query = request.POST.get("q", "").strip()[:100] if search else ""
    citizens = selectors.stay_request_citizen_choices(access=access, query=query) if query else []
    raw = str(request.POST.get("citizen", ""))
    chosen = citizen_get(access=access, pk=int(raw)) if raw.isdigit() and 0 < int(raw) < 2**62 else None
    matches = len(citizens)
    if chosen is not None and all(c.pk != chosen.pk for c in citizens):
        citizens = [chosen, *citizens]
    if query:
        audit_log(user=request.user, action="search", object_type="contracts.citizen", house=access.house,
                  detail="henvendelse: søgning på " + ("cpr" if cpr_lookup_digits(query) else "navn"))
    if citizens:
        audit_log_many(user=request.user, action="read", objects=citizens, house=access.house, citizen_attr="pk",
                       detail="henvendelse: borgervalg")
    return query, matches, citizens, chosen


@require_http_methods(["GET", "POST"])
def request_new(request):
    """"Ny henvendelse" in the board's side panel: sector, channel, citizen if known (searched by a posted
    name or CPR among the citizens the user may see), wished nights and a note."""
    house, access = _citizen_member(request)
    if not access.can_book:
        raise PermissionDenied
    sectors = access.booking_sectors
    searched, matches = False, 0
    if request.method == "GET":
        wanted = request.GET.get("sektor", "")
        form = RequestForm(sectors=sectors, initial={"sector": wanted} if wanted in sectors else {})
    else:
        searched = request.POST.get("action") == "search"
        query, matches, citizens, chosen = _request_citizens(request, access, search=searched)
        if searched:
            initial = {k: request.POST.get(k, "") for k in ("sector", "channel", "requested_nights", "note", "q")}
            if cpr_shaped(initial["q"]):
                initial["q"] = ""  # a CPR number is not echoed back into the page; the name chosen shows
            if len(citizens) == 1 or chosen is not None:
                initial["citizen"] = (chosen or citizens[0]).pk
            form = RequestForm(initial=initial, sectors=sectors, citizens=citizens)
        else:
            form = RequestForm(request.POST, sectors=sectors, citizens=citizens)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    services.stay_request_record(house=house, sector=d["sector"], channel=d["channel"],
                                                 user=request.user, citizen=chosen if d["citizen"] else None,
                                                 requested_nights=d["requested_nights"], note=d["note"])
                except ValidationError as exc:
                    _form_errors(form, exc)
                else:
                    return _done(request, _("Henvendelsen er registreret (%(sector)s, %(channel)s).") % {
                        "sector": Sector(d["sector"]).label,
                        "channel": str(RequestChannel(d["channel"]).label).lower()})
    return render(request, "beds/_request_new.html", {"form": form, "searched": searched,
                                                       "matches": matches if searched else 0})


def cpr_shaped(text: str) -> bool:
    from contracts.selectors import cpr_lookup_digits

    return bool(cpr_lookup_digits(text))


def _actionable_request(request, pk: int):
    house, access = _citizen_member(request)
    stay_request = selectors.stay_request_actionable(access=access, pk=pk)
    if stay_request is None:
        raise Http404
    return stay_request


def _request_closed(request, message: str):
    response = render(request, "beds/_panel_message.html", {"error": message})
    response["HX-Trigger"] = "boardChanged"
    return response


@require_http_methods(["GET", "POST"])
def request_turn_away(request, pk: int):
    """"Afvis": the request ends without a stay, with a reason (counted in the report)."""
    stay_request = _actionable_request(request, pk)
    if stay_request.outcome != RequestOutcome.PENDING:
        return _request_closed(request, _("Henvendelsen er allerede afsluttet."))
    form = TurnAwayForm(request.POST if request.method == "POST" else None,
                        initial={"reason": request.GET.get("aarsag", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_request_turn_away(stay_request=stay_request, reason=form.cleaned_data["reason"],
                                            note=form.cleaned_data["note"], user=request.user)
        except ValidationError as exc:
            if "outcome" in getattr(exc, "message_dict", {}):
                return _request_closed(request, " ".join(exc.messages))
            _form_errors(form, exc)
        else:
            return _done(request, _("Henvendelsen er afvist: %(reason)s.") % {
                "reason": str(TurnAwayReason(form.cleaned_data["reason"]).label).lower()})
    return render(request, "beds/_request_turn_away.html", _request_panel_context(request, stay_request, form=form))


def _request_panel_context(request, stay_request, **extra) -> dict:
    if stay_request.citizen_id:
        audit_log(user=request.user, action="read", obj=stay_request, house=stay_request.house,
                  citizen_id=stay_request.citizen_id, detail="henvendelse")
    return {"stay_request": stay_request, **extra}


@require_POST
def request_withdraw(request, pk: int):
    """"Trukket tilbage": the citizen no longer wants a stay."""
    stay_request = _actionable_request(request, pk)
    try:
        services.stay_request_withdraw(stay_request=stay_request, user=request.user)
    except ValidationError as exc:
        return _request_closed(request, " ".join(exc.messages))
    return _done(request, _("Henvendelsen er markeret som trukket tilbage."))

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
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from beds import selectors, services
from beds.forms import BookForm, CheckInForm, CheckOutForm
from beds.models import Bed, Sector, Stay, StayKind, StayStatus
from psykiatrihus.services import audit_log

BOARD_DAYS = 14
POLL_SECONDS = 20


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


STATE_WORDS = {"free": _lazy("ledig"), "booked": _lazy("booket"), "occupied": _lazy("optaget"),
               "blocked": _lazy("spærret")}


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
        from psykiatrihus.services import audit_log_many

        audit_log_many(user=request.user, action="read", objects=shown, house=house, detail="sengeoversigt",
                       citizen_attr="citizen_id")
    return {
        "board": board, "start": start, "sector": sector, "poll_seconds": POLL_SECONDS,
        "prev": start - datetime.timedelta(days=7), "next": start + datetime.timedelta(days=7),
        "today": board.today, "sectors": Sector.choices,
    }


def board(request):
    """The bed board: 16 beds × 14 nights, live refresh by polling and after every change."""
    house, access = _member(request)
    return render(request, "beds/board.html", _board_context(request, house, access))


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
    bed = Bed.objects.filter(house=house, pk=request.GET.get("seng") or request.POST.get("seng") or 0).first()
    if bed is None:
        raise Http404
    if bed.sector not in access.booking_sectors:
        raise PermissionDenied
    try:
        night = datetime.date.fromisoformat(request.GET.get("nat") or request.POST.get("nat") or "")
    except ValueError:
        night = timezone.localdate()
    tz = timezone.get_current_timezone()
    conflict = ""
    if request.method == "POST":
        form = BookForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            citizen = _citizen_by_cpr(house, data["cpr"])
            if citizen is None:
                form.add_error("cpr", _("Der findes ingen borger med dette CPR-nummer i huset."))
            else:
                try:
                    stay = services.stay_book(
                        house=house, bed=bed, citizen=citizen, arrival=data["arrival"],
                        planned_departure=data["planned_departure"], user=request.user, kind=data["kind"],
                        extension_reason=data["extension_reason"], fb_decided_on=data["fb_decided_on"],
                        fb_ward=data["fb_ward"], fb_case_worker=data["fb_case_worker"],
                        fb_house_contact=data["fb_house_contact"],
                    )
                except ValidationError as exc:
                    _form_errors(form, exc)
                except services.BookingConflict as exc:
                    conflict = exc.message
                else:
                    return _done(request, _("%(bed)s er booket %(from)s–%(to)s.") % {
                        "bed": bed.label, "from": stay.arrival_date.strftime("%d.%m."),
                        "to": timezone.localtime(stay.planned_departure).strftime("%d.%m.%Y")})
    else:
        arrival = datetime.datetime.combine(night, datetime.time(14, 0), tzinfo=tz)
        departure = datetime.datetime.combine(night + datetime.timedelta(days=1), datetime.time(10, 0), tzinfo=tz)
        form = BookForm(initial={"arrival": arrival, "planned_departure": departure})
    status = 409 if conflict and not request.htmx else 200
    response = render(request, "beds/_book.html", {"form": form, "bed": bed, "night": night, "conflict": conflict,
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
    stay = selectors.stays_visible(access=access).filter(pk=pk).first()
    if stay is None:
        raise Http404
    return stay


def stay_panel(request, pk: int):
    """A stay's details and its actions (check in, check out, cancel, no-show)."""
    stay = _own_stay(request, pk)
    audit_log(user=request.user, action="read", obj=stay, house=stay.house, citizen_id=stay.citizen_id)
    return render(request, "beds/_stay.html", {
        "stay": stay, "can_act": stay.sector in request.access.booking_sectors,
        "check_in_form": CheckInForm(), "check_out_form": CheckOutForm(),
        "faerdigbehandling": stay.kind == StayKind.FAERDIGBEHANDLING,
    })


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
    return render(request, "beds/_stay.html", {
        "stay": stay, "can_act": True, "faerdigbehandling": stay.kind == StayKind.FAERDIGBEHANDLING,
        "check_in_form": form if action == "check-in" else CheckInForm(),
        "check_out_form": form if action == "check-out" else CheckOutForm(),
    })


def empty(request):
    return HttpResponse("")

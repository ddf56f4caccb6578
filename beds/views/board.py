"""The bed board (HTMX): 16 beds x 14 nights, refreshed by polling and after every change."""

from __future__ import annotations

import datetime

from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beds import selectors
from beds.models import Sector, StayStatus
from beds.night_selectors import free_tonight
from beds.poll import board_params, default_start, grid_etag
from beds.views._common import BOARD_DAYS, POLL_SECONDS, SAME_READ_WINDOW, _board_member
from beds.views.requests import _requests_context
from psykiatrihus.services import audit_log_many


def _board_params(request, house) -> tuple[datetime.date, str]:
    return board_params(request, house)


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
    overdue_word = escape(str(_("planlagt afrejse er overskredet")))
    # A stay booked beyond the frame or the month's nights: a corner mark, explained in the read text and on
    # the stay panel.
    month_pending = escape(str(_("ud over husets grænse for nætter pr. måned, afventer leders godkendelse")))
    month_declined = escape(str(_("afkortet til grænsen: en leder har afvist flere nætter i måneden")))
    extension_words = {("pending", "frame"): escape(str(_("ud over rammen, afventer leders godkendelse"))),
                       ("declined", "frame"): escape(str(_("afkortet til rammen: en leder har afvist det længere "
                                                           "ophold"))),
                       ("pending", "month"): month_pending, ("pending", "both"): month_pending,
                       ("declined", "month"): month_declined, ("declined", "both"): month_declined}
    not_own = {value: escape(str(_("en %(sector)s-seng; kun sektorens personale kan booke den.") % {
        "sector": str(label).lower()})) for value, label in Sector.choices}
    past = escape(str(_("natten er gået og kan ikke bookes.")))
    other_stay = escape(str(_("optaget; opholdet hører til den anden sektor.")))
    nights = [(n, escape(date_format(n, "j. F")), n.strftime("%Y%m%d"), n.isoformat()) for n in board.nights]
    for r, row in enumerate(board.rows):
        label = escape(row.bed.label)
        html = []
        for c, (cell, (night, human, key, iso)) in enumerate(zip(row.cells, nights, strict=True)):
            css = f"state-{cell.state}" + (" today" if night == today else "") + (" overdue" if cell.overdue else "")
            pos = f'id="c-{row.bed.pk}-{key}" data-cell data-r="{r}" data-c="{c}"'
            if cell.can_book:
                inner = (f'<button type="button" {pos} class="cell" hx-get="{book_url}?seng={row.bed.pk}&amp;nat={iso}"'
                         f' hx-target="#panel" aria-label="{label} {human}: {book_word}">'
                         '<span aria-hidden="true">+</span></button>')
            elif cell.stay is not None and cell.show_name:
                name = cell.stay.citizen.name
                short = escape(name) if len(name) <= 12 else escape(name[:11]) + "…"
                text = short if cell.starts_here else "·"
                extension = extension_words.get((cell.stay.extension_state, cell.stay.extension_limit), "")
                if extension:
                    css += f" ext-{cell.stay.extension_state}"
                    text += '<span class="ext-mark"></span>'

                # The name (cut to fit) is shown, the full text is read: no aria-label that the visible text
                # would have to be part of (axe: label-content-name-mismatch).
                inner = (f'<button type="button" {pos} class="cell stay" hx-get="{stay_url}{cell.stay.pk}/"'
                         f' hx-target="#panel"><span aria-hidden="true">{text}</span><span class="visually-hidden">'
                         f'{label} {human}: {escape(name)}, {statuses[cell.stay.status]}'
                         f'{", " + overdue_word if cell.overdue else ""}{", " + extension if extension else ""}'
                         '</span></button>')
            else:
                mark = '<span aria-hidden="true">×</span>' if cell.state == "blocked" else ""
                why = ""
                if cell.state == "free":
                    why = not_own[row.bed.sector] if not row.can_book else (past if night < today else "")
                elif cell.stay is not None:
                    why = other_stay
                reason = f' data-reason="{label} {human}: {why}" title="{why}"' if why else ""
                hidden = f"{words[cell.state]}" + (f" – {why}" if why else "")
                inner = (f'<span tabindex="-1" {pos} class="cell"{reason}><span class="visually-hidden">{label} '
                         f'{human}: {hidden}</span>{mark}</span>')
            html.append(f'<td class="{css}">{inner}</td>')
        row.html = mark_safe("".join(html))  # noqa: S308 - every dynamic part above is escaped


def _board_context(request, house, access) -> dict:
    start, sector = _board_params(request, house)
    board = selectors.bed_board(house=house, access=access, start=start, days=BOARD_DAYS, sector=sector or None)
    _decorate(board)
    shown = [c.stay for row in board.rows for c in row.cells if c.starts_here and c.show_name]
    if shown:
        audit_log_many(user=request.user, action="read", objects=shown, house=house, detail="sengeoversigt",
                       citizen_attr="citizen_id", once_per=SAME_READ_WINDOW)
    free = board.free_tonight
    if free is None:
        free = free_tonight(house=house, sectors=[sector] if sector else Sector.values)
    return {
        "board": board, "start": start, "sector": sector, "poll_seconds": POLL_SECONDS,
        "prev": start - datetime.timedelta(days=7), "next": start + datetime.timedelta(days=7),
        "today": board.today, "sectors": Sector.choices, "default_start": default_start(),
        "free_tonight": [{"sector": s, "label": Sector(s).label, "free": n} for s, n in free.items()],
    }


def board(request):
    """The bed board: 16 beds × 14 nights, live refresh by polling and after every change."""
    house, access = _board_member(request)
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


def _grid_etag(request, house) -> str:
    """The grid's ETag (`beds.poll.grid_etag`), which the idle poll's fast answer recomputes the same way."""
    from django.utils.translation import get_language

    start, sector = _board_params(request, house)
    return grid_etag(version=selectors.house_change_version(house=house), house_id=house.pk,
                     user_id=request.user.pk, start=start, sector=sector, language=get_language())


def board_grid(request):
    """The grid the board polls every 20 seconds: 304 Not Modified (one query) while nothing changed. The
    board's script sends the last ETag back itself (pages are no-store, so the browser keeps none)."""
    house, access = _board_member(request)
    etag = _grid_etag(request, house)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = render(request, "beds/_grid.html", _board_context(request, house, access))
    response["ETag"] = etag
    return response


def empty(request):
    return HttpResponse("")

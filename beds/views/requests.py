"""Requests for a stay (henvendelser): the board's list, recording, turning away, withdrawn."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from beds import selectors, services
from beds.forms import (
    RequestForm,
    TurnAwayForm,
)
from beds.models import RequestChannel, RequestOutcome, Sector, TurnAwayReason
from beds.views._common import SAME_READ_WINDOW, _citizen_member, _done, _form_errors
from psykiatrihus.services import audit_log, audit_log_many

# --- requests for a stay (henvendelser) -------------------------------------------------------------------


def _requests_context(request, house, access) -> dict:
    """Open requests of the last week per sector the user sees (one query; the names shown are audited)."""
    items = selectors.stay_requests_open(access=access)
    shown = access.visible_among(r.citizen_id for r in items)
    for item in items:
        item.citizen_shown = item.citizen if item.citizen_id in shown else None
    named = [r for r in items if r.citizen_shown is not None]
    if named:
        audit_log_many(user=request.user, action="read", objects=named, house=house, detail="åbne henvendelser",
                       citizen_attr="citizen_id", once_per=SAME_READ_WINDOW)
    for item in items:
        item.may_act = access.may_book(item)
    sectors = [{"value": value, "label": label, "items": [i for i in items if i.sector == value]}
               for value, label in Sector.choices if access.may_see_sector(value)]
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
    searched, matches, chosen_citizen = False, 0, None
    if request.method == "GET":
        wanted = request.GET.get("sektor", "")
        form = RequestForm(sectors=sectors, initial={"sector": wanted} if wanted in sectors else {})
    else:
        searched = request.POST.get("action") == "search"
        query, matches, citizens, chosen = _request_citizens(request, access, search=searched)
        chosen_citizen = chosen
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
                                                       "matches": matches if searched else 0,
                                                       "chosen_citizen": chosen_citizen})


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

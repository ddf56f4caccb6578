"""Booking a free cell (and booking from a request) in the side panel."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beds import selectors, services
from beds.forms import (
    BookForm,
)
from beds.models import Bed, ExtensionState, RequestOutcome, StayKind, TurnAwayReason
from beds.views._common import _board_member, _done, _form_errors
from beds.views.requests import _request_closed, _request_panel_context
from psykiatrihus.dates import date_query_param
from psykiatrihus.services import audit_log


@require_http_methods(["GET", "POST"])
def book(request):
    """Book a free cell: the form opens in the side panel; the service decides."""
    house, access = _board_member(request)
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
    if not access.may_book(bed):
        raise PermissionDenied
    if stay_request is not None and stay_request.sector != bed.sector:
        return _request_closed(request, _("Henvendelsen gælder sektoren %(sector)s. Vælg en seng i den sektor.")
                               % {"sector": stay_request.get_sector_display()})
    night = date_query_param(request.GET.get("nat") or request.POST.get("nat"), default=timezone.localdate(),
                             house=house)
    tz = timezone.get_current_timezone()
    conflict = ""
    chosen = None
    known = stay_request.citizen if stay_request is not None and stay_request.citizen_id else None
    if request.method == "POST":
        form = BookForm(request.POST)
        if known is not None:
            form.fields["cpr"].required = False
        if not form.is_valid():
            if known is None and form.cleaned_data.get("citizen"):  # the choice survives another field's error
                from contracts.selectors import citizen_get

                chosen = citizen_get(access=access, pk=form.cleaned_data["citizen"])
        else:
            data = form.cleaned_data
            citizen = chosen = known or _citizen_chosen(access, form)
            if citizen is not None:  # else the reason stands beside the field
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
                    if stay.extension_state == ExtensionState.PENDING and stay.extension_limit == "frame":
                        message += " " + _("Opholdet er længere end rammen og afventer en leders godkendelse; "
                                           "sengen er holdt imens.")
                    elif stay.extension_state == ExtensionState.PENDING:
                        message += " " + _("Opholdet går ud over husets grænse for nætter pr. måned og afventer "
                                           "en leders godkendelse; sengen er holdt imens.")
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
    if chosen is not None and chosen is not known:  # the form comes back with the chosen citizen's name
        audit_log(user=request.user, action="read", obj=chosen, house=house, citizen_id=chosen.pk,
                  detail="booking: valgt borger")
    status = 409 if conflict and not request.htmx else 200
    first_waiting = None
    if night <= timezone.localdate() and access.sees_citizens and stay_request is None:
        first_waiting = next(iter(selectors.waiting_list(access=access, sector=bed.sector)), None)
    response = render(request, "beds/_book.html", {"form": form, "bed": bed, "night": night, "conflict": conflict,
                                                   "first_waiting": first_waiting, "stay_request": stay_request,
                                                   "known_citizen": known, "other_beds": other_beds,
                                                   "chosen_citizen": chosen,
                                                   "fb_allowed": bed.may_be_faerdigbehandling,
                                                   "faerdigbehandling": StayKind.FAERDIGBEHANDLING}, status=status)
    if conflict:
        response["HX-Trigger"] = "boardChanged"  # the loser's board shows the winner's stay at once
    return response


def _citizen_chosen(access, form):
    """The citizen picked in the type-ahead, else the one whose full CPR number was typed, among those the user
    may see (one they may not see is "no citizen", as one that does not exist); None with the reason on `cpr`."""
    from contracts.selectors import citizen_get, cpr_lookup_digits

    data = form.cleaned_data
    if data.get("citizen"):
        citizen = citizen_get(access=access, pk=data["citizen"])
        if citizen is None:
            form.add_error("cpr", _("Der findes ingen borger med dette CPR-nummer i huset."))
        return citizen
    raw = (data.get("cpr") or "").strip()
    if not raw:
        form.add_error("cpr", _("Find borgeren ved navn, fødselsdato eller CPR-nummer, og vælg på listen."))
        return None
    if not cpr_lookup_digits(raw):
        form.add_error("cpr", _("Vælg borgeren på listen under feltet, eller skriv hele CPR-nummeret."))
        return None
    citizen = _citizen_by_cpr(access, raw)
    if citizen is None:
        form.add_error("cpr", _("Der findes ingen borger med dette CPR-nummer i huset."))
    return citizen


def _citizen_by_cpr(access, raw: str):
    """The citizen with this CPR number among those the user may see (one they may not see is "no citizen")."""
    from contracts.cpr import cpr_clean
    from contracts.selectors import citizen_search

    try:
        digits = cpr_clean(raw)
    except ValidationError:
        return None
    return citizen_search(access=access, query=digits).first()

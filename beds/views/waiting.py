"""The waiting list (visitation houses): write up, withdraw, place the first in a bed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beds import selectors, services
from beds.forms import (
    PlaceNextForm,
    WaitingAddForm,
    WaitingWithdrawForm,
)
from beds.models import Bed, Sector
from beds.views._common import _citizen_member, _done, _form_errors
from psykiatrihus.services import audit_log_many


def _waiting_context(request, house, access, *, add_form=None, withdraw_forms=None, place_forms=None) -> dict:
    today = timezone.localdate()
    items = selectors.waiting_list(access=access)
    audit_log_many(user=request.user, action="read", objects=[i.entry for i in items], house=house,
                   detail="venteliste", citizen_attr="citizen_id")
    candidates = list(selectors.waiting_list_candidates(access=access, on_date=today)) if access.can_book else []
    withdraw_forms = withdraw_forms or {}
    for item in items:
        item.withdraw_form = withdraw_forms.get(item.entry.pk) or WaitingWithdrawForm(auto_id=f"w{item.entry.pk}_%s")
        item.may_change = access.may_book(item.entry)
    free = selectors.beds_free_now(house=house, sectors=access.booking_sectors) if access.can_book else []
    place_forms = place_forms or {}
    sectors = []
    for value, label in Sector.choices:
        if not access.may_see_sector(value):
            continue
        own = [i for i in items if i.entry.sector == value]
        beds = [b for b in free if b.sector == value]
        sectors.append({
            "value": value, "label": label, "items": own, "beds": beds,
            "may_place": access.may_book(value),
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
    if not access.may_book(entry):
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
    if not access.may_book(bed):
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

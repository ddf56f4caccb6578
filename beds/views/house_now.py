"""'I huset nu': the night shift's page -- who is here, who comes, who leaves, who should have left, the free
beds tonight, the shift handover and the attention list; each stay opens in the side panel with its action."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beds import handover_services, house_selectors
from beds.forms import AttentionForm, HandoverForm
from beds.handover_services import current_shift
from beds.models import Sector
from beds.views._common import SAME_READ_WINDOW, _board_member, _form_errors
from psykiatrihus.services import audit_log_many

NOTES_DAYS = 2  # today's and yesterday's shifts


def _citizens_on_page(now) -> list:
    seen: dict[int, object] = {}
    for stay in now.named_stays:
        seen.setdefault(stay.citizen_id, stay.citizen)
    return sorted(seen.values(), key=lambda c: (c.name, c.pk))


def _context(request, house, access, *, note_form=None, attention_form=None) -> dict:
    now = house_selectors.house_now(house=house, access=access)
    notes, attention = [], []
    if access.sees_citizens:
        notes = house_selectors.handover_notes_visible(access=access,
                                                       since=now.today - datetime.timedelta(days=NOTES_DAYS - 1))
        attention = house_selectors.attention_visible(access=access, on_date=now.today)
    audit_log_many(user=request.user, action="read", objects=now.named_stays, house=house, detail="i huset nu",
                   citizen_attr="citizen_id", once_per=SAME_READ_WINDOW)
    about = [n for n in notes if n.citizen_id] + attention
    if about:
        audit_log_many(user=request.user, action="read", objects=about, house=house, detail="i huset nu",
                       citizen_attr="citizen_id", once_per=SAME_READ_WINDOW)
    for item in attention:
        item.may_end = access.may_book(item)
    citizens = _citizens_on_page(now)
    sectors = sorted(access.booking_sectors, key=Sector.values.index)
    shift_date, shift = current_shift(timezone.now())
    return {
        "now": now, "notes": notes, "attention": attention, "may_write": bool(sectors) and access.sees_citizens,
        "free_tonight": [{"sector": s, "label": Sector(s).label, "free": n} for s, n in now.free_tonight.items()],
        "note_form": note_form or HandoverForm(sectors=sectors, citizens=citizens,
                                               initial={"shift": shift, "sector": sectors[0] if sectors else ""}),
        "attention_form": attention_form or AttentionForm(
            sectors=sectors, citizens=citizens,
            initial={"until": now.today + datetime.timedelta(days=1), "sector": sectors[0] if sectors else ""}),
        "shift_date": shift_date,
    }


def house_now_page(request):
    """Refreshes itself (the lists) every minute and after every change made in the side panel."""
    house, access = _board_member(request)
    context = _context(request, house, access)
    template = "beds/_house_now_lists.html" if request.htmx and request.GET.get("lists") else "beds/house_now.html"
    return render(request, template, context)


def _writer(request):
    house, access = _board_member(request)
    if not access.can_book or not access.sees_citizens:
        raise PermissionDenied
    return house, access


def _chosen_citizen(access, form):
    from contracts.selectors import citizen_get

    pk = form.cleaned_data.get("citizen")
    return citizen_get(access=access, pk=pk) if pk else None


@require_POST
def handover_note_new(request):
    house, access = _writer(request)
    sectors = sorted(access.booking_sectors)
    now = house_selectors.house_now(house=house, access=access)
    form = HandoverForm(request.POST, sectors=sectors, citizens=_citizens_on_page(now))
    if form.is_valid():
        d = form.cleaned_data
        try:
            handover_services.handover_note_write(house=house, sector=d["sector"], shift=d["shift"], text=d["text"],
                                                  citizen=_chosen_citizen(access, form), user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Overleveringen er gemt."))
            return redirect("beds:house_now")
    return render(request, "beds/house_now.html", _context(request, house, access, note_form=form))


@require_POST
def attention_new(request):
    house, access = _writer(request)
    now = house_selectors.house_now(house=house, access=access)
    form = AttentionForm(request.POST, sectors=sorted(access.booking_sectors), citizens=_citizens_on_page(now))
    if form.is_valid():
        d = form.cleaned_data
        try:
            handover_services.attention_add(house=house, sector=d["sector"], citizen=_chosen_citizen(access, form),
                                            reason=d["reason"], until=d["until"], user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Borgeren er sat på opmærksomhedslisten."))
            return redirect("beds:house_now")
    return render(request, "beds/house_now.html", _context(request, house, access, attention_form=form))


@require_POST
def attention_end(request, pk: int):
    house, access = _writer(request)
    item = house_selectors.attention_get(access=access, pk=pk)
    if item is None:
        raise Http404
    handover_services.attention_end(item=item, user=request.user)
    messages.success(request, _("Punktet er taget af opmærksomhedslisten."))
    return redirect("beds:house_now")

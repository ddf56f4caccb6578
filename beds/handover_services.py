"""Writes for the shift handover and the attention list. The sector wall: staff write in the sectors whose beds
they book (`Access.may_book`); a note or item about a citizen needs the citizen to be visible to them."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.handover_models import AttentionItem, HandoverNote, Shift
from psykiatrihus.dates import date_window
from psykiatrihus.models import House
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log

TEXT_MAX = 2000
REASON_MAX = 500
ATTENTION_MAX_DAYS = 90


def current_shift(moment: datetime.datetime) -> tuple[datetime.date, str]:
    """Day 07-15, evening 15-23, night 23-07 (a night before 07:00 belongs to the previous date)."""
    local = timezone.localtime(moment)
    if 7 <= local.hour < 15:
        return local.date(), Shift.DAY
    if 15 <= local.hour < 23:
        return local.date(), Shift.EVENING
    return (local.date() if local.hour >= 23 else local.date() - datetime.timedelta(days=1)), Shift.NIGHT


def _check_citizen(*, access, house: House, citizen) -> None:
    if citizen is None:
        return
    if getattr(citizen, "house_id", house.pk) != house.pk or not access.may_see_citizen(citizen):
        raise ValidationError({"citizen": _("Borgeren findes ikke.")})


def handover_note_write(*, house: House, sector: str, text: str, user, shift: str | None = None,
                        shift_date: datetime.date | None = None, citizen=None) -> HandoverNote:
    """A handover note for a shift (default: the shift now) of a sector, optionally about a citizen."""
    access = access_for(user, house)
    if not access.may_book(sector):
        raise PermissionDenied(_("Du kan kun skrive overleveringer i din egen sektor."))
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Skriv overleveringen.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Højst %(n)s tegn.") % {"n": TEXT_MAX}
    default_date, default_shift = current_shift(timezone.now())
    shift = shift or default_shift
    if shift not in Shift.values:
        errors["shift"] = _("Vælg dag, aften eller nat.")
    shift_date = shift_date or default_date
    window = date_window(house=house)
    if shift_date not in window:
        errors["shift_date"] = window.message()
    if errors:
        raise ValidationError(errors)
    _check_citizen(access=access, house=house, citizen=citizen)
    note = HandoverNote.objects.create(house=house, sector=sector, shift=shift, shift_date=shift_date, text=text,
                                       citizen=citizen, created_by=user)
    audit_log(user=user, action="create", obj=note, house=house, citizen_id=getattr(citizen, "pk", None))
    return note


def attention_add(*, house: House, sector: str, citizen, reason: str, until: datetime.date, user) -> AttentionItem:
    """Put a citizen on the attention list of a sector, with a reason, until a date (today .. 90 days on)."""
    access = access_for(user, house)
    if not access.may_book(sector):
        raise PermissionDenied(_("Du kan kun ændre opmærksomhedslisten i din egen sektor."))
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Skriv hvorfor.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Højst %(n)s tegn.") % {"n": REASON_MAX}
    today = timezone.localdate()
    if until is None or not today <= until <= today + datetime.timedelta(days=ATTENTION_MAX_DAYS):
        errors["until"] = _("Vælg en dato fra i dag og højst %(n)s dage frem.") % {"n": ATTENTION_MAX_DAYS}
    if citizen is None:
        errors["citizen"] = _("Vælg borgeren.")
    if errors:
        raise ValidationError(errors)
    _check_citizen(access=access, house=house, citizen=citizen)
    item = AttentionItem.objects.create(house=house, sector=sector, citizen=citizen, reason=reason, until=until,
                                        created_by=user)
    audit_log(user=user, action="create", obj=item, house=house, citizen_id=citizen.pk)
    return item


def attention_end(*, item: AttentionItem, user) -> AttentionItem:
    """No longer needed: the item ends yesterday (kept as history)."""
    if not access_for(user, item.house).may_book(item.sector):
        raise PermissionDenied(_("Du kan kun ændre opmærksomhedslisten i din egen sektor."))
    item.until = min(item.until, timezone.localdate() - datetime.timedelta(days=1))
    item.save(update_fields=["until"])
    audit_log(user=user, action="update", obj=item, house=item.house, citizen_id=item.citizen_id, detail="ended")
    return item

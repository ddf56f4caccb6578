"""Longer stays: a leader's decision on a stay booked beyond the house's frame or beyond its nights per month
("afventer leder"; `Stay.extension_limit` says which, or both).

Night staff may book beyond the frame or the month's nights with their reason (`beds.services.stay_book`); the
stay is then pending and holds its bed for the whole requested period. Next morning a leader of the stay's sector
approves it, or declines it with a note: the stay is shortened to its frame, `extension_frame_nights` (the
house's frame, or what remained of the month's nights when the booking was made, the fewer when both): the
planned departure moves to the frame's last morning at the requested time of day, the nights are recomputed,
the bed is free after it. When nothing remained of the month's nights (a frame of 0 nights) a declined stay that
has not begun is cancelled. If the guest is checked in and already
past the frame when the leader declines, the planned departure becomes the moment of the decision: the guest is due
to leave now and shows as an overdue check-out, and staff check them out as usual (a decline never checks anyone
out by itself). A stay that has already ended beyond its frame cannot be shortened any more (409 `stay_ended`);
the leader records it as approved, with a note.

The database holds the rules (check constraints on `Stay`): a pending stay has its reason and frame and no
decision; a decided one has its time; a declined one has its note and ends within its frame (or at the decision).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.locks import stay_write_lock
from beds.models import ExtensionState, Stay, StayStatus
from psykiatrihus.models import House
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log

NOTE_MAX_LENGTH = 5000


class ExtensionConflict(Exception):
    """The stay's state does not allow the decision: `not_pending` (already decided or never beyond the frame),
    `stay_closed` (cancelled or no-show) or `stay_ended` (checked out beyond the frame: cannot be shortened)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def extension_frame_until(*, house: House, arrival: datetime.datetime, arrival_date: datetime.date,
                          frame_nights: int, departure: datetime.datetime) -> datetime.datetime:
    """The latest departure within the frame: the morning `frame_nights` after the arrival date, at the requested
    departure's local time of day (never before the arrival)."""
    tz = ZoneInfo(getattr(house, "time_zone", "") or "Europe/Copenhagen")
    local = departure.astimezone(tz)
    day = arrival_date + datetime.timedelta(days=frame_nights)
    return max(datetime.datetime.combine(day, local.time(), tzinfo=tz), arrival)


def _decision_stay(*, stay: Stay, user) -> Stay:
    """The stay's row locked for the decision (bed, then citizen, then the row: `beds.locks`' fixed order), after
    the rights check. Raises PermissionDenied or ExtensionConflict."""
    if not access_for(user, stay.house).may_decide_extension(stay):
        raise PermissionDenied(_("Kun en leder i opholdets sektor kan godkende eller afvise et længere ophold."))
    stay_write_lock(bed_id=stay.bed_id, citizen_id=stay.citizen_id)
    locked = Stay.objects.select_for_update().select_related("house", "bed", "citizen").get(pk=stay.pk)
    if locked.status in (StayStatus.CANCELLED, StayStatus.NO_SHOW):
        raise ExtensionConflict("stay_closed", _("Opholdet er aflyst, så der er intet at tage stilling til."))
    if locked.extension_state != ExtensionState.PENDING:
        raise ExtensionConflict("not_pending", _("Opholdet afventer ikke en leders godkendelse (det er allerede "
                                                 "besluttet)."))
    return locked


def _note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Noten må højst være %(n)s tegn.") % {"n": NOTE_MAX_LENGTH}})
    if required and not note:
        raise ValidationError({"note": _("Skriv hvorfor opholdet afvises. Personalet ser begrundelsen.")})
    return note


def stay_extension_approve(*, stay: Stay, user, note: str = "", at: datetime.datetime | None = None) -> Stay:
    """A leader of the stay's sector approves a pending stay beyond the frame: it keeps its whole period."""
    note = _note(note, required=False)
    with transaction.atomic():
        locked = _decision_stay(stay=stay, user=user)
        locked.extension_state = ExtensionState.APPROVED
        locked.extension_by, locked.extension_decided_at = user, at or timezone.now()
        locked.extension_decision_note = note
        locked.save(update_fields=["extension_state", "extension_by", "extension_decided_at",
                                   "extension_decision_note"])
    audit_log(user=user, action="update", obj=locked, house=locked.house, citizen_id=locked.citizen_id,
              detail="extension approved")
    return locked


def stay_extension_decline(*, stay: Stay, user, note: str, at: datetime.datetime | None = None) -> Stay:
    """A leader of the stay's sector declines a pending stay beyond the frame, saying why: the stay is shortened
    to its frame (see the module's docstring for a guest already past it). Shortening only frees time, so no
    other booking can be in the way."""
    from beds.services import local_date

    note = _note(note, required=True)
    now = at or timezone.now()
    with transaction.atomic():
        locked = _decision_stay(stay=stay, user=user)
        until = extension_frame_until(house=locked.house, arrival=locked.arrival, arrival_date=locked.arrival_date,
                                      frame_nights=locked.extension_frame_nights,
                                      departure=locked.extension_requested_departure)
        fields = ["extension_state", "extension_by", "extension_decided_at", "extension_decision_note",
                  "extension_frame_until", "planned_departure"]
        if locked.status == StayStatus.CHECKED_OUT:
            if locked.checked_out_at > until:
                raise ExtensionConflict("stay_ended", _("Opholdet er allerede afsluttet efter rammen og kan ikke "
                                                        "afkortes. Godkend det med en note i stedet."))
            departure = min(locked.planned_departure, until)  # the period already ends at the check-out
        elif locked.status == StayStatus.BOOKED and locked.extension_frame_nights == 0:
            # Nothing remained of the month's nights: the stay that has not begun does not take place.
            departure = locked.planned_departure
            locked.status, locked.cancelled_at = StayStatus.CANCELLED, now
            fields += ["status", "cancelled_at"]
        else:
            # A guest checked in and already past the frame is due to leave now; otherwise the frame's end.
            due = max(until, now) if locked.status == StayStatus.CHECKED_IN else until
            departure = min(locked.planned_departure, due)
            locked.period = DateTimeTZRange(locked.arrival, departure, "[)")
            locked.nights = max(0, (local_date(departure, locked.house) - locked.arrival_date).days)
            fields += ["period", "nights"]
        locked.planned_departure, locked.extension_frame_until = departure, until
        locked.extension_state = ExtensionState.DECLINED
        locked.extension_by, locked.extension_decided_at, locked.extension_decision_note = user, now, note
        locked.save(update_fields=fields)
    audit_log(user=user, action="update", obj=locked, house=locked.house, citizen_id=locked.citizen_id,
              detail="extension declined" + (" (nothing left of the month: cancelled)"
                                             if locked.status == StayStatus.CANCELLED
                                             else " (past the frame: due to leave now)" if departure > until else ""))
    return locked

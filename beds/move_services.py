"""Moving a guest to another bed mid-stay (a broken window, a guest who needs a quieter room).

One stay, its bed periods kept as history (`beds.period_models`). The rules:
- only a booked or checked-in stay moves; a booked stay (the guest has not lain in the bed yet) moves as a
  whole to the new bed, and the time given is not used;
- a checked-in guest moves at `at` (default now): after the check-in and after the last move, not in the
  future, and before the planned departure (an overdue guest is checked out, not moved);
- the new bed is another active bed of the stay's own sector: a stay's sector (and its wall) follows its
  contract, so a move across sectors is refused (`other_sector`); a new stay in the other sector is a new
  booking;
- the new bed must be free from the move to the planned departure: no other booking holds it
  (`bed_taken`), no other guest is still checked in on it (`bed_still_occupied`) and no block covers it
  (`bed_blocked`). PostgreSQL judges both beds (the exclusion constraints on the periods); the checks here
  name the conflict in Danish.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.locks import stay_move_lock
from beds.models import Bed, BedBlock, Stay, StayBedPeriod, StayStatus
from beds.services.conflicts import BookingConflict, _conflict_from
from beds.services.rules import _moment
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def stay_current_period(*, stay: Stay) -> StayBedPeriod | None:
    """The stay's last period (on `stay.bed`)."""
    return stay.bed_periods.order_by(F("starts_at").desc(nulls_last=True)).first()


def stay_move(*, actor, stay: Stay, bed: Bed, at: datetime.datetime | None = None) -> Stay:
    """Move the stay's guest to `bed` at `at` (see the module docstring for the rules).

    Raises PermissionDenied (a stay or bed outside the actor's booking sectors), ValidationError with field
    errors (`bed`, `at`, `status`) or BookingConflict (`other_sector`, `bed_taken`, `bed_still_occupied`,
    `bed_blocked`, or the database's refusal)."""
    access = access_for(actor, stay.house)
    if not access.may_book(stay):
        raise PermissionDenied(_("Du kan kun ændre ophold i din egen sektor."))
    if bed.house_id != stay.house_id:
        raise ValidationError({"bed": _("Sengen findes ikke i huset.")})
    if bed.sector != stay.sector:
        raise BookingConflict("other_sector", _("%(bed)s hører til den anden sektor. Et ophold kan kun flyttes til "
                                                "en seng i sin egen sektor; book et nyt ophold i den anden "
                                                "sektor.") % {"bed": bed.label})
    if not access.may_book(bed):
        raise PermissionDenied(_("Du kan kun booke senge i din egen sektor."))
    at = _moment(at, "at")
    old_label = stay.bed.label
    try:
        with transaction.atomic():
            stay_move_lock(bed_ids=(stay.bed_id, bed.pk), citizen_id=stay.citizen_id)
            stay = Stay.objects.select_for_update().select_related("house", "bed", "citizen").get(pk=stay.pk)
            old_label = stay.bed.label
            _check(stay=stay, bed=bed, at=at)
            if stay.status == StayStatus.CHECKED_IN:
                StayBedPeriod.objects.create(stay=stay, bed=bed, starts_at=at,
                                             during=DateTimeTZRange(at, at, "[)"), holds=False)
            stay.bed = bed  # the trigger puts the last period on the new bed and cuts the periods
            stay.save(update_fields=["bed"])
    except IntegrityError as exc:
        conflict = _conflict_from(exc, moving=True)
        if conflict is not None:
            raise conflict from exc
        if "stay_move_within_stay" in str(exc):
            raise ValidationError({"at": _("Flytningen skal ligge inden for opholdet.")}) from exc
        raise
    audit_log(user=actor, action="update", obj=stay, house=stay.house, citizen_id=stay.citizen_id,
              detail=f"move {old_label} -> {bed.label}"
                     + (f" at {at.isoformat(timespec='minutes')}" if stay.status == StayStatus.CHECKED_IN else ""))
    return stay


def _check(*, stay: Stay, bed: Bed, at: datetime.datetime) -> None:
    """The rules, inside the locks (the stay re-read): a Danish answer before the database's own."""
    if stay.status not in (StayStatus.BOOKED, StayStatus.CHECKED_IN):
        raise ValidationError({"status": _("Kun et booket eller indskrevet ophold kan flyttes.")})
    if bed.pk == stay.bed_id:
        raise ValidationError({"bed": _("Gæsten ligger allerede på %(bed)s.") % {"bed": bed.label}})
    if not bed.active:
        raise ValidationError({"bed": _("Sengen er ikke i brug.")})
    if stay.status == StayStatus.CHECKED_IN:
        current = stay_current_period(stay=stay)
        since = (current.starts_at if current is not None and current.starts_at else None) or stay.checked_in_at
        if since is not None and at <= since:
            raise ValidationError({"at": _("Flytningen skal ligge efter %(what)s (%(time)s).") % {
                "what": _("indskrivningen") if since == stay.checked_in_at else _("den seneste flytning"),
                "time": _local(since)}})
        if at > timezone.now():
            raise ValidationError({"at": _("Flytningen kan ikke ligge i fremtiden for en gæst, der er i huset.")})
        if at >= stay.planned_departure:
            raise ValidationError({"at": _("Flytningen skal ligge før den planlagte afrejse (%(time)s).") % {
                "time": _local(stay.planned_departure)}})
        start = at
    else:
        start = stay.period.lower
    needed = DateTimeTZRange(start, stay.period.upper, "[)")
    others = StayBedPeriod.objects.filter(bed=bed).exclude(stay_id=stay.pk)
    booked = others.filter(holds=True, during__overlap=needed).order_by("during").first()
    if booked is not None:
        raise BookingConflict("bed_taken", _("%(bed)s er booket til en anden fra %(time)s. Vælg en anden "
                                             "seng.") % {"bed": bed.label, "time": _local(booked.during.lower)})
    if others.filter(presence__overlap=needed).exists():
        raise BookingConflict("bed_still_occupied", _("Den forrige gæst på %(bed)s er ikke udskrevet endnu. "
                                                      "Vælg en anden seng.") % {"bed": bed.label})
    if BedBlock.objects.filter(bed=bed, period__overlap=needed).exists():
        raise BookingConflict("bed_blocked", _("%(bed)s er spærret i perioden. Vælg en anden seng.") % {
            "bed": bed.label})

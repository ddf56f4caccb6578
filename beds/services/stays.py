"""A booked stay's life: check-in, check-out, cancel and undoing a cancel."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.locks import stay_write_lock
from beds.models import (
    HOLDING_STATUSES,
    ExtensionState,
    FaerdigbehandlingOutcome,
    Stay,
    StayBedPeriod,
    StayKind,
    StayStatus,
)
from beds.services.aftercare import _aftercare_plan
from beds.services.conflicts import BookingConflict, _conflict_from, conflict_message
from beds.services.rules import _moment, _policy_of, _require_booking_access, local_date
from psykiatrihus.services import audit_log


def _score(value, key: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = -1
    if not 0 <= score <= 40:
        raise ValidationError({key: _("%(label)s skal være et tal fra 0 til 40.") % {"label": label}})
    return score


EARLY_CHECK_IN = datetime.timedelta(hours=24)


def _present_elsewhere(*, stay: Stay, at: datetime.datetime) -> None:
    """Refuse a check-in at `at` while the citizen is in another bed or another guest is in this bed (actual
    presence; the database's exclusion constraints are the guard, this names the bed in the answer)."""
    present = Q(checked_in_at__isnull=False, status__in=(StayStatus.CHECKED_IN, StayStatus.CHECKED_OUT)) & (
        Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=at))
    other = (Stay.objects.filter(present, citizen_id=stay.citizen_id).exclude(pk=stay.pk)
             .select_related("bed").order_by("-checked_in_at").first())
    if other is not None:
        raise BookingConflict("citizen_checked_in_elsewhere", conflict_message(
            "citizen_checked_in_elsewhere", bed=other.bed.label))
    # The bed's guests by their periods on it: a guest who moved away is no longer on this bed.
    if (StayBedPeriod.objects.filter(bed_id=stay.bed_id, presence__overlap=DateTimeTZRange(at, None, "[)"))
            .exclude(stay_id=stay.pk).exists()):
        raise BookingConflict("bed_still_occupied", conflict_message("bed_still_occupied", bed=stay.bed.label))


def stay_check_in(*, stay: Stay, user, at: datetime.datetime | None = None, ors_score: int | None = None) -> Stay:
    """The citizen has arrived (at `at`, default now). ORS (0–40) may be recorded at start.

    An early arrival (up to a day before the planned arrival) starts the stay when the citizen came: the
    period, arrival date and nights move, and the exclusion constraints judge the moved period. Refused
    (BookingConflict) while the citizen is still checked in on another bed (`citizen_checked_in_elsewhere`,
    naming it) or the bed's previous guest has not been checked out (`bed_still_occupied`)."""
    _require_booking_access(stay=stay, user=user)
    if stay.status != StayStatus.BOOKED:
        raise ValidationError({"status": _("Kun et booket ophold kan indskrives.")})
    if _policy_of(stay).stays_have_goals and not stay.goals.exists():
        raise ValidationError({"goals": _("Aftal opholdets mål med borgeren før indskrivningen.")})
    score = _score(ors_score, "ors_score", "ORS")
    at = _moment(at, "at")
    if at >= stay.planned_departure:
        raise ValidationError({"at": _("Indskrivningen skal ligge før den planlagte afrejse.")})
    if at < stay.arrival - EARLY_CHECK_IN:
        raise ValidationError({"at": _("Indskrivningen kan højst ligge et døgn før den planlagte ankomst. Book et "
                                       "nyt ophold fra det tidspunkt.")})
    fields = ["status", "checked_in_at", "ors_score"]
    try:
        with transaction.atomic():
            stay_write_lock(bed_id=stay.bed_id, citizen_id=stay.citizen_id)
            _present_elsewhere(stay=stay, at=at)
            if at < stay.arrival:
                stay.arrival, stay.arrival_date = at, local_date(at, stay.house)
                stay.nights = (local_date(stay.planned_departure, stay.house) - stay.arrival_date).days
                stay.period = DateTimeTZRange(at, stay.planned_departure, "[)")
                fields += ["arrival", "arrival_date", "nights", "period"]
            stay.status, stay.checked_in_at, stay.ors_score = StayStatus.CHECKED_IN, at, score
            stay.save(update_fields=fields)
    except (IntegrityError, BookingConflict) as exc:
        stay.refresh_from_db()
        if isinstance(exc, BookingConflict):
            raise
        conflict = _conflict_from(exc, moving=True)
        if conflict is not None:
            raise conflict from exc
        raise
    audit_log(user=user, action="update", obj=stay, house=stay.house, citizen_id=stay.citizen_id,
              detail="check-in" if len(fields) == 3 else "check-in (early: the stay starts at the arrival)")
    return stay


def stay_check_out(*, stay: Stay, user, at: datetime.datetime | None = None, srs_score: int | None = None,
                   end_note: str = "", fb_outcome: str = "", fb_stays_attached: bool | None = None) -> Stay:
    """The citizen has left (at `at`, default now): any time after the check-in. The period then ends at the
    check-out (nights recomputed) -- or where the next stay of the bed or the citizen begins, for a late
    check-out into a booking that already holds the bed (presence keeps the actual time).
    A færdigbehandling stay needs its outcome and whether the citizen stays attached to the house."""
    _require_booking_access(stay=stay, user=user)
    if stay.status != StayStatus.CHECKED_IN:
        raise ValidationError({"status": _("Kun et indskrevet ophold kan udskrives.")})
    at = _moment(at, "at")
    errors: dict[str, str] = {}
    if stay.checked_in_at is not None and at <= stay.checked_in_at:
        errors["at"] = _("Udskrivningen skal ligge efter indskrivningen (%(time)s).") % {
            "time": timezone.localtime(stay.checked_in_at).strftime("%d.%m.%Y %H:%M")}
    moved = stay.bed_periods.filter(starts_at__isnull=False).order_by("-starts_at").values_list(
        "starts_at", flat=True).first()
    if moved is not None and at <= moved and "at" not in errors:
        errors["at"] = _("Udskrivningen skal ligge efter flytningen til %(bed)s (%(time)s).") % {
            "bed": stay.bed.label, "time": timezone.localtime(moved).strftime("%d.%m.%Y %H:%M")}
    if stay.kind == StayKind.FAERDIGBEHANDLING:
        if fb_outcome not in FaerdigbehandlingOutcome.values:
            errors["fb_outcome"] = _("Angiv udfaldet af færdigbehandlingsforløbet.")
        if fb_stays_attached is None:
            errors["fb_stays_attached"] = _("Angiv om borgeren fortsat er tilknyttet huset.")
    if _policy_of(stay).stays_have_goals and stay.goals.filter(result="").exists():
        errors["goals"] = _("Evaluér opholdets mål sammen med borgeren før udskrivningen.")
    if errors:
        raise ValidationError(errors)
    score = _score(srs_score, "srs_score", "SRS")
    stay.status = StayStatus.CHECKED_OUT
    stay.checked_out_at = at
    stay.srs_score = score
    stay.end_note = end_note
    if stay.kind == StayKind.FAERDIGBEHANDLING:
        stay.fb_outcome, stay.fb_stays_attached = fb_outcome, fb_stays_attached
    try:
        with transaction.atomic():
            stay_write_lock(bed_id=stay.bed_id, citizen_id=stay.citizen_id)
            # The next holder of the current bed (by its periods: since this stay came to the bed) or of the
            # citizen.
            here = stay.bed_periods.order_by(F("starts_at").desc(nulls_last=True)).values_list(
                "starts_at", flat=True).first() or stay.arrival
            nexts = [
                StayBedPeriod.objects.filter(bed_id=stay.bed_id, holds=True, during__startswith__gt=here,
                                             during__startswith__lt=at).exclude(stay_id=stay.pk)
                .order_by("during__startswith").values_list("during__startswith", flat=True).first(),
                Stay.objects.filter(citizen_id=stay.citizen_id, status__in=HOLDING_STATUSES,
                                    arrival__gt=stay.arrival, arrival__lt=at)
                .exclude(pk=stay.pk).order_by("arrival").values_list("arrival", flat=True).first(),
            ]
            end = min([at, *(n for n in nexts if n is not None)])
            stay.period = DateTimeTZRange(stay.arrival, end, "[)")
            stay.nights = max(0, (local_date(end, stay.house) - stay.arrival_date).days)
            stay.save(update_fields=["status", "checked_out_at", "srs_score", "end_note", "period", "nights",
                                     "fb_outcome", "fb_stays_attached"])
    except IntegrityError as exc:
        stay.refresh_from_db()
        conflict = _conflict_from(exc)
        if conflict is not None:
            raise conflict from exc
        raise
    _aftercare_plan(stay=stay)
    audit_log(user=user, action="update", obj=stay, house=stay.house, citizen_id=stay.citizen_id,
              detail="check-out")
    return stay


UNDO_WINDOW = datetime.timedelta(minutes=10)


def stay_cancel(*, stay: Stay, user, no_show: bool = False) -> Stay:
    """Cancel a booking (or record that the citizen did not show up); the bed is free again. It can be undone
    for `UNDO_WINDOW` (`stay_cancel_undo`) unless the slot has been booked again."""
    _require_booking_access(stay=stay, user=user)
    if stay.status != StayStatus.BOOKED:
        raise ValidationError({"status": _("Kun et booket ophold kan aflyses.")})
    stay.status = StayStatus.NO_SHOW if no_show else StayStatus.CANCELLED
    stay.cancelled_at = timezone.now()
    stay.save(update_fields=["status", "cancelled_at"])
    audit_log(user=user, action="update", obj=stay, house=stay.house, citizen_id=stay.citizen_id,
              detail="no-show" if no_show else "cancel")
    return stay


def stay_cancel_undoable(stay: Stay, *, now: datetime.datetime | None = None) -> bool:
    """Cancelled or no-show within the last `UNDO_WINDOW` (whether the slot is still free is the database's
    call when undoing), by staff: a stay a leader's decline cancelled (nothing left of the month's nights) stays
    cancelled."""
    now = now or timezone.now()
    declined = stay.extension_state == ExtensionState.DECLINED and stay.extension_frame_nights == 0
    return (stay.status in (StayStatus.CANCELLED, StayStatus.NO_SHOW) and stay.cancelled_at is not None
            and now - stay.cancelled_at <= UNDO_WINDOW and not declined)


def stay_cancel_undo(*, stay: Stay, user) -> Stay:
    """Undo a cancel or no-show: the stay is booked again, as it was. Refused (BookingConflict) after
    `UNDO_WINDOW` (`undo_expired`) or when the bed or the citizen has been booked again in the slot meanwhile
    (`slot_rebooked`; the exclusion constraints decide)."""
    _require_booking_access(stay=stay, user=user)
    if stay.status not in (StayStatus.CANCELLED, StayStatus.NO_SHOW):
        raise ValidationError({"status": _("Kun et aflyst ophold kan genoprettes.")})
    if not stay_cancel_undoable(stay):
        raise BookingConflict("undo_expired", _("Aflysningen kan kun fortrydes i %(n)s minutter. Book opholdet "
                                                "igen.") % {"n": int(UNDO_WINDOW.total_seconds() // 60)})
    was = stay.status
    try:
        with transaction.atomic():
            stay_write_lock(bed_id=stay.bed_id, citizen_id=stay.citizen_id)
            stay.status, stay.cancelled_at = StayStatus.BOOKED, None
            stay.save(update_fields=["status", "cancelled_at"])
    except IntegrityError as exc:
        stay.refresh_from_db()
        if _conflict_from(exc) is not None:
            raise BookingConflict("slot_rebooked", _("Pladsen er booket igen i mellemtiden, så aflysningen kan "
                                                     "ikke fortrydes.")) from exc
        raise
    audit_log(user=user, action="update", obj=stay, house=stay.house, citizen_id=stay.citizen_id,
              detail=f"undo {was}")
    return stay

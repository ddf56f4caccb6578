"""Writes for beds and stays. Booking rules live here and only here (UI, API and import call them).

Double booking is refused by PostgreSQL (exclusion constraints on `Stay.period`), never by a Python check
alone: `stay_book` inserts and translates a constraint violation into `BookingConflict`.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beds.locks import stay_write_lock
from beds.models import (
    HOLDING_STATUSES,
    AftercareKind,
    AftercareStatus,
    Bed,
    BedBlock,
    BlockReason,
    ExtensionState,
    FaerdigbehandlingOutcome,
    GoalResult,
    RequestChannel,
    RequestOutcome,
    Stay,
    StayAftercare,
    StayBedPeriod,
    StayGoal,
    StayKind,
    StayRequest,
    StayStatus,
    TurnAwayReason,
    WaitingListEntry,
    WaitingStatus,
)
from psykiatrihus.dates import add_months  # noqa: F401 (re-exported for callers)
from psykiatrihus.models import FrameExtension, House, Sector
from psykiatrihus.policy import Policy, policy_for
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log

FAERDIGBEHANDLING_MAX_MONTHS = 6


class BookingConflict(Exception):
    """The database refused the stay: the bed is taken (`bed_taken`) or the citizen already has a stay
    (`citizen_has_stay`) in an overlapping period."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


CONSTRAINT_CODES = {
    "stay_bed_no_overlap": "bed_taken",
    "stay_citizen_no_overlap": "citizen_has_stay",
    "stay_bed_one_guest_present": "bed_still_occupied",
    "stay_citizen_one_bed_present": "citizen_checked_in_elsewhere",
}


def conflict_message(code: str, *, bed: str = "", moving: bool = False) -> str:
    """The Danish answer to a refused write (`moving`: a stay's period moved, e.g. by an early check-in)."""
    if code == "citizen_checked_in_elsewhere":
        if bed:
            return _("Borgeren er stadig indskrevet på %(bed)s. Udskriv borgeren dér først.") % {"bed": bed}
        return _("Borgeren er indskrevet i en anden seng på det tidspunkt.")
    if code == "bed_still_occupied":
        if bed:
            return _("Den forrige gæst på %(bed)s er ikke udskrevet endnu. Udskriv den forrige gæst først.") % {
                "bed": bed}
        return _("Der er en anden gæst indskrevet i sengen på det tidspunkt.")
    if code == "citizen_has_stay":
        return _("Borgeren har allerede et ophold i perioden.")
    if moving:
        return _("Sengen er booket til en anden på det tidspunkt. Vælg et senere tidspunkt, eller registrér "
                 "den forrige booking som udeblevet.")
    return _("Sengen er lige blevet booket af en anden i perioden. Vælg en anden seng eller periode.")


def _conflict_from(exc: IntegrityError, *, moving: bool = False) -> BookingConflict | None:
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
    if not name:
        name = next((n for n in CONSTRAINT_CODES if n in str(exc)), "")
    code = CONSTRAINT_CODES.get(name)
    return BookingConflict(code, conflict_message(code, moving=moving)) if code else None


# --- beds -----------------------------------------------------------------------------------------


@transaction.atomic
def beds_ensure(*, house: House, municipal_beds: int, regional_beds: int, faerdigbehandling_beds: int) -> None:
    """K1..Kn and R1..Rn exist and are active; extra beds are deactivated, never deleted (history)."""
    wanted: dict[str, tuple[str, bool, int]] = {}
    for i in range(1, municipal_beds + 1):
        fb = i > municipal_beds - faerdigbehandling_beds
        wanted[f"K{i}"] = (Sector.KOMMUNE, fb, i)
    for i in range(1, regional_beds + 1):
        wanted[f"R{i}"] = (Sector.REGION, False, 100 + i)
    existing = {b.label: b for b in Bed.objects.filter(house=house)}
    for label, (sector, fb, order) in wanted.items():
        bed = existing.get(label)
        if bed is None:
            Bed.objects.create(house=house, label=label, sector=sector, may_be_faerdigbehandling=fb,
                               sort_order=order)
        elif (bed.sector, bed.may_be_faerdigbehandling, bed.active, bed.sort_order) != (sector, fb, True, order):
            bed.sector, bed.may_be_faerdigbehandling, bed.active, bed.sort_order = sector, fb, True, order
            bed.save(update_fields=["sector", "may_be_faerdigbehandling", "active", "sort_order"])
    for label, bed in existing.items():
        if label not in wanted and bed.active:
            bed.active = False
            bed.save(update_fields=["active"])


def bed_block(*, bed: Bed, start: datetime.datetime, end: datetime.datetime, reason: str = BlockReason.CLEANING,
              note: str = "", user=None) -> BedBlock:
    """Take a bed out of use (cleaning, maintenance). Overlapping blocks are refused by the database."""
    if end <= start:
        raise ValidationError({"end": _("Slut skal ligge efter start.")})
    if user is not None and not access_for(user, bed.house).may_book(bed):
        raise PermissionDenied(_("Du kan kun spærre senge i din egen sektor."))
    try:
        with transaction.atomic():
            stay_write_lock(bed_id=bed.pk)
            block = BedBlock.objects.create(bed=bed, period=DateTimeTZRange(start, end, "[)"),
                                            reason=BlockReason(reason), note=note,
                                            created_by=user if user is not None else None)
    except IntegrityError as exc:
        raise ValidationError(_("Sengen er allerede spærret i perioden."), code="block_overlap") from exc
    if user is not None:
        audit_log(user=user, action="create", obj=block, house=bed.house)
    return block


# --- rules ----------------------------------------------------------------------------------------


def stay_frame_for(*, house: House, sector: str, contract, on_date: datetime.date, visitation=None,
                   policy: Policy | None = None) -> int:
    """The longest ordinary stay (nights) allowed without an extension, under the house's rules valid on
    `on_date` (a stay is judged by its arrival date). THE one place the frame is decided.

    A contract's individual frame may only tighten the house's frame; a visitation decision may grant a
    longer frame (a reasoned special case). `policy`: the rules valid on `on_date`, when the caller has them
    already (judging many stays with a `PolicyBook`); `contract`/`visitation` need only `stay_frame_nights`."""
    if policy is None:
        policy = policy_for(house=house, sector=sector, on_date=on_date)
    frame = policy.stay_frame_nights
    if visitation is not None and visitation.stay_frame_nights is not None:
        return visitation.stay_frame_nights
    if contract is not None and contract.stay_frame_nights is not None:
        return min(frame, contract.stay_frame_nights)
    return frame


def local_date(moment: datetime.datetime, house: House | None = None) -> datetime.date:
    """The local calendar date of a moment in the house's time zone (Europe/Copenhagen)."""
    tz = ZoneInfo(getattr(house, "time_zone", "") or "Europe/Copenhagen")
    return moment.astimezone(tz).date()


def _basis_for(*, house: House, bed: Bed, citizen, first_night: datetime.date, last_night: datetime.date,
               policy: Policy | None = None):
    """(contract, home_treatment) valid on every night; municipal bed: municipal contract; regional bed:
    regional contract or home-treatment course."""
    from contracts.selectors import contracts_covering, home_treatment_covering

    admits_bsk = policy.admits_bsk if policy is not None else True
    admits_course = policy.admits_home_treatment if policy is not None else bed.sector == Sector.REGION
    contract = contracts_covering(house=house, citizen_id=citizen.pk, sector=bed.sector, start=first_night,
                                  end=last_night).order_by("-granted_on").first() if admits_bsk else None
    if contract is not None:
        return contract, None
    if admits_course:
        course = home_treatment_covering(house=house, citizen_id=citizen.pk, start=first_night,
                                         end=last_night).first()
        if course is not None:
            return None, course
    return None, None


def _visitation_for(*, house: House, bed: Bed, citizen, first_night: datetime.date, last_night: datetime.date):
    """The newest visitation decision of the bed's sector granting every night of the stay."""
    from contracts.selectors import visitations_covering

    return visitations_covering(house=house, citizen_id=citizen.pk, sector=bed.sector, start=first_night,
                                end=last_night).first()


def _nights_in_month(*, house: House, citizen, sector: str, day: datetime.date) -> int:
    """Nights of the citizen's holding stays in the sector arriving in the month of `day`."""
    from django.db.models import Sum

    first = day.replace(day=1)
    return Stay.objects.filter(house=house, citizen=citizen, sector=sector, status__in=HOLDING_STATUSES,
                               arrival_date__gte=first, arrival_date__lt=add_months(first, 1)
                               ).aggregate(n=Sum("nights"))["n"] or 0


def _policy_of(stay: Stay) -> Policy:
    return policy_for(house=stay.house, sector=stay.sector, on_date=stay.arrival_date)


def _aware(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, ZoneInfo("Europe/Copenhagen"))
    return value


# --- stays ----------------------------------------------------------------------------------------


def stay_book(*, house: House, bed: Bed, citizen, arrival: datetime.datetime, planned_departure: datetime.datetime,
              user, kind: str = StayKind.ORDINARY, extension_reason: str = "", request: StayRequest | None = None,
              fb_decided_on: datetime.date | None = None, fb_ward: str = "", fb_case_worker: str = "",
              fb_house_contact: str = "", goals: list[str] | None = None) -> Stay:
    """Book a bed for a citizen under the house's rules.

    Raises PermissionDenied (bed outside the user's booking sectors), ValidationError with field errors
    (broken rule) or BookingConflict (the database refused an overlap: someone else won the bed)."""
    access = access_for(user, house)
    if bed.house_id != house.pk:
        raise ValidationError({"bed": _("Sengen findes ikke i huset.")})
    if not access.may_book(bed):
        raise PermissionDenied(_("Du kan kun booke senge i din egen sektor."))
    arrival, planned_departure = _aware(arrival), _aware(planned_departure)
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if getattr(citizen, "house_id", None) != house.pk or not access.may_see_citizen(citizen):
        # Unseen answers like non-existent, and alone (no rule's message may tell that the citizen exists).
        raise ValidationError({"citizen": _("Borgeren findes ikke i huset.")})
    if not bed.active:
        err("bed", _("Sengen er ikke i brug."))
    if planned_departure <= arrival:
        raise ValidationError({"planned_departure": _("Afrejse skal ligge efter ankomst.")})
    arrival_date = local_date(arrival, house)
    departure_date = local_date(planned_departure, house)
    nights = (departure_date - arrival_date).days
    if nights < 1:
        raise ValidationError({"planned_departure": _("Et ophold skal være mindst én nat.")})
    kind = StayKind(kind)
    last_night = departure_date - datetime.timedelta(days=1)
    # The house's rules valid on the arrival date decide (history keeps the rules of its time).
    policy = policy_for(house=house, sector=bed.sector, on_date=arrival_date)
    contract, course = _basis_for(house=house, bed=bed, citizen=citizen, first_night=arrival_date,
                                  last_night=last_night, policy=policy)
    visitation = None
    if contract is None and course is None and policy.admits_visitation:
        visitation = _visitation_for(house=house, bed=bed, citizen=citizen, first_night=arrival_date,
                                     last_night=last_night)
    if contract is None and course is None and visitation is None:
        if not (policy.admits_bsk or policy.admits_home_treatment):
            err("citizen", _("Huset optager kun ved visitation, og borgeren har ingen visitationsafgørelse, der "
                             "dækker alle nætter i opholdet."))
        elif bed.sector == Sector.REGION:
            err("citizen", _("Borgeren har ingen aktiv regional kontrakt eller hjemmebehandling, der dækker alle "
                             "nætter i opholdet."))
        else:
            err("citizen", _("Borgeren har ingen aktiv kommunal kontrakt, der dækker alle nætter i opholdet."))
    extension_by = None
    # Beyond the frame (houses whose rules let a leader decide): a leader's reasoned booking is approved at once;
    # staff book it with their reason as "afventer leder", holding the bed until a leader decides
    # (`beds.extension_services`).
    extension: dict = {}
    if kind == StayKind.ORDINARY:
        frame = stay_frame_for(house=house, sector=bed.sector, contract=contract, on_date=arrival_date,
                               visitation=visitation)
        if nights > frame:
            if policy.extension_by == FrameExtension.VISITATION:
                err("extension_reason", _("Opholdet er længere end rammen på %(n)s nætter. Et længere ophold kræver "
                                          "en visitationsafgørelse med en længere ramme.") % {"n": frame})
            elif not extension_reason.strip():
                err("extension_reason", _("Opholdet er længere end rammen på %(n)s nætter. Skriv begrundelsen: et "
                                          "længere ophold afventer en leders godkendelse.") % {"n": frame})
            else:
                from beds.extension_services import extension_frame_until

                extension = {"extension_state": ExtensionState.PENDING, "extension_frame_nights": frame,
                             "extension_requested_departure": planned_departure,
                             "extension_frame_until": extension_frame_until(
                                 house=house, arrival=arrival, arrival_date=arrival_date, frame_nights=frame,
                                 departure=planned_departure)}
                if access.may_decide_extension(bed):
                    extension_by = user
                    extension.update(extension_state=ExtensionState.APPROVED, extension_decided_at=timezone.now())
        if policy.max_nights_per_month is not None and extension_by is None:
            used = _nights_in_month(house=house, citizen=citizen, sector=bed.sector, day=arrival_date)
            if used + nights > policy.max_nights_per_month:
                if (extension_reason.strip() and access.may_decide_extension(bed)
                        and policy.extension_by == FrameExtension.LEADER):
                    extension_by = user
                    extension.update(extension_state=ExtensionState.APPROVED, extension_decided_at=timezone.now())
                else:
                    err("planned_departure", _("Husets regler tillader højst %(n)s nætter pr. måned (brugt i "
                                               "måneden: %(used)s). Mere kræver en leders begrundede beslutning.")
                        % {"n": policy.max_nights_per_month, "used": used})
    else:
        if not bed.may_be_faerdigbehandling:
            err("bed", _("Sengen kan ikke bruges som færdigbehandlingsplads."))
        if departure_date > add_months(arrival_date, FAERDIGBEHANDLING_MAX_MONTHS):
            err("planned_departure", _("En færdigbehandlingsplads kan højst bruges i 6 måneder."))
        if fb_decided_on is None:
            err("fb_decided_on", _("Angiv datoen for den fælles beslutning."))
        for key, value, label in (("fb_ward", fb_ward, _("sengeafsnit")),
                                  ("fb_case_worker", fb_case_worker, _("myndighedsrådgiver")),
                                  ("fb_house_contact", fb_house_contact, _("husets repræsentant"))):
            if not value.strip():
                err(key, _("Den fælles beslutning skal angive %(who)s.") % {"who": label})
    if request is not None:
        if request.house_id != house.pk or request.sector != bed.sector:
            err("request", _("Henvendelsen gælder en anden sektor end sengen."))
        elif request.outcome != RequestOutcome.PENDING:
            err("request", _("Henvendelsen er allerede afsluttet."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            stay_write_lock(bed_id=bed.pk, citizen_id=citizen.pk)
            stay = Stay.objects.create(
                house=house, bed=bed, sector=bed.sector, citizen=citizen, contract=contract,
                home_treatment=course, visitation=visitation, kind=kind, status=StayStatus.BOOKED, arrival=arrival,
                planned_departure=planned_departure, period=DateTimeTZRange(arrival, planned_departure, "[)"),
                arrival_date=arrival_date, nights=nights, extension_reason=extension_reason.strip(),
                extension_by=extension_by, **extension,
                fb_decided_on=fb_decided_on if kind != StayKind.ORDINARY else None,
                fb_ward=fb_ward.strip(), fb_case_worker=fb_case_worker.strip(),
                fb_house_contact=fb_house_contact.strip(), created_by=user,
            )
            if request is not None:
                # Only a pending request becomes booked: of two staff booking the same request, the second
                # waits for the first's row lock, finds it booked and rolls its stay back.
                marked = StayRequest.objects.filter(pk=request.pk, outcome=RequestOutcome.PENDING).update(
                    outcome=RequestOutcome.BOOKED, stay=stay, citizen=citizen, answered_at=timezone.now())
                if not marked:
                    raise ValidationError({"request": _("Henvendelsen er allerede afsluttet.")})
            goal_texts = [g.strip()[:500] for g in (goals or (visitation.goal_list if visitation else []))
                          if g and g.strip()]
            if goal_texts:
                StayGoal.objects.bulk_create([StayGoal(stay=stay, text=text, sort_order=i)
                                              for i, text in enumerate(goal_texts)])
    except IntegrityError as exc:
        conflict = _conflict_from(exc)
        if conflict is not None:
            raise conflict from exc
        raise
    audit_log(user=user, action="create", obj=stay, house=house, citizen_id=citizen.pk)
    return stay


def _require_booking_access(*, stay: Stay, user) -> None:
    if not access_for(user, stay.house).may_book(stay):
        raise PermissionDenied(_("Du kan kun ændre ophold i din egen sektor."))


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


def _moment(value: datetime.datetime | None, key: str) -> datetime.datetime:
    """A given time (default now) between the years 1900 and 2100: night arithmetic must never overflow."""
    moment = _aware(value) if value else timezone.now()
    if not 1900 <= moment.year <= 2100:
        raise ValidationError({key: _("Tidspunktet skal ligge mellem år 1900 og 2100.")})
    return moment


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
    call when undoing)."""
    now = now or timezone.now()
    return (stay.status in (StayStatus.CANCELLED, StayStatus.NO_SHOW) and stay.cancelled_at is not None
            and now - stay.cancelled_at <= UNDO_WINDOW)


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


# --- requests (henvendelser) ------------------------------------------------------------------------


def stay_request_record(*, house: House, sector: str, channel: str, user, citizen=None,
                        requested_at: datetime.datetime | None = None, requested_nights: int = 1,
                        note: str = "") -> StayRequest:
    """Record a henvendelse. Every request is recorded, whatever becomes of it."""
    access = access_for(user, house)
    if not access.may_book(sector):
        raise PermissionDenied(_("Du kan kun registrere henvendelser i din egen sektor."))
    errors = {}
    if citizen is not None and (citizen.house_id != house.pk or not access.may_see_citizen(citizen)):
        errors["citizen"] = _("Borgeren findes ikke i huset.")  # unseen answers like non-existent
    if channel not in RequestChannel.values:
        errors["channel"] = _("Vælg en kanal.")
    if sector not in Sector.values:
        errors["sector"] = _("Vælg en sektor.")
    if not isinstance(requested_nights, int) or requested_nights < 1:
        errors["requested_nights"] = _("Angiv mindst én nat.")
    if errors:
        raise ValidationError(errors)
    req = StayRequest.objects.create(
        house=house, sector=sector, citizen=citizen, channel=channel,
        requested_at=_aware(requested_at) if requested_at else timezone.now(),
        requested_nights=requested_nights, note=note, created_by=user,
    )
    audit_log(user=user, action="create", obj=req, house=house, citizen_id=getattr(citizen, "pk", None))
    return req


def _answered_at(stay_request: StayRequest, at: datetime.datetime | None) -> datetime.datetime:
    """When the request was answered (default now), never before it was made."""
    moment = _moment(at, "at")
    if moment < stay_request.requested_at:
        raise ValidationError({"at": _("Svaret kan ikke ligge før henvendelsen.")})
    return moment


def stay_request_turn_away(*, stay_request: StayRequest, reason: str, user, note: str = "",
                           at: datetime.datetime | None = None) -> StayRequest:
    """The request ends without a stay (no bed, not eligible, no valid contract, other with text), answered
    at `at` (default now; the house answers the same day)."""
    if not access_for(user, stay_request.house).may_book(stay_request):
        raise PermissionDenied(_("Du kan kun behandle henvendelser i din egen sektor."))
    if stay_request.outcome != RequestOutcome.PENDING:
        raise ValidationError({"outcome": _("Henvendelsen er allerede afsluttet.")})
    if reason not in TurnAwayReason.values:
        raise ValidationError({"reason": _("Vælg en årsag.")})
    if reason == TurnAwayReason.OTHER and not (note or stay_request.note).strip():
        raise ValidationError({"note": _("Beskriv årsagen.")})
    stay_request.outcome = RequestOutcome.TURNED_AWAY
    stay_request.turn_away_reason = reason
    stay_request.answered_at = _answered_at(stay_request, at)
    if note:
        stay_request.note = note
    stay_request.save(update_fields=["outcome", "turn_away_reason", "note", "answered_at"])
    audit_log(user=user, action="update", obj=stay_request, house=stay_request.house, detail="turned away")
    return stay_request


def stay_request_withdraw(*, stay_request: StayRequest, user, at: datetime.datetime | None = None) -> StayRequest:
    """The citizen no longer wants the stay (answered at `at`, default now)."""
    if not access_for(user, stay_request.house).may_book(stay_request):
        raise PermissionDenied(_("Du kan kun behandle henvendelser i din egen sektor."))
    if stay_request.outcome != RequestOutcome.PENDING:
        raise ValidationError({"outcome": _("Henvendelsen er allerede afsluttet.")})
    stay_request.outcome = RequestOutcome.WITHDRAWN
    stay_request.answered_at = _answered_at(stay_request, at)
    stay_request.save(update_fields=["outcome", "answered_at"])
    audit_log(user=user, action="update", obj=stay_request, house=stay_request.house, detail="withdrawn")
    return stay_request


# --- history import -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    citizens_created: int = 0
    contracts_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class StaysImportError(Exception):
    """The file was refused as a whole; `errors` lists (line number, Danish message) for every bad line."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} fejl")
        self.errors = errors


def stays_import(*, house: House, rows, user=None, progress=None) -> ImportResult:
    """Import historic stays, all or nothing, in bulk (a few queries per 5,000 rows, not per row).

    Rows are dicts with `cpr, sector, bed, arrival, departure` and optional `kind, end_reason, line`.
    Stay-frame rules are not applied to history; overlaps (within the file and with existing stays) are.
    Unknown citizens are created; a stay no contract covers gets an ended contract marked imported.
    Imported stays are `checked_out` with check-in/out at arrival/departure. Each row has an `import_key`
    (keyed hash of the row), so importing the same file again changes nothing. Raises StaysImportError
    listing every bad line; nothing is written then."""
    from beds import importer

    return importer.run(house=house, rows=rows, user=user, progress=progress)


def import_key_for(*, cpr_hash: str, bed_label: str, arrival: datetime.datetime,
                   departure: datetime.datetime) -> str:
    raw = f"{cpr_hash}|{bed_label}|{arrival.isoformat()}|{departure.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()


__all__ = [
    "BookingConflict", "HOLDING_STATUSES", "ImportResult", "StaysImportError", "bed_block", "beds_ensure",
    "stay_book", "stay_cancel", "stay_check_in", "stay_check_out", "stay_frame_for", "stay_request_record",
    "stay_request_turn_away", "stay_request_withdraw", "stays_import",
]


# --- goals, aftercare and the waiting list (house rules: psykiatrihus.policy) ------------------------------


def stay_goals_set(*, stay: Stay, goals: list[str], user) -> list[StayGoal]:
    """Agree the stay's individual goals with the citizen (replaces goals not yet evaluated)."""
    _require_booking_access(stay=stay, user=user)
    texts = [g.strip()[:500] for g in goals if g and g.strip()]
    if not texts:
        raise ValidationError({"goals": _("Skriv mindst ét mål.")})
    if stay.status in (StayStatus.CHECKED_OUT, StayStatus.CANCELLED, StayStatus.NO_SHOW):
        raise ValidationError({"goals": _("Målene kan ikke ændres, når opholdet er afsluttet.")})
    with transaction.atomic():
        stay.goals.filter(result="").delete()
        start = stay.goals.count()
        created = StayGoal.objects.bulk_create(
            [StayGoal(stay=stay, text=text, sort_order=start + i) for i, text in enumerate(texts)]
        )
    audit_log(user=user, action="update", obj=stay, house=stay.house, citizen_id=stay.citizen_id, detail="goals")
    return created


def stay_goal_evaluate(*, goal: StayGoal, result: str, user, note: str = "",
                       at: datetime.datetime | None = None) -> StayGoal:
    """Evaluate a goal with the citizen at the end of the stay."""
    _require_booking_access(stay=goal.stay, user=user)
    if result not in GoalResult.values:
        raise ValidationError({"result": _("Vælg om målet er nået, delvist nået eller ikke nået.")})
    goal.result = result
    goal.evaluation_note = note.strip()
    goal.evaluated_at = _aware(at) if at else timezone.now()
    goal.evaluated_by = user
    goal.save(update_fields=["result", "evaluation_note", "evaluated_at", "evaluated_by"])
    audit_log(user=user, action="update", obj=goal.stay, house=goal.stay.house, citizen_id=goal.stay.citizen_id,
              detail="goal evaluated")
    return goal


def _aftercare_plan(*, stay: Stay) -> StayAftercare | None:
    """At check-out: plan the safety visit/call the house's rules (valid on the arrival date) ask for."""
    policy = policy_for(house=stay.house, sector=stay.sector, on_date=stay.arrival_date)
    if not policy.plans_post_stay_followup or stay.aftercare.exists():
        return None
    departed = local_date(stay.checked_out_at or stay.planned_departure, stay.house)
    return StayAftercare.objects.create(
        stay=stay, planned_kind=policy.post_stay_followup,
        planned_on=departed + datetime.timedelta(days=policy.post_stay_followup_days),
    )


def stay_aftercare_record(*, aftercare: StayAftercare, user, done_on: datetime.date, kind: str = "",
                          reached: bool = True, note: str = "") -> StayAftercare:
    """Record the safety visit or call (or that the citizen was not reached)."""
    _require_booking_access(stay=aftercare.stay, user=user)
    if aftercare.status != AftercareStatus.PLANNED:
        raise ValidationError({"status": _("Opfølgningen er allerede registreret.")})
    kind = kind or (aftercare.planned_kind if aftercare.planned_kind != AftercareKind.VISIT_OR_CALL else "")
    if kind not in (AftercareKind.VISIT, AftercareKind.CALL):
        raise ValidationError({"kind": _("Vælg tryghedsbesøg eller tryghedsopkald.")})
    if done_on < aftercare.stay.arrival_date:
        raise ValidationError({"done_on": _("Datoen kan ikke ligge før opholdet.")})
    aftercare.status = AftercareStatus.DONE if reached else AftercareStatus.NOT_REACHED
    aftercare.done_kind, aftercare.done_on, aftercare.note, aftercare.done_by = kind, done_on, note.strip(), user
    aftercare.save(update_fields=["status", "done_kind", "done_on", "note", "done_by"])
    audit_log(user=user, action="update", obj=aftercare, house=aftercare.stay.house,
              citizen_id=aftercare.stay.citizen_id)
    return aftercare


def waiting_list_add(*, visitation, user, requested_at: datetime.datetime | None = None,
                     requested_nights: int | None = None, note: str = "") -> WaitingListEntry:
    """Put a visited citizen on the house's waiting list (no bed free now). One open entry per citizen."""
    house = visitation.house
    if not access_for(user, house).may_book(visitation):
        raise PermissionDenied(_("Du kan kun skrive borgere op i din egen sektor."))
    requested_at = _aware(requested_at) if requested_at else timezone.now()
    if requested_nights is None:
        requested_nights = stay_frame_for(house=house, sector=visitation.sector, contract=None,
                                          on_date=local_date(requested_at, house), visitation=visitation)
    if requested_nights < 1:
        raise ValidationError({"requested_nights": _("Angiv mindst én nat.")})
    if visitation.withdrawn_on is not None or visitation.granted_until < local_date(requested_at, house):
        raise ValidationError({"visitation": _("Visitationsafgørelsen gælder ikke længere.")})
    try:
        with transaction.atomic():
            entry = WaitingListEntry.objects.create(
                house=house, sector=visitation.sector, citizen_id=visitation.citizen_id, visitation=visitation,
                requested_at=requested_at, requested_nights=requested_nights, note=note, created_by=user,
            )
    except IntegrityError as exc:
        if "waiting_one_open_per_citizen" in str(exc):
            raise ValidationError({"citizen": _("Borgeren står allerede på ventelisten.")},
                                  code="already_waiting") from exc
        raise
    audit_log(user=user, action="create", obj=entry, house=house, citizen_id=visitation.citizen_id)
    return entry


def waiting_list_withdraw(*, entry: WaitingListEntry, user, note: str = "") -> WaitingListEntry:
    if not access_for(user, entry.house).may_book(entry):
        raise PermissionDenied(_("Du kan kun ændre ventelisten i din egen sektor."))
    updated = WaitingListEntry.objects.filter(pk=entry.pk, status=WaitingStatus.WAITING).update(
        status=WaitingStatus.WITHDRAWN, withdrawn_at=timezone.now(), note=(note or entry.note)[:500])
    if not updated:
        raise ValidationError({"status": _("Borgeren står ikke længere på ventelisten.")})
    entry.refresh_from_db()
    audit_log(user=user, action="update", obj=entry, house=entry.house, citizen_id=entry.citizen_id,
              detail="withdrawn")
    return entry


@transaction.atomic
def waiting_list_place_next(*, bed: Bed, user, arrival: datetime.datetime | None = None) -> Stay | None:
    """Move the first citizen waiting for a bed of this sector into `bed`, in one action (one transaction):
    the entry is locked (others skip it), the stay is booked under the house's rules and the entry marked
    placed. Returns None when nobody waits; a refused booking leaves the list unchanged."""
    house = bed.house
    if not access_for(user, house).may_book(bed):
        raise PermissionDenied(_("Du kan kun booke senge i din egen sektor."))
    entry = (WaitingListEntry.objects.select_for_update(skip_locked=True)
             .filter(house=house, sector=bed.sector, status=WaitingStatus.WAITING)
             .select_related("visitation", "citizen").order_by("requested_at", "id").first())
    if entry is None:
        return None
    arrival = _aware(arrival) if arrival else timezone.now()
    stay = stay_book(house=house, bed=bed, citizen=entry.citizen, arrival=arrival,
                     planned_departure=arrival + datetime.timedelta(days=entry.requested_nights), user=user)
    entry.status, entry.placed_at, entry.stay = WaitingStatus.PLACED, arrival, stay  # the wait ends on arrival
    entry.save(update_fields=["status", "placed_at", "stay"])
    audit_log(user=user, action="update", obj=entry, house=house, citizen_id=entry.citizen_id, detail="placed")
    return stay


def stay_questionnaire_record(*, stay: Stay, instrument_code: str, moment: str, answers, user):
    """Record a questionnaire at the stay's start or end (staff of the stay's sector): the response in the
    citizen's record (contracts), linked to the stay here, in one transaction."""
    from beds.models import StayResponse
    from contracts.models.questionnaires import STAY_MOMENTS
    from contracts.questionnaire_services import questionnaire_response_record

    _require_booking_access(stay=stay, user=user)
    if moment not in STAY_MOMENTS:
        raise ValidationError({"moment": _("Vælg opholdets start eller slutning.")}, code="invalid")
    with transaction.atomic():
        response = questionnaire_response_record(
            house=stay.house, citizen=stay.citizen, instrument_code=instrument_code, moment=moment, answers=answers,
            sector=stay.sector, user=user, contract=stay.contract, answered_on=timezone.localdate())
        StayResponse.objects.create(stay=stay, response=response)
    return response

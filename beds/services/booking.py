"""Booking a stay under the house's rules (UI, API, waiting list and import all book through `stay_book`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beds.locks import stay_write_lock
from beds.models import (
    Bed,
    ExtensionLimit,
    ExtensionState,
    RequestOutcome,
    Stay,
    StayGoal,
    StayKind,
    StayRequest,
    StayStatus,
)
from beds.services.conflicts import BookingConflict, _conflict_from
from beds.services.rules import _aware, _basis_for, _nights_in_month, _visitation_for, local_date, stay_frame_for
from psykiatrihus.dates import add_months
from psykiatrihus.models import FrameExtension, House, Sector
from psykiatrihus.policy import Policy, policy_for
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log

FAERDIGBEHANDLING_MAX_MONTHS = 6


def _extension_for(*, house: House, bed: Bed, access, policy: Policy, frame: int, nights: int, used: int,
                   arrival: datetime.datetime, arrival_date: datetime.date, planned_departure: datetime.datetime,
                   reason: str, err) -> tuple[dict, bool]:
    """The longer-stay fields of an ordinary stay beyond the frame and/or the house's nights per month, and
    whether the booking user decided it (a leader of the bed's sector: approved at once).

    Where a leader decides (`FrameExtension.LEADER`), staff book with their reason as "afventer leder", the bed
    held, like the night shift must be able to; one decision covers both limits, and its frame is the stricter:
    the fewer nights of the frame and of what remains of the month's nights (a decline shortens the stay to it).
    Where the rules say visitation decides, a longer stay is refused with the reason beside the field.
    `used`: the citizen's nights in the sector in the arrival's month so far."""
    beyond_frame = nights > frame
    limit = policy.max_nights_per_month
    beyond_month = limit is not None and used + nights > limit
    if not (beyond_frame or beyond_month):
        return {}, False
    month = {"n": limit, "used": used}
    if policy.extension_by == FrameExtension.VISITATION:
        if beyond_frame:
            err("extension_reason", _("Opholdet er længere end rammen på %(n)s nætter. Et længere ophold kræver "
                                      "en visitationsafgørelse med en længere ramme.") % {"n": frame})
        if beyond_month:
            err("planned_departure", ngettext(
                "Husets regler tillader højst %(n)s nat pr. måned (brugt i måneden: %(used)s). I dette hus afgør "
                "visitationen, om borgeren kan få flere nætter; book inden for grænsen.",
                "Husets regler tillader højst %(n)s nætter pr. måned (brugt i måneden: %(used)s). I dette hus "
                "afgør visitationen, om borgeren kan få flere nætter; book inden for grænsen.", limit) % month)
        return {}, False
    if not reason.strip():
        if beyond_frame:
            err("extension_reason", _("Opholdet er længere end rammen på %(n)s nætter. Skriv begrundelsen: et "
                                      "længere ophold afventer en leders godkendelse.") % {"n": frame})
        if beyond_month:
            err("extension_reason", ngettext(
                "Opholdet går ud over husets grænse på %(n)s nat pr. måned (brugt i måneden: %(used)s). Skriv "
                "begrundelsen: flere nætter afventer en leders godkendelse.",
                "Opholdet går ud over husets grænse på %(n)s nætter pr. måned (brugt i måneden: %(used)s). Skriv "
                "begrundelsen: flere nætter afventer en leders godkendelse.", limit) % month)
        return {}, False
    from beds.extension_services import extension_frame_until

    allowed = min(([frame] if beyond_frame else []) + ([max(0, limit - used)] if beyond_month else []))
    kind = (ExtensionLimit.BOTH if beyond_frame and beyond_month
            else ExtensionLimit.MONTH if beyond_month else ExtensionLimit.FRAME)
    extension = {"extension_state": ExtensionState.PENDING, "extension_limit": kind, "extension_frame_nights": allowed,
                 "extension_month_limit": limit if beyond_month else None,
                 "extension_requested_departure": planned_departure,
                 "extension_frame_until": extension_frame_until(house=house, arrival=arrival, arrival_date=arrival_date,
                                                                frame_nights=allowed, departure=planned_departure)}
    if not access.may_decide_extension(bed):
        return extension, False
    extension.update(extension_state=ExtensionState.APPROVED, extension_decided_at=timezone.now())
    return extension, True


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
    extension: dict = {}
    month_used = None  # the citizen's nights in the arrival's month, where the house limits them
    if kind == StayKind.ORDINARY:
        frame = stay_frame_for(house=house, sector=bed.sector, contract=contract, on_date=arrival_date,
                               visitation=visitation)
        if policy.max_nights_per_month is not None:
            month_used = _nights_in_month(house=house, citizen=citizen, sector=bed.sector, day=arrival_date)
        extension, decided = _extension_for(
            house=house, bed=bed, access=access, policy=policy, frame=frame, nights=nights, used=month_used or 0,
            arrival=arrival, arrival_date=arrival_date, planned_departure=planned_departure,
            reason=extension_reason, err=err)
        if decided:
            extension_by = user
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
            if month_used is not None and month_used != _nights_in_month(house=house, citizen=citizen,
                                                                         sector=bed.sector, day=arrival_date):
                # Another booking of the citizen in the month committed while this one was judged (the
                # citizen's lock serialises them): the month's nights must be judged again.
                raise BookingConflict("month_changed", _("Borgerens nætter i måneden er ændret af en anden "
                                                         "booking imens. Se opholdene og book igen."))
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

"""Writes for activities, enrolment, attendance and the house's counts. Every state change goes through here.

Seats are guarded by a row lock on the activity (SELECT ... FOR UPDATE): two staff enrolling the last seat at
the same moment are serialised, and the second citizen lands on the waiting list. One row per day/month is a
unique constraint; a duplicate becomes a Danish ValidationError with code `duplicate`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    BudgetYear,
    Enrolment,
    EnrolmentStatus,
    HomeTreatmentMonth,
    Offer,
    OpenDialogueMonth,
    PeerEducationCohort,
    PeerMonth,
    PeerWorker,
    RecoveryCourse,
    Session,
    SocialvagtenDay,
    StaffCount,
    Term,
)
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import access_for
from psykiatrihus.services import audit_log

DEFAULT_SESSION_MINUTES = 90



def _require_manage(user, activity: Activity, citizen=None) -> None:
    """The acting user runs the activity or works in its sector (`activities.selectors.activity_may_manage`),
    and (unless they run it) sees the citizen named (`Access.may_see_citizen`): checked here, whatever view or
    endpoint called."""
    from activities.selectors import activity_may_manage, activity_runs

    if user is None or not getattr(user, "is_authenticated", False):
        return
    access = access_for(user, activity.house)
    if not activity_may_manage(access=access, activity=activity):
        raise PermissionDenied(_("Du kan ikke ændre denne aktivitet."))
    # a runner names the citizens on their own activity (as `activities.selectors._named_scope` shows them)
    if citizen is not None and not activity_runs(access=access, activity=activity) \
            and not access.may_see_citizen(citizen):
        raise ValidationError({"citizen": _("Borgeren findes ikke i huset.")})

def _duplicate(field: str, message: str) -> ValidationError:
    """A field error that keeps the code `duplicate` (the API answers 409 for it)."""
    return ValidationError({field: ValidationError(message, code="duplicate")})


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _today() -> datetime.date:
    return timezone.localdate()


# --- activities and sessions -----------------------------------------------------------------------------


def activity_create(*, house: House, name: str, kind: str, offer: str = Offer.OTHER, sector: str = "",
                    peer_led: bool = False, seats: int | None = None, sessions_planned: int | None = None,
                    starts_on: datetime.date | None = None, description: str = "", location: str = "",
                    runners=(), user=None) -> Activity:
    """A course needs seats (its enrolment limit); an open activity has none (it is counted by head)."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Skriv aktivitetens navn.")
    if kind not in ActivityKind.values:
        errors["kind"] = _("Vælg holdforløb eller åben aktivitet.")
    if offer not in Offer.values:
        errors["offer"] = _("Ukendt tilbud.")
    if sector and sector not in Sector.values:
        errors["sector"] = _("Ukendt sektor.")
    if kind == ActivityKind.COURSE and (seats is None or seats <= 0):
        errors["seats"] = _("Et holdforløb skal have mindst én plads.")
    if kind == ActivityKind.OPEN and seats:
        errors["seats"] = _("En åben aktivitet har ingen pladser; den tælles i hoveder.")
    if sessions_planned is not None and sessions_planned < 0:
        errors["sessions_planned"] = _("Antallet kan ikke være negativt.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                house=house, name=name.strip(), kind=kind, offer=offer, sector=sector, peer_led=peer_led,
                seats=seats if kind == ActivityKind.COURSE else None, sessions_planned=sessions_planned,
                starts_on=starts_on, description=description, location=location,
            )
    except IntegrityError as exc:
        raise _duplicate("name", _("Der findes allerede en aktivitet med dette navn og denne startdato.")) from exc
    if runners:
        activity.runners.set(runners)
    if user is not None:
        audit_log(user=user, action="create", obj=activity, house=house)
    return activity


@transaction.atomic
def activity_seats_set(*, activity: Activity, seats: int, user=None) -> list[Enrolment]:
    """Change a course's seats; more seats promote the waiting list in order. Returns those promoted."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.kind != ActivityKind.COURSE:
        raise ValidationError({"seats": _("En åben aktivitet har ingen pladser.")})
    enrolled = activity.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    if seats < max(enrolled, 1):
        raise ValidationError({"seats": _("Der er allerede %(n)s tilmeldte; pladserne kan ikke sættes lavere.")
                               % {"n": enrolled}})
    activity.seats = seats
    activity.save(update_fields=["seats"])
    promoted = _promote_waiting(activity=activity, free=seats - enrolled)
    if user is not None:
        audit_log(user=user, action="update", obj=activity, house=activity.house, detail=f"seats={seats}")
    return promoted


def session_create(*, activity: Activity, starts_at: datetime.datetime, ends_at: datetime.datetime | None = None,
                   note: str = "", user=None) -> Session:
    _require_manage(user, activity)
    ends_at = ends_at or starts_at + datetime.timedelta(minutes=DEFAULT_SESSION_MINUTES)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Sluttidspunktet skal ligge efter starttidspunktet.")})
    try:
        with transaction.atomic():
            session = Session.objects.create(activity=activity, house_id=activity.house_id, starts_at=starts_at,
                                             ends_at=ends_at, note=note)
    except IntegrityError as exc:
        raise _duplicate("starts_at", _("Aktiviteten har allerede en gang på dette tidspunkt.")) from exc
    if user is not None:
        audit_log(user=user, action="create", obj=session, house=activity.house)
    return session


def sessions_schedule(*, activity: Activity, first_starts_at: datetime.datetime, count: int | None = None,
                      every_days: int = 7, minutes: int = DEFAULT_SESSION_MINUTES, user=None) -> list[Session]:
    """Put a course's sessions in the calendar: `count` (default: its planned number) every `every_days`.
    Times stay on the same local wall-clock hour across daylight-saving changes."""
    count = activity.sessions_planned if count is None else count
    if not count or count < 0:
        raise ValidationError({"count": _("Angiv et positivt antal gange.")})
    if every_days <= 0:
        raise ValidationError({"every_days": _("Angiv et positivt antal dage mellem gangene.")})
    tz = timezone.get_current_timezone()
    local = timezone.localtime(first_starts_at, tz)
    rows = []
    for i in range(count):
        starts = timezone.make_aware(local.replace(tzinfo=None) + datetime.timedelta(days=i * every_days), tz)
        rows.append({"starts_at": starts, "ends_at": starts + datetime.timedelta(minutes=minutes)})
    sessions = sessions_import(activity=activity, rows=rows)
    if user is not None:
        audit_log(user=user, action="create", obj=activity, house=activity.house, detail=f"sessions={count}")
    return sessions


def sessions_import(*, activity: Activity, rows: list[dict], user=None) -> list[Session]:
    """Many sessions of one activity in one INSERT (a schedule, an import, the demo). Each row has `starts_at`,
    `ends_at` and, for an open activity's past sessions, an optional `head_count`."""
    today = _today()
    objects = []
    for row in rows:
        starts, ends, heads = row["starts_at"], row["ends_at"], row.get("head_count")
        if ends <= starts:
            raise ValidationError({"ends_at": _("Sluttidspunktet skal ligge efter starttidspunktet.")})
        if heads is not None:
            if activity.kind != ActivityKind.OPEN:
                raise ValidationError({"head_count": _("Et holdforløb tælles med navngivet fremmøde, ikke i "
                                                       "hoveder.")}, code="course")
            if heads < 0:
                raise ValidationError({"head_count": _("Antallet kan ikke være negativt.")}, code="negative")
            if timezone.localtime(starts).date() > today:
                raise ValidationError(_("Fremmøde kan først registreres på dagen."), code="future")
        objects.append(Session(activity=activity, house_id=activity.house_id, starts_at=starts, ends_at=ends,
                               head_count=heads))
    try:
        with transaction.atomic():
            created = Session.objects.bulk_create(objects, batch_size=1000)
    except IntegrityError as exc:
        raise _duplicate("starts_at", _("Aktiviteten har allerede en gang på et af tidspunkterne.")) from exc
    if user is not None:
        audit_log(user=user, action="create", obj=activity, house=activity.house, detail=f"sessions={len(created)}")
    return created


def session_cancel(*, session: Session, user=None) -> Session:
    session.cancelled = True
    session.save(update_fields=["cancelled"])
    if user is not None:
        audit_log(user=user, action="update", obj=session, house=session.activity.house, detail="cancelled")
    return session


# --- enrolment and waiting list ------------------------------------------------------------------------


def _promote_waiting(*, activity: Activity, free: int) -> list[Enrolment]:
    """Give up to `free` seats to the waiting list, first come first served. Caller holds the activity lock."""
    if free <= 0:
        return []
    waiting = list(activity.enrolments.select_for_update().filter(status=EnrolmentStatus.WAITING)
                   .order_by("queued_at", "id")[:free])
    now = timezone.now()
    for enrolment in waiting:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = now
        enrolment.save(update_fields=["status", "enrolled_at"])
    return waiting


def enrolment_create(*, activity: Activity, citizen, user=None) -> Enrolment:
    """Enrol a citizen on a course: a seat while there is one, else the end of the waiting list."""
    _require_manage(user, activity, citizen)
    if citizen.house_id != activity.house_id:
        raise ValidationError({"citizen": _("Borgeren hører ikke til dette hus.")})
    try:
        with transaction.atomic():
            locked = Activity.objects.select_for_update().get(pk=activity.pk)
            if locked.kind != ActivityKind.COURSE:
                raise ValidationError({"activity": _("Man tilmelder sig ikke en åben aktivitet; den tælles i "
                                                     "hoveder.")})
            if not locked.active:
                raise ValidationError({"activity": _("Forløbet er afsluttet.")})
            enrolled = locked.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
            now = timezone.now()
            has_seat = enrolled < (locked.seats or 0)
            enrolment = Enrolment.objects.create(
                activity=locked, citizen=citizen,
                status=EnrolmentStatus.ENROLLED if has_seat else EnrolmentStatus.WAITING,
                queued_at=now, enrolled_at=now if has_seat else None, created_by=_user_or_none(user),
            )
    except IntegrityError as exc:
        raise _duplicate("citizen", _("Borgeren er allerede tilmeldt eller på ventelisten.")) from exc
    if user is not None:
        audit_log(user=user, action="create", obj=enrolment, house=activity.house, citizen_id=citizen.pk,
                  detail=enrolment.status)
    return enrolment


def enrolment_withdraw(*, enrolment: Enrolment, user=None) -> Enrolment | None:
    """Withdraw from a course or its waiting list; a freed seat goes to the first on the waiting list.
    Returns the enrolment that got the seat, if any."""
    _require_manage(user, enrolment.activity)
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=enrolment.activity_id)
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status == EnrolmentStatus.WITHDRAWN:
            raise ValidationError(_("Borgeren er allerede afmeldt."), code="withdrawn")
        had_seat = locked.status == EnrolmentStatus.ENROLLED
        locked.status = EnrolmentStatus.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["status", "withdrawn_at"])
        promoted = []
        if had_seat:
            enrolled = activity.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
            promoted = _promote_waiting(activity=activity, free=(activity.seats or 0) - enrolled)
    enrolment.refresh_from_db()
    if user is not None:
        audit_log(user=user, action="update", obj=enrolment, house=activity.house, citizen_id=enrolment.citizen_id,
                  detail="withdrawn")
        for p in promoted:
            audit_log(user=user, action="update", obj=p, house=activity.house, citizen_id=p.citizen_id,
                      detail="promoted")
    return promoted[0] if promoted else None


# --- attendance ----------------------------------------------------------------------------------------


def _session_checks(session: Session) -> None:
    if session.cancelled:
        raise ValidationError(_("Gangen er aflyst."), code="cancelled")
    if timezone.localtime(session.starts_at).date() > _today():
        raise ValidationError(_("Fremmøde kan først registreres på dagen."), code="future")


def attendance_record(*, session: Session, citizen, present: bool = True, user=None) -> Attendance:
    """Named attendance. On a course only enrolled citizens can be marked; on an open activity naming is
    optional (its head count stays the figure) and the head count is raised to at least the named present."""
    _require_manage(user, session.activity, citizen)
    _session_checks(session)
    activity = session.activity
    if citizen.house_id != activity.house_id:
        raise ValidationError({"citizen": _("Borgeren hører ikke til dette hus.")})
    if activity.kind == ActivityKind.COURSE and not activity.enrolments.filter(
            citizen=citizen, status=EnrolmentStatus.ENROLLED).exists():
        raise ValidationError({"citizen": _("Borgeren er ikke tilmeldt forløbet.")}, code="not_enrolled")
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        attendance, _created = Attendance.objects.update_or_create(
            session=locked, citizen=citizen, defaults={"present": present, "recorded_by": _user_or_none(user)},
        )
        if activity.kind == ActivityKind.OPEN:
            named = locked.attendances.filter(present=True).count()
            if (locked.head_count or 0) < named:
                locked.head_count = named
                locked.save(update_fields=["head_count"])
    if user is not None:
        audit_log(user=user, action="update", obj=attendance, house=activity.house, citizen_id=citizen.pk,
                  detail="present" if present else "absent")
    return attendance


def attendance_toggle(*, session: Session, citizen, user=None) -> Attendance:
    """One tap on the phone: present ↔ absent (first tap: present)."""
    current = Attendance.objects.filter(session=session, citizen=citizen).values_list("present", flat=True).first()
    return attendance_record(session=session, citizen=citizen, present=not current if current is not None else True,
                             user=user)


def head_count_record(*, session: Session, head_count: int, user=None) -> Session:
    """The head count of an open activity's session (nobody needs to be named)."""
    _require_manage(user, session.activity)
    _session_checks(session)
    if session.activity.kind != ActivityKind.OPEN:
        raise ValidationError({"head_count": _("Et holdforløb tælles med navngivet fremmøde, ikke i hoveder.")},
                              code="course")
    if head_count is None or head_count < 0:
        raise ValidationError({"head_count": _("Antallet kan ikke være negativt.")}, code="negative")
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        named = locked.attendances.filter(present=True).count()
        if head_count < named:
            raise ValidationError({"head_count": _("Der er allerede %(n)s navngivne fremmødte; antallet kan ikke "
                                                   "være lavere.") % {"n": named}}, code="below_named")
        locked.head_count = head_count
        locked.save(update_fields=["head_count"])
    if user is not None:
        audit_log(user=user, action="update", obj=locked, house=locked.activity.house, detail=f"head={head_count}")
    return locked


# --- counts --------------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_label(month: datetime.date) -> str:
    return formats.date_format(month, "F Y")


def _nonnegative(values: dict) -> None:
    errors = {}
    for key, value in values.items():
        if value is None:
            errors[key] = _("Udfyld feltet.")
        elif isinstance(value, (int, float, Decimal)) and value < 0:
            errors[key] = _("Antallet kan ikke være negativt.")
    if errors:
        raise ValidationError(errors, code="negative")


def _not_future_month(month: datetime.date, field: str = "month") -> None:
    if month > month_start(_today()):
        raise ValidationError({field: _("Måneden ligger i fremtiden; tal kan først registreres, når måneden er "
                                        "begyndt.")}, code="future")


def _not_future_day(day: datetime.date, field: str = "day") -> None:
    if day > _today():
        raise ValidationError({field: _("Datoen ligger i fremtiden.")}, code="future")


def _constraint_message(model: type[models.Model], exc: IntegrityError) -> str | None:
    """The Danish message of the check constraint PostgreSQL refused (named in the error), if any."""
    text = str(exc)
    for constraint in model._meta.constraints:
        if constraint.name in text and isinstance(constraint, models.CheckConstraint):
            return str(constraint.violation_error_message or _("Tallene overholder ikke reglerne."))
    return None


def _count_save(model: type[models.Model], *, lookup: dict, values: dict, replace: bool, duplicate: str,
                house: House, user=None) -> models.Model:
    """Create one count row, or update it when `replace`; a second row for the same key is refused with a
    clear message (and the unique constraint refuses it under a race as well). The callers have checked the
    values; the database's check constraints are the backstop, their message is passed on."""
    try:
        with transaction.atomic():
            obj = model.objects.select_for_update().filter(**lookup).first()
            if obj is not None and not replace:
                raise ValidationError(duplicate, code="duplicate")
            if obj is None:
                obj = model.objects.create(**lookup, **values)
            else:
                for key, value in values.items():
                    setattr(obj, key, value)
                obj.save(update_fields=list(values))
    except IntegrityError as exc:
        message = _constraint_message(model, exc)
        if message is not None:
            raise ValidationError(message, code="invalid") from exc
        raise ValidationError(duplicate, code="duplicate") from exc
    if user is not None:
        audit_log(user=user, action="update" if replace else "create", obj=obj, house=house)
    return obj


def open_dialogue_record(*, house: House, month: datetime.date, meetings: int, cross_sector: int = 0,
                         replace: bool = False, user=None) -> OpenDialogueMonth:
    """Åben Dialog network meetings held in a month (table 1)."""
    month = month_start(month)
    _nonnegative({"meetings": meetings, "cross_sector": cross_sector})
    _not_future_month(month)
    if cross_sector > meetings:
        raise ValidationError({"cross_sector": _("'Heraf' kan ikke være større end antallet af møder.")})
    return _count_save(OpenDialogueMonth, lookup={"house": house, "month": month},
                       values={"meetings": meetings, "cross_sector": cross_sector}, replace=replace, house=house,
                       user=user, duplicate=_("Der er allerede registreret Åben Dialog-møder for %(m)s.")
                       % {"m": _month_label(month)})


def home_treatment_record(*, house: House, month: datetime.date, contacts: int, citizens: int,
                          citizens_new_in_year: int, replace: bool = False, user=None) -> HomeTreatmentMonth:
    """The home-treatment team's month (table 20)."""
    month = month_start(month)
    _nonnegative({"contacts": contacts, "citizens": citizens, "citizens_new_in_year": citizens_new_in_year})
    _not_future_month(month)
    if citizens_new_in_year > citizens:
        raise ValidationError({"citizens_new_in_year": _("Nye borgere kan ikke overstige antallet af borgere.")})
    if citizens > contacts:
        raise ValidationError({"citizens": _("Hver borger i behandling har mindst én kontakt i måneden.")})
    return _count_save(HomeTreatmentMonth, lookup={"house": house, "month": month},
                       values={"contacts": contacts, "citizens": citizens,
                               "citizens_new_in_year": citizens_new_in_year},
                       replace=replace, house=house, user=user,
                       duplicate=_("Der er allerede registreret hjemmebehandling for %(m)s.")
                       % {"m": _month_label(month)})


def socialvagten_record(*, house: House, day: datetime.date, phone: int, in_person: int, replace: bool = False,
                        user=None) -> SocialvagtenDay:
    """Socialvagten's contacts on one day (table 23)."""
    _nonnegative({"phone": phone, "in_person": in_person})
    _not_future_day(day)
    return _count_save(SocialvagtenDay, lookup={"house": house, "day": day},
                       values={"phone": phone, "in_person": in_person}, replace=replace, house=house, user=user,
                       duplicate=_("Der er allerede registreret henvendelser for %(d)s.")
                       % {"d": formats.date_format(day, "j. F Y")})


def staff_count_record(*, house: House, sector: str, on_date: datetime.date, employees: int, fte: Decimal,
                       replace: bool = False, user=None) -> StaffCount:
    """Employees and FTE of one sector at a date (table 24)."""
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Ukendt sektor.")})
    fte = Decimal(str(fte)) if fte is not None else None
    _nonnegative({"employees": employees, "fte": fte})
    _not_future_day(day=on_date, field="on_date")
    return _count_save(StaffCount, lookup={"house": house, "sector": sector, "on_date": on_date},
                       values={"employees": employees, "fte": fte}, replace=replace, house=house, user=user,
                       duplicate=_("Der er allerede en medarbejderopgørelse for %(s)s pr. %(d)s.")
                       % {"s": Sector(sector).label, "d": formats.date_format(on_date, "j. F Y")})


def budget_record(*, house: House, sector: str, year: int, amount: int, note: str = "", replace: bool = False,
                  user=None) -> BudgetYear:
    """A sector's budget for a year (table 26). Next year's budget may be entered ahead."""
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Ukendt sektor.")})
    _nonnegative({"amount": amount, "year": year})
    if year > _today().year + 1:
        raise ValidationError({"year": _("Budgettet kan højst registreres for næste år.")}, code="future")
    return _count_save(BudgetYear, lookup={"house": house, "sector": sector, "year": year},
                       values={"amount": amount, "note": note}, replace=replace, house=house, user=user,
                       duplicate=_("Der er allerede et budget for %(s)s i %(y)s.")
                       % {"s": Sector(sector).label, "y": year})


def peer_worker_create(*, house: House, label: str, sector: str, user_account=None, user=None) -> PeerWorker:
    if not label.strip():
        raise ValidationError({"label": _("Skriv en betegnelse, fx et bogstav.")})
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Ukendt sektor.")})
    try:
        with transaction.atomic():
            peer = PeerWorker.objects.create(house=house, label=label.strip(), sector=sector, user=user_account)
    except IntegrityError as exc:
        raise _duplicate("label", _("Betegnelsen er allerede brugt.")) from exc
    if user is not None:
        audit_log(user=user, action="create", obj=peer, house=house)
    return peer


def peer_month_record(*, peer: PeerWorker, month: datetime.date, weekly_hours: Decimal, conversations: int = 0,
                      replace: bool = False, user=None) -> PeerMonth:
    """A peer's weekly hours in a month (table 25) and the peer conversations they held."""
    month = month_start(month)
    weekly_hours = Decimal(str(weekly_hours)) if weekly_hours is not None else None
    _nonnegative({"weekly_hours": weekly_hours, "conversations": conversations})
    _not_future_month(month)
    if weekly_hours > 80:
        raise ValidationError({"weekly_hours": _("Højst 80 timer om ugen.")})
    return _count_save(PeerMonth, lookup={"peer": peer, "month": month},
                       values={"house_id": peer.house_id, "weekly_hours": weekly_hours, "conversations": conversations},
                       replace=replace, house=peer.house, user=user,
                       duplicate=_("Der er allerede registreret timer for %(p)s i %(m)s.")
                       % {"p": peer.label, "m": _month_label(month)})


def _term_label(year: int, term: str) -> str:
    return f"{Term(term).label} {year}"


def recovery_course_record(*, house: House, year: int, term: str, title: str, enrolled: int,
                           attended: int | None = None, online: bool = False, replace: bool = False,
                           user=None) -> RecoveryCourse:
    """One recovery-school course in a semester with its enrolled and attended (table 21)."""
    if term not in Term.values:
        raise ValidationError({"term": _("Vælg forår eller efterår.")})
    if not title.strip():
        raise ValidationError({"title": _("Skriv kursets titel.")})
    _nonnegative({"enrolled": enrolled})
    if attended is not None:
        _nonnegative({"attended": attended})
        if attended > enrolled:
            raise ValidationError({"attended": _("Der kan ikke være flere fremmødte end tilmeldte.")})
    if year > _today().year:
        raise ValidationError({"year": _("Året ligger i fremtiden.")}, code="future")
    return _count_save(RecoveryCourse, lookup={"house": house, "year": year, "term": term, "title": title.strip(),
                                               "online": online},
                       values={"enrolled": enrolled, "attended": attended}, replace=replace, house=house, user=user,
                       duplicate=_("Kurset '%(t)s' er allerede registreret i %(s)s.")
                       % {"t": title.strip(), "s": _term_label(year, term)})


def peer_cohort_record(*, house: House, year: int, term: str, participants: int, completed: int = 0,
                       employed: int = 0, other_education: int = 0, unknown: int = 0, in_practice: int = 0,
                       replace: bool = False, user=None) -> PeerEducationCohort:
    """One cohort of the peer education (table 22)."""
    if term not in Term.values:
        raise ValidationError({"term": _("Vælg forår eller efterår.")})
    values = {"participants": participants, "completed": completed, "employed": employed,
              "other_education": other_education, "unknown": unknown, "in_practice": in_practice}
    _nonnegative(values)
    if year > _today().year:
        raise ValidationError({"year": _("Året ligger i fremtiden.")}, code="future")
    if completed > participants:
        raise ValidationError({"completed": _("Der kan ikke være flere uddannede end deltagere.")})
    if employed + other_education + unknown + in_practice > completed:
        raise ValidationError({"employed": _("Summen af 'i arbejde', 'anden uddannelse', 'ved ikke' og 'i praktik' "
                                             "kan ikke overstige antallet af uddannede.")})
    return _count_save(PeerEducationCohort, lookup={"house": house, "year": year, "term": term}, values=values,
                       replace=replace, house=house, user=user,
                       duplicate=_("Holdet for %(s)s er allerede registreret.") % {"s": _term_label(year, term)})



def socialvagten_import(*, house: House, rows: list[dict], user=None) -> int:
    """Many days at once (an import from Socialvagten's own log, or the demo): each row is validated like
    `socialvagten_record`; one INSERT; a day already entered refuses the whole import."""
    objects = []
    for row in rows:
        _nonnegative({"phone": row["phone"], "in_person": row["in_person"]})
        _not_future_day(row["day"])
        objects.append(SocialvagtenDay(house=house, day=row["day"], phone=row["phone"], in_person=row["in_person"]))
    try:
        with transaction.atomic():
            SocialvagtenDay.objects.bulk_create(objects, batch_size=1000)
    except IntegrityError as exc:
        raise ValidationError(_("Mindst én af dagene er allerede registreret; intet er gemt."),
                              code="duplicate") from exc
    if user is not None:
        audit_log(user=user, action="create", object_type="activities.socialvagtenday", house=house,
                  detail=f"import {len(objects)}")
    return len(objects)


def attendance_import(*, activity: Activity, rows: list[tuple[Session, object, bool]], user=None) -> int:
    """Named attendance for many sessions of one course at once (a paper list typed in afterwards, the demo):
    each (session, citizen, present) is checked like `attendance_record`; one INSERT."""
    if activity.kind != ActivityKind.COURSE:
        raise ValidationError(_("Kun holdforløb kan indlæses med navngivet fremmøde."))
    enrolled = set(activity.enrolments.filter(status=EnrolmentStatus.ENROLLED).values_list("citizen_id", flat=True))
    objects = []
    for session, citizen, present in rows:
        if session.activity_id != activity.pk:
            raise ValidationError(_("Gangen hører ikke til forløbet."))
        _session_checks(session)
        if citizen.pk not in enrolled:
            raise ValidationError({"citizen": _("Borgeren er ikke tilmeldt forløbet.")}, code="not_enrolled")
        objects.append(Attendance(session=session, citizen=citizen, present=present,
                                  recorded_by=_user_or_none(user)))
    try:
        with transaction.atomic():
            Attendance.objects.bulk_create(objects, batch_size=1000)
    except IntegrityError as exc:
        raise ValidationError(_("Fremmødet er allerede registreret for mindst én af gangene."),
                              code="duplicate") from exc
    if user is not None:
        audit_log(user=user, action="create", obj=activity, house=activity.house, detail=f"attendance={len(objects)}")
    return len(objects)

"""Reads of activities, attendance and the house's counts.

Two groups:
- scoped reads for pages and the API (`activities_visible`, `enrolments_visible`, `attendance_visible`, ...):
  named attendance is personal data, visible to the people who run the activity and to staff whose sectors
  cover the citizen (through `psykiatrihus.scoping.Access` and `contracts.selectors.citizen_ids_visible`);
- the evaluation tables 1, 11 and 20–26 as plain, JSON-ready dicts (ints, floats, strings; no Decimals, no
  lists), computed with SQL aggregates. `reporting.selectors.table_activities` calls them as
  `selector(house=, start=, end=)` and applies small-number suppression itself; these return raw figures.

Periods are closed ranges of local dates [start, end]. A monthly count belongs to the period when its month's
first day lies in [first day of start's month, end]; a daily count when its day lies in [start, end]; a
semester (spring = January–June, autumn = July–December) or a year when it overlaps the period.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

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
from contracts.selectors import citizen_ids_visible, citizen_ids_with_contract
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import Access

SECTORS: tuple[str, ...] = (Sector.KOMMUNE.value, Sector.REGION.value)
# The offers table 11 of the 2022 evaluation lists, always present in `house_offers_used` (0 if unused).
TABLE_11_OFFERS: tuple[str, ...] = ("sleep", "creative", "walk", "nada", "recovery_school", "social_health")
OPEN_ENROLMENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)


# --- scoped reads for pages and the API --------------------------------------------------------------------


def activities_visible(*, access: Access) -> QuerySet[Activity]:
    """The house's activities (not personal data): every member of the house sees the programme."""
    if access.house is None or not access.is_member:
        return Activity.objects.none()
    return Activity.objects.filter(house=access.house)


def activity_runs(*, access: Access, activity: Activity) -> bool:
    """Does the user run this activity (a runner, e.g. the peer who leads it)?"""
    if access.user_id is None:
        return False
    return activity.runners.filter(pk=access.user_id).exists()


def activity_may_manage(*, access: Access, activity: Activity) -> bool:
    """May the user plan sessions, enrol and take attendance? Runners of the activity, and staff or leaders of
    its sector (a joint activity: staff of either sector). Steering group and administrators only read
    aggregates."""
    if access.house is None or activity.house_id != access.house.pk:
        return False
    if activity_runs(access=access, activity=activity):
        return True
    if not access.citizen_sectors:
        return False
    return not activity.sector or activity.sector in access.citizen_sectors


def activity_may_create(*, access: Access) -> bool:
    return bool(access.citizen_sectors) or access.is_leader


def _named_scope(qs: QuerySet, *, access: Access, citizen_field: str, activity_field: str) -> QuerySet:
    """Named rows the user may read: every row of activities they run, plus rows of citizens their sectors
    (or a consent) cover. Steering group, administrators and peers who do not run the activity: none."""
    if access.house is None or access.user_id is None:
        return qs.none()
    condition = Q(**{f"{activity_field}__runners": access.user_id})
    if access.citizen_sectors:
        condition |= Q(**{f"{citizen_field}__in": citizen_ids_visible(access=access)})
    return qs.filter(condition, **{f"{activity_field}__house": access.house}).distinct()


def enrolments_visible(*, access: Access, activity: Activity | None = None,
                       include_withdrawn: bool = False) -> QuerySet[Enrolment]:
    """Enrolments (and the waiting list, in order) the user may read by name."""
    qs = Enrolment.objects.select_related("citizen", "activity")
    if activity is not None:
        qs = qs.filter(activity=activity)
    if not include_withdrawn:
        qs = qs.filter(status__in=OPEN_ENROLMENT)
    return _named_scope(qs, access=access, citizen_field="citizen_id", activity_field="activity").order_by(
        "activity_id", "queued_at", "id")


def attendance_visible(*, access: Access, session: Session | None = None) -> QuerySet[Attendance]:
    """Named attendance the user may read."""
    qs = Attendance.objects.select_related("citizen", "session", "session__activity")
    if session is not None:
        qs = qs.filter(session=session)
    return _named_scope(qs, access=access, citizen_field="citizen_id", activity_field="session__activity").order_by(
        "session__starts_at", "citizen__name", "id")


def sessions_between(*, house: House, start: datetime.date, end: datetime.date) -> QuerySet[Session]:
    """Sessions whose local start date lies in [start, end], with the number of named present (`named_present`)
    and the number of enrolled (`enrolled`) for the calendar."""
    return (Session.objects.filter(house=house, starts_at__date__gte=start, starts_at__date__lte=end)
            .select_related("activity")
            .annotate(named_present=Count("attendances", filter=Q(attendances__present=True), distinct=True))
            .order_by("starts_at", "id"))


def session_figure(session: Session) -> int | None:
    """What the calendar shows as 'fremmødte': named present for a course, the head count for an open one."""
    if session.activity.kind == ActivityKind.COURSE:
        named = getattr(session, "named_present", None)
        return named if named is not None else session.attendances.filter(present=True).count()
    return session.head_count


def enrolment_counts(*, activity_ids) -> dict[int, dict[str, int]]:
    """{activity_id: {"enrolled": n, "waiting": n}}: numbers only, visible to every member."""
    rows = (Enrolment.objects.filter(activity_id__in=activity_ids, status__in=OPEN_ENROLMENT)
            .values("activity_id").annotate(enrolled=Count("id", filter=Q(status="enrolled")),
                                            waiting=Count("id", filter=Q(status="waiting"))))
    result = {a: {"enrolled": 0, "waiting": 0} for a in activity_ids}
    for r in rows:
        result[r["activity_id"]] = {"enrolled": r["enrolled"], "waiting": r["waiting"]}
    return result


def waiting_position(*, enrolment: Enrolment) -> int | None:
    """1-based place on the waiting list, or None when not waiting."""
    if enrolment.status != EnrolmentStatus.WAITING:
        return None
    ahead = Enrolment.objects.filter(activity_id=enrolment.activity_id, status=EnrolmentStatus.WAITING).filter(
        Q(queued_at__lt=enrolment.queued_at) | Q(queued_at=enrolment.queued_at, id__lt=enrolment.id)).count()
    return ahead + 1


def activity_attendance(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Per activity in the period (monthly overview).

    Returns `{activity_id: {"name": str, "kind": "course"|"open", "offer": str, "sessions": int,
    "cancelled": int, "head_count": int, "named_present": int, "unique_citizens": int}}` where `head_count`
    is the figure for the activity (open: sum of head counts; course: sum of named present) and
    `unique_citizens` counts named citizens present at least once."""
    sessions = Session.objects.filter(house=house, starts_at__date__gte=start, starts_at__date__lte=end)
    base = (sessions.values("activity_id", "activity__name", "activity__kind", "activity__offer").order_by()
            .annotate(n=Count("id", filter=Q(cancelled=False)), cancelled_n=Count("id", filter=Q(cancelled=True)),
                      heads=Coalesce(Sum("head_count", filter=Q(cancelled=False)), 0)))
    named = (Attendance.objects.filter(session__in=sessions, present=True).values("session__activity_id")
             .order_by().annotate(present=Count("id"), unique=Count("citizen_id", distinct=True)))
    named_by = {r["session__activity_id"]: r for r in named}
    result = {}
    for r in base:
        nr = named_by.get(r["activity_id"], {"present": 0, "unique": 0})
        is_course = r["activity__kind"] == ActivityKind.COURSE
        result[r["activity_id"]] = {
            "name": r["activity__name"],
            "kind": r["activity__kind"],
            "offer": r["activity__offer"],
            "sessions": r["n"],
            "cancelled": r["cancelled_n"],
            "head_count": nr["present"] if is_course else int(r["heads"]),
            "named_present": nr["present"],
            "unique_citizens": nr["unique"],
        }
    return result


# --- helpers for the tables --------------------------------------------------------------------------------


def _month_range(start: datetime.date, end: datetime.date) -> Q:
    return Q(month__gte=start.replace(day=1), month__lte=end)


def _terms_overlapping(start: datetime.date, end: datetime.date) -> list[tuple[int, str]]:
    result = []
    for year in range(start.year, end.year + 1):
        for term, first, last in ((Term.SPRING, (1, 1), (6, 30)), (Term.AUTUMN, (7, 1), (12, 31))):
            if datetime.date(year, *first) <= end and datetime.date(year, *last) >= start:
                result.append((year, str(term.value)))
    return result


def _terms_q(start: datetime.date, end: datetime.date) -> Q:
    q = Q(pk__in=[])
    for year, term in _terms_overlapping(start, end):
        q |= Q(year=year, term=term)
    return q


def _term_key(year: int, term: str) -> str:
    return f"{year}-{term}"


def _term_label(year: int, term: str) -> str:
    return f"{Term(term).label} {year}"


def _ratio(a, b, digits: int = 1) -> float | None:
    return round(a / b, digits) if b else None


# --- table 1: Åben Dialog ------------------------------------------------------------------------------


def open_dialogue_meetings(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 1: Åben Dialog network meetings.

    Returns `{"meetings": int, "cross_sector": int, "months_reported": int,
    "by_year": {"2019": {"meetings": int, "cross_sector": int, "months_reported": int}, ...}}`
    (years in order; `cross_sector` = meetings with facilitators from both sectors)."""
    rows = (OpenDialogueMonth.objects.filter(_month_range(start, end), house=house).order_by()
            .annotate(y=ExtractYear("month")).values("y")
            .annotate(meetings=Sum("meetings"), cross=Sum("cross_sector"), months=Count("id")).order_by("y"))
    by_year = {str(r["y"]): {"meetings": int(r["meetings"]), "cross_sector": int(r["cross"]),
                             "months_reported": r["months"]} for r in rows}
    return {
        "meetings": sum(v["meetings"] for v in by_year.values()),
        "cross_sector": sum(v["cross_sector"] for v in by_year.values()),
        "months_reported": sum(v["months_reported"] for v in by_year.values()),
        "by_year": by_year,
    }


# --- table 11: house offers used by contract holders ----------------------------------------------------


def house_offers_used(*, house: House, start: datetime.date, end: datetime.date,
                      sector: str = Sector.REGION.value) -> dict:
    """Table 11: how many citizens holding a contract of `sector` (valid some day in the period) were present,
    named, at the house's offers in the period.

    Returns `{"sector": str, "by_offer": {offer: int, ...}, "users": int, "contract_holders": int}`:
    `by_offer` has the six offers of the evaluation's table 11 (sleep, creative, walk, nada, recovery_school,
    social_health) always, plus any other offer used; a citizen counts once per offer; `users` counts each
    citizen once across all offers (so it is not the sum); `contract_holders` is the denominator.
    Head counts of open activities name nobody and cannot enter this table."""
    holders = citizen_ids_with_contract(house=house, sector=sector, start=start, end=end)
    present = Attendance.objects.filter(
        present=True, session__house=house, session__cancelled=False, session__starts_at__date__gte=start,
        session__starts_at__date__lte=end, citizen_id__in=holders,
    )
    rows = (present.values("session__activity__offer").order_by()
            .annotate(n=Count("citizen_id", distinct=True)))
    by_offer = {offer: 0 for offer in TABLE_11_OFFERS}
    for r in rows:
        by_offer[r["session__activity__offer"]] = r["n"]
    users = present.aggregate(n=Count("citizen_id", distinct=True))["n"]
    holders_n = (citizen_ids_with_contract(house=house, sector=sector, start=start, end=end)
                 .aggregate(n=Count("citizen_id", distinct=True))["n"])
    return {"sector": sector, "by_offer": by_offer, "users": users, "contract_holders": holders_n}


# --- table 20: home treatment ----------------------------------------------------------------------------


def home_treatment_counts(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 20: the regional home-treatment team per calendar year.

    Returns `{"contacts": int, "by_year": {"2019": {"unique_citizens": int, "contacts": int,
    "contacts_per_citizen": float | None, "months_reported": int, "through": "YYYY-MM"}, ...}}`.
    `unique_citizens` of a year is the sum of the months' first-contacts-in-the-year, so it is exact for the
    year's months in the period (a period starting mid-year counts those whose first contact of the year
    fell in the period). Unique citizens are never summed across years (a citizen may be in several)."""
    rows = (HomeTreatmentMonth.objects.filter(_month_range(start, end), house=house).order_by()
            .annotate(y=ExtractYear("month")).values("y")
            .annotate(unique=Sum("citizens_new_in_year"), contacts=Sum("contacts"), months=Count("id"),
                      last=Max("month")).order_by("y"))
    by_year = {}
    for r in rows:
        by_year[str(r["y"])] = {
            "unique_citizens": int(r["unique"]),
            "contacts": int(r["contacts"]),
            "contacts_per_citizen": _ratio(int(r["contacts"]), int(r["unique"])),
            "months_reported": r["months"],
            "through": r["last"].strftime("%Y-%m"),
        }
    return {"contacts": sum(v["contacts"] for v in by_year.values()), "by_year": by_year}


# --- table 21: recovery school -----------------------------------------------------------------------------


def recovery_school_courses(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 21: the recovery school per semester (online courses in a row of their own).

    Returns `{"courses": int, "enrolled": int, "attended": int, "by_semester": {"2019-spring": {"label":
    "Forår 2019", "year": 2019, "term": "spring", "online": False, "courses": int, "enrolled": int,
    "attended": int | None, "courses_without_attendance": int}, "2021-spring-online": {...}, ...}}`
    in chronological order. `attended` is None for a semester where no course has reported attendance yet."""
    rows = (RecoveryCourse.objects.filter(_terms_q(start, end), house=house).values("year", "term", "online")
            .order_by().annotate(courses=Count("id"), enrolled_n=Sum("enrolled"), attended_n=Sum("attended"),
                                 missing=Count("id", filter=Q(attended__isnull=True))))
    order = {Term.SPRING: 0, Term.AUTUMN: 1}
    by_semester = {}
    for r in sorted(rows, key=lambda r: (r["year"], order[r["term"]], r["online"])):
        key = _term_key(r["year"], r["term"]) + ("-online" if r["online"] else "")
        label = _term_label(r["year"], r["term"]) + (" (online)" if r["online"] else "")
        by_semester[key] = {
            "label": label, "year": r["year"], "term": r["term"], "online": r["online"],
            "courses": r["courses"], "enrolled": int(r["enrolled_n"]),
            "attended": int(r["attended_n"]) if r["attended_n"] is not None else None,
            "courses_without_attendance": r["missing"],
        }
    return {
        "courses": sum(v["courses"] for v in by_semester.values()),
        "enrolled": sum(v["enrolled"] for v in by_semester.values()),
        "attended": sum(v["attended"] or 0 for v in by_semester.values()),
        "by_semester": by_semester,
    }


# --- table 22: peer education ------------------------------------------------------------------------------

COHORT_FIELDS = ("participants", "completed", "employed", "other_education", "unknown", "in_practice")


def peer_education_cohorts(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 22: peer education cohorts whose semester overlaps the period.

    Returns `{"totals": {"participants", "completed", "employed", "other_education", "unknown",
    "in_practice": int}, "by_cohort": {"2019-spring": {"label": "Forår 2019", <the same six ints>}, ...}}`
    in chronological order (completed = uddannede; the last four describe the completed after the course)."""
    order = {Term.SPRING: 0, Term.AUTUMN: 1}
    cohorts = sorted(PeerEducationCohort.objects.filter(_terms_q(start, end), house=house)
                     .values("year", "term", *COHORT_FIELDS), key=lambda c: (c["year"], order[c["term"]]))
    by_cohort = {
        _term_key(c["year"], c["term"]): {"label": _term_label(c["year"], c["term"]),
                                          **{f: c[f] for f in COHORT_FIELDS}}
        for c in cohorts
    }
    totals = {f: sum(c[f] for c in cohorts) for f in COHORT_FIELDS}
    return {"totals": totals, "by_cohort": by_cohort}


# --- table 23: Socialvagten ----------------------------------------------------------------------------------


def socialvagten_contacts(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 23: Socialvagten's contacts (in person and by phone).

    Returns `{"total": int, "in_person": int, "phone": int, "days_reported": int, "per_day": float | None,
    "by_year": {"2019": {the same keys}, ...}}`. `per_day` = total / days with an entry (the service is open
    every day, so with complete entry that is the calendar days)."""
    rows = (SocialvagtenDay.objects.filter(house=house, day__gte=start, day__lte=end).order_by()
            .annotate(y=ExtractYear("day")).values("y")
            .annotate(phone_n=Sum("phone"), person_n=Sum("in_person"), days=Count("id")).order_by("y"))

    def figures(phone: int, person: int, days: int) -> dict:
        return {"total": phone + person, "in_person": person, "phone": phone, "days_reported": days,
                "per_day": _ratio(phone + person, days)}

    by_year = {str(r["y"]): figures(int(r["phone_n"]), int(r["person_n"]), r["days"]) for r in rows}
    total = figures(sum(v["phone"] for v in by_year.values()), sum(v["in_person"] for v in by_year.values()),
                    sum(v["days_reported"] for v in by_year.values()))
    return {**total, "by_year": by_year}


# --- table 24: staff -----------------------------------------------------------------------------------------


def staff_counts(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 24: employees and FTE (årsværk) per sector at the dates counted.

    Returns `{"by_date": {"2021-01-01": {"kommune": {"employees": int, "fte": float} | None, "region": ...,
    "total": {"employees": int, "fte": float}}, ...}, "at_end": {"kommune": {"on_date": "YYYY-MM-DD",
    "employees": int, "fte": float} | None, "region": ...}}`: `by_date` holds the counts dated in the period,
    `at_end` the latest count of each sector on or before `end` (the staff as the period closes)."""
    rows = StaffCount.objects.filter(house=house, on_date__gte=start, on_date__lte=end).values(
        "on_date", "sector", "employees", "fte").order_by("on_date", "sector")
    by_date: dict[str, dict] = {}
    for r in rows:
        day = by_date.setdefault(r["on_date"].isoformat(), {s: None for s in SECTORS})
        day[r["sector"]] = {"employees": r["employees"], "fte": float(r["fte"])}
    for day in by_date.values():
        present = [day[s] for s in SECTORS if day[s]]
        day["total"] = {"employees": sum(p["employees"] for p in present),
                        "fte": round(sum(p["fte"] for p in present), 2)}
    at_end = {}
    latest = (StaffCount.objects.filter(house=house, on_date__lte=end).order_by("sector", "-on_date")
              .distinct("sector").values("sector", "on_date", "employees", "fte"))
    found = {r["sector"]: r for r in latest}
    for s in SECTORS:
        r = found.get(s)
        at_end[s] = ({"on_date": r["on_date"].isoformat(), "employees": r["employees"], "fte": float(r["fte"])}
                     if r else None)
    return {"by_date": by_date, "at_end": at_end}


# --- table 25: peer hours ------------------------------------------------------------------------------------


def peer_hours(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 25: peer staff's potential weekly hours in the house, by month, and the peer conversations held.

    Returns `{"by_month": {"2019-03": {"peers": int, "weekly_hours": float, "conversations": int}, ...},
    "by_peer": {"A": {"sector": "kommune", "months": {"2019-03": float, ...}}, ...}, "conversations": int}`.
    Peers appear by their label, never by name; months without entries are left out."""
    qs = PeerMonth.objects.filter(_month_range(start, end), house=house)
    rows = (qs.values("month").order_by("month")
            .annotate(peers=Count("peer_id", filter=Q(weekly_hours__gt=0)), hours=Sum("weekly_hours"),
                      conv=Sum("conversations")))
    by_month = {r["month"].strftime("%Y-%m"): {"peers": r["peers"], "weekly_hours": float(r["hours"]),
                                               "conversations": int(r["conv"])} for r in rows}
    by_peer: dict[str, dict] = {}
    for r in qs.values("peer__label", "peer__sector", "month", "weekly_hours").order_by("peer__label", "month"):
        entry = by_peer.setdefault(r["peer__label"], {"sector": r["peer__sector"], "months": {}})
        entry["months"][r["month"].strftime("%Y-%m")] = float(r["weekly_hours"])
    return {"by_month": by_month, "by_peer": by_peer,
            "conversations": sum(v["conversations"] for v in by_month.values())}


# --- table 26: budget ------------------------------------------------------------------------------------------


def budget(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Table 26: budget per sector per year, in whole kroner.

    Returns `{"by_year": {"2019": {"kommune": int | None, "region": int | None, "total": int}, ...}}` for the
    years the period touches that have an entry (None: that sector has not entered its budget)."""
    rows = (BudgetYear.objects.filter(house=house, year__gte=start.year, year__lte=end.year)
            .values("year", "sector", "amount").order_by("year", "sector"))
    by_year: dict[str, dict] = {}
    for r in rows:
        year = by_year.setdefault(str(r["year"]), {s: None for s in SECTORS})
        year[r["sector"]] = int(r["amount"])
    for year in by_year.values():
        year["total"] = sum(year[s] or 0 for s in SECTORS)
    return {"by_year": by_year}


# --- monthly overview (UI) -----------------------------------------------------------------------------------


def month_counts(*, house: House, month: datetime.date) -> dict:
    """One month's counts for the overview page.

    Returns `{"open_dialogue": {"meetings", "cross_sector"} | None, "home_treatment": {"contacts", "citizens",
    "citizens_new_in_year"} | None, "socialvagten": {"phone", "in_person", "days"}, "peers": {"peers",
    "weekly_hours", "conversations"}}`."""
    month = month.replace(day=1)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    od = OpenDialogueMonth.objects.filter(house=house, month=month).values("meetings", "cross_sector").first()
    ht = HomeTreatmentMonth.objects.filter(house=house, month=month).values(
        "contacts", "citizens", "citizens_new_in_year").first()
    sv = SocialvagtenDay.objects.filter(house=house, day__gte=month, day__lt=next_month).aggregate(
        phone_n=Coalesce(Sum("phone"), 0), person_n=Coalesce(Sum("in_person"), 0), days=Count("id"))
    sv = {"phone": sv["phone_n"], "in_person": sv["person_n"], "days": sv["days"]}
    pm = PeerMonth.objects.filter(house=house, month=month).aggregate(
        peers=Count("id", filter=Q(weekly_hours__gt=0)), hours=Sum("weekly_hours"),
        conv=Coalesce(Sum("conversations"), 0))
    pm = {"peers": pm["peers"], "weekly_hours": float(pm["hours"] or 0), "conversations": int(pm["conv"])}
    return {"open_dialogue": od, "home_treatment": ht, "socialvagten": sv, "peers": pm}


def peer_workers(*, house: House) -> QuerySet[PeerWorker]:
    return PeerWorker.objects.filter(house=house)


def offers() -> list[tuple[str, str]]:
    return list(Offer.choices)


# --- the counts as rows (API, exports) ---------------------------------------------------------------------

COUNT_ROWS = {
    # kind: (model, date field, fields)
    "aaben-dialog": (OpenDialogueMonth, "month", ("month", "meetings", "cross_sector")),
    "hjemmebehandling": (HomeTreatmentMonth, "month", ("month", "contacts", "citizens", "citizens_new_in_year")),
    "socialvagten": (SocialvagtenDay, "day", ("day", "phone", "in_person")),
    "medarbejdere": (StaffCount, "on_date", ("on_date", "sector", "employees", "fte")),
    "budget": (BudgetYear, None, ("year", "sector", "amount", "note")),
    "recoveryskole": (RecoveryCourse, None, ("year", "term", "title", "online", "enrolled", "attended")),
    "peeruddannelse": (PeerEducationCohort, None, ("year", "term", *COHORT_FIELDS)),
    "peer-timer": (PeerMonth, "month", ("month", "peer__label", "weekly_hours", "conversations")),
}


def count_rows(*, house: House, kind: str, start: datetime.date | None = None,
               end: datetime.date | None = None) -> list[dict]:
    """The rows of one kind of count, oldest first, JSON-ready (dates ISO, decimals as floats).

    Returns `[{"id": int, <the kind's fields>}, ...]`; `start`/`end` filter on the row's date (or year)."""
    model, date_field, fields = COUNT_ROWS[kind]
    qs = model.objects.filter(house=house)
    if date_field:
        if start:
            qs = qs.filter(**{f"{date_field}__gte": start})
        if end:
            qs = qs.filter(**{f"{date_field}__lte": end})
        qs = qs.order_by(date_field, "id")
    else:
        if start:
            qs = qs.filter(year__gte=start.year)
        if end:
            qs = qs.filter(year__lte=end.year)
        qs = qs.order_by("year", "id")
    rows = []
    for row in qs.values("id", *fields):
        out = {}
        for key, value in row.items():
            key = "peer" if key == "peer__label" else key
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif hasattr(value, "as_tuple"):  # Decimal
                value = float(value)
            out[key] = value
        rows.append(out)
    return rows

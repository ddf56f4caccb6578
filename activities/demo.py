"""Demo data for activities and the house's counts, 2019–2022, in the magnitude of the 2022 evaluation's tables
(1, 11, 20–26), plus open activities around today so the week calendar is alive.

Fixed random seed; idempotent (each part is skipped when its rows exist, sessions are keyed by activity and
start); fast (a few seconds). Everything goes through `activities.services`. Named attendance uses citizens
the contracts demo created (regional contract holders for table 11); without them it is left out.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from activities import services
from activities.models import (
    Activity,
    Attendance,
    BudgetYear,
    Enrolment,
    HomeTreatmentMonth,
    OpenDialogueMonth,
    PeerEducationCohort,
    PeerMonth,
    PeerWorker,
    RecoveryCourse,
    Session,
    SocialvagtenDay,
    StaffCount,
)
from contracts.selectors import citizen_ids_with_contract
from psykiatrihus.models import House

SEED = 20190225
OPENED = datetime.date(2019, 2, 25)
DEMO_END = datetime.date(2022, 6, 30)
D = datetime.date


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    result, m = [], first.replace(day=1)
    while m <= last:
        result.append(m)
        m = (m + datetime.timedelta(days=32)).replace(day=1)
    return result


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` spread over `parts` cells (exact sum), roughly even."""
    counts = [0] * parts
    for _ in range(total):
        counts[rng.randrange(parts)] += 1
    return counts


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- table 1 ---------------------------------------------------------------------------------------------


def _open_dialogue(house: House, rng: random.Random) -> None:
    if OpenDialogueMonth.objects.filter(house=house).exists():
        return
    # Table 1: May–Dec 2019: 31, 2020: 59, 2021: 61, Jan–May 2022: 36.
    for first, last, total in ((D(2019, 5, 1), D(2019, 12, 1), 31), (D(2020, 1, 1), D(2020, 12, 1), 59),
                               (D(2021, 1, 1), D(2021, 12, 1), 61), (D(2022, 1, 1), D(2022, 5, 1), 36)):
        months = _months(first, last)
        for month, meetings in zip(months, _split(total, len(months), rng), strict=True):
            services.open_dialogue_record(house=house, month=month, meetings=meetings,
                                          cross_sector=round(meetings * rng.uniform(0.45, 0.75)))


# --- table 20 --------------------------------------------------------------------------------------------


def _home_treatment(house: House, rng: random.Random) -> None:
    if HomeTreatmentMonth.objects.filter(house=house).exists():
        return
    # Table 20: unique citizens and contacts per year (2022 until 30 April).
    for year, last_month, unique, contacts in ((2019, 12, 271, 2445), (2020, 12, 377, 3412),
                                               (2021, 12, 446, 3732), (2022, 4, 226, 1141)):
        first_month = 3 if year == 2019 else 1
        months = _months(D(year, first_month, 1), D(year, last_month, 1))
        contacts_m = _split(contacts, len(months), rng)
        # New citizens arrive mostly early in the year (everybody in treatment on 1 January is "new" then).
        weights = [3.0] + [1.0] * (len(months) - 1)
        new_m = [0] * len(months)
        for _ in range(unique):
            new_m[rng.choices(range(len(months)), weights=weights)[0]] += 1
        seen = 0
        for month, c, new in zip(months, contacts_m, new_m, strict=True):
            returning = int(seen * rng.uniform(0.25, 0.4))
            citizens = min(c, new + returning)
            new = min(new, citizens)
            services.home_treatment_record(house=house, month=month, contacts=c, citizens=citizens,
                                           citizens_new_in_year=new)
            seen += new


# --- table 21 --------------------------------------------------------------------------------------------

RECOVERY_TITLES = [
    "Recovery – en introduktion", "Håb og drømme", "Angst – forstå og håndtere", "Søvn og hvile",
    "Selvmedfølelse", "Pårørende i recovery", "Stemmehøring", "Mindfulness", "Depression – veje videre",
    "Bipolar lidelse", "Krop og sind", "At skrive sig til livet", "Ensomhed og fællesskab", "Netværk",
    "Økonomi og hverdag", "Medicin – dine valg", "Kreativitet i recovery", "Peer-støtte",
    "Grænser og relationer", "Skam og stigma", "Traumer og recovery", "Fremtidsværksted",
]
# (year, term, online, courses, enrolled, attended or None) as in table 21.
RECOVERY_SEMESTERS = [
    (2019, "spring", False, 13, 452, 421), (2019, "autumn", False, 17, 844, 551),
    (2020, "spring", False, 18, 883, None), (2020, "autumn", False, 18, 966, 716),
    (2021, "spring", False, 21, 887, None), (2021, "spring", True, 12, 112, 104),
    (2021, "autumn", False, 21, 797, 657), (2022, "spring", False, 22, 874, 552),
]


def _recovery_school(house: House, rng: random.Random) -> None:
    if RecoveryCourse.objects.filter(house=house).exists():
        return
    for year, term, online, courses, enrolled, attended in RECOVERY_SEMESTERS:
        titles = RECOVERY_TITLES[:courses]
        enrolled_c = [e + 1 for e in _split(enrolled - courses, courses, rng)]
        if attended is None:
            attended_c = [None] * courses
        else:
            attended_c = [0] * courses
            for _ in range(attended):  # spread attended within each course's enrolled
                open_ = [i for i in range(courses) if attended_c[i] < enrolled_c[i]]
                attended_c[rng.choice(open_)] += 1
        for title, e, a in zip(titles, enrolled_c, attended_c, strict=True):
            services.recovery_course_record(house=house, year=year, term=term, title=title, online=online,
                                            enrolled=e, attended=a)


# --- table 22 --------------------------------------------------------------------------------------------

COHORTS = [
    # year, term, participants, completed, employed, other_education, unknown, in_practice
    (2019, "spring", 8, 8, 5, 1, 2, 0), (2019, "autumn", 8, 8, 4, 0, 4, 0),
    (2020, "spring", 8, 8, 5, 1, 2, 0), (2020, "autumn", 8, 8, 5, 0, 0, 3),
    (2021, "spring", 8, 8, 3, 2, 3, 0), (2021, "autumn", 8, 8, 3, 0, 0, 5),
    (2022, "spring", 8, 7, 0, 0, 0, 7),
]


def _peer_education(house: House) -> None:
    if PeerEducationCohort.objects.filter(house=house).exists():
        return
    for year, term, participants, completed, employed, other, unknown, practice in COHORTS:
        services.peer_cohort_record(house=house, year=year, term=term, participants=participants,
                                    completed=completed, employed=employed, other_education=other, unknown=unknown,
                                    in_practice=practice)


# --- table 23 --------------------------------------------------------------------------------------------


def _socialvagten(house: House, rng: random.Random) -> None:
    if SocialvagtenDay.objects.filter(house=house).exists():
        return
    # Table 23 per year (phone, in person); 2022 until 30 June at 2021's pace.
    rows = []
    for first, last, phone, person in ((D(2019, 1, 1), D(2019, 12, 31), 6434, 88),
                                       (D(2020, 1, 1), D(2020, 12, 31), 8545, 87),
                                       (D(2021, 1, 1), D(2021, 12, 31), 7688, 115),
                                       (D(2022, 1, 1), D(2022, 6, 30), 3812, 57)):
        days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
        for day, p, q in zip(days, _split(phone, len(days), rng), _split(person, len(days), rng), strict=True):
            rows.append({"day": day, "phone": p, "in_person": q})
    services.socialvagten_import(house=house, rows=rows)


# --- tables 24, 26 ---------------------------------------------------------------------------------------


def _staff_and_budget(house: House) -> None:
    if not StaffCount.objects.filter(house=house).exists():
        for on_date, sector, employees, fte in (
            (D(2021, 1, 1), "kommune", 30, "22.8"), (D(2021, 1, 1), "region", 32, "26.5"),
            (D(2022, 1, 1), "kommune", 30, "21.8"), (D(2022, 1, 1), "region", 31, "27.4"),
            (D(2022, 7, 1), "kommune", 33, "25.1"), (D(2022, 7, 1), "region", 34, "30.4"),
        ):
            services.staff_count_record(house=house, sector=sector, on_date=on_date, employees=employees,
                                        fte=Decimal(fte))
    if not BudgetYear.objects.filter(house=house).exists():
        for year, kommune, region in ((2019, 14955799, 11278000), (2020, 15277000, 14125000),
                                      (2021, 13446412, 14233000), (2022, 15334413, 14418000)):
            services.budget_record(house=house, sector="kommune", year=year, amount=kommune)
            services.budget_record(house=house, sector="region", year=year, amount=region,
                                   note="Midler til lægedækning ligger på en tværgående konto.")


# --- table 25 --------------------------------------------------------------------------------------------

PEERS = [
    # label, sector, [(from month, to month or None, weekly hours)]
    ("A", "kommune", [(D(2019, 3, 1), D(2020, 6, 1), 15), (D(2020, 7, 1), None, 25)]),
    ("B", "region", [(D(2019, 3, 1), D(2019, 12, 1), 12), (D(2020, 1, 1), None, 8)]),
    ("C", "kommune", [(D(2019, 6, 1), D(2020, 12, 1), 10), (D(2021, 1, 1), None, 8)]),
    ("D", "region", [(D(2020, 1, 1), None, 37)]),
    ("E", "kommune", [(D(2020, 6, 1), None, 12)]),
    ("F", "region", [(D(2021, 1, 1), None, 15)]),
    ("G", "kommune", [(D(2021, 3, 1), None, 15)]),
    ("H", "region", [(D(2021, 6, 1), None, 12)]),
    ("I", "kommune", [(D(2021, 9, 1), None, 15)]),
    ("J", "region", [(D(2022, 1, 1), None, 12)]),
]


def _peers(house: House, rng: random.Random) -> None:
    if PeerWorker.objects.filter(house=house).exists() and PeerMonth.objects.filter(house=house).exists():
        return
    for label, sector, spells in PEERS:
        peer = (PeerWorker.objects.filter(house=house, label=label).first()
                or services.peer_worker_create(house=house, label=label, sector=sector))
        for first, last, hours in spells:
            for month in _months(first, last or DEMO_END):
                services.peer_month_record(peer=peer, month=month, weekly_hours=Decimal(hours),
                                           conversations=max(0, int(hours * rng.uniform(0.4, 1.0))))


# --- activities, sessions, attendance ----------------------------------------------------------------------

OPEN_ACTIVITIES = [
    # name, offer, sector, peer-led, [(weekday, hour, minutes)], head count range, location
    ("Kreativt værksted", "creative", "", False, [(1, 13, 120), (3, 13, 120)], (4, 10), "Værkstedet"),
    ("Fælles gåtur", "walk", "", True, [(0, 10, 60), (2, 10, 60)], (3, 8), "Mødes i foyeren"),
    ("NADA-café", "nada", "region", False, [(4, 10, 90)], (3, 8), "Caféen"),
    ("Løb", "running", "kommune", True, [(2, 16, 60)], (2, 6), "Mødes i foyeren"),
    ("Kor", "choir", "", True, [(3, 16, 90)], (5, 12), "Opholdsstuen"),
    ("Madlavning", "cooking", "kommune", False, [(1, 16, 120)], (4, 9), "Køkkenet"),
    ("Social Sundhed – café", "social_health", "kommune", False, [(0, 14, 90)], (2, 7), "Caféen"),
    ("Recoveryskolen – åben aften", "recovery_school", "kommune", True, [(1, 18, 120)], (6, 14), "Salen"),
]
COURSES = [
    # name, offer, sector, seats, sessions, weekday, hour
    ("Krop og afspænding", "body", "kommune", 8, 12, 0, 13),
    ("B-BAT", "bbat", "region", 8, 12, 2, 13),
    ("Søvnforløb – bedre søvn uden medicin", "sleep", "region", 8, 6, 1, 10),
    ("ACT", "act", "region", 8, 8, 3, 10),
    ("KAT", "kat", "region", 8, 8, 4, 13),
]


def _weeks(first: datetime.date, last: datetime.date):
    monday = first - datetime.timedelta(days=first.weekday())
    while monday <= last:
        yield monday
        monday += datetime.timedelta(days=7)


def _open_activities(house: House, rng: random.Random, peer_user) -> list[Activity]:
    today = timezone.localdate()
    windows = [(D(2019, 3, 4), DEMO_END), (today - datetime.timedelta(days=28), today + datetime.timedelta(days=28))]
    activities = []
    for name, offer, sector, peer_led, slots, (low, high), location in OPEN_ACTIVITIES:
        activity = Activity.objects.filter(house=house, name=name, starts_on__isnull=True).first()
        if activity is None:
            activity = services.activity_create(house=house, name=name, kind="open", offer=offer, sector=sector,
                                                peer_led=peer_led, location=location,
                                                runners=[peer_user] if peer_led and peer_user else [])
        activities.append(activity)
        existing = set(Session.objects.filter(activity=activity).values_list("starts_at", flat=True))
        rows = []
        for first, last in windows:
            for monday in _weeks(first, last):
                for weekday, hour, minutes in slots:
                    day = monday + datetime.timedelta(days=weekday)
                    starts = _at(day, hour)
                    if not (first <= day <= last) or starts in existing:
                        continue
                    existing.add(starts)
                    rows.append({"starts_at": starts, "ends_at": starts + datetime.timedelta(minutes=minutes),
                                 "head_count": rng.randint(low, high) if day < today else None})
        services.sessions_import(activity=activity, rows=rows)
    return activities


def _courses(house: House, rng: random.Random, citizens: list, peer_user) -> None:
    today = timezone.localdate()
    semester_starts = [D(y, m, 1) for y in (2019, 2020, 2021, 2022) for m in (3, 9)][:7]
    semester_starts.append(today.replace(day=1) - datetime.timedelta(days=21))  # one course running now
    for name, offer, sector, seats, sessions, weekday, hour in COURSES:
        for start in semester_starts:
            first_day = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
            if Activity.objects.filter(house=house, name=name, starts_on=first_day).exists():
                continue
            course = services.activity_create(house=house, name=name, kind="course", offer=offer, sector=sector,
                                              seats=seats, sessions_planned=sessions, starts_on=first_day,
                                              runners=[peer_user] if peer_user and offer == "act" else [])
            planned = services.sessions_schedule(activity=course, first_starts_at=_at(first_day, hour))
            if not citizens:
                continue
            chosen = rng.sample(citizens, min(len(citizens), seats + rng.randint(0, 3)))
            for citizen in chosen:
                services.enrolment_create(activity=course, citizen=citizen)
            enrolled = [e.citizen for e in Enrolment.objects.filter(activity=course, status="enrolled")
                        .select_related("citizen")]
            services.attendance_import(activity=course, rows=[
                (session, citizen, rng.random() < 0.8) for session in planned
                if timezone.localtime(session.starts_at).date() < today for citizen in enrolled
            ])


def _named_in_open(house: House, rng: random.Random, activities: list[Activity], holders: list) -> None:
    """Table 11: regional contract holders named at open activities (kreativt 26, gåtur 15, NADA 10,
    recovery school 20, social sundhed 10)."""
    if not holders or Attendance.objects.filter(session__house=house, session__activity__kind="open").exists():
        return
    wanted = {"creative": 26, "walk": 15, "nada": 10, "recovery_school": 20, "social_health": 10}
    users = rng.sample(holders, min(60, len(holders)))
    by_offer = {a.offer: a for a in activities}
    for offer, n in wanted.items():
        activity = by_offer.get(offer)
        if activity is None:
            continue
        past = list(Session.objects.filter(activity=activity, starts_at__lt=_at(DEMO_END, 23))
                    .values_list("id", flat=True))
        sessions = {s.pk: s for s in Session.objects.filter(pk__in=rng.sample(past, min(len(past), 3 * n)))}
        for citizen in rng.sample(users, min(n, len(users))):
            for session_id in rng.sample(sorted(sessions), min(len(sessions), rng.randint(1, 3))):
                services.attendance_record(session=sessions[session_id], citizen=citizen)


def seed(*, house: House, stdout=None) -> None:
    rng = random.Random(SEED)
    _open_dialogue(house, rng)
    _home_treatment(house, rng)
    _recovery_school(house, rng)
    _peer_education(house)
    _socialvagten(house, rng)
    _staff_and_budget(house)
    _peers(house, rng)
    from django.contrib.auth import get_user_model

    from contracts.selectors import citizens_by_ids

    peer_user = get_user_model().objects.filter(username="peer").first()
    holder_ids = citizen_ids_with_contract(house=house, sector="region", start=OPENED, end=DEMO_END)
    holders = list(citizens_by_ids(ids=holder_ids).order_by("id"))
    municipal_ids = citizen_ids_with_contract(house=house, sector="kommune", start=OPENED, end=DEMO_END)
    ids = sorted({r["citizen_id"] for r in holder_ids} | {r["citizen_id"] for r in municipal_ids})
    citizens = list(citizens_by_ids(ids=ids).order_by("id"))
    activities = _open_activities(house, rng, peer_user)
    _courses(house, rng, citizens, peer_user)
    _named_in_open(house, rng, activities, holders)
    if stdout is not None:
        stdout.write("Aktiviteter, recoveryskole, peers og husets tal: klar")

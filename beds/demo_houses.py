"""Demo: two more houses with their own rules (Silkeborg: visitation, 14 days, goals, safety visits/calls,
a waiting list; Samsø: one user-controlled bed), a staff member working in two houses and a steering group
member sitting for two. Idempotent:
a citizen that exists already is left as it is. Fixed data, dates relative to today."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from psykiatrihus.models import House, Role
from psykiatrihus.services import house_policy_set, house_setup, membership_grant, user_create

TZ = ZoneInfo("Europe/Copenhagen")
AARHUS_FRAME_CHANGE = datetime.date(2020, 10, 1)

# username, first, last, [(house slug, role, sector)]
OTHER_HOUSE_USERS = [
    ("vikar", "Vera", "Vikarsen", [("aarhus", Role.MUNICIPAL_STAFF, "kommune"),
                                   ("silkeborg", Role.MUNICIPAL_STAFF, "kommune")]),
    ("leder-silkeborg", "Simon", "Silkeborg", [("silkeborg", Role.LEADER, "")]),
    ("leder-samsoe", "Sara", "Samsing", [("samsoe", Role.LEADER, "")]),
    # the steering group member who sits for two houses: "Husene side om side" (/rapporter/huse/)
    ("styregruppe-midt", "Mette", "Midtgaard", [("aarhus", Role.STEERING, ""), ("silkeborg", Role.STEERING, "")]),
]


def aarhus_rules(*, house: House) -> None:
    """Aarhus's history: regional up to 5 nights and municipal 1 night, a common 3-night frame from
    1 October 2020 (contracts followed up yearly / half-yearly)."""
    opened = house.opened_on or datetime.date(2019, 2, 25)
    house_policy_set(house=house, sector="kommune", valid_from=opened, stay_frame_nights=1,
                     note="Ved åbningen: kommunale ophold 1 nat")
    house_policy_set(house=house, sector="region", valid_from=opened, stay_frame_nights=5,
                     note="Ved åbningen: regionale ophold op til 5 nætter")
    for sector in ("kommune", "region"):
        house_policy_set(house=house, sector=sector, valid_from=AARHUS_FRAME_CHANGE, stay_frame_nights=3,
                         note="Fælles ramme på op til 3 nætter")


def silkeborg_setup() -> House:
    house = house_setup(slug="silkeborg", name="Psykiatriens Hus i Silkeborg", municipal_beds=4, regional_beds=6,
                        stay_frame_nights=14, municipality="Silkeborg")
    if house.opened_on is None:
        House.objects.filter(pk=house.pk).update(opened_on=datetime.date(2012, 1, 1), region="Region Midtjylland")
        house.refresh_from_db()
    for sector in ("kommune", "region"):
        house_policy_set(
            house=house, sector=sector, valid_from=datetime.date(2012, 1, 1), admits_bsk=False,
            admits_visitation=True, admits_home_treatment=False, stay_frame_nights=14, extension_by="visitation",
            stays_have_goals=True, post_stay_followup="visit_or_call", post_stay_followup_days=3,
            note="Akut døgntilbud (SEL §107) og regionale senge: visitation, op til 14 dage",
        )
    return house


def samsoe_setup() -> House:
    house = house_setup(slug="samsoe", name="Samsø Sundheds- og Akuthus", municipal_beds=1, regional_beds=0,
                        stay_frame_nights=1, municipality="Samsø")
    if house.opened_on is None:
        House.objects.filter(pk=house.pk).update(opened_on=datetime.date(2018, 1, 1), region="Region Midtjylland")
        house.refresh_from_db()
    house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2018, 1, 1), admits_bsk=True,
                     stay_frame_nights=1, followup_interval_months=6,
                     note="Én brugerstyret seng; kontrakter op til 6 måneder; ophold op til et døgn")
    return house


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def silkeborg_data(*, house: House, user, stdout) -> None:
    """Visited citizens: one stay ended (goals evaluated, a safety call planned), one in the house, two
    waiting for a bed."""
    from beds.models import Bed
    from beds.services import (
        stay_book,
        stay_check_in,
        stay_check_out,
        stay_goal_evaluate,
        waiting_list_add,
    )
    from contracts.selectors import citizen_by_cpr
    from contracts.services import citizen_create, visitation_decide

    silkeborg_last_quarter(house=house, user=user, stdout=stdout)  # first: presence is entered in time order
    today = timezone.localdate()
    people = [
        # name, cpr, sector, days ago the decision was made
        ("Mads Møller", "1205801237", "kommune", 20),
        ("Lise Holm", "0303921248", "kommune", 6),
        ("Jens Kjær", "2207751235", "region", 4),
        ("Hanne Friis", "1111881244", "kommune", 2),
    ]
    decisions = {}
    for name, cpr, sector, days_ago in people:
        if citizen_by_cpr(digits=cpr, house=house) is not None:
            return  # built before
        citizen = citizen_create(house=house, sector=sector, name=name, cpr=cpr, user=user)
        decided = today - datetime.timedelta(days=days_ago)
        decisions[name] = visitation_decide(
            house=house, citizen=citizen, sector=sector, decided_on=decided,
            decided_by="Myndighedsrådgiver, Silkeborg Kommune" if sector == "kommune" else "Akutteamet",
            granted_from=decided, granted_until=decided + datetime.timedelta(days=60),
            purpose="Skærmning og ro i en krise; genetablere døgnrytme",
            goals="Sove mindst 6 timer om natten\nLægge en plan for de næste uger sammen med kontaktperson",
            user=user,
        )
    k1, k2 = Bed.objects.get(house=house, label="K1"), Bed.objects.get(house=house, label="K2")
    r1 = Bed.objects.get(house=house, label="R1")
    ended_from = today - datetime.timedelta(days=19)
    ended = stay_book(house=house, bed=k1, citizen=decisions["Mads Møller"].citizen, arrival=_at(ended_from, 14),
                      planned_departure=_at(ended_from + datetime.timedelta(days=10), 11), user=user)
    stay_check_in(stay=ended, user=user, at=_at(ended_from, 14), ors_score=18)
    for goal, result in zip(ended.goals.all(), ["achieved", "partly"], strict=False):
        stay_goal_evaluate(goal=goal, result=result, user=user, note="Evalueret sammen med borgeren",
                           at=_at(ended_from + datetime.timedelta(days=10), 10))
    stay_check_out(stay=ended, user=user, at=_at(ended_from + datetime.timedelta(days=10), 11), srs_score=36)
    current = stay_book(house=house, bed=k2, citizen=decisions["Lise Holm"].citizen,
                        arrival=_at(today - datetime.timedelta(days=5), 15),
                        planned_departure=_at(today + datetime.timedelta(days=7), 11), user=user)
    stay_check_in(stay=current, user=user, at=_at(today - datetime.timedelta(days=5), 15), ors_score=15)
    stay_book(house=house, bed=r1, citizen=decisions["Jens Kjær"].citizen,
              arrival=_at(today - datetime.timedelta(days=3), 16),
              planned_departure=_at(today + datetime.timedelta(days=9), 11), user=user)
    waiting_list_add(visitation=decisions["Hanne Friis"], user=user,
                     requested_at=_at(today - datetime.timedelta(days=2), 9), requested_nights=10)
    stdout.write(f"{house.name}: 4 visiterede borgere, 3 ophold, 1 på venteliste")


# Last quarter in Silkeborg, so the steering group's "Husene side om side" and the approved quarter report have
# figures beside Aarhus's: per bed, stays of (nights, nights until the next arrival), one citizen per bed pair.
SILKEBORG_QUARTER_BEDS = {
    "K1": [(9, 3), (12, 4), (7, 5), (10, 2), (11, 0)],
    "K2": [(6, 5), (14, 3), (8, 6), (9, 0)],
    "K3": [(13, 9), (10, 4), (12, 0)],
    "R1": [(7, 2), (9, 3), (11, 4), (8, 3), (10, 0)],
    "R2": [(12, 6), (6, 2), (14, 0)],
    "R3": [(5, 3), (8, 2), (9, 5), (13, 0)],
}
SILKEBORG_QUARTER_PEOPLE = [
    ("Anne Bach", "0102791231"), ("Bo Lund", "0204811235"), ("Camilla Vest", "0306831238"),
    ("Dennis Krog", "0408741232"), ("Eva Dam", "0510861236"), ("Frank Bro", "0612771239"),
    ("Gitte Skov", "0702901233"), ("Henrik Hald", "0803851237"), ("Ida Mose", "0905931230"),
    ("Jakob Ry", "1007781234"), ("Karin Sø", "1109891238"), ("Lars Eng", "1201821231"),
]


def silkeborg_last_quarter(*, house: House, user, stdout) -> None:
    """The previous calendar quarter: 24 ended stays of 5–14 nights on six beds, each under a visitation decision
    with goals evaluated at check-out and the safety call 3 days later recorded (one citizen not reached)."""
    from beds.models import Bed, Stay
    from beds.services import stay_aftercare_record, stay_book, stay_check_in, stay_check_out, stay_goal_evaluate
    from contracts.services import citizen_create, visitation_decide

    today = timezone.localdate()
    this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = (this_quarter - datetime.timedelta(days=1)).replace(day=1)
    start = datetime.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    if Stay.objects.filter(house=house).exists():
        return  # built before (or a house seeded before this part existed: check-ins go in time order)
    people = iter(SILKEBORG_QUARTER_PEOPLE)
    stays = 0
    for b, (label, plan) in enumerate(SILKEBORG_QUARTER_BEDS.items()):
        bed = Bed.objects.get(house=house, label=label)
        sector = bed.sector
        decisions = []
        for name, cpr in (next(people), next(people)):
            citizen = citizen_create(house=house, sector=sector, name=name, cpr=cpr, user=user)
            decided = start - datetime.timedelta(days=7)
            decisions.append(visitation_decide(
                house=house, citizen=citizen, sector=sector, decided_on=decided,
                decided_by="Myndighedsrådgiver, Silkeborg Kommune" if sector == "kommune" else "Akutteamet",
                granted_from=decided, granted_until=this_quarter + datetime.timedelta(days=30),
                purpose="Skærmning og ro i en krise", goals="Sove mindst 6 timer om natten\nRegelmæssige måltider",
                user=user))
        day = start + datetime.timedelta(days=b)
        for i, (nights, gap) in enumerate(plan):
            departure = day + datetime.timedelta(days=nights)
            stay = stay_book(house=house, bed=bed, citizen=decisions[i % 2].citizen, arrival=_at(day, 14),
                             planned_departure=_at(departure, 11), user=user)
            stay_check_in(stay=stay, user=user, at=_at(day, 14), ors_score=14 + (i + b) % 6)
            for g, goal in enumerate(stay.goals.all()):
                stay_goal_evaluate(goal=goal, result=["achieved", "partly", "not_achieved"][(i + g + b) % 3],
                                   user=user, at=_at(departure, 10))
            stay_check_out(stay=stay, user=user, at=_at(departure, 11), srs_score=28 + (i * 3 + b) % 10)
            for aftercare in stay.aftercare.all():
                stay_aftercare_record(aftercare=aftercare, user=user, done_on=aftercare.planned_on, kind="call",
                                      reached=(b, i) != (2, 1))
            stays += 1
            day = departure + datetime.timedelta(days=gap)  # every bed's plan ends by day 66 of the quarter
    stdout.write(f"{house.name}: {stays} afsluttede ophold i kvartalet fra {start:%d.%m.%Y}")


def samsoe_data(*, house: House, user, stdout) -> None:
    from beds.models import Bed
    from beds.services import stay_book, stay_check_in, stay_check_out
    from contracts.selectors import citizen_by_cpr
    from contracts.services import citizen_create, contract_create

    cpr = "0907681239"
    if citizen_by_cpr(digits=cpr, house=house) is not None:
        return
    today = timezone.localdate()
    citizen = citizen_create(house=house, sector="kommune", name="Poul Samsing", cpr=cpr, user=user)
    contract_create(house=house, citizen=citizen, sector="kommune", granted_on=today - datetime.timedelta(days=90),
                    user=user, referral_source="selvhenvender")
    day = today - datetime.timedelta(days=30)
    stay = stay_book(house=house, bed=Bed.objects.get(house=house, label="K1"), citizen=citizen,
                     arrival=_at(day, 18), planned_departure=_at(day + datetime.timedelta(days=1), 10), user=user)
    stay_check_in(stay=stay, user=user, at=_at(day, 18))
    stay_check_out(stay=stay, user=user, at=_at(day + datetime.timedelta(days=1), 10))
    stdout.write(f"{house.name}: 1 borger med kontrakt, 1 ophold")


def seed_other_houses(*, password: str, stdout) -> list[House]:
    """Silkeborg and Samsø with their rules, users and a little data; Aarhus's rule history."""
    aarhus = House.objects.get(slug="aarhus")
    aarhus_rules(house=aarhus)
    silkeborg, samsoe = silkeborg_setup(), samsoe_setup()
    houses = {"aarhus": aarhus, "silkeborg": silkeborg, "samsoe": samsoe}
    users = {}
    for username, first, last, grants in OTHER_HOUSE_USERS:
        user = user_create(username=username, password=password, first_name=first, last_name=last)
        for slug, role, sector in grants:
            membership_grant(user=user, house=houses[slug], role=role, sector=sector)
        users[username] = user
    silkeborg_data(house=silkeborg, user=users["leder-silkeborg"], stdout=stdout)
    samsoe_data(house=samsoe, user=users["leder-samsoe"], stdout=stdout)
    return [silkeborg, samsoe]


def seed(*, house: House, stdout) -> None:
    """The demo's other houses (registered with psykiatrihus.demo after the apps' data for Aarhus)."""
    from psykiatrihus.demo import DEMO_PASSWORD

    others = seed_other_houses(password=DEMO_PASSWORD, stdout=stdout)
    stdout.write("Andre huse: %s (vikar arbejder i to huse, styregruppe-midt sidder i styregruppen for Aarhus og "
                 "Silkeborg)\n" % ", ".join(h.name for h in others))

"""Demo stays on all 16 beds from the house's opening (2019) to a week ahead, through the bulk import path.

Fixed random seed; idempotent: citizens are looked up by CPR, stays by their import key, and requests and
blocks are only made once. Most stays are 1–3 nights, some longer, a few færdigbehandling stays of weeks to
months on the færdigbehandling beds; a pool of citizens with a few frequent users (repeat stays).
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from beds.models import Bed, BedBlock, StayRequest
from beds.services import bed_block, stays_import
from psykiatrihus.models import House, Sector

SEED = 20190225
FIRST_NAMES = ["Anne", "Mette", "Hanne", "Susanne", "Lene", "Maria", "Camilla", "Louise", "Sofie", "Ida",
               "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jesper", "Mads", "Frederik",
               "Kirsten", "Birgitte", "Jonas", "Emil", "Rasmus", "Julie", "Signe", "Anders", "Niels", "Karen"]
LAST_NAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
              "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
              "Johansen", "Møller", "Mortensen", "Knudsen"]
CITIZENS_PER_SECTOR = 70


def _cpr(rng: random.Random, index: int) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 50))
    seq = 1000 + index * 2 + rng.randrange(0, 2)  # 7th digit 1: born 1900–1999
    return f"{birth:%d%m%y}{seq:04d}"


def _people(*, house: House, rng: random.Random, opened: datetime.date) -> dict[str, list[str]]:
    """Named citizens with a contract from the opening date, per sector (existing ones are reused)."""
    from contracts.selectors import citizen_by_cpr
    from contracts.services import citizen_create, contract_create

    pool: dict[str, list[str]] = {Sector.KOMMUNE: [], Sector.REGION: []}
    index = 0
    for sector in (Sector.KOMMUNE, Sector.REGION):
        for _ in range(CITIZENS_PER_SECTOR):
            index += 1
            cpr = _cpr(rng, index)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if citizen_by_cpr(digits=cpr, house=house) is None:
                citizen = citizen_create(house=house, sector=sector, name=name, cpr=cpr)
                contract_create(house=house, citizen=citizen, sector=sector, granted_on=opened,
                                referral_source="selvhenvender" if sector == Sector.KOMMUNE else "klinik")
            pool[sector].append(cpr)
    return pool


def _bed_slots(*, bed: Bed, opened: datetime.date):
    """The bed's demo stays (arrival, departure, kind) in time order, without end: one random stream per bed, so a
    later `until` only appends stays and the earlier rows (import keys) stay the same."""
    tz = ZoneInfo("Europe/Copenhagen")
    rng = random.Random(SEED + bed.sort_order)
    day = opened + datetime.timedelta(days=rng.randrange(0, 4))
    while True:
        if bed.may_be_faerdigbehandling and rng.random() < 0.15:
            nights, kind = rng.randrange(14, 120), "faerdigbehandling"
        else:
            nights = rng.choices([1, 2, 3, 4, 5, 7], weights=[30, 30, 25, 7, 5, 3])[0]
            kind = "ordinary"
        arrival = datetime.datetime.combine(day, datetime.time(rng.choice([13, 14, 15, 16, 19])), tzinfo=tz)
        departure = datetime.datetime.combine(day + datetime.timedelta(days=nights),
                                              datetime.time(rng.choice([9, 10, 11])), tzinfo=tz)
        yield arrival, departure, kind
        day += datetime.timedelta(days=nights + rng.choices([0, 1, 2, 4, 8], weights=[35, 25, 20, 12, 8])[0])


def _rows(*, house: House, rng: random.Random, pool: dict[str, list[str]], opened: datetime.date,
          until: datetime.date) -> list[dict]:
    slots = []
    for bed in Bed.objects.filter(house=house, active=True).order_by("sort_order"):
        for arrival, departure, kind in _bed_slots(bed=bed, opened=opened):
            if arrival.date() >= until:
                break
            slots.append((arrival, departure, bed, kind))
    slots.sort(key=lambda s: (s[0], s[2].sort_order))
    rng = random.Random(SEED + 1000)
    busy_until: dict[str, datetime.datetime] = {}
    # A few frequent users: weights fall with the position in the pool (repeat stays).
    weights = {sector: [1.0 / (1 + i) ** 0.8 for i in range(len(cprs))] for sector, cprs in pool.items()}
    rows = []
    for arrival, departure, bed, kind in slots:
        cprs = pool[bed.sector]
        for _ in range(20):
            cpr = rng.choices(cprs, weights=weights[bed.sector])[0]
            if busy_until.get(cpr, arrival) <= arrival:
                break
        else:
            continue
        busy_until[cpr] = departure + datetime.timedelta(days=1)
        rows.append({"cpr": cpr, "sector": bed.sector, "bed": bed.label, "arrival": arrival,
                     "departure": departure, "kind": kind,
                     "end_reason": rng.choice(["own_home", "bostoette_85", "botilbud_107"]) if kind != "ordinary"
                     else ""})
    return rows


def seed(*, house: House, stdout) -> None:
    rng = random.Random(SEED)
    opened = house.opened_on or datetime.date(2019, 2, 25)
    today = timezone.localdate()
    pool = _people(house=house, rng=rng, opened=opened)
    rows = _rows(house=house, rng=rng, pool=pool, opened=opened, until=today + datetime.timedelta(days=7))
    result = stays_import(house=house, rows=rows)
    stdout.write(f"Ophold: {result.created} nye, {result.skipped} fandtes allerede.")
    _requests_and_blocks(house=house, rng=rng, opened=opened, today=today, stdout=stdout)
    _pending_long_stay(house=house, opened=opened, today=today, stdout=stdout)


def _requests_and_blocks(*, house: House, rng: random.Random, opened: datetime.date, today: datetime.date,
                         stdout) -> None:
    """Turned-away requests about weekly (reported by the house) and one maintenance block ahead."""
    if not StayRequest.objects.filter(house=house).exists():
        tz = ZoneInfo("Europe/Copenhagen")
        objs = []
        day = opened
        answers = random.Random(SEED + 2000)
        while day < today:
            sector = rng.choice([Sector.KOMMUNE, Sector.REGION])
            outcome = rng.choices(["turned_away", "withdrawn"], weights=[4, 1])[0]
            requested_at = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 22)), tzinfo=tz)
            # answered within the hour, now and then only the next morning (a stream of its own, so the
            # requests themselves stay as they were)
            answered_at = requested_at + (datetime.timedelta(hours=14) if answers.random() < 0.08
                                          else datetime.timedelta(minutes=answers.randrange(5, 60)))
            objs.append(StayRequest(
                house=house, sector=sector, channel=rng.choice(["phone", "in_person", "staff"]),
                requested_at=requested_at, answered_at=answered_at,
                requested_nights=rng.randrange(1, 4), outcome=outcome,
                turn_away_reason=rng.choices(["no_bed", "not_eligible", "no_contract", "other"],
                                             weights=[6, 2, 2, 1])[0] if outcome == "turned_away" else "",
                note="Demo" if outcome == "turned_away" else ""))
            day += datetime.timedelta(days=rng.randrange(3, 11))
        # Demo data only: the services record one request at a time with an audit row each.
        StayRequest.objects.bulk_create(objs)
        stdout.write(f"Henvendelser: {len(objs)} afviste/trukne tilbage.")
    bed = Bed.objects.filter(house=house, label="R8").first()
    if bed is not None and not BedBlock.objects.filter(bed=bed).exists():
        tz = ZoneInfo("Europe/Copenhagen")
        start = datetime.datetime.combine(today + datetime.timedelta(days=9), datetime.time(8), tzinfo=tz)
        bed_block(bed=bed, start=start, end=start + datetime.timedelta(days=2), reason="maintenance",
                  note="Maling af værelset")


PENDING_CPR = "2504831236"
PENDING_NIGHTS = 4


def _gap(*, bed: Bed, opened: datetime.date, earliest: datetime.date, latest: datetime.date,
         nights: int) -> datetime.date | None:
    """The first day from `earliest` to `latest` on which a demo stay leaves the bed free for `nights` nights (the
    next one arrives `nights` days later or after, always in the afternoon), or None."""
    left = None
    for arrival, departure, _kind in _bed_slots(bed=bed, opened=opened):
        if left is not None and left >= earliest and (arrival.date() - left).days >= nights:
            return left
        if arrival.date() > latest:
            return None
        left = departure.date()
    return None


def _pending_long_stay(*, house: House, opened: datetime.date, today: datetime.date, stdout) -> None:
    """A municipal stay of four nights, one more than the frame, booked by municipal staff with their reason: it
    awaits a leader ("Afventer leders godkendelse" on the dashboard). It lies in a gap the bed's demo stream
    never fills, so a later run's import (which reaches a week further each day) can never overlap it."""
    from django.contrib.auth import get_user_model

    from beds.services import stay_book
    from contracts.selectors import citizen_by_cpr
    from contracts.services import citizen_create, contract_create

    if citizen_by_cpr(digits=PENDING_CPR, house=house) is not None:
        return  # built before
    staff = get_user_model().objects.get(username="kommune")
    tz = ZoneInfo("Europe/Copenhagen")
    beds = Bed.objects.filter(house=house, sector=Sector.KOMMUNE, active=True, may_be_faerdigbehandling=False)
    for bed in beds.order_by("sort_order"):
        free_from = _gap(bed=bed, opened=opened, earliest=today + datetime.timedelta(days=2),
                         latest=today + datetime.timedelta(days=120), nights=PENDING_NIGHTS)
        if free_from is not None:
            break
    else:
        stdout.write("Afventer leder: ingen ledig plads i den næste tid (intet ophold oprettet).")
        return
    citizen = citizen_create(house=house, sector=Sector.KOMMUNE, name="Bente Lund", cpr=PENDING_CPR, user=staff)
    contract_create(house=house, citizen=citizen, sector=Sector.KOMMUNE, user=staff,
                    granted_on=today - datetime.timedelta(days=120), referral_source="mestringsvejleder")
    arrival = datetime.datetime.combine(free_from, datetime.time(14), tzinfo=tz)
    stay_book(house=house, bed=bed, citizen=citizen, arrival=arrival, user=staff,
              planned_departure=datetime.datetime.combine(free_from + datetime.timedelta(days=PENDING_NIGHTS),
                                                          datetime.time(10), tzinfo=tz),
              extension_reason="Flytter i egen bolig om fire dage og har brug for ro og støtte indtil da; "
                               "aftalt med mestringsvejlederen.")
    stdout.write(f"Afventer leder: et kommunalt ophold på {PENDING_NIGHTS} nætter fra {free_from:%d.%m.%Y} "
                 f"({bed.label}), booket af personalet med begrundelse.")

"""A hand-made house state for the dashboard, relative to the house's today (T).

Beds: Aarhus, K1–K8 (K7, K8 may be færdigbehandling), R1–R8.
Contracts (granted → next follow-up due):
  A kommune T-400d (due ≈ T-35d: overdue)     B kommune T-500d (due ≈ T-135d: overdue AND about to expire)
  C kommune 12 months before T+10d (due T+10d: soon)    D kommune T-200d (due ≈ T+165d)
  E region T-100d (due ≈ T+82d)               F region T-190d (due ≈ T-7d: overdue)
  G region T-600d, ended T-30d (not counted)  H kommune T-40d, paused (about to expire)
Stays:
  A K1 checked in, T-1 14:00 → T+1 10:00 (2 nights)   B K2 booked, T 15:00 → T+2 10:00 (arrives today)
  C K3 checked out, T-2 14:00 → T 10:00 (left today)  D K8 færdigbehandling checked in, T-100d → T+80d
  E R1 checked in T-5 → planned T-1 (overdue, still here tonight)
  F R2 booked T+3 14:00 → T+4 10:00                   F R3 cancelled T 14:00 → T+1 10:00 (not counted)
Blocks: K4 T+3 08:00 → T+5 08:00 (nights T+3, T+4); K5 T 10:00 → 14:00 (daytime: no night).
Requests turned away: kommune no_bed and not_eligible this week; region no_contract this week;
  kommune no_bed 8 days before the week started (not counted).
"""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from contracts.services import add_months, citizen_create, contract_create
from reporting.dashboard_selectors import house_today, week_start

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")


def cpr_for(birth: datetime.date, seq: int) -> str:
    return f"{birth:%d%m%y}{(seq * 2) % 1000 + (4000 if birth.year >= 2000 else 0):04d}"


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def _bed(house, label):
    from beds.models import Bed

    return Bed.objects.get(house=house, label=label)


def stay_make(*, house, citizen, label: str, arrival: datetime.datetime, departure: datetime.datetime,
              status: str, user, kind: str = "ordinary"):
    """A stay in the given state, through the beds services (booked, checked in/out or cancelled)."""
    from beds import services as bs

    extra = {}
    if kind == "faerdigbehandling":
        extra = {"fb_decided_on": arrival.date(), "fb_ward": "P1", "fb_case_worker": "Rådgiver",
                 "fb_house_contact": "Leder"}
    elif (departure.date() - arrival.date()).days > house.default_stay_frame_nights:
        extra = {"extension_reason": "Aftalt med lederen"}
    stay = bs.stay_book(house=house, bed=_bed(house, label), citizen=citizen, arrival=arrival,
                        planned_departure=departure, kind=kind, user=user, **extra)
    if status in ("checked_in", "checked_out"):
        stay = bs.stay_check_in(stay=stay, at=arrival, user=user)
    if status == "checked_out":
        stay = bs.stay_check_out(stay=stay, at=departure, user=user)
    if status == "cancelled":
        stay = bs.stay_cancel(stay=stay, user=user)
    return stay


def block_make(*, house, label: str, start: datetime.datetime, end: datetime.datetime, reason: str = "cleaning"):
    from beds import services as bs

    return bs.bed_block(bed=_bed(house, label), start=start, end=end, reason=reason)


def turn_away(*, house, sector: str, when: datetime.datetime, reason: str, user, citizen=None):
    from beds import services as bs

    request = bs.stay_request_record(house=house, sector=sector, channel="phone", user=user, citizen=citizen,
                                     requested_at=when)
    return bs.stay_request_turn_away(stay_request=request, reason=reason, user=user)


@pytest.fixture
def state(house, users):
    t = house_today(house=house)
    day = datetime.timedelta(days=1)
    leader = users["leder"]
    citizens = {}
    for i, (key, sector) in enumerate([("A", "kommune"), ("B", "kommune"), ("C", "kommune"), ("D", "kommune"),
                                       ("E", "region"), ("F", "region"), ("G", "region"), ("H", "kommune")]):
        citizens[key] = citizen_create(house=house, sector=sector, name=f"Borger {key}",
                                       cpr=cpr_for(datetime.date(1970 + i, 3, 1 + i), i + 1))
    granted = {"A": t - 400 * day, "B": t - 500 * day, "C": add_months(t + 10 * day, -12), "D": t - 200 * day,
               "E": t - 100 * day, "F": t - 190 * day, "G": t - 600 * day, "H": t - 40 * day}
    contracts = {}
    for key, citizen in citizens.items():
        sector = "region" if key in "EFG" else "kommune"
        contracts[key] = contract_create(house=house, citizen=citizen, sector=sector, granted_on=granted[key])
    from contracts import services as cs

    # Ended and paused contracts need the contracts lifecycle services; without them G and H stay open.
    if hasattr(cs, "contract_end"):
        cs.contract_end(contract=contracts["G"], ended_on=t - 30 * day, reason="not_needed", user=leader)
        cs.contract_pause(contract=contracts["H"], user=leader)
    c = citizens
    stays = SimpleNamespace(
        a=stay_make(house=house, citizen=c["A"], label="K1", arrival=at(t - day, 14), departure=at(t + day, 10),
                    status="checked_in", user=leader),
        b=stay_make(house=house, citizen=c["B"], label="K2", arrival=at(t, 15), departure=at(t + 2 * day, 10),
                    status="booked", user=leader),
        c=stay_make(house=house, citizen=c["C"], label="K3", arrival=at(t - 2 * day, 14), departure=at(t, 10),
                    status="checked_out", user=leader),
        d=stay_make(house=house, citizen=c["D"], label="K8", arrival=at(t - 100 * day, 14),
                    departure=at(t + 80 * day, 10), status="checked_in", kind="faerdigbehandling", user=leader),
        e=stay_make(house=house, citizen=c["E"], label="R1", arrival=at(t - 5 * day, 14),
                    departure=at(t - day, 10), status="checked_in", user=leader),
        f=stay_make(house=house, citizen=c["F"], label="R2", arrival=at(t + 3 * day, 14),
                    departure=at(t + 4 * day, 10), status="booked", user=leader),
        f_cancelled=stay_make(house=house, citizen=c["F"], label="R3", arrival=at(t, 14), departure=at(t + day, 10),
                              status="cancelled", user=leader),
    )
    block_make(house=house, label="K4", start=at(t + 3 * day, 8), end=at(t + 5 * day, 8))
    block_make(house=house, label="K5", start=at(t, 10), end=at(t, 14))
    monday = week_start(t)
    turn_away(house=house, sector="kommune", when=at(monday, 0) + datetime.timedelta(minutes=30), reason="no_bed",
              citizen=c["A"], user=leader)
    turn_away(house=house, sector="kommune", when=at(t, 0) + datetime.timedelta(minutes=20), reason="not_eligible",
              user=leader)
    turn_away(house=house, sector="region", when=at(monday, 1), reason="no_contract", citizen=c["E"], user=leader)
    turn_away(house=house, sector="kommune", when=at(monday - 8 * day, 9), reason="no_bed", user=leader)
    return SimpleNamespace(today=t, citizens=citizens, contracts=contracts, stays=stays, leader=leader)

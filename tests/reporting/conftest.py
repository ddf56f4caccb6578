"""A small hand-computed data set for the evaluation report (answers worked out in test_tables.py).

Citizens (house Aarhus, threshold 5):
- A  woman, born 1990-05-10: municipal BSK from 2020-03-01 (selvhenvender) AND regional BSK from 2021-02-01
     (klinik, DF3, comorbidity, clinic) — the citizen with stays in both sectors.
- B  man, born 1960-01-15: municipal BSK 2019-11-20, ended 2021-06-30 (not needed; mestringsvejleder).
- C  woman, born 2003-07-01: regional BSK from 2021-12-31 (sengeafsnit, DF2, no comorbidity, house).
- D  man, born 1980-02-02: regional BSK 2020-09-15, ended 2021-03-31 (too ill; akut psykiatri, DF4,
     comorbidity, unknown). No stays: an inactive holder.
Stays (arrival → departure, nights):
  kommune  A 2021-01-05→01-06 (1), A 2021-03-10→03-10 (0), A 2021-12-31→2022-01-02 (2, year boundary),
           B 2020-12-30→2021-01-02 (3, counts in 2020), B 2021-04-01→04-04 (3), B 2021-05-01→05-06 (5)
  region   A 2021-02-10→02-13 (3), C 2021-12-31→2022-01-01 (1)
"""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from contracts.services import citizen_create, contract_create

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")


def cpr_for(birth: datetime.date, seq: int, female: bool) -> str:
    """A valid CPR (7th digit 0–3: 1900s, 4: 2000–2036); the last digit's parity gives the gender."""
    last = (seq * 2 + (0 if female else 1)) % 1000 + (4000 if birth.year >= 2000 else 0)
    return f"{birth:%d%m%y}{last:04d}"


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


def stay_add(*, house, user, citizen, sector: str, arrival: str, departure: str, bed_label: str | None = None,
             kind: str = "ordinary", check_out: dict | None = None, **book):
    """One completed stay through the beds services: booked, checked in at 14:00 on arrival, checked out at
    10:00 on departure (20:00 the same day for a 0-night stay, booked for one night and left early)."""
    from beds.models import Bed
    from beds.services import stay_book, stay_check_in, stay_check_out

    start = at(arrival, 14)
    same_day = departure == arrival
    end = at(departure, 20 if same_day else 10)
    planned = at((datetime.date.fromisoformat(arrival) + datetime.timedelta(days=1)).isoformat(), 10) \
        if same_day else end
    beds = Bed.objects.filter(house=house, sector=sector).order_by("sort_order")
    bed = beds.get(label=bed_label) if bed_label else beds.first()
    nights = (end.date() - start.date()).days
    if kind == "ordinary" and nights > house.default_stay_frame_nights:
        book.setdefault("extension_reason", "Aftalt på forhånd med ledelsen.")
    stay = stay_book(house=house, bed=bed, citizen=citizen, arrival=start, planned_departure=planned, user=user,
                     kind=kind, **book)
    stay_check_in(stay=stay, user=user, at=start)
    return stay_check_out(stay=stay, user=user, at=end, **(check_out or {}))


def contract_end_for_test(contract, *, ended_on: datetime.date, reason: str):
    """Until contracts.services grows `contract_end` (issue 4), end a contract the way it will."""
    contract.status, contract.ended_on, contract.end_reason = "ended", ended_on, reason
    contract.save(update_fields=["status", "ended_on", "end_reason"])
    return contract


@pytest.fixture
def leader(house, make_member):
    from psykiatrihus.models import Role

    return make_member(house, Role.LEADER, "", username="rapportleder")


@pytest.fixture
def dataset(house, leader):
    d = datetime.date
    a = citizen_create(house=house, sector="kommune", name="Anna", cpr=cpr_for(d(1990, 5, 10), 1, True))
    b = citizen_create(house=house, sector="kommune", name="Bent", cpr=cpr_for(d(1960, 1, 15), 2, False))
    c = citizen_create(house=house, sector="region", name="Cecilie", cpr=cpr_for(d(2003, 7, 1), 3, True))
    dd = citizen_create(house=house, sector="region", name="Dan", cpr=cpr_for(d(1980, 2, 2), 4, False))
    contract_create(house=house, citizen=a, sector="kommune", granted_on=d(2020, 3, 1),
                    referral_source="selvhenvender", municipal_services="mestringsvejleder")
    contract_create(house=house, citizen=a, sector="region", granted_on=d(2021, 2, 1), referral_source="klinik",
                    diagnosis_group="DF3", psychiatric_comorbidity=True, treatment_responsibility="clinic")
    kb = contract_create(house=house, citizen=b, sector="kommune", granted_on=d(2019, 11, 20),
                         referral_source="mestringsvejleder", municipal_services="none")
    contract_create(house=house, citizen=c, sector="region", granted_on=d(2021, 12, 31),
                    referral_source="sengeafsnit", diagnosis_group="DF2", psychiatric_comorbidity=False,
                    treatment_responsibility="house")
    rd = contract_create(house=house, citizen=dd, sector="region", granted_on=d(2020, 9, 15),
                         referral_source="akut_psykiatri", diagnosis_group="DF4", psychiatric_comorbidity=True,
                         treatment_responsibility="unknown")
    for citizen, sector, arrival, departure in sorted([
        (a, "kommune", "2021-01-05", "2021-01-06"),
        (a, "kommune", "2021-03-10", "2021-03-10"),
        (a, "kommune", "2021-12-31", "2022-01-02"),
        (b, "kommune", "2020-12-30", "2021-01-02"),
        (b, "kommune", "2021-04-01", "2021-04-04"),
        (b, "kommune", "2021-05-01", "2021-05-06"),
        (a, "region", "2021-02-10", "2021-02-13"),
        (c, "region", "2021-12-31", "2022-01-01"),
    ], key=lambda row: row[2]):  # in time order: check-in refuses a bed whose earlier guest is still there
        stay_add(house=house, user=leader, citizen=citizen, sector=sector, arrival=arrival, departure=departure)
    contract_end_for_test(kb, ended_on=d(2021, 6, 30), reason="not_needed")
    contract_end_for_test(rd, ended_on=d(2021, 3, 31), reason="too_ill")
    return SimpleNamespace(house=house, a=a, b=b, c=c, d=dd, leader=leader)

"""Demo history for the mirror image and the questionnaires: psychiatric admissions around the demo
contracts (more and longer in the year before a contract than in the year after, as the house's claim goes),
WHO-5 at contract start and follow-ups, GAD-7 for some regional citizens. Fixed seed, through the services
(the region's export goes through `admissions_import`), idempotent."""

from __future__ import annotations

import datetime
import random

from django.db.models import Min

from contracts import services
from contracts.models import Admission, Contract, FollowUp, QuestionnaireResponse
from contracts.questionnaire_services import house_instrument_choose, questionnaire_response_record
from psykiatrihus import crypto
from psykiatrihus.models import House

SEED = 20170901


def _admissions_around(rng: random.Random, grant: datetime.date, today: datetime.date) -> list[tuple]:
    """Non-overlapping admissions from two years before the grant date to two years after (not past today)."""
    rows, day = [], grant - datetime.timedelta(days=730)
    end = min(today - datetime.timedelta(days=1), grant + datetime.timedelta(days=730))
    while day < end:
        before = day < grant
        # Before the contract an admission every ~5 months, lasting 5–40 days; after, every ~12 months, 2–15.
        day += datetime.timedelta(days=rng.randint(20, 300) if before else rng.randint(60, 700))
        if day >= end:
            break
        length = rng.randint(5, 40) if before else rng.randint(2, 15)
        admitted = datetime.datetime.combine(day, datetime.time(rng.randint(0, 23), rng.choice([0, 15, 30, 45])))
        discharged = admitted + datetime.timedelta(days=length, hours=rng.randint(-6, 6))
        still = discharged.date() >= today
        rows.append((admitted, None if still else discharged, rng.choice(["P1", "P2", "P3", "Akutafsnit"])))
        if still:
            break
        day = discharged.date() + datetime.timedelta(days=1)
    return rows


def seed_outcomes(*, house: House, stdout) -> None:
    if Admission.objects.filter(house=house).exists() or QuestionnaireResponse.objects.filter(house=house).exists():
        stdout.write("Indlæggelser og spørgeskemaer: findes allerede (uændret).")
        return
    rng = random.Random(SEED)
    today = datetime.date.today()
    firsts = (Contract.objects.filter(house=house).values("citizen_id", "citizen__cpr_encrypted")
              .annotate(first=Min("granted_on")).order_by("citizen_id"))
    rows = []
    for f in firsts:
        if rng.random() < 0.3:  # not everyone has been admitted
            continue
        cpr = crypto.decrypt(f["citizen__cpr_encrypted"])
        for admitted, discharged, ward in _admissions_around(rng, f["first"], today):
            rows.append({"cpr": cpr, "admitted": admitted.isoformat(timespec="minutes"),
                         "discharged": discharged.isoformat(timespec="minutes") if discharged else "",
                         "ward": f"Afsnit {ward}"})
    result = services.admissions_import(house=house, rows=rows)

    house_instrument_choose(house=house, code="who5", moments=["contract_start", "followup", "stay_end"])
    house_instrument_choose(house=house, code="gad7", moments=["stay_start", "stay_end"])
    responses = 0
    contracts = Contract.objects.filter(house=house).select_related("citizen").order_by("id")
    for contract in contracts:
        if rng.random() < 0.35:
            continue
        level = rng.randint(4, 12)  # raw WHO-5 sum at the start (0-25), tending up over the follow-ups
        moments = [("contract_start", contract.granted_on)]
        moments += [("followup", f.held_on) for f in FollowUp.objects.filter(contract=contract).order_by("held_on")]
        for moment, day in moments:
            if day > today:
                break
            raw = max(0, min(25, level + rng.randint(-3, 3)))
            answers = [raw // 5 + (1 if i < raw % 5 else 0) for i in range(5)]
            questionnaire_response_record(house=house, citizen=contract.citizen, instrument_code="who5",
                                          moment=moment, answers=answers, sector=contract.sector,
                                          answered_on=day, contract=contract)
            responses += 1
            level += rng.randint(0, 4)
    stdout.write(f"Indlæggelser: {result.created} i regionens udtræk; spørgeskemaer: {responses} WHO-5-besvarelser.")

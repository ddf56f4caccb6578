"""Demo citizens and contracts for the demo house: ~200 municipal and ~230 regional contracts granted
2019–2022 with plausible referral sources, end reasons, follow-ups, a few consents and home-treatment
courses. Fixed seed, built through the services, idempotent (a second run changes nothing)."""

from __future__ import annotations

import datetime
import random

from contracts import services
from contracts.models import Citizen
from psykiatrihus.models import House

SEED = 20190225
MUNICIPAL_CONTRACTS = 200
REGIONAL_CONTRACTS = 230
BOTH_SECTORS = 45  # citizens with a contract in each sector
OPENED = datetime.date(2019, 2, 25)
LAST_GRANT = datetime.date(2022, 12, 31)

FIRST_F = ["Anne", "Mette", "Hanne", "Camilla", "Louise", "Maria", "Sofie", "Ida", "Julie", "Emma", "Line",
           "Susanne", "Karina", "Lene", "Pia", "Tina", "Helle", "Marianne", "Signe", "Cecilie", "Freja", "Laura",
           "Nanna", "Amalie", "Birgitte", "Rikke", "Trine", "Maja", "Sara", "Josefine"]
FIRST_M = ["Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Martin", "Jan", "Niels",
           "Rasmus", "Jesper", "Anders", "Morten", "Mads", "Christian", "Jonas", "Frederik", "Kasper", "Emil",
           "Mikkel", "Simon", "Tobias", "Oliver", "Lucas", "Kim", "Bo", "Ole", "Brian", "Casper"]
LAST = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
        "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
        "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Frederiksen", "Laursen", "Holm", "Schmidt",
        "Eriksen", "Kristiansen", "Simonsen", "Clausen", "Lund", "Bach", "Vestergaard", "Skov", "Dahl"]

MUNICIPAL_REFERRAL = [("selvhenvender", 20), ("aaben_fleksibel_raadgivning", 15), ("mestringsvejleder", 20),
                      ("myndighedscentret", 10), ("familiecentret", 3), ("forsorgstilbud", 5), ("botilbud", 12),
                      ("frivillige_tilbud", 3), ("behandlingspsykiatrien", 8), ("andet", 4)]
REGIONAL_REFERRAL = [("akut_psykiatri", 25), ("sengeafsnit", 25), ("klinik", 30), ("hat_udredning", 8), ("eud", 5),
                     ("psykiatriens_hus", 7)]
END_REASONS = [("not_needed", 55), ("too_ill", 12), ("behaviour", 10), ("moved", 10), ("died", 2), ("other", 11)]
OTHER_TEXTS = ["Ønsker ikke kontrakten længere", "Flyttet til botilbud med nattevagt", "Fik plads i §107-tilbud",
               "Ingen kontakt i over et år"]
DIAGNOSES = [("DF2", 15), ("DF3", 25), ("DF4", 15), ("DF5", 3), ("DF6", 25), ("DF8", 5), ("DF9", 7), ("DZ", 5)]
RESPONSIBILITY = [("clinic", 60), ("house", 25), ("unknown", 15)]
MUNICIPAL_SERVICES = [("mestringsvejleder", 35), ("afr", 20), ("both", 10), ("none", 35)]
PARTICIPANTS = ["Borger og kontaktperson", "Borger, kontaktperson og mestringsvejleder",
                "Borger, pårørende og kontaktperson", "Borger og sygeplejerske", "Borger, læge og sygeplejerske"]
OUTCOMES = ["Kontrakten fortsætter uændret.", "Kontrakten fortsætter; kriseplanen er opdateret.",
            "Fortsætter med strammere ramme.", "Borgeren bruger huset sjældnere; fortsætter."]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _cpr(birth: datetime.date, serial: int, female: bool) -> str:
    """A valid CPR: the 7th digit fits the century (0–3: 1900–1999, 4: 2000–2036), parity gives the gender."""
    base = (serial * 2 + (0 if female else 1)) % 1000
    seventh = 4 if birth.year >= 2000 else serial % 4
    return f"{birth:%d%m%y}{seventh}{base:03d}"


def seed(*, house: House, stdout) -> None:
    from contracts.demo_outcomes import seed_outcomes

    if Citizen.objects.filter(house=house, imported=True).exists():
        stdout.write("Borgere og kontrakter: findes allerede (uændret).")
        seed_outcomes(house=house, stdout=stdout)
        return
    rng = random.Random(SEED)
    today = datetime.date.today()
    municipal_only = MUNICIPAL_CONTRACTS - BOTH_SECTORS
    regional_only = REGIONAL_CONTRACTS - BOTH_SECTORS
    plan = ["kommune"] * municipal_only + ["region"] * regional_only + ["both"] * BOTH_SECTORS
    rng.shuffle(plan)
    counts = {"kommune": 0, "region": 0, "followups": 0, "consents": 0}
    for serial, kind in enumerate(plan, start=1):
        female = rng.random() < 0.6
        grant = _day_between(rng, OPENED, LAST_GRANT)
        age = rng.choice([rng.randint(18, 29), rng.randint(18, 45), rng.randint(25, 70)])
        birth = _day_between(rng, datetime.date(grant.year - age - 1, grant.month, 1),
                             datetime.date(grant.year - age, grant.month, 1))
        birth = min(birth, datetime.date(grant.year - 18, 1, 1))
        name = f"{rng.choice(FIRST_F if female else FIRST_M)} {rng.choice(LAST)}"
        sectors = ["kommune", "region"] if kind == "both" else [kind]
        citizen = services.citizen_create(
            house=house, sector=sectors[0], name=name, cpr=_cpr(birth, serial, female),
            phone=f"{rng.randint(20, 99)}{rng.randint(100000, 999999)}",
            next_of_kin=rng.choice(["", "", "Mor", "Søster", "Ven"]), imported=True)
        for i, sector in enumerate(sectors):
            granted = grant if i == 0 else min(_day_between(rng, grant, grant + datetime.timedelta(days=300)),
                                               LAST_GRANT)
            _contract_seed(rng=rng, house=house, citizen=citizen, sector=sector, granted=granted, today=today,
                           counts=counts)
        if kind == "both" and rng.random() < 0.5:
            scope = "contract_and_health" if rng.random() < 0.3 else "contract"
            services.consent_give(citizen=citizen, to_sector=rng.choice(["kommune", "region"]), scope=scope,
                                  given_on=min(grant + datetime.timedelta(days=30), today))
            counts["consents"] += 1
        if "region" in sectors and rng.random() < 0.08:
            start = _day_between(rng, grant, min(grant + datetime.timedelta(days=200), today))
            services.home_treatment_start(house=house, citizen=citizen, started_on=start,
                                          ended_on=start + datetime.timedelta(days=rng.randint(30, 120)))
    stdout.write(f"Borgere og kontrakter: {counts['kommune']} kommunale, {counts['region']} regionale, "
                 f"{counts['followups']} opfølgninger, {counts['consents']} samtykker.")
    seed_outcomes(house=house, stdout=stdout)


def _contract_seed(*, rng, house, citizen, sector, granted, today, counts) -> None:
    fields: dict = {"eligibility": {k: rng.random() > 0.03 for k in services.eligibility_clean({})},
                    "crisis_what_helps": rng.choice(["Ro og en kop te", "En gåtur med personalet",
                                                     "At tale med nattevagten", "Musik og mørkt værelse"]),
                    "crisis_warning_signs": rng.choice(["Sover dårligt", "Trækker sig", "Hører stemmer mere",
                                                        "Holder op med at spise"]),
                    "crisis_who_to_call": rng.choice(["Kontaktperson", "Søster", "Mestringsvejleder", "Klinikken"])}
    if sector == "kommune":
        fields.update(referral_source=_pick(rng, MUNICIPAL_REFERRAL), resident_in_municipality=True,
                      municipal_services=_pick(rng, MUNICIPAL_SERVICES))
    else:
        fields.update(referral_source=_pick(rng, REGIONAL_REFERRAL), diagnosis_group=_pick(rng, DIAGNOSES),
                      psychiatric_comorbidity=rng.random() < 0.4,
                      treatment_responsibility=_pick(rng, RESPONSIBILITY))
    if granted >= datetime.date(2020, 10, 1) and rng.random() < 0.15:
        fields["stay_frame_nights"] = rng.choice([1, 2])
    contract = services.contract_create(house=house, citizen=citizen, sector=sector, granted_on=granted,
                                        imported=True, **fields)
    counts[sector] += 1
    # Older contracts have more often ended; open ones are followed up until recently (some fall behind).
    years_old = (datetime.date(2023, 1, 1) - granted).days / 365
    ends = rng.random() < min(0.85, 0.2 + 0.2 * years_old)
    end = _day_between(rng, granted + datetime.timedelta(days=45), granted + datetime.timedelta(days=900)) \
        if ends else None
    if end and end > LAST_GRANT:
        end = _day_between(rng, granted, LAST_GRANT) if rng.random() < 0.5 else None
    horizon = end or today - datetime.timedelta(days=rng.choice([0, 20, 60, 120, 200]))
    due = contract.next_followup_due
    while due and due <= horizon:
        held = min(due + datetime.timedelta(days=rng.randint(-20, 25)), horizon)
        if held < contract.granted_on:
            break
        services.followup_record(contract=contract, held_on=held, participants=rng.choice(PARTICIPANTS),
                                 outcome=rng.choice(OUTCOMES),
                                 eligibility={k: True for k in services.eligibility_clean({})})
        counts["followups"] += 1
        contract.refresh_from_db(fields=["next_followup_due"])
        due = contract.next_followup_due
    if end is None and rng.random() < 0.04:
        services.contract_pause(contract=contract, on=horizon, note="Indlagt")
    if end:
        reason = _pick(rng, END_REASONS)
        services.contract_end(contract=contract, ended_on=end, reason=reason,
                              reason_text=rng.choice(OTHER_TEXTS) if reason == "other" else "")

"""Fixtures for citizens and contracts, built through the contracts services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from contracts import services
from contracts.models import Citizen, Contract

D = datetime.date


def cpr_for(birth: datetime.date, seq: int, female: bool) -> str:
    """A valid CPR number for `birth` (7th digit 0–3 for the 1900s, 4 for 2000–2036); even last digit = woman."""
    serial = (seq * 2 + (0 if female else 1)) % 1000 + (4000 if birth.year >= 2000 else 0)
    return f"{birth:%d%m%y}{serial:04d}"


@dataclass
class World:
    anna: Citizen  # municipal contract
    bo: Citizen  # regional contract with health data
    carl: Citizen  # contracts in both sectors
    stranger: Citizen  # municipal contract in the other house
    anna_k: Contract
    bo_r: Contract
    carl_k: Contract
    carl_r: Contract
    stranger_k: Contract
    cprs: dict[str, str]


@pytest.fixture
def world(house, other_house, users) -> World:
    cprs = {
        "anna": cpr_for(D(1990, 5, 10), 1, True),
        "bo": cpr_for(D(1975, 11, 3), 2, False),
        "carl": cpr_for(D(1962, 1, 28), 3, False),
        "stranger": cpr_for(D(1988, 8, 8), 4, True),
    }
    anna = services.citizen_create(house=house, sector="kommune", name="Anna Andersen", cpr=cprs["anna"],
                                   phone="11223344")
    bo = services.citizen_create(house=house, sector="region", name="Bo Bertelsen", cpr=cprs["bo"])
    carl = services.citizen_create(house=house, sector="kommune", name="Carl Christensen", cpr=cprs["carl"])
    stranger = services.citizen_create(house=other_house, sector="kommune", name="Stine Fremmed",
                                       cpr=cprs["stranger"])
    anna_k = services.contract_create(house=house, citizen=anna, sector="kommune", granted_on=D(2021, 3, 1),
                                      referral_source="selvhenvender", municipal_services="mestringsvejleder",
                                      resident_in_municipality=True)
    bo_r = services.contract_create(house=house, citizen=bo, sector="region", granted_on=D(2021, 6, 15),
                                    referral_source="klinik", diagnosis_group="DF3", psychiatric_comorbidity=True,
                                    treatment_responsibility="clinic")
    carl_k = services.contract_create(house=house, citizen=carl, sector="kommune", granted_on=D(2020, 1, 10),
                                      referral_source="botilbud")
    carl_r = services.contract_create(house=house, citizen=carl, sector="region", granted_on=D(2020, 2, 1),
                                      referral_source="sengeafsnit", diagnosis_group="DF2")
    stranger_k = services.contract_create(house=other_house, citizen=stranger, sector="kommune",
                                          granted_on=D(2021, 1, 1))
    return World(anna, bo, carl, stranger, anna_k, bo_r, carl_k, carl_r, stranger_k, cprs)

"""Fixtures for admissions, the mirror-image table and outcome questionnaires."""

from __future__ import annotations

import datetime

import pytest

from beds.services import stays_import
from contracts.services import admissions_import, citizen_create, contract_create, contract_end
from tests.contracts.conftest import World, cpr_for, world  # noqa: F401 (the fixture is used here too)

D = datetime.date

__all__ = ["D", "World", "cpr_for"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cohort(house):
    """The hand-worked mirror-image example (see tests/outcomes/test_mirror_image.py)."""
    cprs = {n: cpr_for(D(1970 + i, 3, 1 + i), 10 + i, i % 2 == 0) for i, n in enumerate("ABCDEF")}
    people = {n: citizen_create(house=house, sector="region", name=f"Borger {n}", cpr=c) for n, c in cprs.items()}
    grant = {"A": D(2021, 11, 15), "B": D(2021, 10, 1), "C": D(2021, 12, 1), "D": D(2021, 12, 25)}
    for n, day in grant.items():
        contract_create(house=house, citizen=people[n], sector="region", granted_on=day)
    early = contract_create(house=house, citizen=people["E"], sector="region", granted_on=D(2021, 3, 1))
    contract_end(contract=early, ended_on=D(2021, 6, 1), reason="not_needed")
    contract_create(house=house, citizen=people["E"], sector="region", granted_on=D(2021, 11, 1))
    contract_create(house=house, citizen=people["A"], sector="kommune", granted_on=D(2021, 10, 15))
    contract_create(house=house, citizen=people["F"], sector="kommune", granted_on=D(2021, 11, 20))
    admissions = [
        ("A", "2020-11-01T09:00", "2020-11-20T10:00"), ("A", "2020-12-28T22:00", "2021-01-04T10:00"),
        ("A", "2021-11-10T03:00", "2021-11-20T11:00"), ("A", "2022-11-10T12:00", "2022-11-25T12:00"),
        ("B", "2021-02-01", "2021-02-13"), ("B", "2022-03-01T08:00", ""),
        ("D", "2021-06-01", "2021-06-05"), ("E", "2021-11-05", "2021-11-08"),
        ("F", "2022-01-10T16:00", "2022-01-12T09:00"),
    ]
    admissions_import(house=house, rows=[{"cpr": cprs[n], "admitted": a, "discharged": d}
                                         for n, a, d in admissions])
    stays = [
        ("A", "kommune", "K1", "2021-11-01T14:00", "2021-11-03T10:00"),
        ("A", "region", "R1", "2021-11-20T14:00", "2021-11-23T10:00"),
        ("B", "region", "R2", "2022-02-20T14:00", "2022-02-24T10:00"),
        ("C", "region", "R3", "2022-11-29T14:00", "2022-12-03T10:00"),
        ("D", "region", "R4", "2022-01-03T14:00", "2022-01-05T10:00"),
    ]
    stays_import(house=house, rows=[{"cpr": cprs[n], "sector": s, "bed": b, "arrival": a, "departure": d}
                                    for n, s, b, a, d in stays])
    return people

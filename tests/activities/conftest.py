"""Fixtures for the activities tests: citizens and contracts through the contracts services."""

from __future__ import annotations

import datetime
import itertools

import pytest

from activities.services import activity_create
from contracts.services import citizen_create, contract_create

_serial = itertools.count(1)


@pytest.fixture
def make_citizen(db):
    def make(house, sector: str = "kommune", name: str | None = None, contract_on: datetime.date | None = None):
        n = next(_serial)
        citizen = citizen_create(house=house, sector=sector, name=name or f"Borger {n}", cpr=f"010190{n:04d}")
        if contract_on is not None:
            contract_create(house=house, citizen=citizen, sector=sector, granted_on=contract_on)
        return citizen

    return make


@pytest.fixture
def course(house):
    return activity_create(house=house, name="Krop og afspænding", kind="course", offer="body", sector="kommune",
                           seats=2, sessions_planned=12)


@pytest.fixture
def open_activity(house):
    return activity_create(house=house, name="Kreativt værksted", kind="open", offer="creative")

"""Fixtures for beds: citizens with contracts built through the contracts services."""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from beds.models import Bed
from contracts.services import citizen_create, contract_create, home_treatment_start

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")


def cpr_for(birth: datetime.date, seq: int) -> str:
    return f"{birth:%d%m%y}{(seq % 4000):04d}"


def at(day: str, hour: int = 14, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=TZ)


def bed(house, label: str) -> Bed:
    return Bed.objects.get(house=house, label=label)


@pytest.fixture
def people(house):
    """Anna: municipal contract from 2024-01-01 with an individual frame of 2 nights.
    Bo: regional contract from 2024-01-01. Carl: regional home treatment 2024-03-01..2024-03-31, no contract.
    Dorte: municipal contract 2024-01-01 ended 2024-02-10. Erik: both sectors from 2024-01-01."""
    d = datetime.date
    anna = citizen_create(house=house, sector="kommune", name="Anna", cpr=cpr_for(d(1990, 5, 10), 2))
    bo = citizen_create(house=house, sector="region", name="Bo", cpr=cpr_for(d(1985, 1, 1), 3))
    carl = citizen_create(house=house, sector="region", name="Carl", cpr=cpr_for(d(1970, 2, 2), 5))
    dorte = citizen_create(house=house, sector="kommune", name="Dorte", cpr=cpr_for(d(1960, 3, 3), 6))
    erik = citizen_create(house=house, sector="kommune", name="Erik", cpr=cpr_for(d(1975, 4, 4), 7))
    contract_create(house=house, citizen=anna, sector="kommune", granted_on=d(2024, 1, 1), stay_frame_nights=2)
    contract_create(house=house, citizen=bo, sector="region", granted_on=d(2024, 1, 1))
    home_treatment_start(house=house, citizen=carl, started_on=d(2024, 3, 1), ended_on=d(2024, 3, 31))
    dc = contract_create(house=house, citizen=dorte, sector="kommune", granted_on=d(2024, 1, 1))
    contract_create(house=house, citizen=erik, sector="kommune", granted_on=d(2024, 1, 1))
    contract_create(house=house, citizen=erik, sector="region", granted_on=d(2024, 1, 1))
    from contracts.services import contract_end

    contract_end(contract=dc, ended_on=d(2024, 2, 10), reason="not_needed")
    return SimpleNamespace(anna=anna, bo=bo, carl=carl, dorte=dorte, erik=erik)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 makes each of the shared `users` fixture's seven users take about a second to create."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Three houses, three sets of rules: Aarhus (BSK, 3 nights; 5/1 nights until 30.09.2020), Silkeborg
(visitation, 14 days, goals, safety visits/calls) and a one-bed house with at most 1 night a month."""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from contracts.services import citizen_create, contract_create, visitation_decide
from psykiatrihus.models import Role
from psykiatrihus.services import house_policy_set

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")
D = datetime.date
Y2024_START, Y2024_END, Y2020_START = D(2024, 1, 1), D(2024, 12, 31), D(2020, 1, 1)


def at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def cpr_for(birth: datetime.date, seq: int) -> str:
    return f"{birth:%d%m%y}{(1000 + seq):04d}"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def aarhus(house):
    """Aarhus with its recorded history of frames."""
    for sector, nights in (("kommune", 1), ("region", 5)):
        house_policy_set(house=house, sector=sector, valid_from=D(2019, 2, 25), stay_frame_nights=nights)
        house_policy_set(house=house, sector=sector, valid_from=D(2020, 10, 1), stay_frame_nights=3)
    return house


@pytest.fixture
def silkeborg(other_house):
    for sector in ("kommune", "region"):
        house_policy_set(house=other_house, sector=sector, valid_from=D(2012, 1, 1), admits_bsk=False,
                         admits_visitation=True, stay_frame_nights=14, extension_by="visitation",
                         stays_have_goals=True, post_stay_followup="visit_or_call", post_stay_followup_days=3)
    return other_house


@pytest.fixture
def staff(house, other_house, make_member):
    return SimpleNamespace(
        aarhus_kommune=make_member(house, Role.MUNICIPAL_STAFF, "kommune", username="aa-kommune"),
        aarhus_region=make_member(house, Role.REGIONAL_STAFF, "region", username="aa-region"),
        aarhus_leader=make_member(house, Role.LEADER, "", username="aa-leder"),
        sb_kommune=make_member(other_house, Role.MUNICIPAL_STAFF, "kommune", username="sb-kommune"),
        sb_region=make_member(other_house, Role.REGIONAL_STAFF, "region", username="sb-region"),
        sb_leader=make_member(other_house, Role.LEADER, "", username="sb-leder"),
        sb_peer=make_member(other_house, Role.PEER, "", username="sb-peer"),
    )


def visited(house, name: str, seq: int, *, sector: str = "kommune", granted_from=Y2024_START,
            granted_until=Y2024_END, **kwargs):
    birth = D(1980, 1 + seq // 28, 1 + seq % 28)
    citizen = citizen_create(house=house, sector=sector, name=name, cpr=cpr_for(birth, seq))
    decision = visitation_decide(
        house=house, citizen=citizen, sector=sector, decided_on=granted_from, decided_by="Myndighedsrådgiver",
        granted_from=granted_from, granted_until=granted_until, purpose="Ro i en krise",
        goals=kwargs.pop("goals", "Sove om natten\nLægge en plan"), **kwargs,
    )
    return citizen, decision


def with_contract(house, name: str, seq: int, *, sector: str = "kommune", granted_on=Y2020_START):
    birth = D(1970, 2 + seq // 28, 1 + seq % 28)
    citizen = citizen_create(house=house, sector=sector, name=name, cpr=cpr_for(birth, seq))
    contract = contract_create(house=house, citizen=citizen, sector=sector, granted_on=granted_on)
    return citizen, contract

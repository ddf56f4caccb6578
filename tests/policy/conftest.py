"""Fixtures for house rules: Aarhus's history (5/1 nights until 30.09.2020, 3 nights from 01.10.2020)."""

from __future__ import annotations

import datetime

import pytest

from psykiatrihus.services import house_policy_set

FRAME_CHANGE = datetime.date(2020, 10, 1)
OPENED = datetime.date(2019, 2, 25)


@pytest.fixture
def aarhus_history(house):
    """Aarhus's recorded rules: the original frames and the common 3-night frame from October 2020."""
    house_policy_set(house=house, sector="kommune", valid_from=OPENED, stay_frame_nights=1)
    house_policy_set(house=house, sector="region", valid_from=OPENED, stay_frame_nights=5)
    house_policy_set(house=house, sector="kommune", valid_from=FRAME_CHANGE, stay_frame_nights=3)
    house_policy_set(house=house, sector="region", valid_from=FRAME_CHANGE, stay_frame_nights=3)
    return house

"""The dashboard's trends: the mirror image of the last four cohorts whose year after has ended."""

from __future__ import annotations

import pytest

from psykiatrihus.models import House
from reporting.dashboard_selectors import trends_mirror
from tests.outcomes.conftest import D

pytestmark = pytest.mark.django_db


def test_last_four_observable_cohorts(house, cohort):
    """As of 15 Jan 2023 the latest quarter whose every after-window has ended is Q4 2021 (31 Dec 2021 + 365
    days <= 15 Jan 2023). First contracts were granted in Q1 2021 (E) and Q4 2021 (the cohort of
    test_mirror_image.py); a later one (Q1 2022) is not observable yet and quarters without one are skipped."""
    from contracts.services import citizen_create, contract_create
    from tests.outcomes.conftest import cpr_for

    late = citizen_create(house=house, sector="region", name="Sen", cpr=cpr_for(D(1980, 5, 5), 90, True))
    contract_create(house=house, citizen=late, sector="region", granted_on=D(2022, 2, 1))
    House.objects.filter(pk=house.pk).update(small_number_threshold=1)
    house.refresh_from_db()
    mirror = trends_mirror(house=house, today=D(2023, 1, 15))
    assert mirror["cohorts"] == ["2021 K1", "2021 K4"]
    region = mirror["region"]
    assert region["citizens"] == [1, 4]  # E (first contract March 2021); A, B, C, D
    assert region["admissions_before"] == [0, 4] and region["admissions_after"] == [1, 2]
    assert region["bed_days_before"] == [0, 33] and region["bed_days_after"] == [3, 224]  # E: 5 -> 8 Nov 2021
    assert region["house_nights_after"] == [0, 11]
    assert mirror["kommune"]["citizens"] == [0, 2] and mirror["kommune"]["bed_days_before"] == [0, 26]
    assert mirror["kommune"]["house_nights_after"] == [0, 5]


def test_small_cohorts_show_their_size_only(house, cohort):
    mirror = trends_mirror(house=house, today=D(2023, 1, 15))  # threshold 5
    assert mirror["region"]["citizens"] == [1, 4]
    assert mirror["region"]["bed_days_before"] == [None, None]
    assert mirror["region"]["house_nights_after"] == [None, None]


def test_on_the_dashboard_page(house, cohort, client_for, users):
    response = client_for("leder").get("/rapporter/overblik/")
    assert response.status_code == 200
    assert "Spejlbillede: indlæggelser før og efter kontrakten" in response.content.decode()
    body = client_for("styregruppe").get("/api/v1/dashboard/?house=aarhus").json()
    assert set(body["trends"]["mirror"]) == {"cohorts", "kommune", "region"}

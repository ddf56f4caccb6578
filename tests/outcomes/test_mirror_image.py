"""The mirror-image table against a hand-worked example.

Region cohort of Q4 2021 as of 20 Dec 2022 (first regional contract granted 1 Oct..31 Dec 2021):
  A  granted 15 Nov 2021. Before-window 15 Nov 2020..14 Nov 2021, after-window 15 Nov 2021..14 Nov 2022
     (both cross a new year).
     A0 1 Nov 2020 -> 20 Nov 2020: admitted before the window, 5 of its nights inside it (15..19 Nov).
     A1 28 Dec 2020 -> 4 Jan 2021: 7 nights across the new year, before.
     A2 10 Nov 2021 -> 20 Nov 2021: straddles the grant date: an admission before, 5 nights before, 5 after.
     A3 10 Nov 2022 -> 25 Nov 2022: an admission after, 5 nights inside the after-window (10..14 Nov).
     -> admissions 2 / 1, bed-days 17 / 10.
  B  granted 1 Oct 2021. 1 Feb 2021 -> 13 Feb 2021 (12 nights before); 1 Mar 2022, still admitted: runs
     to the window's end (1 Mar..30 Sep 2022 = 214 nights). -> 1 / 1, 12 / 214.
  C  granted 1 Dec 2021, no admissions. -> 0 / 0, 0 / 0.
  D  granted 25 Dec 2021: the after-window ends 24 Dec 2022, after the report date: not yet observable.
  E  first regional contract Mar 2021 (ended), a new one Nov 2021: not in the cohort.
  citizens 3; with an admission before 2 (A, B), after 2 (A, B); admissions 3 / 2; bed-days 29 / 224;
  medians over [0, 12, 17] = 12.0 and [0, 10, 214] = 10.0.
  The house's nights in the after-windows: A 20->23 Nov 2021 (3), B 20->24 Feb 2022 (4), C 29 Nov->3 Dec
  2022 (2 of 4: the window ends 30 Nov), A's stay before its grant date does not count: 9.

Municipal cohort of Q4 2021: A (municipal contract 15 Oct 2021; windows 15 Oct 2020..14 Oct 2021 and
15 Oct 2021..14 Oct 2022) and F (20 Nov 2021).
  A: before A0 (19 nights, all inside) and A1 (7) = 2 admissions, 26 bed-days; after A2 (10 nights) = 1, 10.
  F: 10 Jan 2022 -> 12 Jan 2022 after (1, 2).
  citizens 2; with before 1, with after 2; admissions 2 / 2; bed-days 26 / 12; medians 13.0 / 6.0.
  The house's nights: A's stays 1->3 Nov 2021 (2) and 20->23 Nov 2021 (3) = 5.
"""

from __future__ import annotations

import pytest

from beds.aggregates import stay_nights_in_windows
from beds.services import stays_import
from contracts.aggregates import MIRROR_KEYS, admissions_mirror, mirror_cohort_after_windows
from contracts.services import admissions_import, citizen_create, contract_create, contract_end
from tests.outcomes.conftest import D, cpr_for

pytestmark = pytest.mark.django_db

TODAY = D(2022, 12, 20)
Q4 = {"start": D(2021, 10, 1), "end": D(2021, 12, 31), "today": TODAY}


@pytest.fixture
def cohort(house):
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


def test_region_cohort(house, cohort):
    assert admissions_mirror(house=house, sector="region", **Q4) == {
        "citizens": 3, "with_admission_before": 2, "with_admission_after": 2,
        "admissions_before": 3, "admissions_after": 2, "bed_days_before": 29, "bed_days_after": 224,
        "median_bed_days_before": 12.0, "median_bed_days_after": 10.0, "not_yet_observable": 1,
    }
    windows = mirror_cohort_after_windows(house=house, sector="region", **Q4)
    assert sorted((cid, since, until) for cid, since, until in windows) == sorted([
        (cohort["A"].pk, D(2021, 11, 15), D(2022, 11, 15)), (cohort["B"].pk, D(2021, 10, 1), D(2022, 10, 1)),
        (cohort["C"].pk, D(2021, 12, 1), D(2022, 12, 1))])
    assert stay_nights_in_windows(house=house, windows=windows) == 9


def test_municipal_cohort(house, cohort):
    assert admissions_mirror(house=house, sector="kommune", **Q4) == {
        "citizens": 2, "with_admission_before": 1, "with_admission_after": 2,
        "admissions_before": 2, "admissions_after": 2, "bed_days_before": 26, "bed_days_after": 12,
        "median_bed_days_before": 13.0, "median_bed_days_after": 6.0, "not_yet_observable": 0,
    }
    windows = mirror_cohort_after_windows(house=house, sector="kommune", **Q4)
    assert stay_nights_in_windows(house=house, windows=windows) == 5


def test_once_observable_d_joins(house, cohort):
    """A year later D's after-window has ended: D (4 nights before, none after) joins every figure."""
    figures = admissions_mirror(house=house, sector="region", start=Q4["start"], end=Q4["end"],
                                today=D(2022, 12, 25))
    assert (figures["citizens"], figures["admissions_before"], figures["bed_days_before"],
            figures["median_bed_days_before"], figures["median_bed_days_after"],
            figures["not_yet_observable"]) == (4, 4, 33, 8.0, 5.0, 0)


def test_empty_cohort_and_other_house(house, other_house, cohort):
    empty = admissions_mirror(house=house, sector="region", start=D(2019, 1, 1), end=D(2019, 3, 31), today=TODAY)
    assert empty == dict.fromkeys(MIRROR_KEYS, 0) | {"median_bed_days_before": 0.0, "median_bed_days_after": 0.0}
    assert admissions_mirror(house=other_house, sector="region", **Q4)["citizens"] == 0
    assert stay_nights_in_windows(house=house, windows=[]) == 0

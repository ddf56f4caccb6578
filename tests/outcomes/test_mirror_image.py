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
from contracts.aggregates import MIRROR_KEYS, admissions_mirror, mirror_cohort_after_windows
from tests.outcomes.conftest import D

pytestmark = pytest.mark.django_db

TODAY = D(2022, 12, 20)
Q4 = {"start": D(2021, 10, 1), "end": D(2021, 12, 31), "today": TODAY}


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

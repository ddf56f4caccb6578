"""tables.outcomes against hand-worked data.

WHO-5, region, period 2022 (both directions count at a change of 10):
  Bo    2021-07-01 20 -> 2022-03-01 40 -> 2022-09-01 72 : first 20, latest 72: improved
  Carl  2022-02-01 60 -> 2022-06-01 52                 : -8, neither
  Anna  (kommune) 2022-01-10 80 -> 2022-05-10 60       : worsened
  A response in 2023 is after the period: Bo's latest stays 72.
  A citizen with one score only (Carl's GAD-7) does not count.
  region who5: citizens 2, mean first (20 + 60) / 2 = 40.0, mean latest (72 + 52) / 2 = 62.0, improved 1, worsened 0.
  kommune who5: 1, 80.0, 60.0, 0, 1.
GAD-7, region: Bo 2021-08-01 15 -> 2022-04-01 7 (lower is better, change 4): improved.
ORS at stay start, region 2022: stays with ORS 12 and 30 (one without): 2 stays, mean 21.0.
"""

from __future__ import annotations

import pytest

from beds.services import stays_import
from contracts.questionnaire_services import house_instrument_choose, questionnaire_response_record
from reporting.selectors import report_data
from reporting.tables import period_for
from tests.outcomes.conftest import D

pytestmark = pytest.mark.django_db


def record(world, users, name, sector, code, day, answers):
    questionnaire_response_record(house=world.bo.house, citizen=getattr(world, name), instrument_code=code,
                                  moment="followup" if code == "who5" else "stay_end", answers=answers,
                                  sector=sector, answered_on=day, user=users[sector])


@pytest.fixture
def scored(world, users):
    house = world.bo.house
    house_instrument_choose(house=house, code="who5", moments=["followup"])
    house_instrument_choose(house=house, code="gad7", moments=["stay_end"])
    for name, sector, code, day, answers in [
        ("bo", "region", "who5", D(2021, 7, 1), [1] * 5), ("bo", "region", "who5", D(2022, 3, 1), [2] * 5),
        ("bo", "region", "who5", D(2022, 9, 1), [4, 4, 4, 3, 3]), ("bo", "region", "who5", D(2023, 2, 1), [0] * 5),
        ("carl", "region", "who5", D(2022, 2, 1), [3] * 5), ("carl", "region", "who5", D(2022, 6, 1), [3, 3, 3, 2, 2]),
        ("anna", "kommune", "who5", D(2022, 1, 10), [4] * 5), ("anna", "kommune", "who5", D(2022, 5, 10), [3] * 5),
        ("bo", "region", "gad7", D(2021, 8, 1), [3, 2, 2, 2, 2, 2, 2]),
        ("bo", "region", "gad7", D(2022, 4, 1), [1] * 7),
        ("carl", "region", "gad7", D(2022, 4, 1), [3] * 7),
    ]:
        record(world, users, name, sector, code, day, answers)
    from beds.models import Stay

    stays_import(house=house, rows=[
        {"cpr": world.cprs["bo"], "sector": "region", "bed": "R1", "arrival": "2022-02-01T14:00",
         "departure": "2022-02-03T10:00"},
        {"cpr": world.cprs["carl"], "sector": "region", "bed": "R2", "arrival": "2022-05-01T14:00",
         "departure": "2022-05-02T10:00"},
        {"cpr": world.cprs["bo"], "sector": "region", "bed": "R1", "arrival": "2022-07-01T14:00",
         "departure": "2022-07-03T10:00"},
    ])
    # ORS is recorded at check-in on live stays; imported history gets it here.
    for stay, ors in zip(Stay.objects.order_by("arrival"), [12, 30, None], strict=True):
        Stay.objects.filter(pk=stay.pk).update(ors_score=ors)
    return world


def test_outcomes_table(house, scored):
    outcomes = report_data(house=house, period=period_for(year=2022), suppress_below=0)["tables"]["outcomes"]
    assert outcomes["region"]["who5"] == {"citizens_two_scores": 2, "mean_first": 40.0, "mean_latest": 62.0,
                                          "improved": 1, "worsened": 0}
    assert outcomes["kommune"]["who5"] == {"citizens_two_scores": 1, "mean_first": 80.0, "mean_latest": 60.0,
                                           "improved": 0, "worsened": 1}
    assert outcomes["region"]["gad7"] == {"citizens_two_scores": 1, "mean_first": 15.0, "mean_latest": 7.0,
                                          "improved": 1, "worsened": 0}
    assert outcomes["region"]["ors_at_stay_start"] == {"stays_with_ors": 2, "mean_ors": 21.0}
    assert outcomes["kommune"]["ors_at_stay_start"] == {"stays_with_ors": 0, "mean_ors": None}


def test_a_period_without_a_response_counts_nobody(house, scored):
    outcomes = report_data(house=house, period=period_for(year=2021), suppress_below=0)["tables"]["outcomes"]
    assert outcomes["region"]["who5"]["citizens_two_scores"] == 0  # Bo's second score is in 2022
    assert outcomes["region"]["who5"]["mean_first"] is None


def test_outcomes_in_the_pdf(house, scored, tmp_path):
    import os
    import shutil
    import subprocess

    from django.core.management import call_command

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    pdf = tmp_path / "r.pdf"
    call_command("evaluation_report", house="aarhus", year=2022, format="pdf", output=str(pdf), suppress_below=0)
    if os.environ.get("OUTCOMES_PDF"):
        shutil.copy(pdf, os.environ["OUTCOMES_PDF"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Spørgeskemaer: borgernes egen vurdering" in text and "WHO-5 Trivselsindeks" in text
    assert "ORS ved opholdets start" in text


def test_small_groups_hide_their_means(house, scored):
    outcomes = report_data(house=house, period=period_for(year=2022), suppress_below=5)["tables"]["outcomes"]
    who5 = outcomes["region"]["who5"]
    assert who5["citizens_two_scores"] == "<5" and who5["mean_first"] is None and who5["mean_latest"] is None
    assert outcomes["region"]["ors_at_stay_start"]["mean_ors"] is None

"""The mirror-image table in the report: JSON keys, suppression, XLSX and PDF read back."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from contracts.aggregates import MIRROR_KEYS
from reporting.selectors import report_data
from reporting.tables import period_for

pytestmark = pytest.mark.django_db

# The hand-worked example of test_mirror_image.py, built today (2026 or later): D is observable too.
REGION = {"citizens": 4, "with_admission_before": 3, "with_admission_after": 2, "admissions_before": 4,
          "admissions_after": 2, "bed_days_before": 33, "bed_days_after": 224, "median_bed_days_before": 8.0,
          "median_bed_days_after": 5.0, "not_yet_observable": 0}
KOMMUNE = {"citizens": 2, "with_admission_before": 1, "with_admission_after": 2, "admissions_before": 2,
           "admissions_after": 2, "bed_days_before": 26, "bed_days_after": 12, "median_bed_days_before": 13.0,
           "median_bed_days_after": 6.0, "not_yet_observable": 0}


def test_json_raw(house, cohort):
    data = report_data(house=house, period=period_for(year=2021, quarter=4), suppress_below=0)
    mirror = data["tables"]["admissions_mirror"]
    assert tuple(mirror["region"]) == MIRROR_KEYS and tuple(mirror["kommune"]) == MIRROR_KEYS
    assert mirror == {"region": REGION, "kommune": KOMMUNE}
    # A (3) + B (4) + C (2 of 4) + D (2); A's two stays in the municipal after-window (2 + 3).
    assert data["tables"]["admissions_mirror_house_nights"] == {"region": {"house_nights_after": 11},
                                                               "kommune": {"house_nights_after": 5}}


def test_json_suppressed(house, cohort):
    data = report_data(house=house, period=period_for(year=2021, quarter=4), suppress_below=5)
    region = data["tables"]["admissions_mirror"]["region"]
    assert region["citizens"] == "<5" and region["admissions_before"] == "<5"
    assert region["bed_days_before"] == 33 and region["bed_days_after"] == 224
    # A median of fewer than five citizens would be one person's figure: hidden with the cohort size.
    assert region["median_bed_days_before"] is None and region["median_bed_days_after"] is None


def test_not_yet_observable_in_the_report(house, cohort):
    """A cohort granted this quarter: nobody's year after has ended, so only `not_yet_observable` counts."""
    import datetime

    from django.utils import timezone

    from contracts.services import citizen_create, contract_create
    from tests.outcomes.conftest import cpr_for

    today = timezone.localdate()
    citizen = citizen_create(house=house, sector="region", name="Ny", cpr=cpr_for(datetime.date(1980, 1, 2), 77, True))
    contract_create(house=house, citizen=citizen, sector="region", granted_on=today)
    quarter = (today.month - 1) // 3 + 1
    data = report_data(house=house, period=period_for(year=today.year, quarter=quarter), suppress_below=0)
    region = data["tables"]["admissions_mirror"]["region"]
    assert region == dict.fromkeys(MIRROR_KEYS, 0) | {"median_bed_days_before": 0.0, "median_bed_days_after": 0.0,
                                                      "not_yet_observable": 1}


def test_xlsx_and_pdf(house, cohort, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command("evaluation_report", house="aarhus", year=2021, quarter=4, format="xlsx", output=str(out),
                 suppress_below=0)
    sheet = load_workbook(out)["Spejlbillede"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in sheet.iter_rows(min_row=5) if r[0].value}
    assert rows["Sengedage før"][0::2][:2] == [26, 33]  # kommune, region (this period)
    assert rows["Indlagte borgere efter"][0::2][:2] == [2, 2]
    json_out = tmp_path / "r.json"
    call_command("evaluation_report", house="aarhus", year=2021, quarter=4, format="json", output=str(json_out),
                 suppress_below=0)
    assert json.loads(json_out.read_text())["tables"]["admissions_mirror"]["region"] == REGION
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    pdf = tmp_path / "r.pdf"
    call_command("evaluation_report", house="aarhus", year=2021, quarter=4, format="pdf", output=str(pdf),
                 suppress_below=0)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    import os
    if os.environ.get("OUTCOMES_PDF"):
        shutil.copy(pdf, os.environ["OUTCOMES_PDF"])
    assert "Psykiatriske indlæggelser før og efter kontrakten" in text
    assert "Sengedage efter" in text and "Median sengedage" in text and "Nætter i huset" in text

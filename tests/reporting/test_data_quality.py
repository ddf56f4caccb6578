"""Data quality (tables.data_quality) on the hand-made house of conftest.py, 2021:

- regional holders in 2021: A (clinic), C (house), D (treatment responsibility recorded as unknown) → unknown
  1 of 3 (33.3 %); diagnoses DF3, DF2, DF4 → unknown 0 of 3.
- municipal holders: A (mestringsvejleder), B (none) → municipal services unknown 0 of 2; referral sources
  known for everyone.
- stays: kommune 5 and region 2 in 2021, none booked from a recorded request → 5 of 5 and 2 of 2 (100 %).
- no activity counts at all: Åben Dialog and the peer hours miss all 12 months.
"""

from __future__ import annotations

import pytest

from reporting.disclosure import report_model
from reporting.report_layout import data_quality_warnings
from reporting.selectors import period_for, report_figures, report_tables

Y2021 = period_for(year=2021)


@pytest.mark.django_db
def test_unknown_shares_and_stays_without_a_request(dataset):
    quality = report_tables(house=dataset.house, period=Y2021)["data_quality"]
    region, kommune = quality["region"], quality["kommune"]
    assert region["unknown"]["treatment_responsibility"] == {"unknown": 1, "of": 3, "percent": 33.3}
    assert region["unknown"]["diagnoses"] == {"unknown": 0, "of": 3, "percent": 0.0}
    assert kommune["unknown"]["municipal_services"] == {"unknown": 0, "of": 2, "percent": 0.0}
    assert kommune["unknown"]["referral_sources"]["unknown"] == 0
    assert kommune["stays_without_request"] == {"stays": 5, "without_request": 5, "percent": 100.0}
    assert region["stays_without_request"] == {"stays": 2, "without_request": 2, "percent": 100.0}
    missing = quality["house"]["months_without_counts"]
    assert missing["open_dialogue"] == {"months": 12, "reported": 0, "missing": 12}
    assert missing["peer_hours"] == {"months": 12, "reported": 0, "missing": 12}


@pytest.mark.django_db
def test_the_figures_are_those_of_their_own_tables_and_hidden_with_them(dataset):
    raw = report_tables(house=dataset.house, period=Y2021)
    pub, derived = report_model(raw, start="2021-01-01", end="2021-12-31")
    same = {(r.total, r.parts) for r in pub.relations if len(r.parts) == 1}
    assert (("data_quality", "region", "unknown", "treatment_responsibility", "unknown"),
            (("treatment_responsibility", "region", "counts", "unknown"),)) in same
    # a share is derived from its two counts, never a cell of its own
    assert derived[("data_quality", "region", "unknown", "treatment_responsibility", "percent")] == (
        ("data_quality", "region", "unknown", "treatment_responsibility", "unknown"),
        ("data_quality", "region", "unknown", "treatment_responsibility", "of"))
    shown = report_figures(house=dataset.house, period=Y2021).data["tables"]
    entry = shown["data_quality"]["region"]["unknown"]["treatment_responsibility"]
    # 1 of 3: both small; the share (33.3 %) would give the count back from a printed total, so it is hidden too
    assert entry["unknown"] == "<5" and entry["percent"] is None
    assert shown["treatment_responsibility"]["region"]["counts"]["unknown"] == "<5"
    assert data_quality_warnings("treatment_responsibility", shown["data_quality"]) == []


def test_warnings_are_short_danish_and_only_from_printed_figures():
    quality = {"region": {"unknown": {"diagnoses": {"unknown": 70, "of": 202, "percent": 34.7},
                                      "treatment_responsibility": {"unknown": 9, "of": 202, "percent": 4.5}},
                          "stays_without_request": {"stays": 681, "without_request": 681, "percent": 100.0}},
               "kommune": {"stays_without_request": {"stays": 40, "without_request": None, "percent": None}},
               "house": {"months_without_counts": {"open_dialogue": {"months": 12, "reported": 10, "missing": 2}}}}
    assert data_quality_warnings("diagnoses", quality) == ["Region: Diagnose ukendt for 70 af 202 (35 %)"]
    assert data_quality_warnings("treatment_responsibility", quality) == []  # under 10 %: no word
    [requests] = data_quality_warnings("requests", quality)  # the kommune's count is hidden: no warning
    assert requests.startswith("Region: 681 af 681 ophold (100 %) er booket uden en registreret henvendelse")
    assert data_quality_warnings("open_dialogue", quality) == [
        "Intet indberettet for 2 af 12 måneder; tallene er for lave."]


def test_data_quality_is_no_section_to_comment_on():
    import json

    from reporting.models import ReportRun
    from reporting.services import report_sections

    tables = {"key_figures": {}, "compliance": {"kommune": {}}, "stays": {"kommune": {}},
              "data_quality": {"kommune": {}}}
    run = ReportRun(figures=json.dumps({"data": {"tables": tables}}))
    assert report_sections(run=run) == ["summary", "key_figures", "rules", "compliance", "stays"]

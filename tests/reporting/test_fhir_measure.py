"""FHIR MeasureReport: an approved report's key figures, for those who may see the approved report; a draft
answers like a report that does not exist; suppressed figures carry no score."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.measurereport import MeasureReport
from rest_framework.authtoken.models import Token

from reporting.fhir import _group
from reporting.selectors import period_for
from reporting.services import report_run_approve, report_run_build, report_run_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, house):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    house.small_number_threshold = 2
    house.save(update_fields=["small_number_threshold"])


def get(client, user, path):
    token, _ = Token.objects.get_or_create(user=user)
    return client.get(path, HTTP_AUTHORIZATION=f"Token {token.key}")


def test_only_approved_reports_and_their_figures(client, dataset, users):
    run = report_run_request(house=dataset.house, period=period_for(year=2021, quarter=None), formats=["json"],
                             user=users["leder"], enqueue=False)
    run = report_run_build(run_id=run.pk)
    steering = users["styregruppe"]
    draft = get(client, steering, f"/fhir/R4/MeasureReport/{run.pk}")
    missing = get(client, steering, "/fhir/R4/MeasureReport/99999999")
    assert draft.status_code == missing.status_code == 404 and draft.content == missing.content
    assert Bundle.model_validate(get(client, steering, "/fhir/R4/MeasureReport").json()).total == 0

    run = report_run_approve(run=run, user=users["leder"], comments={})
    bundle = Bundle.model_validate(get(client, steering, "/fhir/R4/MeasureReport").json())
    assert bundle.total == 1
    report = MeasureReport.model_validate(get(client, steering, f"/fhir/R4/MeasureReport/{run.pk}").json())
    assert report.status == "complete" and report.type == "summary"
    assert str(report.period.start) == "2021-01-01" and str(report.period.end) == "2021-12-31"
    scores = {g.code.coding[0].code: (g.measureScore.value if g.measureScore else g.code.text) for g in report.group}
    tables = run.figures_data["data"]["tables"]
    source = tables.get("key_figures") or tables["stays"]
    for sector, figures in source.items():
        for name in ("stays", "nights"):
            value = figures.get(name)
            value = value.get("value") if isinstance(value, dict) else value
            if isinstance(value, (int, float)):
                assert scores[f"{sector}.{name}"] == value
            elif value is not None:
                assert str(value) in scores[f"{sector}.{name}"]
    # Staff and peers see no reports at all.
    for role in ("kommune", "peer"):
        assert Bundle.model_validate(get(client, users[role], "/fhir/R4/MeasureReport").json()).total == 0


def test_a_suppressed_figure_has_no_score():
    assert _group("kommune", "stays", "<2") == {"code": {
        "coding": [{"system": "urn:psykiatrihus:key-figure", "code": "kommune.stays"}],
        "text": "stays (Kommune): <2"}}
    assert _group("region", "nights", 12)["measureScore"] == {"value": 12}

"""The demo house gets a history of admissions and questionnaire responses, so the tables are not empty."""

from __future__ import annotations

import io

from django.utils import timezone

from contracts import demo
from contracts.aggregates import admissions_mirror
from contracts.models import Admission, QuestionnaireResponse
from psykiatrihus.models import House


def test_demo_history(demo_db):
    house = House.objects.get(slug="aarhus")
    assert Admission.objects.filter(house=house).count() > 100
    assert QuestionnaireResponse.objects.filter(house=house, instrument__code="who5").count() > 100
    figures = admissions_mirror(house=house, sector="region", start=timezone.datetime(2020, 1, 1).date(),
                                end=timezone.datetime(2020, 12, 31).date(), today=timezone.localdate())
    assert figures["citizens"] > 20
    assert figures["admissions_before"] > figures["admissions_after"] > 0
    assert figures["bed_days_before"] > figures["bed_days_after"]
    before = (Admission.objects.count(), QuestionnaireResponse.objects.count())
    out = io.StringIO()
    demo.seed(house=house, stdout=out)  # idempotent
    assert (Admission.objects.count(), QuestionnaireResponse.objects.count()) == before
    assert "findes allerede" in out.getvalue()

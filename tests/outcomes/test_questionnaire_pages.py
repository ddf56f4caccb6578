"""Recording a questionnaire on the citizen page and the citizen's trend there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contracts.models import QuestionnaireResponse
from contracts.questionnaire_services import house_instrument_choose
from contracts.services import consent_give
from tests.outcomes.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def chosen(world):
    house_instrument_choose(house=world.bo.house, code="who5", moments=["contract_start", "followup"])
    return world


def form_url(citizen, code="who5"):
    return reverse("contracts:questionnaire_record", args=[citizen.pk, code])


def answers(values, **extra):
    return {"moment": "followup", "answered_on": "2022-02-01", **{f"item_{i + 1}": v for i, v in enumerate(values)},
            **extra}


def test_record_and_see_the_trend(chosen, client_for):
    client = client_for("region")
    page = client.get(form_url(chosen.bo))
    assert page.status_code == 200 and "I de sidste to uger har jeg været glad" in page.content.decode()
    response = client.post(form_url(chosen.bo), answers([1, 1, 1, 1, 1], answered_on="2021-08-01"))
    assert response.status_code == 302
    client.post(form_url(chosen.bo), answers([3, 3, 3, 2, 2]))
    assert list(QuestionnaireResponse.objects.order_by("answered_on").values_list("score", "sector")) == [
        (20, "region"), (52, "region")]
    html = client.get(reverse("contracts:citizen_detail", args=[chosen.bo.pk])).content.decode()
    assert "WHO-5 Trivselsindeks" in html and "fra 20 til 52" in html and "bedre" in html
    assert html.count("<rect ") == 2


def test_missing_answer_is_named_beside_the_item(chosen, client_for):
    response = client_for("region").post(form_url(chosen.bo), answers([1, 1, 1, 1]))
    assert response.status_code == 200 and "Vælg et svar." in response.content.decode()
    assert QuestionnaireResponse.objects.count() == 0


def test_wall(chosen, client_for, users):
    # Not visible: 404 like a missing citizen; an instrument the house does not use: 404.
    assert client_for("kommune").get(form_url(chosen.bo)).status_code == 404
    missing = reverse("contracts:questionnaire_record", args=[999_999, "who5"])
    assert client_for("kommune").get(missing).status_code == 404
    assert client_for("region").get(form_url(chosen.bo, "gad7")).status_code == 404
    assert client_for("peer").get(form_url(chosen.bo)).status_code == 403
    # Across the wall by consent: the trend may be read, but nothing recorded.
    client_for("region").post(form_url(chosen.bo), answers([2] * 5))
    consent_give(citizen=chosen.bo, to_sector="kommune", given_on=D(2022, 3, 1), user=users["region"])
    assert client_for("kommune").get(form_url(chosen.bo)).status_code == 403
    html = client_for("kommune").get(reverse("contracts:citizen_detail", args=[chosen.bo.pk])).content.decode()
    assert "WHO-5 Trivselsindeks" in html and "Registrér WHO-5" not in html

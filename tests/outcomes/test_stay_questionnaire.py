"""A questionnaire at a stay's end, from the stay panel: the response is the citizen's (contracts), the link
to the stay is the beds app's; only staff of the stay's sector record it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from beds.models import Stay, StayResponse
from beds.services import stays_import
from contracts.models import QuestionnaireResponse
from contracts.questionnaire_services import house_instrument_choose

pytestmark = pytest.mark.django_db


@pytest.fixture
def stay(world):
    house = world.bo.house
    house_instrument_choose(house=house, code="gad7", moments=["stay_start", "stay_end"])
    house_instrument_choose(house=house, code="who5", moments=["followup"])
    stays_import(house=house, rows=[{"cpr": world.cprs["bo"], "sector": "region", "bed": "R1",
                                     "arrival": "2022-02-01T14:00", "departure": "2022-02-03T10:00"}])
    return Stay.objects.get()


def url(stay, code="gad7"):
    return reverse("beds:stay_questionnaire", args=[stay.pk, code])


def test_record_at_stay_end(stay, client_for):
    client = client_for("region")
    panel = client.get(reverse("beds:stay", args=[stay.pk])).content.decode()
    assert url(stay) in panel and url(stay, "who5") not in panel  # WHO-5 is not used at stays here
    page = client.get(url(stay)).content.decode()
    assert "Været let irriteret eller irritabel" in page and 'name="answered_on"' not in page
    body = {"moment": "stay_end", **{f"item_{i}": "1" for i in range(1, 8)}}
    assert client.post(url(stay), body).status_code == 302
    response = QuestionnaireResponse.objects.get()
    assert (response.score, response.sector, response.moment, response.contract_id) == (7, "region", "stay_end",
                                                                                       stay.contract_id)
    assert StayResponse.objects.get().stay == stay and response.stay_link.stay_id == stay.pk


def test_other_sector_and_unused_instrument(stay, client_for):
    assert client_for("kommune").get(url(stay)).status_code == 404  # the stay is not theirs to see
    assert client_for("region").get(url(stay, "who5")).status_code == 404
    missing = reverse("beds:stay_questionnaire", args=[999_999, "gad7"])
    assert client_for("region").get(missing).status_code == 404
    assert client_for("region").post(url(stay), {"moment": "followup"}).status_code == 200  # not a stay moment
    assert QuestionnaireResponse.objects.count() == 0

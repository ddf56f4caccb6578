"""Outcome questionnaires through the API: instruments as data, WHO-5 scoring, 400s naming the item, the
sector wall (a response or citizen the user may not see answers like one that does not exist)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from contracts.models import Instrument, QuestionnaireResponse
from contracts.questionnaire_selectors import citizen_trends
from contracts.questionnaire_services import house_instrument_choose, questionnaire_response_record
from psykiatrihus.models import AuditEvent
from psykiatrihus.scoping import access_for
from tests.outcomes.conftest import D

pytestmark = pytest.mark.django_db
ALL_MOMENTS = ["contract_start", "followup", "stay_start", "stay_end"]
URL = "/api/v1/questionnaire-responses/"


@pytest.fixture
def chosen(world):
    house = world.bo.house
    house_instrument_choose(house=house, code="who5", moments=ALL_MOMENTS)
    house_instrument_choose(house=house, code="gad7", moments=["stay_start", "stay_end"])
    return world


def post(client, **body):
    return client.post(URL, {"house": "aarhus", "instrument": "who5", "moment": "followup", **body},
                       content_type="application/json")


def test_shipped_instruments_are_data():
    who5 = Instrument.objects.get(code="who5")
    assert (len(who5.items), who5.values, who5.multiplier, who5.score_min, who5.score_max,
            who5.meaningful_change, who5.higher_is_better) == (5, [0, 1, 2, 3, 4, 5], 4, 0, 100, 10, True)
    assert "frit" in who5.licence_note
    assert Instrument.objects.get(code="gad7").higher_is_better is False


def test_list_instruments_of_the_house(chosen, client_for):
    response = client_for("peer").get("/api/v1/questionnaires/?house=aarhus")
    assert response.status_code == 200
    by_code = {i["code"]: i for i in response.json()}
    assert set(by_code) == {"who5", "gad7"}
    assert by_code["who5"]["moments"] == ALL_MOMENTS and len(by_code["who5"]["items"]) == 5
    assert by_code["who5"]["scale"][0] == {"value": 5, "label": "Hele tiden"}
    assert client_for("outsider").get("/api/v1/questionnaires/?house=aarhus").status_code == 404


def test_who5_scored_raw_sum_times_four(chosen, client_for):
    response = post(client_for("region"), citizen=chosen.bo.pk, answers=[5, 4, 3, 2, 1], answered_on="2022-03-01")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["sector"], body["contract"], body["answers"]) == (60, "region", chosen.bo_r.pk,
                                                                                  [5, 4, 3, 2, 1])
    assert post(client_for("region"), citizen=chosen.bo.pk, answers=[0] * 5).json()["score"] == 0
    assert post(client_for("region"), citizen=chosen.bo.pk, answers=[5] * 5).json()["score"] == 100
    assert AuditEvent.objects.filter(object_type="contracts.questionnaireresponse", action="create").count() == 3


@pytest.mark.parametrize("answers, words", [
    ([5, 4, 3, 2], "har 5 spørgsmål; der er 4 svar"),
    ([5, 4, 3, 2, 1, 0], "der er 6 svar"),
    ([5, 4, 6, 2, 1], "Spørgsmål 3"),
    ([5, -1, 3, 2, 1], "Spørgsmål 2"),
    ([5, 4, 3, 2, 1.5], "Spørgsmål 5"),
    (["5", 4, 3, 2, 1], "Spørgsmål 1"),
    ([True, 4, 3, 2, 1], "Spørgsmål 1"),
    ({"1": 5}, "liste"),
])
def test_bad_answers_are_400_naming_the_item(chosen, client_for, answers, words):
    response = post(client_for("region"), citizen=chosen.bo.pk, answers=answers)
    assert response.status_code == 400
    assert words in " ".join(response.json()["answers"])
    assert QuestionnaireResponse.objects.count() == 0


def test_moment_and_instrument_the_house_does_not_use(chosen, client_for):
    client = client_for("region")
    response = post(client, citizen=chosen.bo.pk, instrument="gad7", moment="followup", answers=[0] * 7)
    assert response.status_code == 400 and "tidspunkt" in response.json()["moment"][0]
    response = post(client, citizen=chosen.bo.pk, instrument="phq9", answers=[0] * 9)
    assert response.status_code == 400 and "instrument" in response.json()
    response = post(client, citizen=chosen.bo.pk, answers=[1] * 5, answered_on="2999-01-01")
    assert response.status_code == 400


def test_unseen_and_missing_citizens_answer_alike(chosen, client_for):
    client = client_for("kommune")
    unseen = post(client, citizen=chosen.bo.pk, answers=[1] * 5)  # regional citizen
    other_house = post(client, citizen=chosen.stranger.pk, answers=[1] * 5)
    missing = post(client, citizen=999_999, answers=[1] * 5)
    assert unseen.status_code == other_house.status_code == missing.status_code == 400
    assert unseen.json() == other_house.json() == missing.json() == {"citizen": ["Borgeren findes ikke."]}


def test_reads_behind_the_wall(chosen, client_for, users):
    region = questionnaire_response_record(house=chosen.bo.house, citizen=chosen.carl, instrument_code="who5",
                                           moment="followup", answers=[3] * 5, sector="region",
                                           user=users["region"])
    kommune = questionnaire_response_record(house=chosen.bo.house, citizen=chosen.carl, instrument_code="who5",
                                            moment="followup", answers=[2] * 5, sector="kommune",
                                            user=users["kommune"])
    ids = {r["id"] for r in client_for("kommune").get(URL + "?house=aarhus").json()["results"]}
    assert ids == {kommune.pk}
    assert {r["id"] for r in client_for("leder").get(URL + f"?citizen={chosen.carl.pk}").json()["results"]} == {
        region.pk, kommune.pk}
    unseen = client_for("kommune").get(f"{URL}{region.pk}/")
    missing = client_for("kommune").get(f"{URL}999999/")
    junk = client_for("kommune").get(f"{URL}abc/")
    dotted = client_for("kommune").get(f"{URL}Huset%20findes%20ikke./")
    assert unseen.status_code == missing.status_code == junk.status_code == dotted.status_code == 404
    assert unseen.json() == missing.json() == dotted.json()
    # An invalid token is refused before any id is looked at, a dotted one too.
    anonymous = APIClient()
    anonymous.credentials(HTTP_AUTHORIZATION="Token ugyldig")
    assert anonymous.get(f"{URL}Huset%20findes%20ikke./").status_code in (401, 403)
    assert anonymous.get(f"{URL}{region.pk}/").status_code in (401, 403)
    assert client_for("region").get(f"{URL}{region.pk}/").json()["score"] == 60
    for role in ("peer", "styregruppe", "admin"):
        assert client_for(role).get(URL + "?house=aarhus").status_code == 403
        assert post(client_for(role), citizen=chosen.carl.pk, answers=[1] * 5).status_code == 403


def test_leader_of_both_names_the_sector(chosen, client_for):
    response = post(client_for("leder"), citizen=chosen.carl.pk, answers=[1] * 5)
    assert response.status_code == 400 and "sector" in response.json()
    assert post(client_for("leder"), citizen=chosen.carl.pk, answers=[1] * 5, sector="kommune").status_code == 201


def test_trend_and_direction(chosen, users):
    house = chosen.bo.house
    for day, answers in [(D(2021, 7, 1), [1] * 5), (D(2021, 9, 1), [2] * 5), (D(2022, 1, 1), [3] * 5)]:
        questionnaire_response_record(house=house, citizen=chosen.bo, instrument_code="who5", moment="followup",
                                      answers=answers, sector="region", answered_on=day, user=users["region"])
    for day, answers in [(D(2021, 7, 1), [3] * 7), (D(2022, 1, 1), [2] * 7)]:  # GAD-7: 21 -> 14, lower is better
        questionnaire_response_record(house=house, citizen=chosen.bo, instrument_code="gad7", moment="stay_end",
                                      answers=answers, sector="region", answered_on=day, user=users["region"])
    trends = {t.instrument.code: t for t in citizen_trends(access=access_for(users["region"], house),
                                                           citizen=chosen.bo)}
    assert [p.score for p in trends["who5"].points] == [20, 40, 60]
    assert (trends["who5"].change, trends["who5"].direction) == (40, "better")
    assert [b["percent"] for b in trends["who5"].bars()] == [20, 40, 60]
    assert (trends["gad7"].change, trends["gad7"].direction) == (-7, "better")
    assert citizen_trends(access=access_for(users["kommune"], house), citizen=chosen.bo) == []

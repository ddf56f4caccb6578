"""The side doors found by trying the wall as an attacker: a record the user may not see answers exactly like
one that does not exist, and the board names only citizens the one visibility rule lets the user see."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from beds.models import StayRequest
from beds.services import stay_book
from contracts.services import consent_give
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db
MISSING = 10**9


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_request_for_a_regional_citizen_is_refused_to_municipal_staff_like_a_missing_one(users, house, people):
    body = {"house": "aarhus", "sector": "kommune", "channel": "phone"}
    unseen = api(users["kommune"]).post("/api/v1/requests/", {**body, "citizen": people.bo.pk}, format="json")
    missing = api(users["kommune"]).post("/api/v1/requests/", {**body, "citizen": MISSING}, format="json")
    assert unseen.status_code == missing.status_code == 400
    assert unseen.json() == missing.json() == {"citizen": ["Borgeren findes ikke i huset."]}
    assert not StayRequest.objects.filter(citizen=people.bo).exists()
    # the citizen's own sector records it, and municipal staff may once the citizen consents
    assert api(users["kommune"]).post("/api/v1/requests/", {**body, "citizen": people.anna.pk},
                                      format="json").status_code == 201
    consent_give(citizen=people.bo, to_sector="kommune")
    assert api(users["kommune"]).post("/api/v1/requests/", {**body, "citizen": people.bo.pk},
                                      format="json").status_code == 201


def test_booking_an_unseen_citizen_gives_no_oracle(users, house, people):
    body = {"house": "aarhus", "bed": "K1", "arrival": "2030-02-01T14:00:00+01:00",
            "planned_departure": "2030-02-02T10:00:00+01:00"}
    unseen = api(users["kommune"]).post("/api/v1/stays/", {**body, "citizen": people.bo.pk}, format="json")
    missing = api(users["kommune"]).post("/api/v1/stays/", {**body, "citizen": MISSING}, format="json")
    assert unseen.status_code == missing.status_code == 400
    assert unseen.json() == missing.json()
    assert "kontrakt" not in unseen.content.decode()


def test_the_service_refuses_an_unseen_citizen_by_itself(users, house, people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        stay_book(house=house, bed=bed(house, "K1"), citizen=people.bo, arrival=at("2030-02-01"),
                  planned_departure=at("2030-02-02", 10), user=users["kommune"])
    assert exc.value.message_dict == {"citizen": ["Borgeren findes ikke i huset."]}


def test_booking_form_by_cpr_answers_an_unseen_citizen_like_no_citizen(users, house, people, client_for):
    from tests.beds.conftest import cpr_for

    client = client_for("kommune")
    form = {"arrival": "2030-02-01 14:00", "planned_departure": "2030-02-02 10:00", "kind": "ordinary"}
    bo = client.post(f"/senge/book/?seng={bed(house, 'K1').pk}&nat=2030-02-01",
                     {**form, "cpr": cpr_for(datetime.date(1985, 1, 1), 3)}, HTTP_HX_REQUEST="true")
    nobody = client.post(f"/senge/book/?seng={bed(house, 'K1').pk}&nat=2030-02-01",
                         {**form, "cpr": cpr_for(datetime.date(1985, 1, 1), 9)}, HTTP_HX_REQUEST="true")
    assert bo.status_code == nobody.status_code == 200
    message = "Der findes ingen borger med dette CPR-nummer i huset."
    assert message in bo.content.decode() and message in nobody.content.decode()
    import re

    def scrub(response, cpr):
        text = response.content.decode().replace(cpr, "CPR")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert scrub(bo, cpr_for(datetime.date(1985, 1, 1), 3)) == scrub(nobody, cpr_for(datetime.date(1985, 1, 1), 9))


def test_board_shows_a_consented_regional_name_to_municipal_staff(users, house, people, client_for):
    today = datetime.date.today()
    arrival = datetime.datetime.combine(today, datetime.time(14), tzinfo=datetime.UTC)
    stay_book(house=house, bed=bed(house, "R1"), citizen=people.bo, arrival=arrival,
              planned_departure=arrival + datetime.timedelta(days=1), user=users["region"])
    assert "Bo<" not in client_for("kommune").get("/senge/").content.decode()
    consent_give(citizen=people.bo, to_sector="kommune")
    assert "Bo<" in client_for("kommune").get("/senge/").content.decode()
    assert "Bo<" not in client_for("peer").get("/senge/").content.decode()


def test_the_steering_group_does_not_see_the_board(client_for, house, users):
    for path in ("/senge/", "/senge/tavle/"):
        assert client_for("styregruppe").get(path).status_code == 403
        assert client_for("admin").get(path).status_code == 403
    assert client_for("peer").get("/senge/").status_code == 200


def test_a_request_recorded_before_the_wall_held_shows_no_unseen_name(users, house, people, client_for):
    """Rows written through the old side door (a municipal request naming a regional citizen) stay nameless."""
    from django.utils import timezone

    StayRequest.objects.create(house=house, sector="kommune", citizen=people.bo, channel="phone",
                               requested_at=timezone.now(), created_by=users["kommune"])
    for path in ("/senge/", "/senge/henvendelser/"):
        html = client_for("kommune").get(path).content.decode()
        assert "Ukendt borger" in html and ">Bo<" not in html and "Bo\n" not in html

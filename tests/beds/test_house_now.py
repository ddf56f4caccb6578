"""'I huset nu' (page and API), the shift handover and the attention list: content, sector wall, audit."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from beds.handover_models import AttentionItem, HandoverNote
from beds.handover_services import attention_add, current_shift, handover_note_write
from beds.services import stay_book, stay_check_in
from contracts.services import citizen_create, contract_create
from psykiatrihus.models import AuditEvent
from tests.beds.conftest import TZ, bed, cpr_for

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)


def local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def house_state(house, users):
    """Kommune: Ida checked in on K1 (planned departure yesterday: overdue), Jens booked on K2 arriving today
    23:30. Region: Lone checked in on R1 until tomorrow."""
    today = timezone.localdate()
    people = {}
    for i, (name, sector) in enumerate([("Ida", "kommune"), ("Jens", "kommune"), ("Lone", "region")]):
        c = citizen_create(house=house, sector=sector, name=name, cpr=cpr_for(datetime.date(1970, 2, 1 + i), 20 + i))
        contract_create(house=house, citizen=c, sector=sector, granted_on=today - 400 * D)
        people[name] = c
    ida = stay_book(house=house, bed=bed(house, "K1"), citizen=people["Ida"], arrival=local(today - 2 * D, 14),
                    planned_departure=local(today - D, 10), user=users["kommune"])
    stay_check_in(stay=ida, user=users["kommune"], at=local(today - 2 * D, 14))
    jens = stay_book(house=house, bed=bed(house, "K2"), citizen=people["Jens"], arrival=local(today, 23, 30),
                     planned_departure=local(today + D, 10), user=users["kommune"])
    lone = stay_book(house=house, bed=bed(house, "R1"), citizen=people["Lone"], arrival=local(today - D, 14),
                     planned_departure=local(today + D, 10), user=users["region"])
    stay_check_in(stay=lone, user=users["region"], at=local(today - D, 14))
    return people, ida, jens, lone


class TestPage:
    def test_night_shift_sees_own_sector_by_name_other_without(self, client_for, house_state):
        people, ida, jens, lone = house_state
        html = client_for("kommune").get(reverse("beds:house_now")).content.decode()
        assert "I huset nu" in html and "Ida" in html and "Jens" in html and "Lone" not in html
        overdue = html.split('id="now-overdue-h"')[1].split("</section>")[0]
        assert "Ida" in overdue and "overskredet" in overdue
        arrivals = html.split('id="now-arrivals-h"')[1].split("</section>")[0]
        assert "Jens" in arrivals and f'hx-get="/senge/ophold/{jens.pk}/"' in arrivals
        in_house = html.split('id="now-in-h"')[1].split("</section>")[0]
        assert "R1" in in_house and "Optaget" in in_house and f"/senge/ophold/{lone.pk}/" not in in_house
        assert AuditEvent.objects.filter(username="kommune", detail="i huset nu", citizen_id=people["Ida"].pk).exists()
        assert not AuditEvent.objects.filter(username="kommune", citizen_id=people["Lone"].pk).exists()

    def test_peer_sees_no_names_and_outsider_is_refused(self, client_for, house_state):
        html = client_for("peer").get(reverse("beds:house_now")).content.decode()
        assert "Ida" not in html and "Jens" not in html and "Skriv overlevering" not in html
        assert client_for("outsider").get(reverse("beds:house_now")).status_code == 403
        assert client_for("styregruppe").get(reverse("beds:house_now")).status_code == 403

    def test_write_a_handover_note_about_a_citizen_and_read_it(self, client_for, house_state):
        people, *_ = house_state
        client = client_for("kommune")
        r = client.post(reverse("beds:handover_note_new"), {"sector": "kommune", "shift": "night",
                                                             "citizen": people["Ida"].pk, "text": "Sov uroligt"})
        assert r.status_code == 302
        note = HandoverNote.objects.get()
        assert (note.sector, note.shift, note.citizen_id, note.text) == ("kommune", "night", people["Ida"].pk,
                                                                          "Sov uroligt")
        html = client.get(reverse("beds:house_now")).content.decode()
        assert "Sov uroligt" in html and "om Ida" in html
        assert "Sov uroligt" not in client_for("region").get(reverse("beds:house_now")).content.decode()
        empty = client.post(reverse("beds:handover_note_new"), {"sector": "kommune", "shift": "night", "text": ""})
        assert empty.status_code == 200 and "Skriv overleveringen." in empty.content.decode()

    def test_a_citizen_of_the_other_sector_cannot_be_named(self, client_for, house_state):
        people, *_ = house_state
        r = client_for("kommune").post(reverse("beds:handover_note_new"), {
            "sector": "kommune", "shift": "day", "citizen": people["Lone"].pk, "text": "x"})
        assert r.status_code == 200 and not HandoverNote.objects.exists()

    def test_attention_list_add_show_end(self, client_for, house_state):
        people, *_ = house_state
        client = client_for("kommune")
        until = timezone.localdate() + 2 * D
        client.post(reverse("beds:attention_new"), {"sector": "kommune", "citizen": people["Jens"].pk,
                                                    "reason": "Selvmordstanker i går", "until": until.isoformat()})
        item = AttentionItem.objects.get()
        html = client.get(reverse("beds:house_now")).content.decode()
        assert "Selvmordstanker i går" in html
        assert "Selvmordstanker" not in client_for("region").get(reverse("beds:house_now")).content.decode()
        client.post(reverse("beds:attention_end", args=[item.pk]))
        assert "Selvmordstanker" not in client.get(reverse("beds:house_now")).content.decode()
        assert client_for("region").post(reverse("beds:attention_end", args=[item.pk])).status_code == 404


class TestApi:
    def test_house_now(self, users, house_state):
        people, ida, jens, lone = house_state
        body = api(users["kommune"]).get("/api/v1/house-now/", {"house": "aarhus"}).json()
        assert [r["bed"] for r in body["overdue"]] == ["K1"] and body["overdue"][0]["citizen_name"] == "Ida"
        assert [r["citizen_name"] for r in body["arrivals"]] == ["Jens"]
        in_house = {r["bed"]: r for r in body["in_house"]}
        assert in_house["R1"]["citizen_name"] is None and in_house["R1"]["citizen"] is None
        assert body["free_tonight"]["region"] == 7
        assert api(users["outsider"]).get("/api/v1/house-now/", {"house": "aarhus"}).status_code == 404

    def test_handover_notes_and_attention(self, users, house_state):
        people, *_ = house_state
        client = api(users["kommune"])
        r = client.post("/api/v1/handover-notes/", {"house": "aarhus", "sector": "kommune", "text": "Rolig nat"},
                        format="json")
        assert r.status_code == 201 and r.json()["shift"] == current_shift(timezone.now())[1]
        assert [n["text"] for n in client.get("/api/v1/handover-notes/", {"house": "aarhus"}).json()] == ["Rolig nat"]
        hidden = client.post("/api/v1/handover-notes/", {"house": "aarhus", "sector": "kommune", "text": "x",
                                                          "citizen": people["Lone"].pk}, format="json")
        missing = client.post("/api/v1/handover-notes/", {"house": "aarhus", "sector": "kommune", "text": "x",
                                                           "citizen": 99999999}, format="json")
        assert hidden.status_code == missing.status_code == 400 and hidden.json() == missing.json()
        assert client.post("/api/v1/handover-notes/", {"house": "aarhus", "sector": "region", "text": "x"},
                           format="json").status_code == 403
        assert client.post("/api/v1/handover-notes/", {"house": "aarhus", "sector": "kommune", "text": "x" * 2001},
                           format="json").status_code == 400
        assert client.get("/api/v1/handover-notes/", {"house": "aarhus", "since": "0001-01-01"}).status_code == 400
        r = client.post("/api/v1/attention/", {"house": "aarhus", "sector": "kommune", "citizen": people["Ida"].pk,
                                               "reason": "Ny medicin", "until": timezone.localdate().isoformat()},
                        format="json")
        assert r.status_code == 201
        assert [a["reason"] for a in client.get("/api/v1/attention/", {"house": "aarhus"}).json()] == ["Ny medicin"]
        assert api(users["region"]).get("/api/v1/attention/", {"house": "aarhus"}).json() == []
        assert api(users["peer"]).get("/api/v1/attention/", {"house": "aarhus"}).status_code == 403


def test_shift_of_a_moment():
    assert current_shift(local(datetime.date(2024, 2, 2), 6, 59)) == (datetime.date(2024, 2, 1), "night")
    assert current_shift(local(datetime.date(2024, 2, 2), 7)) == (datetime.date(2024, 2, 2), "day")
    assert current_shift(local(datetime.date(2024, 2, 2), 15)) == (datetime.date(2024, 2, 2), "evening")
    assert current_shift(local(datetime.date(2024, 2, 2), 23)) == (datetime.date(2024, 2, 2), "night")


def test_services_refuse_the_other_sector_and_bad_dates(house, users, house_state):
    from django.core.exceptions import PermissionDenied, ValidationError

    people, *_ = house_state
    with pytest.raises(PermissionDenied):
        handover_note_write(house=house, sector="region", text="x", user=users["kommune"])
    with pytest.raises(ValidationError):
        attention_add(house=house, sector="kommune", citizen=people["Ida"], reason="x",
                      until=timezone.localdate() + 365 * D, user=users["kommune"])

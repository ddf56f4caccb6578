"""The waiting list page (staff of a visitation house): fair order with waiting time, the decision behind each
entry, writing a citizen up, withdrawing with a note, and placing the first in a freed bed in one action."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beds.models import Bed, Stay, WaitingListEntry
from beds.services import stay_book, stay_cancel, waiting_list_add
from tests.houses.conftest import visited

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def now_visited(house, name: str, seq: int, **kwargs):
    """A citizen with a decision in force from a week ago for 60 days."""
    return visited(house, name, seq, granted_from=today() - datetime.timedelta(days=7),
                   granted_until=today() + datetime.timedelta(days=60), **kwargs)


def ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def queue(silkeborg, staff):
    """Kommune: Bente (waiting 5 days), Anders (3 days), Cecilie (1 day); region: Rolf (2 days)."""
    entries = {}
    for name, seq, days, sector in (("Anders", 31, 3, "kommune"), ("Bente", 32, 5, "kommune"),
                                    ("Cecilie", 33, 1, "kommune"), ("Rolf", 34, 2, "region")):
        _c, decision = now_visited(silkeborg, name, seq, sector=sector)
        user = staff.sb_kommune if sector == "kommune" else staff.sb_region
        entries[name] = waiting_list_add(visitation=decision, user=user, requested_at=ago(days), requested_nights=4)
    return entries


def fill_municipal_beds(house, staff, first_seq: int = 40) -> list[Stay]:
    stays = []
    for i, bed in enumerate(Bed.objects.filter(house=house, sector="kommune", active=True)):
        citizen, _d = now_visited(house, f"Indlagt {i}", first_seq + i)
        start = timezone.now() - datetime.timedelta(hours=2)
        stays.append(stay_book(house=house, bed=bed, citizen=citizen, arrival=start,
                               planned_departure=start + datetime.timedelta(days=5), user=staff.sb_kommune))
    return stays


class TestWaitingListPage:
    url = reverse("beds:waiting_list")

    def test_fair_order_wait_and_decision_within_the_sector_wall(self, queue, staff, django_assert_max_num_queries):
        client = login(staff.sb_kommune)
        with django_assert_max_num_queries(14):
            response = client.get(self.url)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.index("Bente") < html.index("Anders") < html.index("Cecilie")  # first written up first
        assert "Rolf" not in html  # regional entry behind the wall
        assert "5,0 dage" in html and "Ro i en krise" in html and "Myndighedsrådgiver" in html
        html = login(staff.sb_region).get(self.url).content.decode()
        assert "Rolf" in html and "Bente" not in html and "2,0 dage" in html

    def test_query_count_does_not_grow_with_the_list(self, silkeborg, queue, staff, django_assert_max_num_queries):
        client = login(staff.sb_leader)
        with django_assert_max_num_queries(16) as few:
            client.get(self.url)
        for i in range(8):
            _c, decision = now_visited(silkeborg, f"Flere {i}", 60 + i)
            waiting_list_add(visitation=decision, user=staff.sb_kommune, requested_at=ago(0.5))
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = client.get(self.url).content.decode()
        assert "Flere 7" in html and "Rolf" in html  # a leader of both sectors sees both

    def test_peer_and_other_house_staff_refused(self, queue, staff):
        assert login(staff.sb_peer).get(self.url).status_code == 403
        html = login(staff.aarhus_kommune).get(self.url).content.decode()  # their own house's (empty) list
        assert "Bente" not in html

    def test_write_up_from_a_valid_decision_and_errors_beside_the_field(self, silkeborg, staff):
        client = login(staff.sb_kommune)
        _c, decision = now_visited(silkeborg, "Dagny", 35)
        page = client.get(self.url).content.decode()
        assert "Dagny" in page  # offered: a decision in force, not waiting yet
        citizen_page = client.get(reverse("contracts:citizen_detail", args=[decision.citizen_id])).content.decode()
        link = f'{self.url}?visitation={decision.pk}#h-add'
        assert link in citizen_page
        assert f'<option value="{decision.pk}" selected>' in client.get(link.split("#")[0]).content.decode()
        response = client.post(reverse("beds:waiting_list_add"), {"visitation": "", "requested_nights": "0"})
        html = response.content.decode()
        assert 'id="id_visitation-errors"' in html and "Vælg en borger med en gyldig visitationsafgørelse." in html
        assert 'id="id_requested_nights-errors"' in html
        response = client.post(reverse("beds:waiting_list_add"), {"visitation": decision.pk, "note": "Ringer dagligt"},
                               follow=True)
        assert "Dagny er skrevet op på ventelisten." in response.content.decode()
        entry = WaitingListEntry.objects.get(citizen=decision.citizen)
        assert (entry.status, entry.requested_nights) == ("waiting", 14)  # the house's frame
        # A regional staff member cannot write up a municipal citizen (not offered, refused if forged).
        response = login(staff.sb_region).post(reverse("beds:waiting_list_add"), {"visitation": decision.pk})
        assert "Afgørelsen gælder ikke i din sektor" in response.content.decode()

    def test_withdraw_needs_a_note(self, queue, staff):
        client = login(staff.sb_kommune)
        entry = queue["Anders"]
        url = reverse("beds:waiting_list_withdraw", args=[entry.pk])
        html = client.post(url, {"note": ""}).content.decode()
        assert f'id="w{entry.pk}_note-errors"' in html and "Skriv hvorfor borgeren udgår af ventelisten." in html
        response = client.post(url, {"note": "Har fået plads i botilbud"}, follow=True)
        assert "Anders er taget af ventelisten." in response.content.decode()
        entry.refresh_from_db()
        assert (entry.status, entry.note) == ("withdrawn", "Har fået plads i botilbud")
        # Wrong sector: the entry does not exist for them.
        assert login(staff.sb_region).post(reverse("beds:waiting_list_withdraw", args=[queue["Bente"].pk]),
                                           {"note": "x"}).status_code == 404
        assert login(staff.sb_peer).post(url, {"note": "x"}).status_code == 403


class TestPlaceNext:
    url = reverse("beds:waiting_list_place")

    def test_one_action_moves_the_first_waiting_citizen_into_a_freed_bed(self, silkeborg, queue, staff):
        client = login(staff.sb_kommune)
        stays = fill_municipal_beds(silkeborg, staff)
        html = client.get(reverse("beds:waiting_list")).content.decode()
        assert "Ingen ledig seng i sektoren lige nu." in html
        freed = stays[1]
        stay_cancel(stay=freed, user=staff.sb_kommune)
        html = client.get(reverse("beds:waiting_list")).content.decode()
        assert f'<option value="{freed.bed_id}">{freed.bed.label}</option>' in html
        response = client.post(self.url, {"bed": freed.bed_id}, follow=True)
        assert f"Bente har fået {freed.bed.label} fra i dag (4 nætter)." in response.content.decode()
        bente = WaitingListEntry.objects.get(pk=queue["Bente"].pk)
        assert bente.status == "placed" and bente.stay.bed_id == freed.bed_id
        assert bente.placed_at - bente.requested_at >= datetime.timedelta(days=5)
        page = client.get(reverse("beds:waiting_list")).content.decode()
        assert "Bente" not in page and page.index("Anders") < page.index("Cecilie")

    def test_from_the_bed_board_panel(self, silkeborg, queue, staff):
        client = login(staff.sb_kommune)
        bed = Bed.objects.get(house=silkeborg, label="K3")
        panel = client.get(reverse("beds:book"), {"seng": bed.pk, "nat": today().isoformat()},
                           headers={"HX-Request": "true"}).content.decode()
        assert "Først på ventelisten: <strong>Bente</strong>" in panel
        response = client.post(self.url, {"bed": bed.pk}, headers={"HX-Request": "true"})
        assert "Bente har fået K3" in response.content.decode() and response["HX-Trigger"] == "boardChanged"

    def test_clear_messages_when_nothing_fits(self, silkeborg, queue, staff):
        client = login(staff.sb_kommune)
        stays = fill_municipal_beds(silkeborg, staff)
        html = client.post(self.url, {"bed": stays[0].bed_id}).content.decode()
        assert f"{stays[0].bed.label} er ikke ledig nu" in html and "errorlist" in html
        assert WaitingListEntry.objects.filter(status="waiting").count() == 4  # nothing moved
        region = login(staff.sb_region)
        WaitingListEntry.objects.filter(pk=queue["Rolf"].pk).update(status="withdrawn")
        html = region.post(self.url, {"bed": Bed.objects.get(house=silkeborg, label="R2").pk}).content.decode()
        assert "Ingen borgere venter på en seng i sektoren Region." in html
        for raw in ("", "99999999999999999999999", "K1"):
            html = client.post(self.url, {"bed": raw}, follow=True).content.decode()
            assert "Vælg en ledig seng." in html

    def test_decision_not_covering_the_nights_is_explained(self, silkeborg, staff):
        citizen, decision = visited(silkeborg, "Kort", 50, granted_from=today() - datetime.timedelta(days=3),
                                    granted_until=today() + datetime.timedelta(days=1))
        waiting_list_add(visitation=decision, user=staff.sb_kommune, requested_nights=6)
        bed = Bed.objects.get(house=silkeborg, label="K1")
        html = login(staff.sb_kommune).post(self.url, {"bed": bed.pk}).content.decode()
        assert "Den første på ventelisten kan ikke få K1" in html
        assert not Stay.objects.filter(citizen=citizen).exists()

    def test_wrong_sector_and_unauthorised(self, silkeborg, queue, staff):
        kommune_bed = Bed.objects.get(house=silkeborg, label="K1")
        assert login(staff.sb_region).post(self.url, {"bed": kommune_bed.pk}).status_code == 403
        assert login(staff.sb_peer).post(self.url, {"bed": kommune_bed.pk}).status_code == 403
        assert WaitingListEntry.objects.get(pk=queue["Bente"].pk).status == "waiting"


class TestBoardRules:
    def test_rules_in_force_and_waiting_count_on_the_board(self, silkeborg, aarhus, queue, staff):
        html = login(staff.sb_kommune).get(reverse("beds:board")).content.decode()
        assert 'id="house-rules"' in html and "visitation · op til 14 nætter" in html
        assert "Venteliste: 3 venter" in html and reverse("beds:waiting_list") in html
        assert reverse("beds:aftercare_list") in html
        html = login(staff.aarhus_kommune).get(reverse("beds:board")).content.decode()
        assert "brugerstyret kontrakt · op til 3 nætter" in html  # Aarhus since October 2020
        assert reverse("beds:waiting_list") not in html  # no visitation, nobody waiting
        html = login(staff.sb_peer).get(reverse("beds:board")).content.decode()
        assert "op til 14 nætter" in html and "Venteliste" not in html  # rules yes, citizens no

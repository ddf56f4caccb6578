"""The stay panel on the bed board (HTMX): goals agreed at the start and evaluated at the end where the house's
rules say so, the planned safety visit/call after the stay, and the list of due follow-ups."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beds.models import Bed, StayAftercare
from beds.services import stay_book, stay_check_in, stay_check_out, stay_goal_evaluate
from tests.houses.conftest import visited, with_contract

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def stay(silkeborg, staff):
    """Mona, visited, booked on K1 from two hours ago for 5 nights (goals from the decision)."""
    citizen, _d = visited(silkeborg, "Mona", 21, granted_from=today() - datetime.timedelta(days=3),
                          granted_until=today() + datetime.timedelta(days=30))
    start = timezone.now() - datetime.timedelta(hours=2)
    return stay_book(house=silkeborg, bed=Bed.objects.get(house=silkeborg, label="K1"), citizen=citizen,
                     arrival=start, planned_departure=start + datetime.timedelta(days=5), user=staff.sb_kommune)


def ended(stay, user):
    stay_check_in(stay=stay, user=user)
    for goal in stay.goals.all():
        stay_goal_evaluate(goal=goal, result="achieved", user=user)
    return stay_check_out(stay=stay, user=user, at=timezone.now())


class TestGoals:
    def test_goals_at_the_start_with_errors_beside_the_field(self, stay, staff):
        client = login(staff.sb_kommune)
        html = client.get(reverse("beds:stay", args=[stay.pk]), headers=HX).content.decode()
        assert "Mål for opholdet" in html and "Sove om natten" in html and "Lægge en plan" in html
        url = reverse("beds:stay_goals", args=[stay.pk])
        html = client.post(url, {"goals": "  \n "}, headers=HX).content.decode()
        assert 'id="id_goals-errors"' in html and "Skriv mindst ét mål." in html
        html = client.post(url, {"goals": "Finde ro\nRinge til søster"}, headers=HX).content.decode()
        assert "Målene er gemt." in html
        assert [g.text for g in stay.goals.all()] == ["Finde ro", "Ringe til søster"]

    def test_check_in_refused_without_goals_shows_why(self, silkeborg, stay, staff):
        stay.goals.all().delete()
        html = login(staff.sb_kommune).post(reverse("beds:stay_action", args=[stay.pk, "check-in"]), {},
                                            headers=HX).content.decode()
        assert "Aftal opholdets mål med borgeren før indskrivningen." in html

    def test_evaluate_each_goal_at_the_end(self, stay, staff):
        client = login(staff.sb_kommune)
        stay_check_in(stay=stay, user=staff.sb_kommune)
        first, second = stay.goals.all()
        html = client.get(reverse("beds:stay", args=[stay.pk]), headers=HX).content.decode()
        assert html.count("Gem evaluering") == 2
        url = reverse("beds:stay_goal_evaluate", args=[stay.pk, first.pk])
        html = client.post(url, {"result": "", "note": ""}, headers=HX).content.decode()
        assert f'id="g{first.pk}_result-errors"' in html
        assert "Vælg om målet er nået, delvist nået eller ikke nået." in html
        html = client.post(url, {"result": "partly", "note": "Sover bedre"}, headers=HX).content.decode()
        assert "Målet er evalueret." in html and "Delvist nået" in html and "Sover bedre" in html
        assert html.count("Gem evaluering") == 1
        first.refresh_from_db()
        assert (first.result, first.evaluated_by) == ("partly", staff.sb_kommune)

    def test_wrong_sector_and_unauthorised(self, stay, staff):
        goal = stay.goals.first()
        for user in (staff.sb_region, staff.sb_peer):
            client = login(user)
            assert client.get(reverse("beds:stay", args=[stay.pk])).status_code in (403, 404)
            assert client.post(reverse("beds:stay_goals", args=[stay.pk]), {"goals": "x"}).status_code in (403, 404)
            assert client.post(reverse("beds:stay_goal_evaluate", args=[stay.pk, goal.pk]),
                               {"result": "achieved"}).status_code in (403, 404)
        goal.refresh_from_db()
        assert goal.result == "" and stay.goals.count() == 2
        huge = 10**20
        client = login(staff.sb_kommune)
        assert client.get(f"/senge/ophold/{huge}/").status_code == 404
        assert client.post(f"/senge/ophold/{stay.pk}/maal/{huge}/evaluer/", {"result": "achieved"}).status_code == 404

    def test_aarhus_stay_panel_has_no_goal_section(self, aarhus, staff):
        citizen, _c = with_contract(aarhus, "Per", 24)
        start = timezone.now()
        stay = stay_book(house=aarhus, bed=Bed.objects.get(house=aarhus, label="K1"), citizen=citizen,
                         arrival=start, planned_departure=start + datetime.timedelta(days=1), user=staff.aarhus_kommune)
        html = login(staff.aarhus_kommune).get(reverse("beds:stay", args=[stay.pk]), headers=HX).content.decode()
        assert "Mål for opholdet" not in html and "Indskriv" in html


class TestAftercare:
    def test_planned_aftercare_on_the_panel_recorded_done(self, stay, staff):
        ended(stay, staff.sb_kommune)
        aftercare = StayAftercare.objects.get(stay=stay)
        client = login(staff.sb_kommune)
        html = client.get(reverse("beds:stay", args=[stay.pk]), headers=HX).content.decode()
        assert "Opfølgning efter opholdet" in html and "Tryghedsbesøg eller -opkald planlagt" in html
        url = reverse("beds:aftercare_record", args=[aftercare.pk])
        html = client.post(url, {"done_on": today().isoformat(), "kind": "", "reached": "ja"},
                           headers=HX).content.decode()
        assert f'id="a{aftercare.pk}_kind-errors"' in html and "Vælg tryghedsbesøg eller tryghedsopkald." in html
        html = client.post(url, {"done_on": today().isoformat(), "kind": "call", "reached": "nej",
                                 "note": "Tog ikke telefonen"}, headers=HX).content.decode()
        assert "Opfølgningen efter opholdet er registreret." in html and "Ikke truffet" in html
        aftercare.refresh_from_db()
        assert (aftercare.status, aftercare.done_kind, aftercare.done_by) == ("not_reached", "call", staff.sb_kommune)

    def test_due_list_within_the_wall(self, stay, staff, django_assert_max_num_queries):
        ended(stay, staff.sb_kommune)
        StayAftercare.objects.filter(stay=stay).update(planned_on=today() - datetime.timedelta(days=1))
        url = reverse("beds:aftercare_list")
        client = login(staff.sb_kommune)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        html = response.content.decode()
        assert "Mona" in html and "forfalden" in html and "Registrér" in html
        assert "Mona" not in login(staff.sb_region).get(url).content.decode()
        assert login(staff.sb_peer).get(url).status_code == 403
        aftercare = StayAftercare.objects.get(stay=stay)
        html = client.post(reverse("beds:aftercare_record", args=[aftercare.pk]),
                           {"done_on": "", "kind": "visit", "reached": "ja"}).content.decode()
        assert f'id="a{aftercare.pk}_done_on-errors"' in html  # beside the field on the list page
        response = client.post(reverse("beds:aftercare_record", args=[aftercare.pk]),
                               {"done_on": today().isoformat(), "kind": "visit", "reached": "ja"}, follow=True)
        assert "Opfølgningen efter opholdet er registreret." in response.content.decode()
        assert "Mona" not in client.get(url).content.decode()
        assert login(staff.sb_region).post(reverse("beds:aftercare_record", args=[aftercare.pk]),
                                           {"done_on": today().isoformat()}).status_code == 404

"""The visitation decision form on the citizen page (houses whose rules admit by visitation)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contracts.models import VisitationDecision
from contracts.services import citizen_create
from tests.houses.conftest import visited, with_contract

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def citizen(silkeborg):
    return citizen_create(house=silkeborg, sector="kommune", name="Vibeke", cpr="0505850123")


def valid(**changes) -> dict:
    today = timezone.localdate()
    data = {"sector": "kommune", "decided_by": "Myndighedsrådgiver Ole", "decided_on": today.isoformat(),
            "granted_from": today.isoformat(), "granted_until": (today + datetime.timedelta(days=30)).isoformat(),
            "purpose": "Ro og søvn", "goals": "Sove om natten\nLægge en plan", "stay_frame_nights": "",
            "frame_reason": ""}
    data.update(changes)
    return data


class TestVisitationForm:
    def test_citizen_page_offers_the_form_and_lists_decisions(self, silkeborg, citizen, staff):
        client = login(staff.sb_kommune)
        html = client.get(reverse("contracts:citizen_detail", args=[citizen.pk])).content.decode()
        assert "Visitationsafgørelser" in html and reverse("contracts:visitation_create", args=[citizen.pk]) in html
        response = client.post(reverse("contracts:visitation_create", args=[citizen.pk]), valid(), follow=True)
        html = response.content.decode()
        assert "Visitationsafgørelsen er registreret." in html and "Myndighedsrådgiver Ole" in html
        decision = VisitationDecision.objects.get(citizen=citizen)
        assert (decision.sector, decision.goal_list) == ("kommune", ["Sove om natten", "Lægge en plan"])

    def test_danish_errors_beside_the_fields(self, silkeborg, citizen, staff):
        url = reverse("contracts:visitation_create", args=[citizen.pk])
        client = login(staff.sb_kommune)
        html = client.post(url, valid(decided_by="", purpose="", granted_until="")).content.decode()
        assert 'id="id_decided_by-errors"' in html and "Skriv hvem der har truffet afgørelsen." in html
        assert 'id="id_purpose-errors"' in html and "Skriv formålet med opholdet." in html
        assert 'id="id_granted_until-errors"' in html and "Angiv hvornår bevillingen slutter." in html
        today = timezone.localdate()
        html = client.post(url, valid(granted_until=(today - datetime.timedelta(days=1)).isoformat())).content.decode()
        assert 'id="id_granted_until-errors"' in html and "Perioden skal slutte efter den starter." in html
        html = client.post(url, valid(goals="")).content.decode()  # from the service: Silkeborg works with goals
        assert 'id="id_goals-errors"' in html and "Huset arbejder med individuelle mål." in html
        html = client.post(url, valid(stay_frame_nights="21")).content.decode()
        assert 'id="id_frame_reason-errors"' in html and "kræver en begrundelse" in html
        assert not VisitationDecision.objects.exists()

    def test_not_offered_where_the_rules_do_not_admit_by_visitation(self, aarhus, staff):
        citizen, _c = with_contract(aarhus, "Per", 24)
        client = login(staff.aarhus_kommune)
        html = client.get(reverse("contracts:citizen_detail", args=[citizen.pk])).content.decode()
        assert "Visitationsafgørelser" not in html
        assert client.get(reverse("contracts:visitation_create", args=[citizen.pk])).status_code == 403

    def test_wrong_sector_and_unauthorised(self, silkeborg, citizen, staff):
        url = reverse("contracts:visitation_create", args=[citizen.pk])
        assert login(staff.sb_region).get(url).status_code == 404  # a municipal citizen behind the wall
        assert login(staff.sb_peer).get(url).status_code == 403
        # A regional staff member cannot record a municipal decision for their own citizen either.
        rc, _d = visited(silkeborg, "Rita", 70, sector="region")
        html = login(staff.sb_region).post(reverse("contracts:visitation_create", args=[rc.pk]),
                                           valid(sector="kommune")).content.decode()
        assert 'id="id_sector-errors"' in html
        assert not VisitationDecision.objects.filter(citizen=rc, sector="kommune").exists()

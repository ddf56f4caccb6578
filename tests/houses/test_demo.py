"""`seed_demo` builds Aarhus, Silkeborg and Samsø with their rules, and a staff member in two houses."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.test import Client

from beds.models import WaitingListEntry
from psykiatrihus.models import House
from psykiatrihus.policy import policy_for


def test_three_houses_with_their_rules_and_a_two_house_user(demo_db):
    aarhus, silkeborg, samsoe = (House.objects.get(slug=s) for s in ("aarhus", "silkeborg", "samsoe"))
    today = datetime.date.today()
    assert policy_for(house=aarhus, sector="region", on_date=datetime.date(2020, 9, 30)).stay_frame_nights == 5
    assert policy_for(house=aarhus, sector="kommune", on_date=today).stay_frame_nights == 3
    sb = policy_for(house=silkeborg, sector="kommune", on_date=today)
    assert (sb.admission_routes, sb.stay_frame_nights, sb.stays_have_goals) == (["visitation"], 14, True)
    assert silkeborg.beds.filter(sector="region", active=True).count() == 6
    assert samsoe.beds.filter(active=True).count() == 1
    assert policy_for(house=samsoe, sector="kommune", on_date=today).admission_routes == ["bsk"]
    assert WaitingListEntry.objects.filter(house=silkeborg, status="waiting").count() == 1

    vikar = get_user_model().objects.get(username="vikar")
    client = Client()
    client.force_login(vikar)
    assert client.post("/hus/skift/", {"house": samsoe.pk, "next": "/"}).status_code == 403  # not a member there
    response = client.post("/hus/skift/", {"house": silkeborg.pk, "next": "/"}, follow=True)
    assert response.status_code == 200 and response.wsgi_request.house == silkeborg
    response = client.post("/hus/skift/", {"house": aarhus.pk, "next": "/"}, follow=True)
    assert response.wsgi_request.house == aarhus

"""`seed_demo` builds Aarhus, Silkeborg and Samsø with their rules, and a staff member in two houses."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from beds.models import WaitingListEntry
from psykiatrihus.demo import demo_logins
from psykiatrihus.models import House
from psykiatrihus.policy import policy_for
from reporting.comparison import default_period


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


def test_the_login_list_names_every_demo_user_with_each_house(demo_db):
    """What `make run` prints: the kernel's users and those the apps' seeds added for the other houses."""
    logins = dict(demo_logins())
    assert list(logins)[:6] == ["kommune", "region", "peer", "leder", "styregruppe", "admin"]
    assert logins["kommune"] == "Karen Kommunesen – Kommunal medarbejder, Psykiatriens Hus i Aarhus"
    assert logins["styregruppe-midt"] == ("Mette Midtgaard – Styregruppemedlem, Psykiatriens Hus i Aarhus; "
                                          "Styregruppemedlem, Psykiatriens Hus i Silkeborg")
    assert logins["vikar"].count("Kommunal medarbejder") == 2
    assert {"leder-silkeborg", "leder-samsoe"} <= set(logins)
    get_user_model().objects.filter(username="leder-samsoe").update(is_active=False)
    assert "leder-samsoe" not in dict(demo_logins())


def test_silkeborg_has_last_quarter_beside_aarhus(demo_db):
    """The steering member of two houses opens "Husene side om side" on last quarter and sees Silkeborg's figures
    (the seed's plan, counted by hand: municipal 5 + 4 + 3 stays of 49 + 37 + 35 nights on K1–K3, regional
    5 + 3 + 4 of 45 + 32 + 35 on R1–R3, two citizens per bed)."""
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="styregruppe-midt"))
    year, part = default_period(today=timezone.localdate())
    body = client.get("/api/v1/reports/side-by-side/", {"year": year, "period": part}).json()
    silkeborg = next(h for h in body["houses"] if h["house"] == "silkeborg")
    assert silkeborg["report"] is not None, body
    k, r = silkeborg["key_figures"]["kommune"], silkeborg["key_figures"]["region"]
    assert (k["stays"], k["nights"], k["unique_citizens"]) == (12, 121, 6), k
    assert (r["stays"], r["nights"], r["unique_citizens"]) == (12, 112, 6), r

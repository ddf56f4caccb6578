"""What the demo shows beyond its houses: a stay awaiting the leader ("afventer leder") on the leader's dashboard,
and a steering group member sitting for Aarhus and Silkeborg who reads both houses side by side."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from beds.models import ExtensionState, Stay
from psykiatrihus.models import House
from psykiatrihus.policy import policy_for
from psykiatrihus.scoping import houses_compared
from reporting.comparison import default_period


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_pending_long_stay_and_a_steering_member_for_two_houses(demo_db):
    aarhus, silkeborg = House.objects.get(slug="aarhus"), House.objects.get(slug="silkeborg")

    # A municipal stay of 4 nights, one beyond today's 3-night frame, booked by municipal staff with a reason.
    (pending,) = Stay.objects.filter(house=aarhus, extension_state=ExtensionState.PENDING)
    frame = policy_for(house=aarhus, sector="kommune", on_date=pending.arrival_date).stay_frame_nights
    assert (pending.sector, pending.status, pending.nights, pending.extension_frame_nights) == (
        "kommune", "booked", 4, frame) and frame == 3
    assert pending.created_by.username == "kommune" and pending.extension_reason.strip()
    assert pending.arrival_date > datetime.date.today()
    # The leader sees it under "Afventer leders godkendelse" with its reason, ready to approve or decline.
    body = _client("leder").get("/rapporter/overblik/").content.decode()
    section = body[body.index('id="extensions-pending"'):]
    section = section[:section.index("</section>")]
    assert 'class="count-badge">1<' in section
    assert "Bente Lund" in section and pending.extension_reason in section
    assert "Booket ud over rammen på 3 nætter" in section
    assert f'id="ext-{pending.pk}"' in section

    # The steering member compares exactly Aarhus and Silkeborg, each from its approved report of last quarter.
    member = get_user_model().objects.get(username="styregruppe-midt")
    assert set(houses_compared(member).values_list("slug", flat=True)) == {"aarhus", "silkeborg"}
    page = _client("styregruppe-midt").get("/rapporter/huse/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ingen godkendt rapport" not in text
    assert text.count("Godkendt ") >= 2 and aarhus.name in text and silkeborg.name in text
    year, part = default_period(today=timezone.localdate())
    api = _client("styregruppe-midt").get(f"/api/v1/reports/side-by-side/?year={year}&period={part}").json()
    columns = {c["house"]: c for c in api["houses"]}
    assert set(columns) == {"aarhus", "silkeborg"}
    assert all(c["report"] is not None for c in columns.values())
    # Aarhus's last quarter is a full house: its municipal stays are a figure, not hidden.
    stays = columns["aarhus"]["key_figures"]["kommune"]["stays"]
    assert isinstance(stays, int) and stays > 20, stays
    # The other demo logins keep their single house: Aarhus's own steering member compares nothing.
    assert set(houses_compared(get_user_model().objects.get(username="styregruppe")).values_list(
        "slug", flat=True)) == {"aarhus"}
    assert _client("styregruppe").get("/rapporter/huse/").status_code == 403

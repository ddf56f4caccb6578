"""The HTMX bed board: states, the sector wall, booking from a cell, and a query bound."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from beds.models import Stay
from beds.services import bed_block, stay_book, stay_check_in, stays_import
from tests.beds.conftest import at, bed, cpr_for

pytestmark = pytest.mark.django_db

START = "2024-02-01"


@pytest.fixture
def stays(house, users, people):
    region = stay_book(house=house, bed=bed(house, "R1"), citizen=people.bo, arrival=at("2024-02-01"),
                       planned_departure=at("2024-02-03", 10), user=users["region"])
    kommune = stay_book(house=house, bed=bed(house, "K1"), citizen=people.anna, arrival=at("2024-02-02"),
                        planned_departure=at("2024-02-04", 10), user=users["kommune"])
    stay_check_in(stay=kommune, user=users["kommune"], at=at("2024-02-02", 15))
    bed_block(bed=bed(house, "K2"), start=at("2024-02-05", 10), end=at("2024-02-06", 10), user=users["leder"],
              reason="maintenance")
    return region, kommune


def grid(client, **params):
    return client.get(reverse("beds:board_grid"), {"fra": START, **params})


def test_board_is_in_navigation_and_renders(client_for):
    response = client_for("kommune").get(reverse("beds:board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("beds:board")}"' in html and "hx-trigger=\"every 20s, boardChanged from:body\"" in html
    assert html.count('<th scope="row"') == 16


def test_own_sector_names_other_sector_anonymous(client_for, stays):
    html = grid(client_for("kommune")).content.decode()
    assert "Anna" in html and "Bo" not in html
    assert html.count("state-occupied") >= 2 + 2  # Anna 2 nights + Bo's booked nights shown as occupied
    assert "state-blocked" in html
    assert "state-booked" not in html  # the only booked stay is regional: shown as occupied to kommune
    html = grid(client_for("region")).content.decode()
    assert "Bo" in html and "Anna" not in html and "state-booked" in html


def test_peer_sees_no_names_and_cannot_book(client_for, stays):
    html = grid(client_for("peer")).content.decode()
    assert "Anna" not in html and "Bo" not in html and reverse("beds:book") not in html


@pytest.mark.parametrize("key", ["outsider"])
def test_outsider_refused(client_for, key):
    assert client_for(key).get(reverse("beds:board")).status_code == 403


def test_book_from_cell_and_conflict_message(client_for, house, people, stays):
    client = client_for("kommune")
    k3 = bed(house, "K3")
    form = client.get(reverse("beds:book"), {"seng": k3.pk, "nat": "2024-02-10"}, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "Book seng K3" in form.content.decode()
    data = {"seng": k3.pk, "nat": "2024-02-10", "cpr": cpr_for(datetime.date(1975, 4, 4), 7),
            "arrival": "2024-02-10T14:00", "planned_departure": "2024-02-12T10:00", "kind": "ordinary"}
    ok = client.post(reverse("beds:book"), data, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and ok["HX-Trigger"] == "boardChanged"
    assert Stay.objects.filter(bed=k3, citizen=people.erik).exists()
    clash = client.post(reverse("beds:book"), {**data, "cpr": cpr_for(datetime.date(1990, 5, 10), 2)},
                        HTTP_HX_REQUEST="true")
    assert "Sengen er lige blevet booket af en anden" in clash.content.decode()
    rule = client.post(reverse("beds:book"), {**data, "arrival": "2024-02-20T14:00",
                                              "planned_departure": "2024-02-25T10:00"}, HTTP_HX_REQUEST="true")
    assert "rammen" in rule.content.decode()
    assert client.get(reverse("beds:book"), {"seng": bed(house, "R3").pk}).status_code == 403


def test_check_in_and_out_from_panel(client_for, stays):
    region, _ = stays
    client = client_for("region")
    panel = client.get(reverse("beds:stay", args=[region.pk]))
    assert "Indskriv" in panel.content.decode()
    assert client.post(reverse("beds:stay_action", args=[region.pk, "check-in"]),
                       {"ors_score": "20", "at": "2024-02-01T14:00"},
                       HTTP_HX_REQUEST="true")["HX-Trigger"] == "boardChanged"
    region.refresh_from_db()
    assert (region.status, region.ors_score) == ("checked_in", 20)
    # Another sector's stay is a 404, not a leak.
    assert client_for("kommune").get(reverse("beds:stay", args=[region.pk])).status_code == 404


def test_query_count_independent_of_history(client_for, house, stays, django_assert_max_num_queries):
    client = client_for("leder")
    with django_assert_max_num_queries(16) as small:
        grid(client)
    rows = [{"cpr": cpr_for(datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 300), 1000 + i % 16),
             "sector": "kommune" if i % 16 < 8 else "region",
             "bed": f"K{i % 16 + 1}" if i % 16 < 8 else f"R{i % 16 - 7}",
             "arrival": f"{datetime.date(2020, 1, 1) + datetime.timedelta(days=2 * (i // 16))}T14:00",
             "departure": f"{datetime.date(2020, 1, 2) + datetime.timedelta(days=2 * (i // 16))}T10:00"}
            for i in range(2000)]
    stays_import(house=house, rows=rows)
    with django_assert_max_num_queries(len(small.captured_queries)):
        grid(client)
    with django_assert_max_num_queries(len(small.captured_queries)):
        grid(client, fra="2020-03-01")

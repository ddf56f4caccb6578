"""One rule for "tonight per bed": the board (default window from last night), the free beds above it and on
the front page, the dashboard and the API agree, on a hand-made house relative to today.

Kommune tonight (8 beds), hand-worked:
  K1 checked in yesterday 14:00, leaving today 23:59 (later today): free tonight, on last night's cell
  K2 checked in, planned departure yesterday 10:00, not checked out (overdue): occupied tonight
  K3 booked today 14:00 -> tomorrow 10:00: booked tonight
  K4 blocked across tonight's midnight: blocked
  K5-K8 free  => occupied 1, booked 1, blocked 1, free 5 (K1 and K5-K8). Region: 8 beds, all free.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from beds.night_selectors import bed_nights, free_tonight
from beds.services import bed_block, stay_book, stay_check_in
from contracts.services import citizen_create, contract_create
from reporting.dashboard_selectors import now_beds
from tests.beds.conftest import TZ, bed, cpr_for

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def tonight(house, users):
    today = timezone.localdate()
    staff = users["kommune"]
    citizens = []
    for i, name in enumerate(["Leaver", "Overdue", "Arriving"]):
        c = citizen_create(house=house, sector="kommune", name=name, cpr=cpr_for(datetime.date(1980, 1, 1 + i), 10 + i))
        contract_create(house=house, citizen=c, sector="kommune", granted_on=today - 400 * D)
        citizens.append(c)
    leaver = stay_book(house=house, bed=bed(house, "K1"), citizen=citizens[0], arrival=local(today - D, 14),
                       planned_departure=local(today, 23, 59), user=staff)
    stay_check_in(stay=leaver, user=staff, at=local(today - D, 14))
    overdue = stay_book(house=house, bed=bed(house, "K2"), citizen=citizens[1], arrival=local(today - 2 * D, 14),
                        planned_departure=local(today - D, 10), user=staff)
    stay_check_in(stay=overdue, user=staff, at=local(today - 2 * D, 14))
    arriving = stay_book(house=house, bed=bed(house, "K3"), citizen=citizens[2], arrival=local(today, 14),
                         planned_departure=local(today + D, 10), user=staff)
    bed_block(bed=bed(house, "K4"), start=local(today, 20), end=local(today + D, 8), user=staff)
    return SimpleNamespace(today=today, leaver=leaver, overdue=overdue, arriving=arriving)


TONIGHT_KOMMUNE = {"beds": 8, "occupied": 1, "booked": 1, "blocked": 1, "free": 5}


class TestOneRule:
    def test_free_tonight_and_the_dashboard_agree(self, house, tonight):
        if timezone.localtime().time() >= datetime.time(23, 59):
            pytest.skip("the leaver's departure (23:59) has just passed")
        assert free_tonight(house=house, sectors=["kommune", "region"]) == {"kommune": 5, "region": 8}
        rows = now_beds(house=house, sectors=["kommune", "region"], start=tonight.today)
        assert rows["kommune"][0] == {"night": tonight.today.isoformat(), **TONIGHT_KOMMUNE}
        assert rows["region"][0]["free"] == 8
        # Tomorrow the overdue guest no longer counts (he holds the bed until checked out, i.e. tonight).
        assert rows["kommune"][1] == {"night": (tonight.today + D).isoformat(), "beds": 8, "occupied": 0,
                                      "booked": 0, "blocked": 0, "free": 8}

    def test_api_availability_says_the_same(self, house, users, tonight):
        if timezone.localtime().time() >= datetime.time(23, 59):
            pytest.skip("the leaver's departure (23:59) has just passed")
        client = APIClient()
        client.force_authenticate(users["peer"])
        body = client.get("/api/v1/beds/availability/", {"house": "aarhus", "from": tonight.today.isoformat(),
                                                         "to": tonight.today.isoformat()}).json()
        states = {b["bed"]: b["nights"][0]["state"] for b in body["beds"]}
        assert [states[f"K{i}"] for i in range(1, 9)] == ["free", "occupied", "occupied", "blocked", "free", "free",
                                                          "free", "free"]
        assert sum(1 for b in body["beds"] if b["sector"] == "kommune" and b["nights"][0]["state"] == "free") == 5

    def test_a_leaver_turns_into_an_overdue_guest_when_the_departure_passes(self, house, users, people):
        """Fixed clock: before 10:00 the bed is free tonight; after 10:00 without check-out it is occupied."""
        stay = stay_book(house=house, bed=bed(house, "K6"), citizen=people.erik,
                         arrival=local(datetime.date(2024, 2, 1), 14),
                         planned_departure=local(datetime.date(2024, 2, 2), 10), user=users["kommune"])
        stay_check_in(stay=stay, user=users["kommune"], at=local(datetime.date(2024, 2, 1), 14))
        day = datetime.date(2024, 2, 2)
        k6 = bed(house, "K6")
        before = bed_nights(house=house, start=day - D, days=3, sectors=["kommune"], now=local(day, 9, 30))
        assert [n.state for n in before.by_bed[k6.pk]] == ["occupied", "free", "free"]
        after = bed_nights(house=house, start=day - D, days=3, sectors=["kommune"], now=local(day, 10, 30))
        assert [n.state for n in after.by_bed[k6.pk]] == ["occupied", "occupied", "free"]
        assert after.by_bed[k6.pk][1].overdue and not before.by_bed[k6.pk][0].overdue
        assert free_tonight(house=house, sectors=["kommune"], now=local(day, 9, 30)) == {"kommune": 8}
        assert free_tonight(house=house, sectors=["kommune"], now=local(day, 10, 30)) == {"kommune": 7}

    def test_a_night_outside_the_window_of_an_overdue_guest_is_free(self, house, users, people):
        stay = stay_book(house=house, bed=bed(house, "K6"), citizen=people.erik,
                         arrival=local(datetime.date(2024, 2, 1), 14),
                         planned_departure=local(datetime.date(2024, 2, 2), 10), user=users["kommune"])
        stay_check_in(stay=stay, user=users["kommune"], at=local(datetime.date(2024, 2, 1), 14))
        far = bed_nights(house=house, start=datetime.date(2024, 3, 1), days=7, sectors=["kommune"],
                         now=local(datetime.date(2024, 2, 3), 12))
        assert all(n.state == "free" for n in far.by_bed[bed(house, "K6").pk])


class TestBoard:
    def test_default_board_starts_last_night_and_offers_the_leaver_check_out(self, client_for, tonight):
        client = client_for("kommune")
        html = client.get(reverse("beds:board")).content.decode()
        yesterday = tonight.today - D
        assert f'value="{yesterday:%Y-%m-%d}"' in html  # the window starts last night
        leaver_cell = f'id="c-{tonight.leaver.bed_id}-{yesterday:%Y%m%d}"'
        assert leaver_cell in html and "Leaver" in html
        assert f'hx-get="/senge/ophold/{tonight.leaver.pk}/"' in html
        panel = client.get(reverse("beds:stay", args=[tonight.leaver.pk]), HTTP_HX_REQUEST="true")
        assert "Udskriv" in panel.content.decode()
        out = client.post(reverse("beds:stay_action", args=[tonight.leaver.pk, "check-out"]), {},
                          HTTP_HX_REQUEST="true")
        assert out["HX-Trigger"] == "boardChanged"
        tonight.leaver.refresh_from_db()
        assert tonight.leaver.status == "checked_out"

    def test_free_beds_tonight_above_the_board_and_on_the_front_page(self, client_for, tonight):
        if timezone.localtime().time() >= datetime.time(23, 59):
            pytest.skip("the leaver's departure (23:59) has just passed")
        client = client_for("peer")
        grid = client.get(reverse("beds:board_grid")).content.decode()
        assert 'id="free-tonight"' in grid
        counts = grid.split('id="free-tonight"')[1].split("</p>")[0]
        assert "Kommune</span> <strong>5</strong>" in counts and "Region</span> <strong>8</strong>" in counts
        # A week back the window has no tonight: the figure is still tonight's.
        back = client.get(reverse("beds:board_grid"), {"fra": (tonight.today - 10 * D).isoformat(),
                                                        "sektor": "kommune"}).content.decode()
        counts = back.split('id="free-tonight"')[1].split("</p>")[0]
        assert "<strong>5</strong>" in counts and "Region" not in counts
        home = client.get(reverse("home")).content.decode()
        assert "Ledige senge i nat" in home and "Kommune</span> <strong>5</strong>" in home

    def test_overdue_guest_marked_on_tonights_cell_and_not_bookable(self, client_for, tonight):
        html = client_for("kommune").get(reverse("beds:board_grid")).content.decode()
        cell = f'id="c-{tonight.overdue.bed_id}-{tonight.today:%Y%m%d}"'
        assert cell in html
        td = html.split(cell)[0].rsplit("<td", 1)[1]
        assert "state-occupied" in td and "overdue" in td
        assert "planlagt afrejse er overskredet" in html.split(cell)[1].split("</td>")[0]

    def test_dashboard_tonight_matches_the_board(self, client_for, tonight):
        if timezone.localtime().time() >= datetime.time(23, 59):
            pytest.skip("the leaver's departure (23:59) has just passed")
        html = client_for("leder").get("/rapporter/overblik/").content.decode()
        assert "<strong>5</strong> ledige i nat" in html.replace("\n", " ").replace("  ", " ")

    def test_year_one_and_9999_open_the_default_window(self, client_for, tonight):
        client = client_for("kommune")
        for value in ("0001-01-01", "9999-12-31"):
            response = client.get(reverse("beds:board_grid"), {"fra": value})
            assert response.status_code == 200
            assert f"{tonight.today - D:%Y%m%d}" in response.content.decode()

    def test_outsider_sees_no_front_page_figure(self, client_for, tonight):
        assert "Ledige senge i nat" not in client_for("outsider").get(reverse("home")).content.decode()

"""Each figure of the "now" part on the hand-made house state of conftest.py (numbers worked out there)."""

from __future__ import annotations

import datetime

import pytest

from contracts.services import add_months
from psykiatrihus.models import AuditEvent
from reporting.dashboard_selectors import dashboard_now

D = datetime.timedelta(days=1)


def night(now, sector, offset):
    return now["beds"][sector][offset]


@pytest.mark.django_db
class TestNowFigures:
    def test_beds_tonight_per_sector(self, house, state):
        now = dashboard_now(house=house, sectors=["kommune", "region"], today=state.today)
        assert night(now, "kommune", 0) == {"night": state.today.isoformat(), "beds": 8, "occupied": 2,
                                            "booked": 1, "blocked": 0, "free": 5}
        # R1's guest stays past the planned departure: still in the bed tonight.
        assert night(now, "region", 0) == {"night": state.today.isoformat(), "beds": 8, "occupied": 1,
                                           "booked": 0, "blocked": 0, "free": 7}

    def test_beds_next_seven_nights(self, house, state):
        now = dashboard_now(house=house, sectors=["kommune", "region"], today=state.today)
        assert len(now["beds"]["kommune"]) == 8
        kommune = [(n["occupied"], n["booked"], n["blocked"], n["free"]) for n in now["beds"]["kommune"]]
        assert kommune == [(2, 1, 0, 5), (1, 1, 0, 6), (1, 0, 0, 7), (1, 0, 1, 6), (1, 0, 1, 6), (1, 0, 0, 7),
                           (1, 0, 0, 7), (1, 0, 0, 7)]
        region = [(n["occupied"], n["booked"], n["free"]) for n in now["beds"]["region"]]
        assert region == [(1, 0, 7), (0, 0, 8), (0, 0, 8), (0, 1, 7), (0, 0, 8), (0, 0, 8), (0, 0, 8), (0, 0, 8)]

    def test_arrivals_and_departures_today(self, house, state):
        now = dashboard_now(house=house, sectors=["kommune", "region"], today=state.today)
        assert now["movements"]["kommune"] == {"arrivals": 1, "arrived": 0, "departures": 1, "departed": 1}
        # The cancelled R3 stay would arrive today but does not count.
        assert now["movements"]["region"] == {"arrivals": 0, "arrived": 0, "departures": 0, "departed": 0}

    def test_turned_away_this_week_and_why(self, house, state):
        now = dashboard_now(house=house, sectors=["kommune", "region"], today=state.today)
        assert now["turned_away_week"]["kommune"] == {
            "total": 2, "reasons": {"no_bed": 1, "not_eligible": 1, "no_contract": 0, "other": 0}}
        assert now["turned_away_week"]["region"]["total"] == 1
        assert now["turned_away_week"]["region"]["reasons"]["no_contract"] == 1

    def test_followups_overdue_soon_and_contracts_about_to_expire(self, house, state):
        now = dashboard_now(house=house, sectors=["kommune", "region"], today=state.today)
        from contracts import services as cs

        if hasattr(cs, "contract_end"):
            assert now["contracts"]["kommune"] == {"open": 5, "overdue": 2, "soon": 1, "expiring": 2, "paused": 1}
            assert now["contracts"]["region"] == {"open": 2, "overdue": 1, "soon": 0, "expiring": 0, "paused": 0}
        else:  # G (ended 600 days ago, overdue) and H (paused) are still open
            assert now["contracts"]["kommune"] == {"open": 5, "overdue": 2, "soon": 1, "expiring": 1, "paused": 0}
            assert now["contracts"]["region"] == {"open": 3, "overdue": 2, "soon": 0, "expiring": 1, "paused": 0}

    def test_faerdigbehandling_days_left(self, house, state):
        now = dashboard_now(house=house, sectors=["kommune", "region"], today=state.today)
        expected = (add_months(state.today - 100 * D, 6) - state.today).days
        assert 80 <= expected <= 84
        assert now["faerdigbehandling"] == {"stays": 1, "days_left": [expected], "min_days_left": expected}

    def test_page_shows_the_figures_to_the_leader(self, house, state, client_for):
        response = client_for("leder").get("/rapporter/overblik/")
        body = response.content.decode()
        assert response.status_code == 200
        assert "Senge i nat og de næste 7 nætter" in body
        assert "Borger D" in body  # the færdigbehandling list, in the leader's scope
        assert AuditEvent.objects.filter(username="leder", citizen_id=state.citizens["D"].pk,
                                         detail="dashboard:faerdigbehandling").count() == 1
        assert "/rapporter/overblik/liste/followups_overdue/?sector=kommune" in body

    def test_list_behind_a_figure(self, house, state, client_for):
        response = client_for("leder").get("/rapporter/overblik/liste/followups_overdue/?sector=kommune")
        body = response.content.decode()
        assert response.status_code == 200
        assert "Borger A" in body and "Borger B" in body
        assert "Borger C" not in body and "Borger F" not in body
        audited = set(AuditEvent.objects.filter(username="leder", detail="dashboard:followups_overdue")
                      .values_list("citizen_id", flat=True))
        assert audited == {state.citizens["A"].pk, state.citizens["B"].pk}

    def test_list_of_arrivals_and_turned_away(self, house, state, client_for):
        c = client_for("leder")
        body = c.get("/rapporter/overblik/liste/arrivals/?sector=kommune").content.decode()
        assert "Borger B" in body and "Borger A" not in body
        body = c.get("/rapporter/overblik/liste/turned_away_week/?sector=kommune").content.decode()
        assert "Ingen ledig seng" in body and "Ikke egnet" in body and "Ingen gyldig kontrakt" not in body

    def test_unknown_figure_is_404(self, house, state, client_for):
        assert client_for("leder").get("/rapporter/overblik/liste/nope/").status_code == 404
        assert client_for("leder").get("/rapporter/overblik/liste/stays_month/?month=x").status_code == 404

    def test_staff_cannot_open_the_lists(self, house, state, client_for):
        assert client_for("kommune").get("/rapporter/overblik/liste/followups_overdue/").status_code == 403

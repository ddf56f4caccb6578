"""The dashboard of a house with no history yet: every figure is zero, nothing breaks."""

from __future__ import annotations

import pytest

from reporting.dashboard_selectors import dashboard_now, dashboard_trends, house_today


@pytest.mark.django_db
class TestEmptyHouse:
    def test_now_is_all_free(self, house):
        now = dashboard_now(house=house, sectors=["kommune", "region"])
        assert [n["free"] for n in now["beds"]["kommune"]] == [8] * 8
        assert now["movements"]["region"] == {"arrivals": 0, "arrived": 0, "departures": 0, "departed": 0}
        assert now["contracts"]["kommune"]["overdue"] == 0
        assert now["faerdigbehandling"] == {"stays": 0, "days_left": [], "min_days_left": None}

    def test_trend_windows(self, house):
        today = house_today(house=house)
        for months in (3, 12, 36):
            data = dashboard_trends(house=house, months=months)
            assert len(data["months"]) == months
            assert data["months"][-1] == f"{today.year}-{today.month:02d}"
            assert data["stays"]["kommune"] == [0] * months
        with pytest.raises(ValueError):
            dashboard_trends(house=house, months=5)

    @pytest.mark.parametrize("months", ["3", "12", "36", "abc"])
    def test_pages_render(self, users, client_for, months):
        for key in ("leder", "styregruppe"):
            response = client_for(key).get(f"/rapporter/overblik/?months={months}&sector=region")
            assert response.status_code == 200
            assert "<svg" in response.content.decode()

    @pytest.mark.parametrize("key", ["kommune", "region", "peer", "admin", "outsider"])
    def test_others_are_refused(self, users, client_for, key):
        assert client_for(key).get("/rapporter/overblik/").status_code == 403

    def test_api(self, users, client_for):
        data = client_for("leder").get("/api/v1/dashboard/?house=aarhus&months=12").json()
        assert data["now"]["beds"]["region"][0] == {"night": data["now"]["today"], "beds": 8, "occupied": 0,
                                                    "booked": 0, "blocked": 0, "free": 8}
        assert len(data["trends"]["months"]) == 12

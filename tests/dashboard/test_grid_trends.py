"""The steering group's trends follow the report's rules: whole calendar quarters, small numbers hidden with
the house's threshold (5) and complementary cells chosen with the relations, audited together with what the
house's reports and the dashboard itself published. Leaders (raw figures) keep monthly raw trends.

Hand-worked house: in the last complete quarter Q, seven municipal citizens each have one ordinary stay in Q's
first month, five of 2 nights and two of 3 nights; each holds a contract granted in Q. Nothing else.
- leader (raw, 12 months): that month shows 7 stays, 7 citizens; the length mix [0, 5, 2, 0, 0].
- steering (quarters): stays 7, citizens 7; "3 nights" = 2 is "<5"; "2 nights" = 5 would give it back
  (7 − 5 − zeros = 2), so it is hidden as "–" (a part before the total); zeros and everything else printed.
- with a report of Q that hid the stay count (complementary), the dashboard hides it too, and then "2 nights"
  may be printed: 3 nights = stays − 5 with stays unknown leaves 1–4 possible.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from contracts.services import citizen_create, contract_create
from reporting.dashboard_grid import grid_quarters, quarter_key
from reporting.dashboard_selectors import house_today
from reporting.disclosure import COMPLEMENTARY, Publication
from reporting.models import DashboardPublication, ReportPublication, ReportRun
from tests.dashboard.conftest import at, cpr_for, stay_make

D = datetime.timedelta(days=1)


@pytest.fixture
def quarter(house, users):
    """Seven municipal stays in the first month of the last complete quarter (see the module docstring)."""
    cache.clear()
    today = house_today(house=house)
    q = grid_quarters(today=today, count=1)[0]
    leader = users["leder"]
    for i in range(7):
        nights = 2 if i < 5 else 3
        citizen = citizen_create(house=house, sector="kommune", name=f"Kvartal {i}",
                                 cpr=cpr_for(datetime.date(1960 + i, 2, 3 + i), 300 + i))
        contract_create(house=house, citizen=citizen, sector="kommune", granted_on=q.start)
        arrival = q.start + (1 + i) * D
        stay_make(house=house, citizen=citizen, label=f"K{1 + i}", arrival=at(arrival, 14),
                  departure=at(arrival + nights * D, 10), status="checked_out", user=leader)
    return q


def api(client, months: int) -> dict:
    response = client.get(f"/api/v1/dashboard/?house=aarhus&months={months}")
    assert response.status_code == 200
    return response.json()["trends"]


@pytest.mark.django_db
class TestSteeringSeesSuppressedQuarters:
    def test_steering_gets_the_quarter_with_small_numbers_hidden(self, quarter, client_for):
        trends = api(client_for("styregruppe"), 3)
        assert trends["grid"] is True and trends["suppress_below"] == 5
        assert trends["quarters"] == [quarter_key(quarter)]
        assert trends["stays"] == {"kommune": [7], "region": [0]}
        assert trends["citizens"] == {"kommune": [7], "region": [0]}
        assert trends["length_mix"]["kommune"] == [[0, None, "<5", 0, 0]]
        assert trends["length_mix"]["region"] == [[0, 0, 0, 0, 0]]
        assert trends["contracts"]["new"] == {"kommune": [7], "region": [0]}
        assert "months" not in trends  # no month anywhere

    def test_leader_gets_monthly_raw_figures(self, quarter, client_for):
        trends = api(client_for("leder"), 12)
        month = f"{quarter.start.year}-{quarter.start.month:02d}"
        i = trends["months"].index(month)
        assert trends["stays"]["kommune"][i] == 7 and trends["citizens"]["kommune"][i] == 7
        assert trends["length_mix"]["kommune"] == [0, 5, 2, 0, 0]
        assert "grid" not in trends

    def test_sector_leader_has_no_raw_figures_and_gets_quarters(self, house, quarter, make_member, client):
        user = make_member(house, "leader", sector="kommune", username="sektorleder")
        client.force_login(user)
        trends = api(client, 3)
        assert trends["grid"] is True and trends["length_mix"]["kommune"] == [[0, None, "<5", 0, 0]]

    def test_the_page_shows_what_the_api_gives(self, quarter, client_for):
        c = client_for("styregruppe")
        trends = api(c, 3)
        response = c.get("/rapporter/overblik/?months=3")
        body = response.content.decode()
        charts = {chart["id"]: chart for chart in response.context["trends"]}
        kommune = charts["length"]["table"]["rows"][0]
        assert [v for v, _url in kommune["cells"]] == [0, "–", "<5", 0, 0]
        assert [v for v, _url in charts["stays"]["table"]["rows"][0]["cells"]] == trends["stays"]["kommune"]
        assert "&lt;5" in body and "Tallene følger rapporternes regler" in body
        assert "/overblik/liste/" not in body

    def test_windows_cannot_be_differenced(self, house, quarter, client_for, users):
        """Every window is made of whole quarters, each quarter the same publication in every window, and the
        running quarter is never shown: a stay today changes the leader's figures, not the steering group's."""
        c = client_for("styregruppe")
        windows = {m: api(c, m) for m in (3, 12, 36)}
        for m in (12, 36):
            assert windows[m]["quarters"][-1] == windows[3]["quarters"][0]
            for figure in ("stays", "citizens", "occupancy"):
                for sector in ("kommune", "region"):
                    assert windows[m][figure][sector][-1] == windows[3][figure][sector][0]
            assert windows[m]["length_mix"]["kommune"][-1] == windows[3]["length_mix"]["kommune"][0]
        assert len(windows[36]["quarters"]) == 12 and len(windows[12]["quarters"]) == 4
        leader_before = sum(api(client_for("leder"), 3)["stays"]["kommune"])
        # an arrival now, in the running quarter
        citizen = citizen_create(house=house, sector="kommune", name="Nu", cpr=cpr_for(datetime.date(1990, 5, 5), 9))
        contract_create(house=house, citizen=citizen, sector="kommune", granted_on=house_today(house=house) - D)
        now = timezone.now()
        stay_make(house=house, citizen=citizen, label="K7", arrival=now, departure=at(house_today(house=house) + D, 10),
                  status="checked_in", user=users["leder"])
        cache.clear()
        assert sum(api(client_for("leder"), 3)["stays"]["kommune"]) == leader_before + 1
        again = {m: api(c, m) for m in (3, 12, 36)}
        for m in (3, 12, 36):
            assert again[m]["stays"] == windows[m]["stays"] and again[m]["length_mix"] == windows[m]["length_mix"]


@pytest.mark.django_db
class TestEarlierPublications:
    def test_a_cell_a_report_hid_stays_hidden_on_the_dashboard(self, house, quarter, client_for):
        run = ReportRun.objects.create(house=house, period_start=quarter.start, period_end=quarter.end,
                                       period_label=quarter.label, formats=["json"], suppress_below=5, status="done")
        published = Publication(start=quarter.start.isoformat(), end=quarter.end.isoformat(),
                                values={("stays", "kommune", "stays"): 7},
                                hidden={("stays", "kommune", "stays"): COMPLEMENTARY})
        ReportPublication.objects.create(run=run, house=house, period_start=quarter.start, period_end=quarter.end,
                                         suppress_below=5, figures=published.to_json())
        trends = api(client_for("styregruppe"), 3)
        assert trends["stays"]["kommune"] == [None]
        assert trends["length_mix"]["kommune"] == [[0, 5, "<5", 0, 0]]

    def test_what_the_dashboard_published_is_kept_for_later_reports(self, house, quarter, client_for):
        from reporting.services import report_published

        api(client_for("styregruppe"), 3)
        api(client_for("styregruppe"), 3)  # the same figures again: stored once
        rows = DashboardPublication.objects.filter(house=house, period_start=quarter.start)
        assert rows.count() == 1
        stored = Publication.from_json(rows.get().figures)
        assert stored.hidden == {("stays", "kommune", "stays_by_nights", "3"): "primary",
                                 ("stays", "kommune", "stays_by_nights", "2"): COMPLEMENTARY}
        later = report_published(house=house, period=quarter, below=5)
        assert any(p.period == stored.period and p.hidden == stored.hidden for p in later)

    def test_leaders_publish_nothing(self, house, quarter, client_for):
        api(client_for("leder"), 36)
        assert not DashboardPublication.objects.exists()

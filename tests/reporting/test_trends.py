"""Udvikling (`tables.trends`): the key figures for every year since the house opened, or the last five
quarters, each column suppressed like the report of its period and audited with everything published.

Hand-worked answers below are for the `dataset` fixture (tests/reporting/conftest.py), whose house records no
opening date: its history begins with its first contract (B, 20.11.2019), so a 2021 report has the columns
2019, 2020 and 2021.
"""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest

from reporting.tables.periods import half_year, period_for
from reporting.trends import MAX_YEARS, trend_periods, trends_table

D = datetime.date


def labels(periods):
    return [p.label for p in periods]


class TestPeriods:
    def test_a_year_report_has_every_year_since_the_house_opened(self):
        assert labels(trend_periods(period=period_for(year=2022), first_day=D(2019, 2, 25))) == \
            ["2019", "2020", "2021", "2022"]
        # opened in the report's own year: one column; a report of a year before the opening keeps its own
        assert labels(trend_periods(period=period_for(year=2019), first_day=D(2019, 2, 25))) == ["2019"]
        assert labels(trend_periods(period=period_for(year=2018), first_day=D(2019, 2, 25))) == ["2018"]

    def test_at_most_ten_years(self):
        years = trend_periods(period=period_for(year=2025), first_day=D(2012, 1, 1))
        assert len(years) == MAX_YEARS and years[0].label == "2016" and years[-1].label == "2025"

    def test_a_quarter_report_has_the_last_five_quarters_after_the_opening(self):
        q1 = period_for(year=2022, quarter=1)
        assert labels(trend_periods(period=q1, first_day=D(2019, 2, 25))) == [
            "1. kvartal 2021", "2. kvartal 2021", "3. kvartal 2021", "4. kvartal 2021", "1. kvartal 2022"]
        # opened 15.8.2021: the quarter it opened in counts, those before it get no column (not zeros)
        assert labels(trend_periods(period=q1, first_day=D(2021, 8, 15))) == [
            "3. kvartal 2021", "4. kvartal 2021", "1. kvartal 2022"]

    def test_half_years_and_ranges(self):
        h2 = half_year(year=2021, half=2)
        assert labels(trend_periods(period=h2, first_day=None)) == [
            "2. halvår 2019", "1. halvår 2020", "2. halvår 2020", "1. halvår 2021", "2. halvår 2021"]
        off_grid = period_for(year=2021, start=D(2021, 1, 1), end=D(2021, 1, 31))
        assert trend_periods(period=off_grid, first_day=None) == []


class TestTable:
    def test_columns_are_the_key_figures_of_each_period_as_published(self):
        def data(stays, turned, total):
            return {"tables": {"stays": {"kommune": {"stays": stays, "unique_citizens": 3, "nights": 9}},
                               "requests": {"kommune": {"outcomes": {"counts": {"turned_away": turned},
                                                                     "total": total}}}}}

        columns = [(period_for(year=2020), data("<5", 0, 0)), (period_for(year=2021), data(None, 2, 8))]
        table = trends_table(columns=columns, first_day=D(2020, 3, 1))
        assert [p["key"] for p in table["periods"]] == ["2020", "2021"]
        assert table["kommune"]["stays"] == {"2020": "<5", "2021": None}  # "<5" and "–" pass through
        assert table["kommune"]["nights"] == {"2020": 9, "2021": 9}
        # a share of no request at all is no figure ("·"), not a hidden one; 2 of 8 is 25 %
        assert table["kommune"]["turned_away_percent"] == {"2021": 25.0}
        assert "contracts_in_force" not in table["kommune"] and "region" not in table


@pytest.mark.django_db
class TestReport:
    def test_raw_figures_worked_out_by_hand(self, dataset):
        from reporting.services import report_figures

        trends = report_figures(house=dataset.house, period=period_for(year=2021), formats=["json"],
                                suppress_below=0)["data"]["tables"]["trends"]
        assert [p["label"] for p in trends["periods"]] == ["2019", "2020", "2021"]
        k, r = trends["kommune"], trends["region"]
        # stays by arrival: B 30.12.2020 (3 nights) in 2020; A 1+0+2 and B 3+5 nights in 2021
        assert k["stays"] == {"2019": 0, "2020": 1, "2021": 5}
        assert k["nights"] == {"2019": 0, "2020": 3, "2021": 11}
        assert k["unique_citizens"] == {"2019": 0, "2020": 1, "2021": 2}
        assert r["stays"] == {"2019": 0, "2020": 0, "2021": 2} and r["nights"]["2021"] == 4
        # contracts: B from 20.11.2019 (ended 30.6.2021), A from 1.3.2020; regional D 15.9.2020–31.3.2021,
        # A from 1.2.2021, C from 31.12.2021
        assert k["contracts_in_force"] == {"2019": 1, "2020": 2, "2021": 1}
        assert k["new_contracts"] == {"2019": 1, "2020": 1, "2021": 0}
        assert r["contracts_in_force"] == {"2019": 0, "2020": 1, "2021": 2}
        assert r["new_contracts"] == {"2019": 0, "2020": 1, "2021": 2}
        assert "turned_away_percent" not in k  # no request recorded in any year: no share, not "–"

    def test_suppressed_like_the_report_of_each_period_and_audited(self, dataset):
        """The 2021 column is the report's own key figures: kommune's five stays (0–1 night: 2, two nights: 1,
        three: 1, 5+: 1) are all small, and with the total printed each would be pinned to 1 or 2, so the
        total is hidden as their complement ("–"); the 11 nights are hidden too, since 2 + 3 + 5 (at least
        five) of them would pin the 2-, 3- and 5+-night counts at 1, and with them the women's 3 nights in
        30–39 (the men's 8 in 60–69 are printed). 2020's one stay is "<5", its 3 nights "–"; 2019 prints its
        zeros."""
        from reporting.disclosure import Publication, audit
        from reporting.models import ReportPublication
        from reporting.services import report_run_build, report_run_request

        run = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["json"],
                                 enqueue=False)
        run = report_run_build(run_id=run.pk)
        assert run.status == "done", run.error
        data = run.figures_data["data"]
        trends, tables = data["tables"]["trends"], data["tables"]
        k = trends["kommune"]
        assert k["stays"] == {"2019": 0, "2020": "<5", "2021": None}
        assert tables["stays"]["kommune"]["stays"] is None  # the same cell as the stay table's
        assert tables["stays"]["kommune"]["stays_by_nights"] == {"0-1": "<5", "2": "<5", "3": "<5", "4": 0,
                                                                 "5+": "<5"}
        # 2020: one stay of 3 nights; "<5" nights beside "<5" stays of 3 nights would pin both (3 × 1 is the
        # only product below 5), so the nights are "–"
        assert k["nights"] == {"2019": 0, "2020": None, "2021": None}
        assert tables["nights_age_gender"]["kommune"]["counts"]["30-39"]["F"] is None
        assert tables["nights_age_gender"]["kommune"]["counts"]["60-69"]["M"] == 8
        assert k["new_contracts"] == {"2019": "<5", "2020": "<5", "2021": 0}
        assert k["occupancy_percent"]["2020"] is None  # 3 occupied bed-nights: "<5", so the share is hidden
        # what was stored: the year, the year before and the 2019 column; every hidden small cell protected
        stored = [Publication.from_json(p.figures) for p in ReportPublication.objects.filter(run=run)
                  .order_by("period_start")]
        assert [p.start for p in stored] == ["2019-01-01", "2020-01-01", "2021-01-01"]
        assert stored[0].values[("stays", "kommune", "stays")] == 0
        intervals = audit(stored, below=5)
        assert intervals and all(i.protected for i in intervals), [i for i in intervals if not i.protected]

    def test_the_pdf_has_the_trend_page_in_danish(self, dataset):
        import shutil

        if shutil.which("pdftotext") is None:
            pytest.skip("poppler-utils missing")
        from reporting.services import report_render

        files = report_render(house=dataset.house, period=period_for(year=2021, quarter=4), formats=["pdf", "json",
                                                                                                    "xlsx"])
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=files["pdf"], capture_output=True,
                              check=True).stdout.decode()
        start = text.index("Udvikling\nNøgletallene")
        page = text[start:text.index("Ophold\n", start)]  # the tables, up to the first chart's title
        assert "4. kvartal 2020" in page and "1. kvartal 2021" in page and "4. kvartal 2021" in page
        assert "Kontrakter i kraft ved" in page and "Unikke borgere" in page
        assert "Afviste henvendelser" not in page  # no request recorded: no share in any column
        assert "fra husets åbning" not in page  # the first quarter lies after the first record (20.11.2019)
        for repr_bit in ("{'", "None", "2021-K", "'value'", "2021-10-01"):
            assert repr_bit not in text
        data = json.loads(files["json"])
        assert [p["key"] for p in data["tables"]["trends"]["periods"]] == [
            "2020-K4", "2021-K1", "2021-K2", "2021-K3", "2021-K4"]
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(files["xlsx"]))
        sheet = book["Udvikling"]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        assert ["Kommune", "4. kvartal 2020", "1. kvartal 2021", "2. kvartal 2021", "3. kvartal 2021",
                "4. kvartal 2021"] in rows


def test_trend_charts_count_in_whole_numbers():
    from reporting.report_charts import _whole_axis

    assert [_whole_axis(v) for v in (0, 3, 5, 21, 180, 1640)] == [4, 4, 8, 24, 200, 2000]

"""How the report reads: activity tables with figures down and periods across, Danish dates and month names,
labels from the choices, structural zeros as "·", hours without ",0", the staff at the period's end, the
regional column left out of table 12, and a warning where stays are not linked to requests. The figures are
hand-made (layout tests) or the hand-computed data set of conftest.py."""

from __future__ import annotations

import datetime
import logging
import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from reporting.report_layout import STRUCTURAL, number, report_blocks
from reporting.selectors import period_for, report_data
from reporting.tables.activities import table_staff
from reporting.tables.contracts import table_municipal_services
from reporting.tables.stays import table_requests

pytestmark = pytest.mark.django_db  # the layout reads the table registry's labels (and the tests build data)


def _data(tables: dict, period) -> dict:
    return {"period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
            "tables": tables, "suppress_below": 5}


def _block(key: str, table: dict, prev: dict | None, period):
    previous = _data({key: prev}, period.previous_year()) if prev is not None else None
    return next(b for b in report_blocks(data=_data({key: table}, period), previous=previous) if b.key == key)


def _rows(block) -> dict[str, list]:
    return {row[0]: [c["value"] for c in row[1:]] for row in block.rows}


class TestActivityTables:
    def test_staff_one_row_per_figure_dates_across(self):
        staff = {"by_date": {"2021-01-01": {"kommune": {"employees": 30, "fte": 22.8},
                                            "region": {"employees": 32, "fte": 26.5},
                                            "total": {"employees": 62, "fte": 49.3}},
                             "2021-07-01": {"kommune": {"employees": 31, "fte": 23.0}, "region": None,
                                            "total": {"employees": 31, "fte": 23.0}}},
                 "at_end": {"kommune": {"on_date": "2022-01-01", "employees": 33, "fte": 25.1},
                            "region": {"on_date": "2022-01-01", "employees": 34, "fte": 30.4}}}
        block = _block("staff", staff, None, period_for(year=2021))
        assert block.columns == ["", "1.1.2021", "1.7.2021", "Ved periodens slutning"]
        rows = _rows(block)
        assert rows["Kommune · Medarbejdere"] == [30, 31, 33]
        assert rows["Region · Årsværk"] == [26.5, STRUCTURAL, 30.4]  # not counted on 1.7: not a zero
        assert rows["I alt · Medarbejdere"] == [62, 31, 67]
        assert "1.1.2022" in block.footnote
        assert not any("{" in str(c["value"]) for row in block.rows for c in row[1:])

    def test_a_quarter_beside_the_same_quarter_a_year_before(self):
        now = {"meetings": 14, "cross_sector": 6, "months_reported": 3}
        before = {"meetings": 9, "cross_sector": 5, "months_reported": 3}
        block = _block("open_dialogue", {**now, "by_year": {"2022": now}}, {**before, "by_year": {"2021": before}},
                       period_for(year=2022, quarter=1))
        assert block.columns == ["", "1. kvartal 2021", "1. kvartal 2022"]  # not "2021"/"2022": a quarter each
        assert _rows(block) == {"Netværksmøder": [9, 14], "Med begge sektorer": [5, 6],
                                "Måneder indberettet": [3, 3]}
        assert len(block.rows) == 3  # each figure once (no total row, no "2021 · ..." rows)

    def test_semesters_in_a_quarter_report_are_footnoted(self):
        cohort = {"label": "Forår 2022", "participants": 8, "completed": 0, "employed": 0, "other_education": 0,
                  "unknown": 0, "in_practice": 0}
        block = _block("peer_education", {"totals": dict(cohort), "by_cohort": {"2022-spring": cohort}}, None,
                       period_for(year=2022, quarter=1))
        assert block.columns == ["", "Forår 2022"]
        assert "hele semestret" in block.footnote

    def test_months_by_name_and_the_year_total(self):
        by_month = {f"2021-{m:02d}": {"peers": 6, "weekly_hours": 105.0, "conversations": 10} for m in range(1, 13)}
        block = _block("peer_hours", {"by_month": by_month, "by_peer": {}, "conversations": 120},
                       {"by_month": {"2020-01": {"peers": 1, "weekly_hours": 1.0, "conversations": 1}},
                        "by_peer": {}, "conversations": 1}, period_for(year=2021))
        assert block.columns[1] == "jan. 2021" and block.columns[12] == "dec. 2021"
        assert block.columns[13] == "I alt 2021" and len(block.columns) == 14  # the year before left out: too wide
        assert block.wide
        assert _rows(block)["Peer-samtaler"][-1] == 120
        assert "" in [c for c in _rows(block)["Peer-medarbejdere"]][-1:]  # no total of a head count

    def test_offers_are_labelled_from_the_choices(self):
        block = _block("house_offers", {"sector": "region", "by_offer": {"sleep": 10, "act": 7, "bbat": 6,
                                                                         "kat": 9, "body": 8},
                                        "users": 30, "contract_holders": 200}, None, period_for(year=2021))
        labels = [row[0] for row in block.rows]
        assert "ACT" in " ".join(labels) and "B-BAT" in " ".join(labels) and "Krop og afspænding" in " ".join(labels)
        assert not any(re.search(r"\b(act|bbat|kat|body)\b", label) for label in labels)


def test_contracts_granted_after_the_comparison_period_are_not_zeros():
    table = {"kommune": {"counts": {"2020 K4": 8, "2021 K1": 10}, "total": 18}}
    prev = {"kommune": {"counts": {"2020 K4": 8}, "total": 8}}
    rows = _rows(_block("contracts_by_quarter_granted", table, prev, period_for(year=2021)))
    assert rows["2021 K1"] == [10, STRUCTURAL] and rows["2020 K4"] == [8, 8]


def test_numbers_read_danish():
    assert number(70080.0) == "70.080"  # hours: no ",0"
    assert number(2.5) == "2,5" and number(22.8) == "22,8" and number(1234567) == "1.234.567"
    assert number(None) == "–" and number(STRUCTURAL) == "·"


@pytest.mark.django_db
class TestTablesFromData:
    def test_municipal_services_has_no_regional_column(self, dataset):
        table = table_municipal_services(house=dataset.house, period=period_for(year=2021))
        assert set(table) == {"kommune"}
        # A (mestringsvejleder) and B (none) held a municipal contract in 2021.
        assert table["kommune"]["counts"] == {"mestringsvejleder": 1, "afr": 0, "both": 0, "none": 1, "unknown": 0}

    def test_requests_say_how_many_stays_came_from_a_request(self, dataset):
        table = table_requests(house=dataset.house, period=period_for(year=2021))
        assert (table["kommune"]["stays"], table["kommune"]["stays_with_request"]) == (5, 0)
        assert (table["region"]["stays"], table["region"]["stays_with_request"]) == (2, 0)
        from reporting.tables.data_quality import table_data_quality

        quality = table_data_quality(house=dataset.house, period=period_for(year=2021), tables={"requests": table})
        data = _data({"requests": table, "data_quality": quality}, period_for(year=2021))
        block = next(b for b in report_blocks(data=data, previous=None))
        assert len(block.warnings) == 2 and "Kommune: 5 af 5 ophold (100 %) er booket uden" in block.warnings[0]

    def test_staff_at_the_end_is_the_count_of_the_next_day(self, house):
        from activities.services import staff_count_record

        for day, employees in ((datetime.date(2021, 1, 1), 30), (datetime.date(2022, 1, 1), 33)):
            staff_count_record(house=house, sector="kommune", on_date=day, employees=employees, fte=Decimal("22.8"))
        table = table_staff(house=house, period=period_for(year=2021))
        assert list(table["by_date"]) == ["2021-01-01"]
        assert table["at_end"]["kommune"] == {"on_date": "2022-01-01", "employees": 33, "fte": 22.8}
        assert table["at_end"]["region"] is None
        q1 = table_staff(house=house, period=period_for(year=2021, quarter=1))
        assert q1["at_end"]["kommune"]["on_date"] == "2021-01-01"  # no count on 1.4.2021: the latest before

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
    def test_pdf_has_no_python_repr_and_no_iso_date(self, dataset, tmp_path):
        from activities.services import staff_count_record
        from reporting.services import report_render

        staff_count_record(house=dataset.house, sector="kommune", on_date=datetime.date(2021, 1, 1), employees=30,
                           fte=Decimal("22.8"))
        pdf = report_render(house=dataset.house, period=period_for(year=2021), formats=["pdf"],
                            suppress_below=0)["pdf"]
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        assert "Medarbejdere og årsværk" in text and "1.1.2021" in text
        assert not re.search(r"\{'\w+': ", text), "a Python dict reached the PDF"
        assert not re.search(r"\b\d{4}-\d{2}(-\d{2})?\b", text), re.findall(r".*\d{4}-\d{2}.*", text)[:5]
        data = report_data(house=dataset.house, period=period_for(year=2021), suppress_below=0)
        assert set(data["tables"]["municipal_services"]) == {"kommune"}


class TestKeyFigures:
    def test_from_the_published_figures_with_last_year_and_the_change(self):
        from reporting.key_figures import key_figures

        def tables(stays, citizens, nights, percent, active, new, turned, total):
            return {"stays": {"kommune": {"stays": stays, "unique_citizens": citizens, "nights": nights}},
                    "occupancy": {"kommune": {"percent": percent}},
                    "contracts": {"kommune": {"active_at_end": active, "new": new}},
                    "requests": {"kommune": {"outcomes": {"counts": {"turned_away": turned}, "total": total}}}}

        now = {"tables": tables(543, 68, 1308, 65.5, 150, 56, 23, 35)}
        before = {"tables": tables(565, 70, 1352, 66.7, 127, "<5", 21, None)}
        figures = key_figures(data=now, previous=before)["kommune"]
        assert figures["stays"] == {"value": 543, "previous": 565, "change": -22}
        assert figures["occupancy_percent"] == {"value": 65.5, "previous": 66.7, "change": -1.2}
        assert figures["new_contracts"] == {"value": 56, "previous": "<5", "change": None}  # hidden stays hidden
        assert figures["turned_away_percent"] == {"value": 65.7, "previous": None, "change": None}  # 23/35
        assert "followups_overdue" not in figures  # no such table in this report: left out, not a zero
        assert set(key_figures(data=now, previous=None)) == {"kommune"}

    def test_a_share_of_nothing_is_not_applicable_not_hidden(self):
        """"–" says hidden, so a share without a denominator prints "·": kommune recorded no request this year
        (0 turned away of 0), region's 3 requests are "<5" and hid the count (so its share is "–"); a year
        before, kommune turned away 2 of 8 (25 %), region recorded none. Region had no bed-night available
        last year (beds came later), so its occupancy then is "·" and no change, not a rise from 0,0 %."""
        from reporting.key_figures import key_figures
        from reporting.report_layout import HIDDEN, key_figures_table

        def tables(kommune_requests, region_requests, region_available, region_occupied):
            def requests(turned, total):
                return {"outcomes": {"counts": {"turned_away": turned}, "total": total}}

            def occupancy(available, occupied):
                percent = round(100.0 * occupied / available, 1) if available else 0.0
                return {"bed_nights_available": available, "bed_nights_occupied": occupied, "percent": percent}

            return {"requests": {"kommune": requests(*kommune_requests), "region": requests(*region_requests)},
                    "occupancy": {"kommune": occupancy(720, 360), "region": occupancy(region_available,
                                                                                      region_occupied)}}

        period = period_for(year=2021)
        now = _data(tables((0, 0), ("<5", "<5"), 720, 540), period)
        before = _data(tables((2, 8), (0, 0), 0, 0), period.previous_year())
        now["tables"]["key_figures"] = key_figures(data=now, previous=before)
        assert now["tables"]["key_figures"]["region"]["occupancy_percent"] == {
            "value": 75.0, "previous": 0.0, "change": None}  # no change from an occupancy of no bed at all
        table = key_figures_table(data=now, previous=before)
        assert table.columns == ["", "Kommune 2021", "2020", "Ændring", "Region 2021", "2020", "Ændring"]
        rows = {row[0]: row[1:] for row in table.rows}
        assert rows["Afviste henvendelser (%)"] == [STRUCTURAL, "25,0", "", HIDDEN, STRUCTURAL, ""]
        assert rows["Belægning (%)"] == ["50,0", "50,0", "0,0", "75,0", STRUCTURAL, ""]
        # without the year before: its columns are empty, the share of nothing still "·"
        alone = key_figures_table(data=now, previous=None)
        assert {row[0]: row[1:] for row in alone.rows}["Afviste henvendelser (%)"] == [
            STRUCTURAL, "", "", HIDDEN, "", ""]

    @pytest.mark.django_db
    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
    def test_no_request_recorded_prints_not_applicable_in_pdf_and_xlsx(self, dataset, tmp_path):
        """The data set records no request in 2021 or 2020: the turned-away share is "·" in both columns of both
        sectors, on the Nøgletal page and its sheet; "–" is left for what is hidden (nothing, with raw figures)."""
        import io

        from openpyxl import load_workbook

        from reporting.services import report_render

        files = report_render(house=dataset.house, period=period_for(year=2021), formats=["pdf", "xlsx"],
                              suppress_below=0)
        sheet = load_workbook(io.BytesIO(files["xlsx"]))["Nøgletal"]
        rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(values_only=True) if row and row[0]}
        assert rows["Afviste henvendelser (%)"] == [STRUCTURAL, STRUCTURAL, None, STRUCTURAL, STRUCTURAL, None]
        assert rows["Ophold"][:3] == ["5", "1", "+4"]
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=files["pdf"], capture_output=True,
                              check=True).stdout.decode()
        line = next(line for line in text.splitlines() if "Afviste henvendelser (%)" in line)
        assert line.split("Afviste henvendelser (%)")[1].split() == [STRUCTURAL] * 4, line
        assert "–" not in text.split("Nøgletal", 2)[2].split("Udvikling")[0]

    @pytest.mark.django_db
    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
    def test_key_figures_page_comes_right_after_the_contents(self, dataset):
        import json

        from reporting.services import report_render

        files = report_render(house=dataset.house, period=period_for(year=2021), formats=["pdf", "json"],
                              suppress_below=0)
        data = json.loads(files["json"])
        assert list(data["tables"])[0] == "key_figures"
        assert data["tables"]["key_figures"]["kommune"]["stays"] == {"value": 5, "previous": 1, "change": 4}
        assert data["tables"]["key_figures"]["region"]["nights"] == {"value": 4, "previous": 0, "change": 4}
        pages = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", "-", "-"], input=files["pdf"],
                                capture_output=True, check=True).stdout.decode() for p in (2, 3)]
        assert "Indhold" in pages[0]
        assert any("Ændring" in p and "Kontrakter i kraft" in p and "Unikke borgere" in p for p in pages), pages


class TestPdfEngine:
    """The report is rendered with a leaner user-agent sheet (see `report_files._user_agent_sheet`)."""

    def test_the_pinned_weasyprint_sheet_is_recognised(self, caplog):
        from reporting.report_files import _user_agent_sheet

        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            sheet = _user_agent_sheet()
        # None means WeasyPrint changed its sheet and the report silently went back to the slower one.
        assert sheet is not None
        assert [r.getMessage() for r in caplog.records if r.name == "weasyprint"] == []  # no rule rejected

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
    def test_list_markers_and_table_cells_still_render(self):
        from reporting.report_files import _pdf

        pdf = _pdf('<html><body><ul><li>Første ændring</li><li>Anden</li></ul><ol><li>Tredje</li></ol>'
                   '<table style="table-layout: fixed; width: 100%"><tr><th style="width: 40%">Ophold</th>'
                   '<td>1.234</td></tr></table></body></html>')
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode("utf-8")
        assert re.search(r"•\s+Første ændring", text)
        assert re.search(r"1\.\s+Tredje", text)
        assert re.search(r"Ophold\s+1\.234", text)

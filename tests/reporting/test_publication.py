"""Suppressed outputs only on the calendar grid, what each run publishes, and the audit of a new report
together with what the house has published before."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from reporting.disclosure import COMPLEMENTARY, Publication
from reporting.models import ReportPublication, ReportRun, ReportStatus
from reporting.selectors import half_year, period_for, period_is_grid, report_figures
from reporting.services import report_published, report_run_build, report_run_request

pytestmark = pytest.mark.django_db

LIST = "reporting:report_list"
D = datetime.date


def test_the_grid():
    assert period_is_grid(period_for(year=2022, quarter=3))
    assert period_is_grid(half_year(year=2022, half=2)) and half_year(year=2022, half=2).label == "2. halvår 2022"
    assert period_is_grid(period_for(year=2022))
    assert period_is_grid(period_for(year=2022, start=D(2022, 4, 1), end=D(2022, 9, 30))) is False  # Q2+Q3
    assert not period_is_grid(period_for(year=2022, start=D(2022, 1, 1), end=D(2022, 3, 30)))  # a day short
    assert not period_is_grid(period_for(year=2022, start=D(2022, 2, 1), end=D(2022, 2, 28)))  # a month
    assert not period_is_grid(period_for(year=2022, start=D(2022, 7, 1), end=D(2023, 6, 30)))  # across years


class TestOffGridRefused:
    def test_steering_group_asks_for_a_range_and_is_told_why(self, client_for, house):
        response = client_for("styregruppe").post(reverse(LIST), {
            "kind": "range", "start": "2022-07-01", "end": "2022-09-29", "formats": ["json"]})
        assert response.status_code == 200
        page = response.content.decode()
        assert "kun for hele kvartaler, halvår og år" in page and "kræver adgang til rå tal" in page
        assert not ReportRun.objects.exists()

    def test_steering_group_may_order_a_half_year(self, client_for, house):
        response = client_for("styregruppe").post(reverse(LIST), {
            "kind": "half", "year": "2022", "half": "1", "formats": ["json"]})
        assert response.status_code == 302
        run = ReportRun.objects.get()
        assert (run.period_start, run.period_end, run.suppress_below) == (D(2022, 1, 1), D(2022, 6, 30), 5)

    def test_a_leader_gets_a_range_only_as_raw_figures(self, client_for, house):
        leader = client_for("leder")
        refused = leader.post(reverse(LIST), {"kind": "range", "start": "2022-07-01", "end": "2022-07-31",
                                              "formats": ["json"]})
        assert "kræver adgang til rå tal" in refused.content.decode() and not ReportRun.objects.exists()
        leader.post(reverse(LIST), {"kind": "range", "start": "2022-07-01", "end": "2022-07-31",
                                    "formats": ["json"], "raw": "on"})
        assert ReportRun.objects.get().suppress_below == 0

    def test_the_api_refuses_the_steering_group_a_range_with_the_reason(self, house, users):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(users["styregruppe"])
        response = client.post("/api/v1/reports/", {"house": "aarhus", "kind": "range", "start": "2022-07-01",
                                                    "end": "2022-07-31", "formats": ["json"]}, format="json")
        assert response.status_code == 400
        assert "kun for hele kvartaler, halvår og år" in json.dumps(response.json(), ensure_ascii=False)
        assert not ReportRun.objects.exists()
        half = client.post("/api/v1/reports/", {"house": "aarhus", "kind": "half", "year": 2022, "half": 1,
                                                "formats": ["json"]}, format="json")
        assert half.status_code in (201, 400)  # the API may not know half-years; never an off-grid run
        assert all(period_is_grid(period_for(year=r.period_start.year, start=r.period_start, end=r.period_end))
                   for r in ReportRun.objects.all())

    def test_the_service_refuses_too(self, house):
        month = period_for(year=2022, start=D(2022, 7, 1), end=D(2022, 7, 31))
        with pytest.raises(ValueError, match="hele kvartaler, halvår og år"):
            report_run_request(house=house, period=month, formats=["json"], enqueue=False)
        assert report_run_request(house=house, period=month, formats=["json"], suppress_below=0, enqueue=False)

    def test_the_command_refuses_a_suppressed_range(self, dataset, tmp_path):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="hele kvartaler"):
            call_command("evaluation_report", "--house", "aarhus", "--start", "2021-01-01", "--end", "2021-03-30",
                         "--format", "json", "--output", str(tmp_path / "x.json"))


class TestPublished:
    def test_a_build_stores_what_it_published_and_the_next_build_is_audited_with_it(self, dataset):
        q1 = period_for(year=2021, quarter=1)
        run = report_run_request(house=dataset.house, period=q1, formats=["json", "pdf"], enqueue=False)
        report_run_build(run_id=run.pk)
        stored = list(ReportPublication.objects.filter(run=run).order_by("period_start"))
        # the quarter, the same quarter a year before (the PDF's comparison) and the trend's quarters between
        assert [(p.period_start, p.period_end) for p in stored] == [
            (D(2020, 1, 1), D(2020, 3, 31)), (D(2020, 4, 1), D(2020, 6, 30)), (D(2020, 7, 1), D(2020, 9, 30)),
            (D(2020, 10, 1), D(2020, 12, 31)), (D(2021, 1, 1), D(2021, 3, 31))]
        pub = Publication.from_json(stored[-1].figures)
        assert pub.values[("stays", "kommune", "stays")] == 2
        assert pub.hidden[("stays", "kommune", "stays_by_nights", "0-1")] == "primary"
        year = period_for(year=2021)
        published = report_published(house=dataset.house, period=year, below=5)
        assert len(published) == 5  # the year's trend reaches back to 2019: the 2020 quarters count too
        figures = report_figures(house=dataset.house, period=year, published=published)
        assert figures.intervals and all(i.protected for i in figures.intervals)

    def test_a_report_that_would_give_away_a_small_number_is_refused(self, dataset):
        """An earlier output of the same quarter printed the figures this one hides beside its small cells
        (as the old per-table rule did): together they would pin them, so the run fails with the reason."""
        q1 = period_for(year=2021, quarter=1)
        figures = report_figures(house=dataset.house, period=q1)
        leaky = figures.publication
        leaky.hidden = {p: kind for p, kind in leaky.hidden.items() if kind != COMPLEMENTARY}
        leaky.hidden = {p: kind for p, kind in leaky.hidden.items()
                        if p[0] != "stays_per_month"}  # the months printed
        earlier = report_run_request(house=dataset.house, period=q1, formats=["json"], enqueue=False)
        ReportRun.objects.filter(pk=earlier.pk).update(status=ReportStatus.DONE)
        ReportPublication.objects.create(run=earlier, house=dataset.house, period_start=q1.start, period_end=q1.end,
                                         suppress_below=5, figures=leaky.to_json())
        run = report_run_request(house=dataset.house, period=q1, formats=["json"], enqueue=False)
        run = report_run_build(run_id=run.pk)
        assert run.status == ReportStatus.FAILED and not run.files
        assert "offentliggøres ikke" in run.error and "små tal kunne regnes ud" in run.error
        assert not ReportPublication.objects.filter(run=run).exists()

    def test_an_output_stored_before_the_nights_relation_is_audited_with_it(self, dataset):
        """2021 as a build before the nights relation published it: the 11 nights printed beside the "<5"
        lengths (2, 3 and 5+ nights: 1 each, pinned by 2 + 3 + 5 = 10 of 11). Stored without the relation, it
        would count as protecting them, so a rebuild, whose own nights relation pins them against those 11
        printed nights, would be refused for what the old output gave away. Read back, it gets the registry's
        relations: the cells are known to be pinned already, and the rebuild is published."""
        from reporting.disclosure import DisclosureError, report_model, suppress_publication
        from reporting.selectors import report_tables

        year = period_for(year=2021)
        raw = report_tables(house=dataset.house, period=year)
        old, _derived = report_model(raw, start="2021-01-01", end="2021-12-31")
        old.relations = [r for r in old.relations if not r.per_part]
        suppress_publication(old, below=5)
        assert ("stays", "kommune", "nights") not in old.hidden
        two = ("stays", "kommune", "stays_by_nights", "2")
        assert old.hidden[two] == "primary"
        earlier = report_run_request(house=dataset.house, period=year, formats=["json"], enqueue=False)
        ReportRun.objects.filter(pk=earlier.pk).update(status=ReportStatus.DONE)
        ReportPublication.objects.create(run=earlier, house=dataset.house, period_start=year.start,
                                         period_end=year.end, suppress_below=5, figures=old.to_json())

        published = report_published(house=dataset.house, period=year, below=5)
        assert any(r.per_part for r in published[0].relations)  # renewed from the registry
        new, _derived = report_model(raw, start="2021-01-01", end="2021-12-31")
        with pytest.raises(DisclosureError):  # as the stored publication alone says it
            suppress_publication(new, below=5, published=[Publication.from_json(old.to_json())])
        run = report_run_build(run_id=report_run_request(house=dataset.house, period=year, formats=["json"],
                                                         enqueue=False).pk)
        assert run.status == ReportStatus.DONE, run.error
        assert run.figures_data["data"]["tables"]["stays"]["kommune"]["nights"] == 11  # printed before: known

    def test_the_audit_command_prints_each_hidden_cell_with_its_interval(self, dataset, capsys):
        call_command("report_disclosure_audit", "--house", "aarhus", "--year", "2021")
        out = capsys.readouterr().out
        assert "<5  stays/kommune/stays_by_nights/0-1  1–" in out
        assert "mulige værdier, beskyttet" in out and "IKKE BESKYTTET" not in out
        assert "alle små beskyttet; revision" in out

    def test_the_audit_command_prints_the_trend_columns_too(self, dataset, capsys):
        """A 2021 build publishes 2021, 2020 (the comparison, also a trend column) and 2019 (a trend column of
        its own: the trend reaches back to B's contract of 20.11.2019). 2019 publishes only the key figures'
        cells; kommune's one contract in force and one new are "<5", each free from 1 to 4 (no relation binds
        them to a printed figure), so both are printed with that interval under 2019's heading."""
        call_command("report_disclosure_audit", "--house", "aarhus", "--year", "2021")
        out = capsys.readouterr().out
        sections = {part.split(":", 1)[0]: part for part in out.split("\n\n")[1:-1]}  # header, ..., summary
        assert list(sections) == ["2021 (rapportens periode)", "2020 (året før, sammenligning og udvikling)",
                                  "2019 (udvikling)"]
        lines = sections["2019 (udvikling)"].splitlines()
        assert lines[0].startswith("2019 (udvikling): 2 skjulte af ")
        assert lines[1:] == ["  <5  contracts/kommune/active_at_end  1–4  (4 mulige værdier, beskyttet)",
                             "  <5  contracts/kommune/new  1–4  (4 mulige værdier, beskyttet)"]
        assert "<5  stays/kommune/stays  1–4" in sections["2020 (året før, sammenligning og udvikling)"]
        assert "i 3 perioder, alle små beskyttet" in out

    def test_the_audit_command_fails_on_a_trend_column_an_earlier_output_gives_away(self, dataset, capsys):
        """An earlier output for 2019 printed kommune's new contracts (1) beside a total of 1: the 2021
        build's 2019 trend column hides it as "<5", but together with that output it is pinned. Only the
        trend column holds the cell, so a command that audited the report's own period alone would pass."""
        from django.core.management.base import CommandError

        year = period_for(year=2019)
        earlier = report_run_request(house=dataset.house, period=year, formats=["json"], enqueue=False)
        ReportRun.objects.filter(pk=earlier.pk).update(status=ReportStatus.DONE)
        leaky = Publication(start="2019-01-01", end="2019-12-31",
                            values={("contracts", "kommune", "new"): 1})
        ReportPublication.objects.create(run=earlier, house=dataset.house, period_start=year.start,
                                         period_end=year.end, suppress_below=5, figures=leaky.to_json())
        with pytest.raises(CommandError, match="små tal kan regnes ud"):
            call_command("report_disclosure_audit", "--house", "aarhus", "--year", "2021")
        out = capsys.readouterr().out
        assert "IKKE BESKYTTET  2019-01-01–2019-12-31  contracts/kommune/new  1–1" in out


def test_the_definitions_say_what_the_marks_mean(dataset):
    import shutil
    import subprocess

    from reporting.services import report_render

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils missing")
    pdf = report_render(house=dataset.house, period=period_for(year=2021), formats=["pdf"])["pdf"]
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    text = " ".join(text.decode().split())
    assert "Små tal („<5“ og „–“)" in text
    assert "„<5“ er et tal fra 1 til 4." in text and "Et „–“ er aldrig 0." in text
    assert "kun for hele kvartaler, halvår og år" in text

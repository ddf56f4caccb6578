"""The report states the house's rules for its period, and has waiting-list, goal and post-stay follow-up
tables where the rules use them (issue 11).

Hand-computed data set (Silkeborg: visitation, 14 days, goals, a safety visit/call 3 days after departure;
both sectors admit by visitation; 4 municipal beds K1–K4, 6 regional R1–R6). All in the municipal sector;
every visitation grants 1.12.2023–31.12.2024 with two goals ("Sove om natten", "Lægge en plan").

Waiting list (written up → arrival, placed in one action):
  W0 20.12.2023 09:00 → 22.12.2023 09:00 (2 days, placed in 2023: not in 2024)
  W1 01.03.2024 09:00 → 03.03.2024 09:00 (2.0 days)
  W2 02.03.2024 09:00 → 06.03.2024 21:00 (4.5 days)
  W3 05.03.2024 09:00 → 15.03.2024 09:00 (10.0 days)
  W4 30.12.2024 09:00, still waiting
  2024: placed 3, median 4.5, mean (2 + 4.5 + 10) / 3 = 5.5, waiting at the end of 31.12.2024: 1 (W4).
  1st quarter 2024: the same 3 placed; waiting at 31.03.2024: 0 (W4 not yet written up).
Stays and goals (checked out; goals evaluated at check-out):
  W0 22.12.2023 → 24.12.2023 (2023: not in 2024)       achieved, achieved
  W1 03.03.2024 → 05.03.2024                            achieved, partly
  W2 06.03.2024 → 08.03.2024                            not achieved, achieved
  W3 15.03.2024 → 20.03.2024                            achieved, achieved
  2024: 3 stays ended with goals; goals achieved 4, partly 1, not achieved 1, not evaluated 0, total 6.
Safety visits/calls (planned departure + 3 days):
  W0 27.12.2023 (outside 2024), W1 08.03.2024 done (call), W2 11.03.2024 not reached, W3 23.03.2024 left open.
  2024: done 1, not reached 1, cancelled 0, open 1, total 3.
The regional sector admits by visitation too but has no entries: zeros, no median.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from beds.models import Bed, WaitingListEntry
from beds.services import (
    stay_aftercare_record,
    stay_check_in,
    stay_check_out,
    stay_goal_evaluate,
    waiting_list_add,
    waiting_list_place_next,
)
from psykiatrihus.models import Role
from psykiatrihus.services import house_policy_set
from reporting.report_files import render_pdf, render_xlsx
from reporting.report_layout import rules_tables
from reporting.selectors import period_for, report_data, report_figures, report_rules, report_tables
from reporting.services import report_render, report_run_build, report_run_request
from tests.houses.conftest import at, visited

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR_2024 = period_for(year=2024)
Q1_2024 = period_for(year=2024, quarter=1)


def _time(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return at(day, hour) + datetime.timedelta(minutes=minute)


@pytest.fixture
def silkeborg(other_house):
    for sector in ("kommune", "region"):
        house_policy_set(house=other_house, sector=sector, valid_from=D(2012, 1, 1), admits_bsk=False,
                         admits_visitation=True, admits_home_treatment=False, stay_frame_nights=14,
                         extension_by="visitation", stays_have_goals=True, post_stay_followup="visit_or_call",
                         post_stay_followup_days=3)
    return other_house


@pytest.fixture
def sb_staff(silkeborg, make_member):
    return make_member(silkeborg, Role.MUNICIPAL_STAFF, "kommune", username="sb-kommune")


@pytest.fixture
def aarhus(house):
    """Aarhus's frames: municipal 1 night, regional 5 nights from 25.02.2019; 3 nights from 01.10.2020."""
    for sector, nights in (("kommune", 1), ("region", 5)):
        house_policy_set(house=house, sector=sector, valid_from=D(2019, 2, 25), stay_frame_nights=nights)
        house_policy_set(house=house, sector=sector, valid_from=D(2020, 10, 1), stay_frame_nights=3)
    return house


@pytest.fixture
def waiting(silkeborg, sb_staff):
    """The data set in the module docstring."""
    bed = {b.label: b for b in Bed.objects.filter(house=silkeborg)}
    plan = [  # name, written up, bed, arrival, departure, goal results, follow-up
        ("W0", _time(D(2023, 12, 20), 9), "K1", _time(D(2023, 12, 22), 9), _time(D(2023, 12, 24), 10),
         ["achieved", "achieved"], None),
        ("W1", _time(D(2024, 3, 1), 9), "K1", _time(D(2024, 3, 3), 9), _time(D(2024, 3, 5), 10),
         ["achieved", "partly"], "done"),
        ("W2", _time(D(2024, 3, 2), 9), "K2", _time(D(2024, 3, 6), 21), _time(D(2024, 3, 8), 10),
         ["not_achieved", "achieved"], "not_reached"),
        ("W3", _time(D(2024, 3, 5), 9), "K3", _time(D(2024, 3, 15), 9), _time(D(2024, 3, 20), 10),
         ["achieved", "achieved"], None),
    ]
    for i, (name, written, label, arrival, departure, results, followup) in enumerate(plan):
        _citizen, decision = visited(silkeborg, name, 60 + i, granted_from=D(2023, 12, 1))
        waiting_list_add(visitation=decision, user=sb_staff, requested_at=written,
                         requested_nights=(departure.date() - arrival.date()).days)
        stay = waiting_list_place_next(bed=bed[label], user=sb_staff, arrival=arrival)
        assert stay.citizen.name == name  # first in line
        stay_check_in(stay=stay, user=sb_staff, at=arrival)
        for goal, result in zip(stay.goals.all(), results, strict=True):
            stay_goal_evaluate(goal=goal, result=result, user=sb_staff, at=departure)
        stay_check_out(stay=stay, user=sb_staff, at=departure)
        if followup:
            stay_aftercare_record(aftercare=stay.aftercare.get(), user=sb_staff, kind="call",
                                  done_on=departure.date() + datetime.timedelta(days=3),
                                  reached=followup == "done")
    _citizen, decision = visited(silkeborg, "W4", 64, granted_from=D(2023, 12, 1))
    waiting_list_add(visitation=decision, user=sb_staff, requested_at=_time(D(2024, 12, 30), 9),
                     requested_nights=7)
    return silkeborg


class TestRulesInThePeriod:
    def test_a_change_inside_the_period_shows_both_versions(self, aarhus, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):
            rules = report_rules(house=aarhus, period=period_for(year=2020))
        kommune, region = rules["kommune"], rules["region"]
        assert kommune["bed_set"] == {"beds": 8, "faerdigbehandling_beds": 2}
        assert region["bed_set"] == {"beds": 8, "faerdigbehandling_beds": 0}
        assert [(v["valid_from"], v["until"], v["stay_frame_nights"]) for v in kommune["versions"]] == [
            ("2019-02-25", "2020-09-30", 1), ("2020-10-01", None, 3)]
        assert [v["stay_frame_nights"] for v in region["versions"]] == [5, 3]
        assert [v["changed"] for v in region["versions"]] == [[], ["stay_frame_nights"]]
        first = region["versions"][0]
        assert first["admission_routes"] == ["bsk", "home_treatment"]
        assert (first["followup_interval_months"], first["stays_have_goals"], first["post_stay_followup"],
                first["post_stay_followup_days"], first["extension_by"]) == (6, False, "none", None, "leader")

    def test_a_period_after_the_change_has_one_version(self, aarhus):
        rules = report_rules(house=aarhus, period=period_for(year=2021))
        assert [(v["valid_from"], v["until"], v["stay_frame_nights"], v["changed"])
                for v in rules["kommune"]["versions"]] == [("2020-10-01", None, 3, [])]
        assert [v["valid_from"] for v in rules["region"]["versions"]] == ["2020-10-01"]

    def test_default_before_the_first_version_unless_the_house_had_not_opened(self, aarhus):
        rules = report_rules(house=aarhus, period=period_for(year=2019))
        # No opening date: the built-in default (the house's 3 nights) until 24.02.2019, then 1 night.
        assert [(v["valid_from"], v["until"], v["stay_frame_nights"]) for v in rules["kommune"]["versions"]] == [
            (None, "2019-02-24", 3), ("2019-02-25", None, 1)]
        aarhus.opened_on = D(2019, 2, 25)
        aarhus.save(update_fields=["opened_on"])
        rules = report_rules(house=aarhus, period=period_for(year=2019))
        assert [v["valid_from"] for v in rules["kommune"]["versions"]] == ["2019-02-25"]

    def test_silkeborg_and_a_sector_without_beds(self, silkeborg, make_member):
        rules = report_rules(house=silkeborg, period=YEAR_2024)
        (version,) = rules["kommune"]["versions"]
        assert (version["admission_routes"], version["stay_frame_nights"], version["extension_by"],
                version["stays_have_goals"], version["post_stay_followup"], version["post_stay_followup_days"]) == (
            ["visitation"], 14, "visitation", True, "visit_or_call", 3)
        assert rules["region"]["bed_set"]["beds"] == 6
        Bed.objects.filter(house=silkeborg, sector="region").update(active=False)
        from psykiatrihus.models import HousePolicy

        HousePolicy.objects.filter(house=silkeborg, sector="region").delete()
        assert set(report_rules(house=silkeborg, period=YEAR_2024)) == {"kommune"}

    def test_the_json_carries_the_rules(self, aarhus):
        data = json.loads(report_render(house=aarhus, period=period_for(year=2020), formats=["json"])["json"])
        assert [v["stay_frame_nights"] for v in data["rules"]["region"]["versions"]] == [5, 3]

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
    def test_rules_page_read_back_from_the_pdf(self, aarhus, tmp_path):
        pdf = report_render(house=aarhus, period=period_for(year=2020), formats=["pdf"])["pdf"]
        path = tmp_path / "r.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.split())
        # In the contents and as a section before the tables.
        assert flat.count("Husets regler i perioden") == 2
        assert flat.index("Husets regler i perioden", flat.index("Indhold") + 30) < flat.index(
            "Ophold i overnatningspladserne", flat.index("Husets regler i perioden", flat.index("Indhold") + 30))
        assert "25.2.2019–30.9.2020" in flat and "Fra 1.10.2020" in flat
        assert "Fra 1.10.2020: opholdsramme ændret fra 1 nat til 3 nætter." in flat
        assert "Fra 1.10.2020: opholdsramme ændret fra 5 nætter til 3 nætter." in flat
        assert "8 senge (heraf 2 kan være færdigbehandlingspladser)" in flat
        assert "Selvhenvendelse (brugerstyret kontrakt), Hjemmebehandling" in flat
        assert "hver 6. måned" in flat and "hver 12. måned" in flat

    def test_rules_sheet_in_the_xlsx(self, aarhus, tmp_path):
        path = tmp_path / "r.xlsx"
        path.write_bytes(report_render(house=aarhus, period=period_for(year=2020), formats=["xlsx"])["xlsx"])
        book = load_workbook(path)
        assert book.sheetnames[:5] == ["Om rapporten", "Nøgletal", "Udvikling", "Husets regler", "Datakvalitet"]
        rows = [[c.value for c in r] for r in book["Husets regler"].iter_rows()]
        frames = [r for r in rows if r[0] == "Opholdsramme"]
        assert [r[1:3] for r in frames] == [["1 nat", "3 nætter"], ["5 nætter", "3 nætter"]]
        assert ["Region", "8 senge"] == rows[[r[0] for r in rows].index("Region")][:2]

    def test_unauthorised_user_cannot_download_the_report(self, aarhus, users, client_for):
        run = report_run_request(house=aarhus, period=period_for(year=2020), formats=["json"], enqueue=False)
        report_run_build(run_id=run.pk)
        url = f"/rapporter/koersler/{run.pk}/json/"
        assert client_for("kommune").get(url).status_code == 403
        assert client_for("outsider").get(url).status_code in (403, 404)
        assert client_for("leder").get(url).status_code == 200


class TestWaitingGoalsAftercare:
    def test_figures_worked_out_by_hand(self, waiting):
        tables = report_tables(house=waiting, period=YEAR_2024)
        assert tables["waiting_list"] == {
            "kommune": {"placed": 3, "median_days": 4.5, "mean_days": 5.5, "waiting_at_end": 1},
            "region": {"placed": 0, "median_days": None, "mean_days": None, "waiting_at_end": 0},
        }
        assert tables["stay_goals"]["kommune"] == {"stays_ended_with_goals": 3, "goals": {
            "counts": {"achieved": 4, "partly": 1, "not_achieved": 1, "not_evaluated": 0}, "total": 6}}
        assert tables["stay_goals"]["region"]["goals"]["total"] == 0
        assert tables["aftercare"]["kommune"] == {"followups": {
            "counts": {"done": 1, "not_reached": 1, "cancelled": 0, "open": 1}, "total": 3}}

    def test_period_boundaries(self, waiting):
        q1 = report_tables(house=waiting, period=Q1_2024)
        assert q1["waiting_list"]["kommune"]["placed"] == 3 and q1["waiting_list"]["kommune"]["waiting_at_end"] == 0
        y2023 = report_tables(house=waiting, period=period_for(year=2023))
        assert y2023["waiting_list"]["kommune"] == {"placed": 1, "median_days": 2.0, "mean_days": 2.0,
                                                    "waiting_at_end": 0}
        assert y2023["stay_goals"]["kommune"]["goals"]["counts"]["achieved"] == 2
        assert y2023["aftercare"]["kommune"]["followups"]["total"] == 1  # W0 on 27.12.2023, still open

    def test_small_numbers_suppressed_like_the_other_tables(self, waiting):
        tables = report_data(house=waiting, period=YEAR_2024, suppress_below=5)["tables"]
        assert tables["waiting_list"]["kommune"] == {"placed": "<5", "median_days": None, "mean_days": None,
                                                     "waiting_at_end": "<5"}
        assert tables["waiting_list"]["region"]["placed"] == 0
        goals = tables["stay_goals"]["kommune"]
        assert goals["stays_ended_with_goals"] == "<5"
        assert goals["goals"]["counts"] == {"achieved": "<5", "partly": "<5", "not_achieved": "<5",
                                            "not_evaluated": 0}
        raw = report_data(house=waiting, period=YEAR_2024, suppress_below=0)["tables"]
        # three small parts of a printed 6 still leave each of them 1–4: the total may stay
        assert goals["goals"]["total"] == raw["stay_goals"]["kommune"]["goals"]["total"] == 6
        figures = report_figures(house=waiting, period=YEAR_2024, suppress_below=5)
        assert figures.intervals and all(i.protected for i in figures.intervals)
        assert raw["waiting_list"]["kommune"]["median_days"] == 4.5

    def test_tables_left_out_where_the_rules_do_not_use_them(self, aarhus, waiting):
        tables = report_tables(house=aarhus, period=YEAR_2024)
        assert not {"waiting_list", "stay_goals", "aftercare"} & set(tables)
        # A house admitting by visitation without goals or follow-up: only the waiting list.
        for sector in ("kommune", "region"):
            house_policy_set(house=waiting, sector=sector, valid_from=D(2025, 1, 1), stays_have_goals=False,
                             post_stay_followup="none")
        tables = report_tables(house=waiting, period=period_for(year=2025))
        assert "waiting_list" in tables and "stay_goals" not in tables and "aftercare" not in tables

    def test_contract_tables_left_out_where_nobody_is_admitted_under_a_contract(self, aarhus, waiting):
        contract_tables = {"contracts", "holders_activity", "referral_sources", "diagnoses", "municipal_services"}
        assert contract_tables <= set(report_tables(house=aarhus, period=YEAR_2024))
        tables = report_tables(house=waiting, period=YEAR_2024)
        assert not contract_tables & set(tables) and "stays" in tables and "waiting_list" in tables
        # History is never hidden: a contract in force in the period brings the tables back.
        from contracts.services import citizen_create, contract_create

        citizen = citizen_create(house=waiting, sector="kommune", name="Gammel kontrakt", cpr="0101701001")
        contract_create(house=waiting, citizen=citizen, sector="kommune", granted_on=D(2011, 6, 1))
        assert report_tables(house=waiting, period=YEAR_2024)["contracts"]["kommune"]["active_at_end"] == 1

    def test_only_sectors_whose_rules_use_them(self, waiting):
        house_policy_set(house=waiting, sector="region", valid_from=D(2012, 1, 1), admits_bsk=True,
                         admits_visitation=False, stays_have_goals=False, post_stay_followup="none")
        tables = report_tables(house=waiting, period=YEAR_2024)
        assert set(tables["waiting_list"]) == set(tables["stay_goals"]) == set(tables["aftercare"]) == {"kommune"}

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
    def test_pdf_and_xlsx_show_the_tables(self, waiting, tmp_path):
        data = report_data(house=waiting, period=YEAR_2024, suppress_below=0)
        previous = report_data(house=waiting, period=YEAR_2024.previous_year(), suppress_below=0)
        path = tmp_path / "s.pdf"
        path.write_bytes(render_pdf(data=data, previous=previous))
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Venteliste" in text and "Mål for opholdene" in text and "Opfølgning efter ophold" in text
        line = next(ln for ln in text.splitlines() if "Ventetid, median (dage)" in ln)
        assert line.split()[-4:] == ["4,5", "2,0", "–", "–"]  # kommune 2024, 2023; region none
        line = next(ln for ln in text.splitlines() if ln.strip().startswith("Mål · Nået"))
        assert "4 (66,7 %)" in line
        # the contents and the heading agree (the rules are 1., whether the house kept them 2.)
        assert text.count("10. Venteliste") == 2
        assert "Visitation" in text and "14 nætter" in text and "Tryghedsbesøg eller -opkald, 3 dage" in text
        path = tmp_path / "s.xlsx"
        path.write_bytes(render_xlsx(data=data, previous=previous))
        sheet = load_workbook(path)["Venteliste"]
        rows = {r[0].value: [c.value for c in r[1:]] for r in sheet.iter_rows(min_row=5) if r[0].value}
        assert rows["Fik seng fra ventelisten"] == [3, 1, 0, 0]
        assert rows["Ventetid, gennemsnit (dage)"][0] == 5.5

    def test_rules_layout_marks_what_changed(self, aarhus):
        (kommune, region) = rules_tables(rules=report_rules(house=aarhus, period=period_for(year=2020)))
        frame = next(r for r in region.rows if r[0] == "Opholdsramme")
        assert frame[1:] == [("5 nætter", False), ("3 nætter", True)]
        assert region.changes == ["Fra 1.10.2020: opholdsramme ændret fra 5 nætter til 3 nætter."]

    def test_unauthorised_staff_cannot_reach_the_silkeborg_report(self, waiting, sb_staff, make_member, client):
        run = report_run_request(house=waiting, period=YEAR_2024, formats=["json"], enqueue=False)
        report_run_build(run_id=run.pk)
        client.force_login(sb_staff)
        assert client.get(f"/rapporter/koersler/{run.pk}/json/").status_code == 403
        leader = make_member(waiting, Role.LEADER, "", username="sb-leder")
        client.force_login(leader)
        body = json.loads(b"".join(client.get(f"/rapporter/koersler/{run.pk}/json/").streaming_content))
        assert body["tables"]["waiting_list"]["kommune"]["placed"] == "<5"
        assert WaitingListEntry.objects.filter(house=waiting, status="waiting").count() == 1

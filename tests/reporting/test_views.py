"""The report pages: who may ask and download, the progress fragment, raw figures kept from steering."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from psykiatrihus.models import AuditEvent
from reporting.models import ReportRun, ReportStatus
from reporting.selectors import period_for
from reporting.services import report_run_build, report_run_request

pytestmark = pytest.mark.django_db

LIST = "reporting:report_list"


class TestAccess:
    @pytest.mark.parametrize("who", ["leder", "styregruppe", "admin"])
    def test_report_roles_see_the_page_and_nav(self, client_for, who):
        response = client_for(who).get(reverse(LIST))
        assert response.status_code == 200
        assert reverse(LIST) in response.content.decode()  # linked in the navigation
        assert "Bestil en rapport" in response.content.decode()

    @pytest.mark.parametrize("who", ["kommune", "region", "peer", "outsider"])
    def test_others_are_refused(self, client_for, who):
        assert client_for(who).get(reverse(LIST)).status_code == 403

    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse(LIST))
        assert response.status_code == 302 and "/login/" in response["Location"]


class TestRequestAndDownload:
    def test_steering_requests_a_suppressed_report(self, client_for, house, users):
        response = client_for("styregruppe").post(reverse(LIST), {
            "kind": "quarter", "year": "2021", "quarter": "2", "formats": ["pdf", "json"], "raw": "on"})
        assert response.status_code == 302
        run = ReportRun.objects.get()
        assert (run.period_start, run.period_end) == (datetime.date(2021, 4, 1), datetime.date(2021, 6, 30))
        assert run.formats == ["pdf", "json"] and run.requested_by == users["styregruppe"]
        assert run.suppress_below == 5  # "raw" is not offered to, and ignored for, the steering group

    def test_leader_may_ask_for_raw_figures(self, client_for, house):
        page = client_for("leder").get(reverse(LIST)).content.decode()
        assert 'name="raw"' in page
        client_for("leder").post(reverse(LIST), {"kind": "year", "year": "2021", "formats": ["json"], "raw": "on"})
        assert ReportRun.objects.get().suppress_below == 0

    def test_bad_period_shows_danish_error(self, client_for, house):
        response = client_for("leder").post(reverse(LIST), {
            "kind": "range", "start": "2021-05-01", "end": "2021-04-01", "formats": ["pdf"]})
        assert response.status_code == 200
        assert "slutdatoen ikke ligger før startdatoen" in response.content.decode()
        assert not ReportRun.objects.exists()

    def test_progress_fragment_then_download(self, client_for, dataset, users):
        from reporting.services import report_run_approve

        run = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["pdf", "xlsx"],
                                 user=users["leder"], enqueue=False)
        leader, steering = client_for("leder"), client_for("styregruppe")
        fragment = leader.get(reverse("reporting:report_status", args=[run.pk])).content.decode()
        assert "<progress" in fragment and 'hx-trigger="every 2s"' in fragment
        assert steering.get(reverse("reporting:report_status", args=[run.pk])).status_code == 404
        report_run_build(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE and run.progress == 100 and set(run.files) == {"pdf", "xlsx"}
        fragment = leader.get(reverse("reporting:report_status", args=[run.pk])).content.decode()
        assert "hx-trigger" not in fragment and "Hent PDF" in fragment and "Udkast" in fragment
        # The steering group sees nothing of a draft, not even that it exists.
        assert steering.get(reverse("reporting:report_download", args=[run.pk, "pdf"])).status_code == 404
        assert f'id="run-{run.pk}"' not in steering.get(reverse(LIST)).content.decode()
        report_run_approve(run=run, user=users["leder"])
        response = steering.get(reverse("reporting:report_download", args=[run.pk, "pdf"]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert AuditEvent.objects.filter(action="export", username="styregruppe").exists()
        assert steering.get(reverse("reporting:report_download", args=[run.pk, "json"])).status_code == 404

    def test_raw_runs_and_other_houses_are_hidden(self, client_for, house, other_house, users):
        raw = report_run_request(house=house, period=period_for(year=2021), formats=["json"], suppress_below=0,
                                 enqueue=False)
        elsewhere = report_run_request(house=other_house, period=period_for(year=2021), formats=["json"],
                                       enqueue=False)
        steering = client_for("styregruppe")
        assert steering.get(reverse("reporting:report_status", args=[raw.pk])).status_code == 404
        assert client_for("admin").get(reverse("reporting:report_status", args=[raw.pk])).status_code == 404
        assert steering.get(reverse("reporting:report_status", args=[elsewhere.pk])).status_code == 404
        assert client_for("leder").get(reverse("reporting:report_status", args=[raw.pk])).status_code == 200
        assert client_for("kommune").get(reverse("reporting:report_status", args=[raw.pk])).status_code == 403

    def test_list_query_count(self, client_for, house, django_assert_max_num_queries):
        for year in (2019, 2020, 2021):
            report_run_request(house=house, period=period_for(year=year), formats=["json"], enqueue=False)
        client = client_for("leder")  # drafts: the steering group would see none of them
        with django_assert_max_num_queries(12):
            page = client.get(reverse(LIST)).content.decode()
        assert page.count('id="run-') == 3


def test_failure_is_shown_and_schedule_runs_once(house, other_house):
    from reporting.services import report_run_fail, report_runs_schedule_quarter

    runs = report_runs_schedule_quarter(today=datetime.date(2022, 1, 1))
    assert {r.house.slug for r in runs} == {"aarhus", "silkeborg"}
    assert all((r.period_start, r.period_end, r.scheduled) == (datetime.date(2021, 10, 1),
                                                               datetime.date(2021, 12, 31), True) for r in runs)
    assert report_runs_schedule_quarter(today=datetime.date(2022, 1, 1)) == []  # once per house and quarter
    report_run_fail(run_id=runs[0].pk, error="RuntimeError: boom", final=True)
    runs[0].refresh_from_db()
    assert runs[0].status == ReportStatus.FAILED and "boom" in runs[0].error

"""Report runs are never lost: the sweeper hands stuck runs out again and then fails them with a reason,
builds are idempotent, and a failed run offers "Bestil igen". (A real worker killed mid-build is in
test_celery_worker.py.)"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.models import ReportRun, ReportStatus
from reporting.selectors import period_for
from reporting.services import report_run_build, report_run_fail, report_run_request, report_runs_sweep

pytestmark = pytest.mark.django_db


def _run(house, **changes) -> ReportRun:
    run = report_run_request(house=house, period=period_for(year=2021), formats=["json"], enqueue=False)
    if changes:
        ReportRun.objects.filter(pk=run.pk).update(**changes)
        run.refresh_from_db()
    return run


class TestSweeper:
    def test_stuck_runs_are_requeued_a_bounded_number_of_times_then_failed(
            self, house, settings, django_capture_on_commit_callbacks):
        settings.REPORT_RUN_RUNNING_STALE_SECONDS = 600
        settings.REPORT_RUN_PENDING_STALE_SECONDS = 1800
        settings.REPORT_RUN_MAX_REQUEUES = 2
        now = timezone.now()
        stuck = _run(house, status=ReportStatus.RUNNING, progress=34, touched_at=now - datetime.timedelta(seconds=601))
        lost_in_queue = _run(house, touched_at=now - datetime.timedelta(seconds=1801))
        # alive: a build that progressed recently, a queued run within its limit, a finished run
        alive = _run(house, status=ReportStatus.RUNNING, touched_at=now - datetime.timedelta(seconds=599))
        queued = _run(house, touched_at=now - datetime.timedelta(seconds=1799))
        done = _run(house, status=ReportStatus.DONE, touched_at=now - datetime.timedelta(days=30))

        with django_capture_on_commit_callbacks(execute=False) as enqueued:
            assert report_runs_sweep(now=now) == {"requeued": 2, "failed": 0}
        assert len(enqueued) == 2  # handed to the queue after the commit
        for run in (stuck, lost_in_queue):
            run.refresh_from_db()
            assert (run.status, run.requeues, run.progress, run.touched_at) == (ReportStatus.PENDING, 1, 0, now)
        for run, status in ((alive, "running"), (queued, "pending"), (done, "done")):
            run.refresh_from_db()
            assert run.status == status and run.requeues == 0

        # lost again, twice more: the second time is one too many
        later = now + datetime.timedelta(seconds=1801)
        with django_capture_on_commit_callbacks(execute=False):
            assert report_runs_sweep(now=later)["requeued"] == 4  # alive and queued have gone stale too now
        even_later = later + datetime.timedelta(seconds=1801)
        with django_capture_on_commit_callbacks(execute=False) as enqueued:
            assert report_runs_sweep(now=even_later) == {"requeued": 2, "failed": 2}
        assert len(enqueued) == 2
        stuck.refresh_from_db()
        assert stuck.status == ReportStatus.FAILED and stuck.finished_at == even_later
        assert stuck.error.startswith("Rapporten blev ikke færdig: arbejdsprocessen")
        assert "Bestil den igen" in stuck.error

    def test_failed_reason_is_danish_even_when_english_is_active(self, house, settings):
        from django.utils import translation

        settings.REPORT_RUN_MAX_REQUEUES = 0
        run = _run(house, status=ReportStatus.RUNNING, touched_at=timezone.now() - datetime.timedelta(days=1))
        with translation.override("en"):
            assert report_runs_sweep()["failed"] == 1
        run.refresh_from_db()
        assert run.status == ReportStatus.FAILED and "Bestil den igen" in run.error


class TestIdempotentBuild:
    def test_rebuild_replaces_its_own_files_and_a_finished_run_is_left_alone(self, dataset, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path)
        run = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["json", "xlsx"],
                                 enqueue=False)
        # An interrupted earlier build left a half-written file and a stray copy in the run's directory.
        directory = tmp_path / "reports" / "aarhus" / str(run.pk)
        directory.mkdir(parents=True)
        (directory / "evalueringsrapport-aarhus-20210101-20211231.json").write_bytes(b'{"half')
        (directory / "evalueringsrapport-aarhus-20210101-20211231_AbC123.json").write_bytes(b"stray")
        ReportRun.objects.filter(pk=run.pk).update(status=ReportStatus.RUNNING, progress=40, attempts=1)

        run = report_run_build(run_id=run.pk)
        expected = {"json": f"reports/aarhus/{run.pk}/evalueringsrapport-aarhus-20210101-20211231.json",
                    "xlsx": f"reports/aarhus/{run.pk}/evalueringsrapport-aarhus-20210101-20211231.xlsx"}
        assert run.status == ReportStatus.DONE and run.files == expected and run.attempts == 2
        assert sorted(p.name for p in directory.iterdir()) == sorted(Path(p).name for p in expected.values())
        assert (tmp_path / expected["json"]).read_bytes().startswith(b"{")
        assert b"half" not in (tmp_path / expected["json"]).read_bytes()

        # The same message delivered again (the worker died before acknowledging): nothing is rebuilt.
        again = report_run_build(run_id=run.pk)
        assert again.attempts == 2 and again.finished_at == run.finished_at and again.files == expected
        # A late failure report from a duplicate does not undo the result.
        report_run_fail(run_id=run.pk, error="RuntimeError: late", final=True)
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE and run.error == ""


class TestOrderAgain:
    def test_failed_run_stops_polling_and_offers_order_again(self, client_for, house, users):
        run = _run(house)
        leader = client_for("leder")
        status_url = reverse("reporting:report_status", args=[run.pk])
        assert 'hx-trigger="every 2s"' in leader.get(status_url).content.decode()
        report_run_fail(run_id=run.pk, error="Rapporten blev ikke færdig.", final=True)
        fragment = leader.get(status_url).content.decode()
        assert "hx-trigger" not in fragment and "hx-get" not in fragment  # final: no more polling
        assert "Bestil igen" in fragment and reverse("reporting:report_reorder", args=[run.pk]) in fragment

        response = leader.post(reverse("reporting:report_reorder", args=[run.pk]))
        assert response.status_code == 302
        again = ReportRun.objects.exclude(pk=run.pk).get()
        assert (again.status, again.period_start, again.period_end, again.period_label, again.formats,
                again.suppress_below, again.requested_by) == (
            ReportStatus.PENDING, run.period_start, run.period_end, run.period_label, run.formats,
            run.suppress_below, users["leder"])

    def test_order_again_only_for_failed_runs_the_user_may_see(self, client_for, house, other_house):
        pending = _run(house)
        raw = _run(house, suppress_below=0, status=ReportStatus.FAILED)
        elsewhere = report_run_request(house=other_house, period=period_for(year=2021), formats=["json"],
                                       enqueue=False)
        ReportRun.objects.filter(pk=elsewhere.pk).update(status=ReportStatus.FAILED)
        before = ReportRun.objects.count()
        steering = client_for("admin")  # sees the house's drafts, not raw runs
        assert client_for("styregruppe").post(reverse("reporting:report_reorder", args=[pending.pk])).status_code \
            == 404  # an unapproved run does not exist for the steering group
        assert steering.post(reverse("reporting:report_reorder", args=[pending.pk])).status_code == 302
        assert steering.post(reverse("reporting:report_reorder", args=[raw.pk])).status_code == 404
        assert steering.post(reverse("reporting:report_reorder", args=[elsewhere.pk])).status_code == 404
        assert steering.post(reverse("reporting:report_reorder", args=[999999])).status_code == 404
        assert client_for("kommune").post(reverse("reporting:report_reorder", args=[raw.pk])).status_code == 403
        assert steering.get(reverse("reporting:report_reorder", args=[raw.pk])).status_code == 405
        assert ReportRun.objects.count() == before

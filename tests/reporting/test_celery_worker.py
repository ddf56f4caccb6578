"""A real Celery worker (subprocess) on the embedded Redis builds a PDF; we read it back with pdftotext."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from psykiatrihus.celery import app
from reporting.models import ReportRun, ReportStatus
from reporting.selectors import period_for
from reporting.services import report_run_request
from reporting.tasks import report_run_build_task
from tests.celery_worker import database_url

pytestmark = [pytest.mark.celery, pytest.mark.skipif(shutil.which("pdftotext") is None,
                                                      reason="poppler-utils missing")]


def test_worker_builds_pdf(transactional_db, dataset, broker, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "DEBUG": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "psykiatrihus", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", "celery", "-n", "r7test@%h"],
        cwd=str(django_settings.BASE_DIR), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        run = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["pdf"],
                                 suppress_below=0, enqueue=False)
        with app.connection_for_write(broker) as conn:
            report_run_build_task.apply_async(args=[run.pk], connection=conn)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.is_finished or worker.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            log = worker.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            log = worker.communicate()[0].decode(errors="replace")
    assert run.status == ReportStatus.DONE, f"status={run.status} error={run.error}\n{log[-3000:]}"
    assert run.progress == 100 and run.attempts == 1
    pdf = Path(settings.MEDIA_ROOT) / run.files["pdf"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Evalueringsrapport" in text and "Ophold i overnatningspladserne" in text
    assert "Færdigbehandlingspladser" in text and "Henvisningsvej" in text
    # kommune 2021: 11 nights; kommune 2020: 3; region 2021: 4; region 2020: 0
    assert re.search(r"Nætter\s+11\s+3\s+4\s+0\b", text), text[:3000]
    assert ReportRun.objects.filter(pk=run.pk, task_id="").exists()  # sent by hand, not through on_commit


def _children(pid: int) -> list[int]:
    """Child processes of `pid` (the prefork pool), read from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _worker(env: dict, name: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "psykiatrihus", "worker", "--loglevel=INFO", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-Q", "celery", "-n", f"{name}@%h", *extra],
        cwd=str(django_settings.BASE_DIR), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for(predicate, timeout: float, what: str, worker: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            break
        time.sleep(0.1)
    log = worker.communicate(timeout=10)[0].decode(errors="replace")[-3000:] if worker and worker.poll() else ""
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def test_killed_workers_do_not_lose_the_run(transactional_db, dataset, broker, settings, tmp_path):
    """SIGKILL of the pool process mid-build puts the message back at once (reject_on_worker_lost); SIGKILL
    of the whole worker leaves it unacknowledged, and a new worker gets it back after the visibility timeout.
    The build is held mid-way by a table lock this test holds, so "mid-build" is certain, not a race."""
    import psycopg
    import redis

    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {
        **os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker, "MEDIA_ROOT": settings.MEDIA_ROOT, "DEBUG": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
        # Small limits so the abandoned message comes back within seconds, not after production's 7 minutes.
        # The hard limit must outlast the time each build is held on the lock below.
        "CELERY_TASK_SOFT_TIME_LIMIT": "9", "CELERY_TASK_TIME_LIMIT": "10", "CELERY_BROKER_VISIBILITY_TIMEOUT": "11",
    }
    db = connection.settings_dict
    blocker = psycopg.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"] or db["OPTIONS"].get("host"),
                              autocommit=False)
    queue = redis.Redis(unix_socket_path=broker.removeprefix("redis+socket://"))
    run = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["json"],
                             suppress_below=0, enqueue=False)

    def builds_waiting_on_the_lock() -> int:  # a killed build's server process waits on until the lock goes
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                           [db["NAME"]])
            return cursor.fetchone()[0]

    def attempts_running(n: int):
        def check() -> bool:
            run.refresh_from_db()
            return run.status == ReportStatus.RUNNING and run.attempts == n and builds_waiting_on_the_lock() == n
        return check

    first = second = None
    try:
        blocker.execute("LOCK TABLE beds_stay IN ACCESS EXCLUSIVE MODE")  # the build will wait here
        first = _worker(env, "first", "--pool=prefork", "--concurrency=1")
        with app.connection_for_write(broker) as conn:
            report_run_build_task.apply_async(args=[run.pk], connection=conn)
        _wait_for(attempts_running(1), 90, "the first build to start", first)
        # 1. The pool process dies mid-build: the message goes back to the queue and the worker builds again.
        (child,) = _children(first.pid)
        os.kill(child, signal.SIGKILL)
        _wait_for(attempts_running(2), 60, "the build to be handed out again", first)
        # 2. The whole worker dies mid-build: the message stays unacknowledged in Redis.
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert queue.hlen("unacked") == 1
        blocker.rollback()  # the lock goes; nobody is building now
        time.sleep(0.5)
        run.refresh_from_db()
        assert run.status == ReportStatus.RUNNING and run.progress < 100  # stuck, as the issue found it
        # 3. A new worker gets the message back once the visibility timeout has passed, and finishes the run.
        second = _worker(env, "second", "--pool=solo")

        def finished() -> bool:
            run.refresh_from_db()
            return run.is_finished

        _wait_for(finished, 90, "the new worker to finish the run", second)
    finally:
        blocker.close()
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
    assert run.status == ReportStatus.DONE and run.attempts == 3 and run.progress == 100
    assert json.loads((Path(settings.MEDIA_ROOT) / run.files["json"]).read_bytes())["period"]["label"] == "2021"
    assert queue.hlen("unacked") == 0 and queue.llen("celery") == 0  # acknowledged, nothing left over

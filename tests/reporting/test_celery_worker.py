"""A real Celery worker (subprocess) on the embedded Redis builds a PDF; we read it back with pdftotext."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from psykiatrihus.celery import app
from psykiatrihus.embedded import redis_start
from reporting.models import ReportRun, ReportStatus
from reporting.selectors import period_for
from reporting.services import report_run_request
from reporting.tasks import report_run_build_task

pytestmark = [pytest.mark.celery, pytest.mark.skipif(shutil.which("pdftotext") is None,
                                                      reason="poppler-utils missing")]


def _database_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    return f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@/{db['NAME']}?host={host}"


@pytest.fixture
def broker():
    """An embedded redis-server on a short tmp socket path (unix socket paths are limited to ~100 bytes)."""
    directory = Path(tempfile.mkdtemp(prefix="r7-", dir="/tmp"))
    sock = directory / "redis.sock"
    proc = redis_start(sock)
    yield f"redis+socket://{sock}"
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)


def test_worker_builds_pdf(transactional_db, dataset, broker, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
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

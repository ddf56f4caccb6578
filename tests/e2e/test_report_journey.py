"""Journey: a steering group member asks for last quarter's evaluation report, watches its progress and
downloads the PDF.

The Celery task runs eagerly in this test (in the live server's request): a real worker on the embedded
Redis is exercised by tests/reporting/test_celery_worker.py, and starting one here would double the run
time. Watching progress is shown with a second, queued run that the test builds (through the same service the
task calls) while the browser polls its row."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from psykiatrihus.celery import app as celery_app
from reporting.models import ReportRun, ReportStatus
from reporting.selectors import period_for
from reporting.services import report_run_build, report_run_request
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _last_quarter(today: datetime.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3  # 0 means Q4 of last year
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def test_steering_member_orders_last_quarter_and_downloads_pdf(session, house, users, settings, tmp_path,
                                                               eager_celery):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    year, quarter = _last_quarter(timezone.localdate())
    page = session.page
    session.login("styregruppe", PASSWORD)
    nav = page.get_by_role("navigation", name="Hovedmenu")
    assert nav.get_by_role("link", name="Sengeoversigt").count() == 0  # no citizen-level pages
    nav.get_by_role("link", name="Rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evalueringsrapporter")
    session.assert_accessible()
    # The form proposes last quarter already; the test states it anyway.
    page.get_by_label("Kvartal", exact=True).check()
    page.locator("#id_year").fill(str(year))
    page.locator("#id_quarter").select_option(str(quarter))
    page.get_by_role("button", name="Bestil rapport").click()
    expect(page.get_by_role("status")).to_contain_text("er bestilt")
    run = ReportRun.objects.get()
    period = period_for(year=year, quarter=quarter)
    assert (run.period_start, run.period_end, run.requested_by_id) == (period.start, period.end,
                                                                        users["styregruppe"].pk)
    assert run.suppress_below == house.small_number_threshold  # steering never gets raw figures
    row = page.locator(f"#run-{run.pk}")
    link = row.get_by_role("link", name="Hent PDF")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Evalueringsrapport" in text


def test_progress_is_watched_until_the_files_are_ready(session, house, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    year, quarter = _last_quarter(timezone.localdate())
    run = report_run_request(house=house, period=period_for(year=year, quarter=quarter), formats=["pdf", "xlsx"],
                             scheduled=True, enqueue=False)
    page = session.page
    session.login("styregruppe", PASSWORD)
    page.goto("/rapporter/")
    row = page.locator(f"#run-{run.pk}")
    expect(row.get_by_role("progressbar", name="Fremdrift")).to_be_visible()
    expect(row).to_contain_text("0 %")
    session.assert_accessible()
    report_run_build(run_id=run.pk)  # what the worker does
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE
    # The row polls its status every 2 s and turns into download links without a reload.
    expect(row.get_by_role("link", name="Hent PDF")).to_be_visible(timeout=20_000)
    expect(row.get_by_role("link", name="Hent XLSX")).to_be_visible()
    assert row.get_by_role("progressbar").count() == 0

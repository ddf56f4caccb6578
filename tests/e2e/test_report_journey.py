"""Journey: a leader orders last quarter's evaluation report, comments and approves it; the steering group
sees it appear and downloads the PDF (and sees nothing before). A second journey watches the progress bar.

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


def test_leader_orders_comments_approves_and_steering_downloads(open_session, house, users, settings, tmp_path,
                                                                eager_celery):
    """A leader orders last quarter, comments on two sections and approves; the steering group sees nothing
    before the approval, then the report appears on its list and it downloads the PDF with the comments."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["styregruppe"].email = "styregruppe@example.dk"
    users["styregruppe"].save()
    year, quarter = _last_quarter(timezone.localdate())
    leader = open_session("leder")
    steering = open_session("styregruppe")
    steering.login("styregruppe", PASSWORD)
    leader.login("leder", PASSWORD)
    page = leader.page
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evalueringsrapporter")
    page.get_by_label("Kvartal", exact=True).check()
    page.locator("#id_year").fill(str(year))
    page.locator("#id_quarter").select_option(str(quarter))
    page.get_by_role("button", name="Bestil rapport").click()
    expect(page.get_by_role("status")).to_contain_text("er bestilt")
    run = ReportRun.objects.get()
    period = period_for(year=year, quarter=quarter)
    assert (run.period_start, run.period_end, run.requested_by_id) == (period.start, period.end, users["leder"].pk)
    row = page.locator(f"#run-{run.pk}")
    expect(row.get_by_role("link", name="Hent PDF")).to_be_visible(timeout=60_000)
    expect(row).to_contain_text("Udkast")
    # Before approval the steering group sees nothing: not on its list, not by the URL.
    steering.page.goto("/rapporter/")
    expect(steering.page.get_by_text("Ingen rapporter endnu.")).to_be_visible()
    assert steering.page.goto(f"/rapporter/koersler/{run.pk}/").status == 404
    assert steering.page.goto(f"/rapporter/koersler/{run.pk}/pdf/").status == 404
    # The leader comments and approves.
    row.get_by_role("link", name="Kommentér og godkend").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(run.period_label)
    leader.assert_accessible()
    page.get_by_label("Rapporten som helhed").fill("Kvartalet forløb roligt; belægningen er som forventet.")
    page.get_by_label("Belægning", exact=True).fill("Lav belægning i juli skyldes ferielukning.")
    page.get_by_role("button", name="Gem kommentarer").click()
    expect(page.get_by_role("status")).to_contain_text("Kommentarerne er gemt")
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1440, 820, 390):  # the comment page on a desk, a tablet and a phone
        page.set_viewport_size({"width": width, "height": 900})
        leader.screenshot(ARTIFACTS / f"report-comments-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Godkend og send til styregruppen").click()
    expect(page.get_by_role("status")).to_contain_text("Rapporten er godkendt")
    expect(page.locator(".badge.approved")).to_contain_text("Godkendt")
    assert page.locator("textarea").count() == 0  # frozen
    leader.screenshot(tmp_path / "approved.png")
    run.refresh_from_db()
    assert run.is_approved and run.version == 1
    from django.core import mail

    assert [m.to for m in mail.outbox] == [["styregruppe@example.dk"]]
    # The steering group now sees it appear and downloads it.
    spage = steering.page
    spage.goto("/rapporter/")
    srow = spage.locator(f"#run-{run.pk}")
    expect(srow).to_contain_text("Godkendt")
    steering.assert_accessible()
    srow.get_by_role("link", name=run.period_label).click()
    expect(spage.get_by_text("Kvartalet forløb roligt")).to_be_visible()
    with spage.expect_download() as download_info:
        spage.get_by_role("link", name="Hent PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Evalueringsrapport" in text and "Kvartalet forløb roligt" in text and "Godkendt" in text
    assert leader.problems == [] and steering.problems == []


def test_progress_is_watched_until_the_files_are_ready(session, house, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    year, quarter = _last_quarter(timezone.localdate())
    run = report_run_request(house=house, period=period_for(year=year, quarter=quarter), formats=["pdf", "xlsx"],
                             scheduled=True, enqueue=False)
    page = session.page
    session.login("leder", PASSWORD)
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

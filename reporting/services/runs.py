"""Report runs: a request recorded and handed to Celery once committed, the build that stores the files
and what they publish (or fails with the reason), progress and failures shown on the run, and Celery
beat's sweep of lost runs and quarterly schedule. A run is never silently lost."""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from psykiatrihus.models import House
from psykiatrihus.services import audit_log
from reporting.disclosure import DisclosureError
from reporting.models import ReportPublication, ReportRun, ReportStatus
from reporting.selectors import Period, period_is_grid, previous_quarter
from reporting.services.figures import FORMATS, _report_figures, report_files, report_published

logger = logging.getLogger(__name__)
OFF_GRID_REASON = gettext_lazy("Rapporter med skjulte småtal laves kun for hele kvartaler, halvår og år. En måned "
                               "eller en fri fra–til-periode kunne trækkes fra en anden rapport og vise få borgere; "
                               "den kræver adgang til rå tal.")
# Why a suppressed report was not made: together with what the house has published before, it would let a
# reader work out a small number (see reporting.disclosure).
REFUSED_REASON = gettext_lazy("Rapporten offentliggøres ikke: sammen med det, huset allerede har offentliggjort for "
                              "perioden, ville %(n)s små tal kunne regnes ud. Bestil i stedet hele kvartaler, "
                              "halvår eller år, eller kontakt driften.")

UNFINISHED = (ReportStatus.PENDING, ReportStatus.RUNNING)
# What the person who ordered the report reads when the sweeper gives up on it.
LOST_REASON = gettext_lazy("Rapporten blev ikke færdig: arbejdsprocessen, der lavede den, stoppede undervejs flere "
                           "gange. Bestil den igen; sker det igen, så kontakt driften.")


def report_run_request(*, house: House, period: Period, formats: list[str], user=None,
                       suppress_below: int | None = None, scheduled: bool = False,
                       enqueue: bool = True) -> ReportRun:
    """Record a request for a report and hand it to Celery once the transaction commits."""
    formats = [f for f in FORMATS if f in set(formats)]
    if not formats:
        raise ValueError(_("Vælg mindst ét format."))
    below = house.small_number_threshold if suppress_below is None else suppress_below
    if below > 1 and not period_is_grid(period):
        raise ValueError(str(OFF_GRID_REASON))
    run = ReportRun.objects.create(
        house=house, period_start=period.start, period_end=period.end, period_label=period.label,
        formats=formats, suppress_below=below, scheduled=scheduled,
        requested_by=user if user is not None and user.is_authenticated else None,
    )
    if user is not None and user.is_authenticated:
        audit_log(user=user, action="create", obj=run, house=house,
                  detail=f"rapport {period.label} {','.join(formats)} skjul<{below}")
    if enqueue:
        from reporting.tasks import report_run_build_task

        transaction.on_commit(lambda: _enqueue(run.pk, report_run_build_task))
    return run


def report_run_repeat(*, run: ReportRun, user=None) -> ReportRun:
    """"Bestil igen": a new run with the failed run's house, period, formats and suppression."""
    period = Period(start=run.period_start, end=run.period_end, label=run.period_label)
    return report_run_request(house=run.house, period=period, formats=list(run.formats), user=user,
                              suppress_below=run.suppress_below, scheduled=run.scheduled)


def _enqueue(run_id: int, task) -> None:
    """Hand the run to Celery; if the queue cannot be reached the run says so (never silently lost)."""
    try:
        result = task.delay(run_id)
    except Exception as exc:  # broker down: show it on the run instead of a 500 after the commit
        report_run_fail(run_id=run_id, error=_("Køen kunne ikke nås (%(e)s). Bestil rapporten igen.")
                        % {"e": type(exc).__name__}, final=True)
        return
    ReportRun.objects.filter(pk=run_id).update(task_id=result.id or "", touched_at=timezone.now())


def report_run_progress(*, run_id: int, percent: int) -> None:
    ReportRun.objects.filter(pk=run_id).update(progress=max(0, min(100, percent)), touched_at=timezone.now())


def _run_directory(run: ReportRun) -> str:
    return f"reports/{run.house.slug}/{run.pk}"


def _files_store(*, run: ReportRun, files: dict[str, bytes]) -> dict[str, str]:
    """Store the files in the run's directory, replacing whatever an earlier or interrupted build left there,
    so the run never points at half-written or stray files."""
    directory = _run_directory(run)
    try:
        leftovers = default_storage.listdir(directory)[1]
    except FileNotFoundError:
        leftovers = []
    for name in leftovers:
        default_storage.delete(f"{directory}/{name}")
    stored = {}
    stem = f"evalueringsrapport-{run.house.slug}-{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}"
    if run.version and run.version > 1:
        stem += f"-v{run.version}"
    for fmt, content in files.items():
        stored[fmt] = default_storage.save(f"{directory}/{stem}.{fmt}", ContentFile(content))
    return stored


def report_run_build(*, run_id: int) -> ReportRun:
    """Build the run's files and store them, with what they publish (audited against what the house published
    before; a report that would give a small number away fails with the reason). Raises on other failures
    (the task retries, then fails the run).

    Safe to run again: a message delivered twice (a worker died after the build, the sweeper re-enqueued it)
    leaves a finished run alone, and a rebuild replaces whatever an interrupted build left in the run's
    directory. A finished run is never built again (an approved one is frozen in the database as well)."""
    run = ReportRun.objects.select_related("house").get(pk=run_id)
    if run.is_finished or run.is_approved:
        return run
    ReportRun.objects.filter(pk=run_id).update(status=ReportStatus.RUNNING, progress=1, touched_at=timezone.now(),
                                               attempts=run.attempts + 1, error="")
    period = Period(start=run.period_start, end=run.period_end, label=run.period_label)
    progress = lambda p: report_run_progress(run_id=run_id, percent=p)  # noqa: E731
    published = report_published(house=run.house, period=period, below=run.suppress_below, exclude_run=run.pk) \
        if run.suppress_below > 1 else []
    try:
        figures, publications = _report_figures(house=run.house, period=period, formats=run.formats,
                                                suppress_below=run.suppress_below, progress=progress,
                                                published=published)
    except DisclosureError as refused:
        with translation.override(settings.LANGUAGE_CODE):
            report_run_fail(run_id=run_id, final=True, error=str(REFUSED_REASON) % {"n": len(refused.unprotected)})
        run.refresh_from_db()
        return run
    files = report_files(figures=figures, formats=run.formats, progress=progress)
    stored = _files_store(run=run, files=files)
    with transaction.atomic():
        ReportPublication.objects.filter(run_id=run_id).delete()
        ReportPublication.objects.bulk_create([
            ReportPublication(run_id=run_id, house=run.house, period_start=p.start, period_end=p.end,
                              suppress_below=run.suppress_below, figures=p.to_json()) for p in publications])
        ReportRun.objects.filter(pk=run_id).update(status=ReportStatus.DONE, progress=100, files=stored,
                                                   figures=json.dumps(figures, ensure_ascii=False),
                                                   finished_at=timezone.now(),
                                                   touched_at=timezone.now(), error="")
    run.refresh_from_db()
    return run


def report_run_fail(*, run_id: int, error: str, final: bool) -> None:
    """Show the error on the run; a final failure ends it (never silently lost). A run that has finished
    meanwhile (a duplicate delivery) keeps its result."""
    updates = {"error": error[:2000], "touched_at": timezone.now()}
    if final:
        updates.update(status=ReportStatus.FAILED, finished_at=timezone.now())
    else:
        updates.update(status=ReportStatus.PENDING)
    ReportRun.objects.filter(pk=run_id, status__in=UNFINISHED, approved_at__isnull=True).update(**updates)
    logger.warning("report run %s failed (final=%s): %s", run_id, final, error[:200])


def report_runs_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Celery beat: find runs lost with a worker or the broker and hand them out again, a bounded number of
    times; after that the run fails with a reason its reader understands.

    A running run is lost when it has shown no progress for longer than the broker gives an unacknowledged
    message (the visibility timeout, itself longer than the hard time limit); a pending one when it has waited
    longer than `REPORT_RUN_PENDING_STALE_SECONDS` (a busy queue is not a lost message). A re-enqueued run
    that turns out to be alive after all is harmless: builds are idempotent and a finished run is left alone."""
    from reporting.tasks import report_run_build_task

    now = now or timezone.now()
    running_before = now - datetime.timedelta(seconds=settings.REPORT_RUN_RUNNING_STALE_SECONDS)
    pending_before = now - datetime.timedelta(seconds=settings.REPORT_RUN_PENDING_STALE_SECONDS)
    counts = {"requeued": 0, "failed": 0}
    with translation.override(settings.LANGUAGE_CODE):  # stored text, read later in the house's language
        lost_reason = str(LOST_REASON)
    with transaction.atomic():
        stuck = list(ReportRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=ReportStatus.RUNNING, touched_at__lt=running_before)
            | Q(status=ReportStatus.PENDING, touched_at__lt=pending_before)
        ).order_by("touched_at", "pk")[:100])
        for run in stuck:
            if run.requeues >= settings.REPORT_RUN_MAX_REQUEUES:
                ReportRun.objects.filter(pk=run.pk).update(
                    status=ReportStatus.FAILED, finished_at=now, touched_at=now, error=lost_reason)
                logger.warning("report run %s lost %s times; failed", run.pk, run.requeues + 1)
                counts["failed"] += 1
            else:
                ReportRun.objects.filter(pk=run.pk).update(status=ReportStatus.PENDING, progress=0, touched_at=now,
                                                           requeues=run.requeues + 1)
                transaction.on_commit(lambda pk=run.pk: _enqueue(pk, report_run_build_task))
                logger.warning("report run %s was %s without progress; re-enqueued (%s)", run.pk, run.status,
                               run.requeues + 1)
                counts["requeued"] += 1
    return counts


def report_runs_schedule_quarter(*, today: datetime.date | None = None) -> list[ReportRun]:
    """Celery beat, first day of a quarter: last quarter's report for every active house (once each)."""
    today = today or timezone.localdate()
    period = previous_quarter(today=today)
    runs = []
    for house in House.objects.filter(active=True):
        exists = ReportRun.objects.filter(house=house, period_start=period.start, period_end=period.end,
                                          scheduled=True).exists()
        if not exists:
            runs.append(report_run_request(house=house, period=period, formats=list(FORMATS), scheduled=True))
    return runs

"""Celery tasks for reports: thin wrappers around `reporting.services`."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from reporting import services

MAX_RETRIES = 3


# Results live on the ReportRun row (status, progress, files), so Celery keeps none.
@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=300, time_limit=360, acks_late=True,
             ignore_result=True)
def report_run_build_task(self, run_id: int) -> str:
    """Build one report run; failures are retried with backoff, and the last one is shown on the run."""
    try:
        run = services.report_run_build(run_id=run_id)
    except SoftTimeLimitExceeded:
        services.report_run_fail(run_id=run_id, error="Tidsgrænsen blev overskredet.", final=True)
        raise
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        services.report_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=10 * 2 ** self.request.retries) from exc
    return run.status


@shared_task(ignore_result=True)
def report_runs_quarterly_task() -> int:
    """Beat: on the first day of a quarter, last quarter's report for each house."""
    return len(services.report_runs_schedule_quarter())

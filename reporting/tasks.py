"""Celery tasks for reports: thin wrappers around `reporting.services`.

A build must survive a dying worker: the message is acknowledged only when the task has finished
(`acks_late`), a killed pool process puts it back on the queue (`reject_on_worker_lost`), and a message left
unacknowledged by a dead worker comes back after the broker's visibility timeout (settings). Whatever still
slips through (a broker that lost its queue) is found by `report_runs_sweep_task`.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from reporting import services

MAX_RETRIES = 3


# Results live on the ReportRun row (status, progress, files), so Celery keeps none.
@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
             time_limit=settings.CELERY_TASK_TIME_LIMIT, acks_late=True, reject_on_worker_lost=True,
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


@shared_task(ignore_result=True)
def report_runs_sweep_task() -> dict[str, int]:
    """Beat: runs lost with a worker or the broker are handed out again, then failed with a reason."""
    return services.report_runs_sweep()

"""Beat tasks: keep the dashboard's trend aggregates fresh in the shared cache (thin wrappers around
`reporting.dashboard_services`).

The beat task only fans out: one task per active house. Each house's task is acknowledged when it has finished
(`acks_late`), goes back on the queue when its pool process is killed (`reject_on_worker_lost`), and is retried
with backoff when it raises; the failure is logged with the house, and the house's figures on the page keep their
age until a later attempt lands. Refreshing a house twice does no harm, so a redelivered message is safe.
"""

from __future__ import annotations

import logging

from celery import shared_task

from reporting import dashboard_services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# One house takes a few seconds; the limits stay well under the refresh interval and the broker's visibility
# timeout (settings), so a stuck house is cut off before the next beat queues it again.
SOFT_TIME_LIMIT = 120
TIME_LIMIT = 150


@shared_task(ignore_result=True)
def dashboard_trends_refresh_task() -> int:
    """Beat: queue one refresh per active house. Returns how many were queued."""
    return len(dashboard_services.dashboard_trends_refresh_schedule())


@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT,
             acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def dashboard_house_trends_refresh_task(self, house_id: int) -> int:
    """Refresh one house's trends; a failure is retried (5, 10, 20 s) and never stops another house's task."""
    try:
        return dashboard_services.dashboard_house_trends_refresh(house_id=house_id)
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        logger.warning("dashboard refresh of house %s failed (attempt %s of %s%s): %s: %s", house_id,
                       self.request.retries + 1, self.max_retries + 1, ", giving up" if final else "",
                       type(exc).__name__, exc)
        if final:
            raise
        raise self.retry(exc=exc, countdown=5 * 2 ** self.request.retries) from exc

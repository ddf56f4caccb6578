"""Beat task: keep the dashboard's trend aggregates fresh in the shared cache (thin wrapper)."""

from __future__ import annotations

from celery import shared_task

from reporting.dashboard_services import dashboard_trends_refresh


@shared_task(soft_time_limit=240, time_limit=300)
def dashboard_trends_refresh_task() -> int:
    return dashboard_trends_refresh()

"""Writes of the reporting app: requesting, building and failing report runs.

The Celery task (`reporting.tasks`) only calls `report_run_build`; the browser view and Celery beat only
call `report_run_request` / `report_runs_schedule_quarter`.

By concern: `figures` (a report's figures, what they publish, and its files), `runs` (requesting,
building, failing and sweeping report runs) and `approval` (the leader's comments, approval and the
steering group's e-mail). Import from here.
"""

from reporting.services.approval import (
    COMMENT_MAX,
    SUMMARY,
    ReportConflict,
    report_comments,
    report_comments_set,
    report_run_approve,
    report_run_notify_approved,
    report_sections,
)
from reporting.services.figures import (
    FORMATS,
    report_build_publications,
    report_figures,
    report_files,
    report_published,
    report_render,
)
from reporting.services.runs import (
    LOST_REASON,
    OFF_GRID_REASON,
    REFUSED_REASON,
    UNFINISHED,
    report_run_build,
    report_run_fail,
    report_run_progress,
    report_run_repeat,
    report_run_request,
    report_runs_schedule_quarter,
    report_runs_sweep,
)

__all__ = [
    "COMMENT_MAX", "FORMATS", "LOST_REASON", "OFF_GRID_REASON", "REFUSED_REASON", "SUMMARY", "UNFINISHED",
    "ReportConflict", "report_build_publications", "report_comments", "report_comments_set", "report_figures",
    "report_files", "report_published", "report_render", "report_run_approve", "report_run_build",
    "report_run_fail", "report_run_notify_approved", "report_run_progress", "report_run_repeat",
    "report_run_request", "report_runs_schedule_quarter", "report_runs_sweep", "report_sections",
]

"""Browser pages for evaluation reports: ask for a period, watch the progress bar, download the files.

Access is checked here against the run's house (`Access.sees_reports`); a Celery task id alone shows
nothing. Steering group members only ever get aggregated, suppressed figures; raw figures (no small-number
suppression) are for those who already see citizen-level data in both sectors.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from psykiatrihus.scoping import ALL_SECTORS, Access
from psykiatrihus.services import audit_log
from reporting.models import ReportRun, ReportStatus
from reporting.report_forms import ReportRequestForm
from reporting.services import report_run_repeat, report_run_request

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def may_see_raw(access: Access) -> bool:
    """Raw report figures only for those who see citizen-level data of both sectors anyway."""
    return access.is_superuser or access.citizen_sectors >= ALL_SECTORS


def _runs_visible(access: Access):
    runs = ReportRun.objects.filter(house=access.house).select_related("requested_by")
    if not may_see_raw(access):
        runs = runs.filter(suppress_below__gte=access.house.small_number_threshold)
    return runs


def _run_or_404(request, pk: int) -> ReportRun:
    access = request.access
    if not access.sees_reports or access.house is None:
        raise PermissionDenied
    return get_object_or_404(_runs_visible(access), pk=pk)


@require_http_methods(["GET", "POST"])
def report_list(request):
    access = request.access
    if not access.sees_reports or access.house is None:
        raise PermissionDenied
    allow_raw = may_see_raw(access)
    form = ReportRequestForm(request.POST or None, allow_raw=allow_raw)
    if request.method == "POST" and form.is_valid():
        raw = allow_raw and form.cleaned_data.get("raw")
        run = report_run_request(house=access.house, period=form.cleaned_data["period"],
                                 formats=form.cleaned_data["formats"], user=request.user,
                                 suppress_below=0 if raw else None)
        messages.success(request, _("Rapporten for %(period)s er bestilt.") % {"period": run.period_label})
        return redirect("reporting:report_list")
    runs = list(_runs_visible(access)[:30])
    return render(request, "reporting/report_list.html", {"form": form, "runs": runs})


def report_status(request, pk: int):
    """The HTMX fragment of one run: progress bar while it builds, download links when it is done."""
    run = _run_or_404(request, pk)
    return render(request, "reporting/report_run_row.html", {"run": run})


@require_http_methods(["POST"])
def report_reorder(request, pk: int):
    """"Bestil igen" on a failed run: the same report once more, as a new run."""
    run = _run_or_404(request, pk)
    if run.status != ReportStatus.FAILED:
        messages.info(request, _("Rapporten for %(period)s er ikke fejlet.") % {"period": run.period_label})
        return redirect("reporting:report_list")
    again = report_run_repeat(run=run, user=request.user)
    messages.success(request, _("Rapporten for %(period)s er bestilt igen.") % {"period": again.period_label})
    return redirect("reporting:report_list")


def report_download(request, pk: int, fmt: str):
    run = _run_or_404(request, pk)
    path = run.files.get(fmt)
    if not path or not default_storage.exists(path):
        raise Http404
    audit_log(user=request.user, action="export", obj=run, house=run.house,
              detail=f"rapport {run.period_label} {fmt}")
    filename = path.rsplit("/", 1)[-1]
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=filename,
                        content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"))

"""Browser pages for evaluation reports: ask for a period, watch the progress bar, comment, approve, download.

Who sees what is decided in `reporting.access` (asked by the API too): the steering group only ever gets
approved, suppressed reports; raw figures are for those who already see citizen-level data in both sectors;
a run of a house the user does not work in answers exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from psykiatrihus.services import audit_log
from reporting.access import may_approve, may_open, run_with_access, runs_visible, sees_reports_anywhere
from reporting.models import ReportRun, ReportStatus
from reporting.report_forms import ReportRequestForm
from reporting.services import (
    ReportConflict,
    report_comments,
    report_comments_set,
    report_run_approve,
    report_run_repeat,
    report_run_request,
    report_sections,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _run_or_404(request, pk: int):
    if not sees_reports_anywhere(request.user):
        raise PermissionDenied
    found = run_with_access(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def report_list(request):
    access = request.access
    if not access.sees_reports or access.house is None:
        raise PermissionDenied
    allow_raw = access.may_see_raw_figures
    form = ReportRequestForm(request.POST or None, allow_raw=allow_raw)
    if request.method == "POST" and form.is_valid():
        raw = allow_raw and form.cleaned_data.get("raw")
        run = report_run_request(house=access.house, period=form.cleaned_data["period"],
                                 formats=form.cleaned_data["formats"], user=request.user,
                                 suppress_below=0 if raw else None)
        text = _("Rapporten for %(period)s er bestilt.") % {"period": run.period_label}
        if not may_open(access, run):
            text += " " + _("Den kan hentes her, når ledelsen har godkendt den.")
        messages.success(request, text)
        return redirect("reporting:report_list")
    runs = list(runs_visible(access).select_related("requested_by", "approved_by").defer("figures")[:30])
    for run in runs:
        run.may_open = may_open(access, run)
    from psykiatrihus.scoping import sees_houses_side_by_side

    return render(request, "reporting/report_list.html", {"form": form, "runs": runs,
                                                          "may_approve": may_approve(access),
                                                          "side_by_side": sees_houses_side_by_side(request.user)})


def report_status(request, pk: int):
    """The HTMX fragment of one run: progress bar while it builds, download links when it may be opened."""
    run, access = _run_or_404(request, pk)
    run.may_open = may_open(access, run)
    return render(request, "reporting/report_run_row.html", {"run": run, "may_approve": may_approve(access)})


@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    """One report: its files, the leader's comment per section, and (for a leader) approval."""
    run, access = _run_or_404(request, pk)
    if not may_open(access, run):
        raise Http404
    editable = may_approve(access) and not run.is_approved and run.status == "done" and run.suppress_below >= 2
    sections = _sections(run)
    comments = report_comments(run=run)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        posted = {s: request.POST.get(f"comment-{s}", "") for s, _t in sections}
        try:
            if "approve" in request.POST:
                run = report_run_approve(run=run, user=request.user, comments=posted)
                messages.success(request, _("Rapporten er godkendt, og styregruppen har fået besked."))
            else:
                report_comments_set(run=run, comments=posted, user=request.user)
                messages.success(request, _("Kommentarerne er gemt."))
            return redirect("reporting:report_detail", pk=run.pk)
        except ValidationError as exc:
            errors = exc.message_dict
            comments = posted
        except ReportConflict as exc:
            messages.error(request, exc.message)
            return redirect("reporting:report_detail", pk=run.pk)
    return render(request, "reporting/report_detail.html", {
        "run": run, "editable": editable, "errors": errors,
        "sections": [(key, title, comments.get(key, ""), errors.get(key, [])) for key, title in sections],
        "revision_lines": _revision_lines(run),
    })


def _sections(run: ReportRun) -> list[tuple[str, str]]:
    from reporting.report_layout import section_titles

    titles = section_titles()
    return [(key, titles.get(key, key)) for key in report_sections(run=run)]


def _revision_lines(run: ReportRun) -> list[str]:
    from reporting.report_layout import changes_lines

    return changes_lines(run.changes) if run.is_revision else []


@require_http_methods(["POST"])
def report_reorder(request, pk: int):
    """"Bestil igen" on a failed run: the same report once more, as a new run."""
    run, _access = _run_or_404(request, pk)
    if run.status != ReportStatus.FAILED:
        messages.info(request, _("Rapporten for %(period)s er ikke fejlet.") % {"period": run.period_label})
        return redirect("reporting:report_list")
    again = report_run_repeat(run=run, user=request.user)
    messages.success(request, _("Rapporten for %(period)s er bestilt igen.") % {"period": again.period_label})
    return redirect("reporting:report_list")


def report_download(request, pk: int, fmt: str):
    run, access = _run_or_404(request, pk)
    if not may_open(access, run):
        raise Http404
    path = run.files.get(fmt)
    if not path or not default_storage.exists(path):
        raise Http404
    audit_log(user=request.user, action="export", obj=run, house=run.house,
              detail=f"rapport {run.period_label} {fmt}")
    filename = path.rsplit("/", 1)[-1]
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=filename,
                        content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"))

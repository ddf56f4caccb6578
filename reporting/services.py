"""Writes of the reporting app: requesting, building and failing report runs.

The Celery task (`reporting.tasks`) only calls `report_run_build`; the browser view and Celery beat only
call `report_run_request` / `report_runs_schedule_quarter`.
"""

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
from reporting.disclosure import DisclosureError, Publication, relations_renewed
from reporting.key_figures import SECTORS, key_figures, source_paths
from reporting.models import ReportFormat, ReportPublication, ReportRun, ReportStatus
from reporting.report_files import render_json, render_pdf, render_xlsx
from reporting.selectors import (
    REPORT_LANGUAGE,
    Period,
    house_history_start,
    period_is_grid,
    previous_quarter,
    read_beside,
    report_raw,
    report_trend_figures,
    trend_tables_raw,
)
from reporting.selectors import report_figures as disclosed_figures
from reporting.trends import trend_periods, trends_table

logger = logging.getLogger(__name__)
OFF_GRID_REASON = gettext_lazy("Rapporter med skjulte småtal laves kun for hele kvartaler, halvår og år. En måned "
                               "eller en fri fra–til-periode kunne trækkes fra en anden rapport og vise få borgere; "
                               "den kræver adgang til rå tal.")
# Why a suppressed report was not made: together with what the house has published before, it would let a
# reader work out a small number (see reporting.disclosure).
REFUSED_REASON = gettext_lazy("Rapporten offentliggøres ikke: sammen med det, huset allerede har offentliggjort for "
                              "perioden, ville %(n)s små tal kunne regnes ud. Bestil i stedet hele kvartaler, "
                              "halvår eller år, eller kontakt driften.")

FORMATS = tuple(f.value for f in ReportFormat)
UNFINISHED = (ReportStatus.PENDING, ReportStatus.RUNNING)
# What the person who ordered the report reads when the sweeper gives up on it.
LOST_REASON = gettext_lazy("Rapporten blev ikke færdig: arbejdsprocessen, der lavede den, stoppede undervejs flere "
                           "gange. Bestil den igen; sker det igen, så kontakt driften.")


def report_figures(*, house: House, period: Period, formats: list[str] | tuple[str, ...],
                   suppress_below: int | None = None, progress=None,
                   published: list[Publication] | None = None) -> dict:
    """The report's figures: `{"data": ..., "previous": ...}` (the same period a year before, for the PDF and
    XLSX only). What the files are rendered from, now and again when the report is approved. Labels in the
    report's language, not the language of whoever (or whichever thread) builds it. Suppressed figures are
    audited together with `published`; raises DisclosureError if a small number would show."""
    figures, _publications = _report_figures(house=house, period=period, formats=formats,
                                             suppress_below=suppress_below, progress=progress, published=published)
    return figures


def report_build_publications(*, house: House, period: Period, published: list[Publication]) -> list[Publication]:
    """Everything a suppressed build of `period` would publish and store, with the house's threshold: the
    period, the same period a year before and each extra trend column, in that order (the audit command's
    view of a build). Raises DisclosureError as the build would."""
    return _report_figures(house=house, period=period, formats=("json",), suppress_below=None, progress=None,
                           published=published)[1]


def _report_figures(*, house: House, period: Period, formats, suppress_below: int | None, progress,
                    published: list[Publication] | None = None) -> tuple[dict, list[Publication]]:
    """The figures and what they publish (the period, and the comparison year audited together with it)."""
    with translation.override(REPORT_LANGUAGE):
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise ValueError(_("Ukendt format: %(f)s") % {"f": ", ".join(sorted(unknown))})
        step = progress or (lambda _p: None)
        earlier = list(published or [])
        prior = period.previous_year()
        first_day = house_history_start(house=house)
        extra_periods = [p for p in trend_periods(period=period, first_day=first_day)
                         if (p.start, p.end) not in {(period.start, period.end), (prior.start, prior.end)}]
        # The year before and the trend columns are read beside the period's own tables, each on a connection
        # of its own (see reporting.selectors.parallel); suppression and its audit stay in order below.
        prior_read = read_beside(lambda: report_raw(house=house, period=prior))
        trends_read = read_beside(lambda: {(p.start, p.end): trend_tables_raw(house=house, period=p,
                                                                              paths=source_paths())
                                           for p in extra_periods})
        now = disclosed_figures(house=house, period=period, suppress_below=suppress_below,
                                progress=lambda p: step(int(p * 0.5)), published=earlier)
        publications = [now.publication]
        prior_raw = prior_read.result()
        # The same period a year before: the PDF/XLSX comparison columns and the key figures' "last year".
        before = disclosed_figures(house=house, period=prior, suppress_below=suppress_below,
                                   published=[*earlier, now.publication], raw=prior_raw)
        step(80)
        publications.append(before.publication)
        previous = before.data if set(formats) & {"pdf", "xlsx"} else None
        trends, trend_publications = _trend_figures(house=house, period=period, now=now, before=before,
                                                    published=[*earlier, *publications], first_day=first_day,
                                                    built=trends_read.result())
        publications.extend(trend_publications)
        step(90)
        # Made from the figures the periods publish (after suppression), so they add nothing more to audit.
        now.data["tables"] = {"key_figures": key_figures(data=now.data, previous=before.data),
                              **({"trends": trends} if trends else {}), **now.data["tables"]}
        if now.data["suppress_below"] <= 1:
            publications = []
        return {"data": now.data, "previous": previous}, publications


def _trend_figures(*, house: House, period: Period, now, before, published: list[Publication],
                   first_day: datetime.date | None, built: dict) -> tuple[dict | None, list[Publication]]:
    """`tables.trends` and the publications of its extra columns (see `reporting.trends`): the report's period
    and the year before are the report's own figures; every other column is suppressed on its own, together
    with what the house published for the same calendar year (nothing else can be combined with it). `built`
    holds the extra columns' raw tables by (start, end)."""
    periods = trend_periods(period=period, first_day=first_day)
    if not periods:
        return None, []
    below = now.data["suppress_below"]
    own = {(period.start, period.end): now.data}
    prior = period.previous_year()
    own[(prior.start, prior.end)] = before.data
    shown = {s for t in now.data["tables"].values() if isinstance(t, dict) for s in SECTORS if s in t}
    columns, extra = [], []
    for p in periods:
        data = own.get((p.start, p.end))
        if data is None:
            column = report_trend_figures(house=house, period=p, below=below, paths=source_paths(), sectors=shown,
                                          published=_combinable(p, [*published, *extra]),
                                          built=built.get((p.start, p.end)))
            extra.append(column.publication)
            data = column.data
        columns.append((p, data))
    return trends_table(columns=columns, first_day=first_day), extra


def _combinable(period: Period, publications: list[Publication]) -> list[Publication]:
    """The publications a figure of `period` can be combined with (`reporting.disclosure`): the same cells of
    the same period, and a half-year or year that contains it together with the quarters and half-years inside
    that (a year is the sum of its quarters). Nothing else shares a cell or a sum with it, so leaving the rest
    out of its audit changes no interval; it only spares the linear programs."""
    start, end = period.start.isoformat(), period.end.isoformat()
    containers = [pub for pub in publications if pub.start <= start and pub.end >= end]
    low = min([start, *[pub.start for pub in containers]])
    high = max([end, *[pub.end for pub in containers]])
    return [pub for pub in publications if pub.start >= low and pub.end <= high]


def report_published(*, house: House, period: Period, below: int, exclude_run: int | None = None
                     ) -> list[Publication]:
    """Everything published for the house (finished suppressed runs and the dashboard's quarters, same
    threshold) that a report of `period` could be combined with: the calendar years it touches, the year
    before (its comparison) and the years of its trend columns, oldest first."""
    from reporting.models import DashboardPublication

    periods = trend_periods(period=period, first_day=house_history_start(house=house))
    first_year = min([period.start.year - 1, *[p.start.year for p in periods]])
    years = {"period_end__year__gte": first_year, "period_start__year__lte": period.end.year}
    rows = (ReportPublication.objects.filter(house=house, suppress_below=below, run__status=ReportStatus.DONE,
                                             **years)
            .exclude(run_id=exclude_run).values_list("created_at", "figures"))
    shown = DashboardPublication.objects.filter(house=house, suppress_below=below, **years).values_list(
        "created_at", "figures")
    return [relations_renewed(Publication.from_json(figures))
            for _at, figures in sorted([*rows, *shown], key=lambda r: r[0])]


def report_files(*, figures: dict, formats: list[str] | tuple[str, ...], notes: dict | None = None,
                 progress=None) -> dict[str, bytes]:
    """The files by format from `report_figures`; `notes` (comments, approval, revision) go into the PDF/XLSX.
    Rendered in the report's language."""
    with translation.override(REPORT_LANGUAGE):
        return _report_files(figures=figures, formats=formats, notes=notes, progress=progress)


def _report_files(*, figures: dict, formats, notes: dict | None, progress) -> dict[str, bytes]:
    step = progress or (lambda _p: None)
    data, previous = figures["data"], figures.get("previous")
    files: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "json":
            files[fmt] = render_json(data=data, notes=notes)
        elif fmt == "xlsx":
            files[fmt] = render_xlsx(data=data, previous=previous, notes=notes)
        elif fmt == "pdf":
            files[fmt] = render_pdf(data=data, previous=previous, notes=notes)
        step(min(99, 80 + int(20 * len(files) / len(formats))))
    return files


def report_render(*, house: House, period: Period, formats: list[str] | tuple[str, ...],
                  suppress_below: int | None = None, progress=None) -> dict[str, bytes]:
    """The report's files as bytes, by format. The PDF and XLSX carry the same period a year before."""
    step = progress or (lambda _p: None)
    figures = report_figures(house=house, period=period, formats=formats, suppress_below=suppress_below,
                             progress=step)
    return report_files(figures=figures, formats=formats, progress=step)


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


# --- comments and approval -----------------------------------------------------------------------------

COMMENT_MAX = 4000
SUMMARY = "summary"  # the comment on the report as a whole (shown first)


class ReportConflict(Exception):
    """The run is not in a state that allows the change (already approved, not finished, raw figures)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def report_sections(*, run: ReportRun) -> list[str]:
    """The sections a leader may comment on: the report as a whole, the rules, then every table shown (data
    quality is no section: its warnings stand beside the tables they concern)."""
    tables = ((run.figures_data or {}).get("data") or {}).get("tables") or {}
    shown = [k for k, v in tables.items() if isinstance(v, dict) and k != "data_quality"]
    return [SUMMARY, *[k for k in shown if k == "key_figures"], "rules", *[k for k in shown if k != "key_figures"]]


def _commentable(run: ReportRun, user) -> None:
    from django.core.exceptions import PermissionDenied

    from psykiatrihus.scoping import access_for
    from reporting.access import may_approve

    if not may_approve(access_for(user, run.house)):
        raise PermissionDenied(_("Kun en leder kan kommentere og godkende rapporten."))
    if run.is_approved:
        raise ReportConflict(_("Rapporten er godkendt og kan ikke ændres. Bestil en ny version for at rette den."),
                             code="approved")
    if run.status != ReportStatus.DONE or not run.figures:
        raise ReportConflict(_("Rapporten er ikke færdig endnu."), code="not_done")
    if run.suppress_below < 2:
        raise ReportConflict(_("En rapport med rå tal er kun til intern brug og kan ikke godkendes til "
                               "styregruppen."), code="raw")


def _comments_clean(*, run: ReportRun, comments: dict) -> dict[str, str]:
    """Comments by section, stripped; raises django ValidationError (per section) on bad input."""
    from django.core.exceptions import ValidationError

    if not isinstance(comments, dict):
        raise ValidationError({"comments": [_("Kommentarer angives pr. afsnit.")]})
    allowed = set(report_sections(run=run))
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for section, text in comments.items():
        if section not in allowed:
            errors[str(section)[:64]] = [_("Rapporten har ikke dette afsnit.")]
            continue
        if not isinstance(text, str):
            errors[section] = [_("En kommentar er en tekst.")]
            continue
        text = text.replace("\x00", "").strip()
        if len(text) > COMMENT_MAX:
            errors[section] = [_("Højst %(n)s tegn (%(m)s skrevet).") % {"n": COMMENT_MAX, "m": len(text)}]
            continue
        clean[section] = text
    if errors:
        raise ValidationError(errors)
    return clean


def report_comments_set(*, run: ReportRun, comments: dict, user) -> ReportRun:
    """Save the leader's comments by section (an empty text removes the section's comment)."""
    from reporting.models import ReportComment

    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("house").get(pk=run.pk)
        _commentable(run, user)
        for section, text in _comments_clean(run=run, comments=comments).items():
            if text:
                ReportComment.objects.update_or_create(run=run, section=section,
                                                       defaults={"text": text, "author": user})
            else:
                ReportComment.objects.filter(run=run, section=section).delete()
        audit_log(user=user, action="update", obj=run, house=run.house,
                  detail=f"kommentarer til rapport {run.period_label}: {', '.join(sorted(comments)) or '-'}")
    return run


def report_comments(*, run: ReportRun) -> dict[str, str]:
    return dict(run.comments.order_by("id").values_list("section", "text"))


def _approval_notes(*, run: ReportRun, comments: dict[str, str], user, at, previous: ReportRun | None,
                    changes: list[dict]) -> dict:
    name = user.get_full_name() or user.get_username()
    notes = {"comments": comments, "approval": {"at": timezone.localtime(at).date().isoformat(), "by": name,
                                                "version": run.version}}
    if previous is not None:
        notes["revision"] = {"version": run.version, "revises_version": previous.version,
                             "revises_approved": timezone.localtime(previous.approved_at).date().isoformat(),
                             "changes": changes}
    return notes


def report_run_approve(*, run: ReportRun, user, comments: dict | None = None) -> ReportRun:
    """Approve a finished, suppressed run for the steering group: save the comments, number it (a later
    approval of the same period is a revision with what changed), render its files once more with the
    comments and the approval, freeze it, and tell the steering group by e-mail once committed."""
    from reporting.report_revisions import figures_changed

    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("house").get(pk=run.pk)
        _commentable(run, user)
        if comments:
            report_comments_set(run=run, comments=comments, user=user)
        # Lock the period's approved versions: two approvals of the same period get consecutive numbers.
        approved = list(ReportRun.objects.select_for_update().filter(
            house=run.house, period_start=run.period_start, period_end=run.period_end, approved_at__isnull=False,
        ).order_by("-version"))
        previous = approved[0] if approved else None
        run.version = (previous.version + 1) if previous else 1
        run.revises = previous
        figures = run.figures_data
        run.changes = figures_changed(old=previous.figures_data["data"], new=figures["data"]) if previous else []
        now = timezone.now()
        notes = _approval_notes(run=run, comments=report_comments(run=run), user=user, at=now, previous=previous,
                                changes=run.changes)
        files = report_files(figures=figures, formats=run.formats, notes=notes)
        run.files = _files_store(run=run, files=files)
        run.approved_at, run.approved_by = now, user
        run.save(update_fields=["version", "revises", "changes", "files", "approved_at", "approved_by"])
        audit_log(user=user, action="update", obj=run, house=run.house,
                  detail=f"rapport {run.period_label} godkendt (version {run.version})")
        transaction.on_commit(lambda: report_run_notify_approved(run_id=run.pk))
    return run


def report_run_notify_approved(*, run_id: int) -> int:
    """E-mail the house's steering group that a report is approved (no figures, no names: a link). Returns the
    number of recipients; a mail server that cannot be reached is logged, never undoes the approval."""
    with translation.override(REPORT_LANGUAGE):
        return _notify_approved(run=ReportRun.objects.select_related("house").get(pk=run_id))


def _notify_approved(*, run: ReportRun) -> int:
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.urls import reverse

    from psykiatrihus.models import Membership, Role

    run_id = run.pk
    recipients = sorted(set(Membership.objects.filter(
        house=run.house, role=Role.STEERING, active=True, user__is_active=True,
    ).exclude(user__email="").values_list("user__email", flat=True)))
    if not recipients:
        return 0
    subject = _("Evalueringsrapport godkendt: %(house)s, %(period)s") % {"house": run.house.name,
                                                                          "period": run.period_label}
    if run.is_revision:
        subject += " " + _("(revideret, version %(v)s)") % {"v": run.version}
    link = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("reporting:report_detail", args=[run.pk])
    body = _("Ledelsen har godkendt evalueringsrapporten for %(period)s for %(house)s.\n\n"
             "Rapporten kan hentes her (log ind først): %(link)s\n") % {
        "period": run.period_label, "house": run.house.name, "link": link}
    if run.is_revision:
        body += "\n" + _("Den erstatter version %(v)s; hvad der er ændret, står forrest i rapporten.\n") % {
            "v": run.version - 1}
    sender = settings.DEFAULT_FROM_EMAIL
    try:
        send_mass_mail([(subject, body, sender, [to]) for to in recipients], fail_silently=False)
    except Exception as exc:  # a mail server down must not turn the approval into an error page
        logger.warning("approval mail for report run %s not sent: %s", run_id, type(exc).__name__)
        return 0
    return len(recipients)

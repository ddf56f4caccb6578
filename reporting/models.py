"""Report runs, their comments and their approval.

A `ReportRun` is one request for an evaluation report (by a person or by Celery beat): which house and
period, which formats, how far the build has come, and where the files are. Views check access against
the run's house, so a task id is never enough to see a report.

A leader comments on each section (`ReportComment`) and approves the run; only approved runs reach the steering
group. Approval renders the files once more with the comments and freezes the run: a database trigger refuses
any later change to its files, figures or comments (migration 0002). A correction is a new run of the same
period, approved as the next `version` with `changes` against the version it revises.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from psykiatrihus.models import House


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", _("Regneark (XLSX)")
    JSON = "json", "JSON"


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("I kø")
    RUNNING = "running", _("Under udarbejdelse")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


class ReportRun(models.Model):
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="report_runs", verbose_name=_("hus"))
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))
    period_label = models.CharField(_("periode"), max_length=64)
    formats = models.JSONField(_("formater"), default=list)
    suppress_below = models.PositiveSmallIntegerField(_("skjul tal under"))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices,
                              default=ReportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    error = models.TextField(_("fejl"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    # {"pdf": "reports/aarhus/12/rapport-2021.pdf", ...} relative to MEDIA_ROOT; served only through our view.
    files = models.JSONField(_("filer"), default=dict, blank=True)
    task_id = models.CharField(_("opgave-id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("bestilt af"))
    scheduled = models.BooleanField(_("automatisk (kvartal)"), default=False)
    # Last sign of life (requested, handed to the queue, started, progressed). A pending or running run not
    # touched for longer than its limit was lost with a worker or the broker; the sweeper hands it out again
    # (`requeues` times at most) and then fails it with a reason the user reads.
    touched_at = models.DateTimeField(_("sidst aktiv"), default=timezone.now)
    requeues = models.PositiveSmallIntegerField(_("sendt i kø igen"), default=0)
    # The suppressed figures the files were made from ({"data": ..., "previous": ...}): approval renders the
    # files again from them with the comments, and a revision is compared against them. Never raw for steering.
    # Kept as JSON text, not jsonb: jsonb reorders keys, and the order is the report's (tables, age bands, months).
    figures = models.TextField(_("tal"), blank=True, default="")
    approved_at = models.DateTimeField(_("godkendt"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("godkendt af"))
    # 1 for the first approved report of a house and period; 2, 3, ... for corrections ("revideret").
    version = models.PositiveSmallIntegerField(_("version"), null=True, blank=True)
    revises = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions",
                                verbose_name=_("reviderer"))
    # What changed against the revised version: [{"table", "title", "row", "column", "old", "new"}, ...].
    changes = models.JSONField(_("ændringer"), default=list, blank=True)

    class Meta:
        verbose_name = _("rapportkørsel")
        verbose_name_plural = _("rapportkørsler")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="reportrun_period_order"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportrun_progress_0_100"),
            # Only a finished, suppressed report is approved, and an approved one has its version and approver.
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, version__isnull=True)
                | Q(approved_at__isnull=False, status="done", suppress_below__gte=2, version__gte=1,
                    approved_by__isnull=False),
                name="reportrun_approved_done_suppressed"),
            models.UniqueConstraint(fields=["house", "period_start", "period_end", "version"],
                                    condition=Q(version__isnull=False), name="reportrun_one_version_per_period"),
        ]
        indexes = [
            models.Index(fields=["house", "-created_at"]),
            # the sweeper's question: unfinished runs, oldest sign of life first
            models.Index(fields=["touched_at"], name="reportrun_unfinished_touched",
                         condition=Q(status__in=["pending", "running"])),
        ]

    def __str__(self) -> str:
        return f"{self.house} {self.period_label} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def figures_data(self) -> dict | None:
        """The stored figures, in the order they were built (None before the run is built)."""
        import json

        return json.loads(self.figures) if self.figures else None

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def is_revision(self) -> bool:
        return self.revises_id is not None


class ReportComment(models.Model):
    """A leader's comment on one section of a report (a table key, or `summary` for the report as a whole).
    Frozen with the run once it is approved (the trigger in migration 0002)."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="comments", verbose_name=_("rapport"))
    section = models.CharField(_("rapportafsnit"), max_length=64)
    text = models.TextField(_("kommentar"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("skrevet af"))
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("kommentar til rapport")
        verbose_name_plural = _("kommentarer til rapporter")
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "section"], name="reportcomment_one_per_section"),
            models.CheckConstraint(condition=~Q(text=""), name="reportcomment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.section}"

class ReportPublication(models.Model):
    """What one suppressed report run published for one period (its own, or the year before it compares
    with): every count with its raw value, which were hidden and how, and the relations between them.

    Later reports of the house are audited together with these, so that no combination of published
    outputs (a year and its quarters, a rebuilt quarter) gives a small number away."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="publications",
                            verbose_name=_("rapportkørsel"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))
    suppress_below = models.PositiveSmallIntegerField(_("skjul tal under"))
    figures = models.JSONField(_("offentliggjorte tal"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("offentliggørelse")
        verbose_name_plural = _("offentliggørelser")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="reportpublication_period_order"),
            models.CheckConstraint(condition=Q(suppress_below__gte=2), name="reportpublication_suppressed"),
        ]
        indexes = [models.Index(fields=["house", "period_start"])]

    def __str__(self) -> str:
        return f"{self.house} {self.period_start}–{self.period_end}"


class DashboardPublication(models.Model):
    """What the dashboard showed to roles without raw figures for one calendar quarter: the counts with their
    raw values, which were hidden and how, and the relations (a `reporting.disclosure.Publication`). Each
    distinct publication is kept once (`digest`): later reports and later dashboard quarters are audited
    together with every one of them, as with `ReportPublication`."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))
    suppress_below = models.PositiveSmallIntegerField(_("skjul tal under"))
    figures = models.JSONField(_("offentliggjorte tal"))
    digest = models.CharField(_("fingeraftryk"), max_length=64)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("offentliggørelse på overblikket")
        verbose_name_plural = _("offentliggørelser på overblikket")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="dashboardpublication_period_order"),
            models.CheckConstraint(condition=Q(suppress_below__gte=2), name="dashboardpublication_suppressed"),
            models.UniqueConstraint(fields=["house", "period_start", "period_end", "suppress_below", "digest"],
                                    name="dashboardpublication_once"),
        ]
        indexes = [models.Index(fields=["house", "period_start"])]

    def __str__(self) -> str:
        return f"{self.house} {self.period_start}–{self.period_end}"

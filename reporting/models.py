"""Report runs and cached aggregates (issues 7 and 8).

A `ReportRun` is one request for an evaluation report (by a person or by Celery beat): which house and
period, which formats, how far the build has come, and where the files are. Views check access against
the run's house, so a task id is never enough to see a report.
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

    class Meta:
        verbose_name = _("rapportkørsel")
        verbose_name_plural = _("rapportkørsler")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="reportrun_period_order"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportrun_progress_0_100"),
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

"""Psychiatric admissions history from the region's patient administration system (regional health data).

Imported from the region's export (`import_admissions`), never typed in. Per citizen these rows are health
data: only users who see the region's health data (or hold the citizen's consent that includes health data)
read them; everyone else meets them only inside aggregates (`contracts.aggregates`).
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from psykiatrihus.models import House


class Admission(models.Model):
    """One admission to a psychiatric ward: from `admitted_at` until `discharged_at` (None: still admitted).

    `admitted_on` / `discharged_on` are the local dates (the house's time zone), the unit the bed-days are
    counted in: an admission occupies the nights admitted_on <= d < discharged_on, as a stay does."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="admissions", verbose_name=_("hus"))
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="admissions",
                                verbose_name=_("borger"))
    admitted_at = models.DateTimeField(_("indlagt"))
    discharged_at = models.DateTimeField(_("udskrevet"), null=True, blank=True)
    admitted_on = models.DateField(_("indlagt dato"))
    discharged_on = models.DateField(_("udskrevet dato"), null=True, blank=True)
    ward = models.CharField(_("afsnit"), max_length=100, blank=True)
    imported_at = models.DateTimeField(_("importeret"), auto_now_add=True)
    updated_at = models.DateTimeField(_("opdateret"), auto_now=True)

    class Meta:
        verbose_name = _("psykiatrisk indlæggelse")
        verbose_name_plural = _("psykiatriske indlæggelser")
        ordering = ["-admitted_at", "-id"]
        indexes = [models.Index(fields=["house", "citizen", "admitted_on"])]
        constraints = [
            # The natural key of the region's export: a re-import updates the row (e.g. its discharge).
            models.UniqueConstraint(fields=["citizen", "admitted_at"], name="admission_unique_start"),
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True) | Q(discharged_at__gte=F("admitted_at")),
                name="admission_discharge_after_admission",
                violation_error_message=_("Udskrivningen kan ikke ligge før indlæggelsen."),
            ),
            models.CheckConstraint(
                condition=(Q(discharged_at__isnull=True, discharged_on__isnull=True)
                           | Q(discharged_at__isnull=False, discharged_on__gte=F("admitted_on"))),
                name="admission_dates_consistent",
            ),
            # A person is in one ward at a time; a transfer is a discharge and an admission at the same moment.
            ExclusionConstraint(
                name="admission_citizen_no_overlap",
                expressions=[
                    (Func(F("citizen_id"), F("citizen_id"), Value("[]"), function="int8range"),
                     RangeOperators.EQUAL),
                    (Func(F("admitted_at"), F("discharged_at"), Value("[)"), function="tstzrange"),
                     RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Borgeren har allerede en indlæggelse i perioden."),
            ),
        ]

    def __str__(self) -> str:
        return f"Indlæggelse #{self.pk}"

    @property
    def nights(self) -> int | None:
        """Bed-days as stays count nights; None while still admitted."""
        if self.discharged_on is None:
            return None
        return (self.discharged_on - self.admitted_on).days

"""A stay's bed periods: where the guest lay when (part of the beds app's models; imported by beds.models).

A stay is one ophold however often the guest moves; each stretch on one bed is a `StayBedPeriod`. The first
period starts with the stay (`starts_at` NULL), each move starts a new one; the last one is on `Stay.bed`.
The bed-level exclusion constraints live here, so PostgreSQL judges each bed on the hours the stay was
actually on it: the old bed is free again from the move, the new bed is taken from it.

`ends_at`, `during`, `presence` and `holds` are derived from the stay and kept so by a database trigger
(migration 0011) on every insert or update of a stay, whoever writes (services, import, admin, SQL):
- `during` = the stay's period ∩ [starts_at, ends_at): the booked hours on this bed;
- `presence` = the stay's actual presence (checked in, until checked out) ∩ [starts_at, ends_at), NULL
  while the stay is not checked in;
- `holds` = the stay holds its beds (booked, checked in or out; not cancelled or no-show).
The trigger also refuses a move outside the stay (`stay_move_within_stay`). Write moves through
`beds.move_services.stay_move` only.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _


def _bed_key() -> Func:
    # No btree_gist in the embedded PostgreSQL: equality on the id as `int8range(id, id, '[]') =`.
    return Func(F("bed_id"), F("bed_id"), Value("[]"), function="int8range")


class StayBedPeriod(models.Model):
    stay = models.ForeignKey("beds.Stay", on_delete=models.CASCADE, related_name="bed_periods",
                             verbose_name=_("ophold"))
    bed = models.ForeignKey("beds.Bed", on_delete=models.PROTECT, related_name="stay_periods",
                            verbose_name=_("seng"))
    starts_at = models.DateTimeField(_("flyttet hertil"), null=True, blank=True)
    ends_at = models.DateTimeField(_("flyttet herfra"), null=True, blank=True)
    during = DateTimeRangeField(_("periode på sengen"))
    presence = DateTimeRangeField(_("til stede på sengen"), null=True, blank=True)
    holds = models.BooleanField(_("holder sengen"), default=False)

    class Meta:
        app_label = "beds"
        verbose_name = _("sengeperiode")
        verbose_name_plural = _("sengeperioder")
        ordering = ["stay", F("starts_at").asc(nulls_first=True)]
        constraints = [
            # The names are the ones these rules had on the stay, so every caller's conflict mapping holds.
            ExclusionConstraint(
                name="stay_bed_no_overlap",
                expressions=[(_bed_key(), RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS)],
                condition=Q(holds=True),
                violation_error_code="bed_taken",
                violation_error_message=_("Sengen er allerede optaget i perioden."),
            ),
            # Reality, whatever the plan: one guest in a bed at a time.
            ExclusionConstraint(
                name="stay_bed_one_guest_present",
                expressions=[(_bed_key(), RangeOperators.EQUAL), ("presence", RangeOperators.OVERLAPS)],
                condition=Q(presence__isnull=False),
                violation_error_code="bed_still_occupied",
                violation_error_message=_("Den forrige gæst i sengen er ikke udskrevet."),
            ),
            models.UniqueConstraint(fields=["stay"], condition=Q(starts_at__isnull=True),
                                    name="staybedperiod_one_first"),
            models.UniqueConstraint(fields=["stay", "starts_at"], name="staybedperiod_unique_start"),
            models.CheckConstraint(condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True)
                                   | Q(ends_at__gt=F("starts_at")), name="staybedperiod_ends_after_start"),
        ]
        indexes = [GistIndex(fields=["during"], name="staybedperiod_during_gist")]

    def __str__(self) -> str:
        return f"{self.bed_id} {self.during}"

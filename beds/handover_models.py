"""Shift handover notes and the attention list (part of the beds app's models; imported by beds.models).

A note belongs to a house, a sector and a shift (day, evening, night of a date), optionally about a citizen:
then it is citizen-level data of that sector (scoped like the citizen's stays, and every read audited).
An attention item says: keep an eye on this citizen, why, and until when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from psykiatrihus.models import House, Sector


class Shift(models.TextChoices):
    DAY = "day", _("Dag")
    EVENING = "evening", _("Aften")
    NIGHT = "night", _("Nat")


class HandoverNote(models.Model):
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="handover_notes", verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    shift_date = models.DateField(_("vagtens dato"))
    shift = models.CharField(_("vagt"), max_length=8, choices=Shift.choices)
    text = models.TextField(_("overlevering"), max_length=2000)
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="handover_notes",
                                null=True, blank=True, verbose_name=_("om borger"))
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("skrevet af"))

    class Meta:
        app_label = "beds"
        verbose_name = _("overlevering")
        verbose_name_plural = _("overleveringer")
        ordering = ["-shift_date", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="handover_note_has_text")]
        indexes = [models.Index(fields=["house", "sector", "shift_date"])]


class AttentionItem(models.Model):
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="attention_items", verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="attention_items",
                                verbose_name=_("borger"))
    reason = models.CharField(_("hvorfor"), max_length=500)
    until = models.DateField(_("til og med"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oprettet af"))

    class Meta:
        app_label = "beds"
        verbose_name = _("opmærksomhedspunkt")
        verbose_name_plural = _("opmærksomhedsliste")
        ordering = ["until", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="attention_has_reason")]
        indexes = [models.Index(fields=["house", "sector", "until"])]

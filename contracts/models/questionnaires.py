"""Outcome questionnaires beyond FIT: instruments as data, the house's choice of instruments and moments, and
the citizen's responses.

An instrument is data (items, one response scale, scoring, range, meaningful change, licence), shipped by
`contracts.instruments` and editable in the admin. A response belongs to the sector that recorded it and is
scoped like the sector's other citizen-level records; a response given at a stay's start or end is linked to
the stay from the beds side (`beds.StayResponse`), so this app never names a stay.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from psykiatrihus.models import House, Sector


class Moment(models.TextChoices):
    CONTRACT_START = "contract_start", _("Ved kontraktens start")
    FOLLOWUP = "followup", _("Ved opfølgning")
    STAY_START = "stay_start", _("Ved opholdets start")
    STAY_END = "stay_end", _("Ved opholdets slutning")


STAY_MOMENTS = (Moment.STAY_START, Moment.STAY_END)


class Instrument(models.Model):
    """A questionnaire. `items` = [{"key", "text"}], `scale` = [{"value", "label"}] (every item uses it).
    Score = sum of the answers × `multiplier`, inside [score_min, score_max]."""

    code = models.SlugField(_("kode"), unique=True)
    name = models.CharField(_("navn"), max_length=100)
    instructions = models.TextField(_("vejledning"), blank=True)
    items = models.JSONField(_("spørgsmål"))
    scale = models.JSONField(_("svarskala"))
    multiplier = models.PositiveSmallIntegerField(_("faktor"), default=1)
    score_min = models.SmallIntegerField(_("laveste score"))
    score_max = models.SmallIntegerField(_("højeste score"))
    meaningful_change = models.PositiveSmallIntegerField(_("betydende ændring (point)"))
    higher_is_better = models.BooleanField(_("høj score er bedst"), default=True)
    licence_note = models.TextField(_("licens"))
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("spørgeskema")
        verbose_name_plural = _("spørgeskemaer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(score_max__gt=F("score_min")), name="instrument_range"),
            models.CheckConstraint(condition=Q(meaningful_change__gt=0), name="instrument_change_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def values(self) -> list[int]:
        return sorted(int(s["value"]) for s in self.scale)

    @property
    def scale_low(self) -> int:
        return self.values[0]

    @property
    def scale_high(self) -> int:
        return self.values[-1]


class HouseInstrument(models.Model):
    """A house uses an instrument at some moments (configured in the admin)."""

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="instruments", verbose_name=_("hus"))
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="houses",
                                   verbose_name=_("spørgeskema"))
    moments = ArrayField(models.CharField(max_length=20, choices=Moment.choices), verbose_name=_("tidspunkter"))

    class Meta:
        verbose_name = _("husets spørgeskema")
        verbose_name_plural = _("husets spørgeskemaer")
        constraints = [
            models.UniqueConstraint(fields=["house", "instrument"], name="house_instrument_once"),
            models.CheckConstraint(
                condition=Q(moments__contained_by=Moment.values) & ~Q(moments=[]), name="house_instrument_moments",
                violation_error_message=_("Vælg mindst ét tidspunkt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.house} · {self.instrument}"


class QuestionnaireResponse(models.Model):
    """One completed questionnaire: the answers in item order and the score computed from them."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="questionnaire_responses",
                              verbose_name=_("hus"))
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="questionnaire_responses",
                                verbose_name=_("borger"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses",
                                   verbose_name=_("spørgeskema"))
    moment = models.CharField(_("tidspunkt"), max_length=20, choices=Moment.choices)
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="questionnaire_responses", verbose_name=_("kontrakt"))
    answered_on = models.DateField(_("besvaret"))
    answers = ArrayField(models.SmallIntegerField(), verbose_name=_("svar"))
    score = models.SmallIntegerField(_("score"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("registreret af"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("besvarelse")
        verbose_name_plural = _("besvarelser")
        ordering = ["answered_on", "id"]
        indexes = [models.Index(fields=["house", "sector", "instrument", "answered_on"]),
                   models.Index(fields=["citizen", "instrument", "answered_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(moment__in=Moment.values), name="response_moment_known"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1000), name="response_score_bounded"),
            models.CheckConstraint(condition=~Q(answers=[]), name="response_has_answers"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} #{self.pk}"

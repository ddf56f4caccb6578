"""Beds, blocks (cleaning/maintenance), requests for a stay (henvendelser) and stays.

PostgreSQL does the safety work: exclusion constraints refuse a second stay for the same citizen (here) or
on the same bed (on the stay's bed periods, `beds.period_models`, so a guest who moves frees the old bed)
in an overlapping time range (cancelled and no-show stays excluded). The embedded
PostgreSQL has no btree_gist, so equality on the id is expressed as `int8range(id, id, '[]') =`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from psykiatrihus.models import House, Sector


def _id_range(field: str) -> Func:
    return Func(F(field), F(field), Value("[]"), function="int8range")


def _presence() -> Func:
    """[checked in, checked out) -- open-ended while the guest is still in the house."""
    return Func(F("checked_in_at"), F("checked_out_at"), Value("[)"), function="tstzrange",
                output_field=DateTimeRangeField())


# Actual presence: a stay that has been checked in (and perhaps out) occupied its bed and its citizen then.
PRESENT = Q(checked_in_at__isnull=False, status__in=("checked_in", "checked_out"))


class Bed(models.Model):
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="beds", verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    label = models.CharField(_("betegnelse"), max_length=16)
    may_be_faerdigbehandling = models.BooleanField(_("kan være færdigbehandlingsplads"), default=False)
    active = models.BooleanField(_("aktiv"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("seng")
        verbose_name_plural = _("senge")
        ordering = ["house", "sort_order", "label"]
        constraints = [models.UniqueConstraint(fields=["house", "label"], name="bed_unique_label")]

    def __str__(self) -> str:
        return f"{self.label}"


class BlockReason(models.TextChoices):
    CLEANING = "cleaning", _("Rengøring")
    MAINTENANCE = "maintenance", _("Vedligehold")
    OTHER = "other", _("Andet")


class BedBlock(models.Model):
    """A bed out of use for a while; blocked bed-nights are not available bed-nights."""

    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="blocks", verbose_name=_("seng"))
    period = DateTimeRangeField(_("periode"))
    reason = models.CharField(_("årsag"), max_length=16, choices=BlockReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("spærring")
        verbose_name_plural = _("spærringer")
        constraints = [
            ExclusionConstraint(
                name="bedblock_no_overlap",
                expressions=[(_id_range("bed_id"), RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                violation_error_message=_("Sengen er allerede spærret i perioden."),
            )
        ]


class RequestChannel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    IN_PERSON = "in_person", _("Personligt fremmøde")
    STAFF = "staff", _("Via medarbejder")


class RequestOutcome(models.TextChoices):
    PENDING = "pending", _("Afventer")
    BOOKED = "booked", _("Booket")
    TURNED_AWAY = "turned_away", _("Afvist")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


class TurnAwayReason(models.TextChoices):
    NO_BED = "no_bed", _("Ingen ledig seng")
    NOT_ELIGIBLE = "not_eligible", _("Ikke egnet")
    NO_CONTRACT = "no_contract", _("Ingen gyldig kontrakt")
    OTHER = "other", _("Andet")


class StayRequest(models.Model):
    """A henvendelse: every request for a stay is recorded; turned-away requests are reported."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="stay_requests",
                              verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="stay_requests",
                                verbose_name=_("borger"), null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=16, choices=RequestChannel.choices)
    requested_at = models.DateTimeField(_("tidspunkt"))
    requested_nights = models.PositiveSmallIntegerField(_("ønskede nætter"), default=1)
    outcome = models.CharField(_("udfald"), max_length=16, choices=RequestOutcome.choices,
                               default=RequestOutcome.PENDING)
    turn_away_reason = models.CharField(_("afvisningsårsag"), max_length=16, choices=TurnAwayReason.choices,
                                        blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    stay = models.OneToOneField("beds.Stay", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="request", verbose_name=_("ophold"))
    # When the request got its answer (booked, turned away, withdrawn): the house answers the same day.
    # Empty while pending, and for answers recorded before the time was kept.
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("henvendelse")
        verbose_name_plural = _("henvendelser")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="turned_away") | ~Q(turn_away_reason=""),
                name="request_turned_away_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["house", "sector", "requested_at"])]


class StayStatus(models.TextChoices):
    BOOKED = "booked", _("Booket")
    CHECKED_IN = "checked_in", _("Indskrevet")
    CHECKED_OUT = "checked_out", _("Udskrevet")
    CANCELLED = "cancelled", _("Aflyst")
    NO_SHOW = "no_show", _("Udeblevet")


class StayKind(models.TextChoices):
    ORDINARY = "ordinary", _("Almindeligt ophold")
    FAERDIGBEHANDLING = "faerdigbehandling", _("Færdigbehandlingsplads")


class FaerdigbehandlingOutcome(models.TextChoices):
    BOTILBUD_107 = "botilbud_107", _("§107 botilbud")
    BOSTOETTE_85 = "bostoette_85", _("§85 bostøtte")
    SL_110_99 = "sl_110_99", _("§110/§99")
    OWN_HOME = "own_home", _("Egen bolig")
    READMITTED = "readmitted", _("Genindlagt")
    OTHER = "other", _("Andet")


# Stays in these states hold their bed; the others free it.
HOLDING_STATUSES = ("booked", "checked_in", "checked_out")


class ExtensionState(models.TextChoices):
    """A stay beyond the house's frame or its nights per month (`ExtensionLimit`): staff book it with their
    reason as "afventer leder" (the bed is held for the whole requested period), and a leader of the stay's
    sector approves or declines it (declined: the stay is shortened to the frame, or to what remained of the
    month's nights). A leader who books beyond the limit approves it at once."""

    NONE = "none", _("Inden for rammen")
    PENDING = "pending", _("Afventer leder")
    APPROVED = "approved", _("Godkendt af leder")
    DECLINED = "declined", _("Afvist af leder")


class ExtensionLimit(models.TextChoices):
    """What a leader's decision on a longer stay is about: the house's frame, the house's nights per month, or
    both at once (one decision; its frame is the stricter of the two)."""

    FRAME = "frame", _("Rammen")
    MONTH = "month", _("Nætter pr. måned")
    BOTH = "both", _("Rammen og nætter pr. måned")


class Stay(models.Model):
    """An ophold. `period` = [arrival, departure) where departure is the actual check-out time once
    checked out, else the planned departure. Nights = departure date − arrival date (local dates).
    `bed` is the current bed; where the guest lay when is in `bed_periods` (kept by a database trigger)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="stays", verbose_name=_("hus"))
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="stays", verbose_name=_("seng"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="stays",
                                verbose_name=_("borger"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="stays",
                                 null=True, blank=True, verbose_name=_("kontrakt"))
    home_treatment = models.ForeignKey("contracts.HomeTreatmentCourse", on_delete=models.PROTECT,
                                       related_name="stays", null=True, blank=True,
                                       verbose_name=_("hjemmebehandlingsforløb"))
    visitation = models.ForeignKey("contracts.VisitationDecision", on_delete=models.PROTECT, related_name="stays",
                                   null=True, blank=True, verbose_name=_("visitationsafgørelse"))
    kind = models.CharField(_("type"), max_length=20, choices=StayKind.choices, default=StayKind.ORDINARY)
    status = models.CharField(_("status"), max_length=16, choices=StayStatus.choices, default=StayStatus.BOOKED)
    arrival = models.DateTimeField(_("ankomst"))
    planned_departure = models.DateTimeField(_("planlagt afrejse"))
    checked_in_at = models.DateTimeField(_("indskrevet"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("udskrevet"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("aflyst"), null=True, blank=True)
    period = DateTimeRangeField(_("periode"))
    arrival_date = models.DateField(_("ankomstdato"), db_index=True)
    nights = models.PositiveSmallIntegerField(_("nætter"))
    ors_score = models.PositiveSmallIntegerField(_("ORS ved start"), null=True, blank=True)
    srs_score = models.PositiveSmallIntegerField(_("SRS ved slut"), null=True, blank=True)
    end_note = models.TextField(_("afslutningsnote"), blank=True)
    extension_reason = models.TextField(_("begrundelse for længere ophold"), blank=True)
    extension_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("længere ophold besluttet af"))
    extension_state = models.CharField(_("længere ophold"), max_length=16, choices=ExtensionState.choices,
                                       default=ExtensionState.NONE)
    extension_frame_nights = models.PositiveSmallIntegerField(_("ramme (nætter)"), null=True, blank=True)
    # The limit the stay goes beyond; a database default so the history import's COPY need not name it.
    extension_limit = models.CharField(_("grænse"), max_length=8, choices=ExtensionLimit.choices,
                                       default=ExtensionLimit.FRAME, db_default=ExtensionLimit.FRAME)
    # The house's nights per month in force at the arrival (the limit a month decision went beyond).
    extension_month_limit = models.PositiveSmallIntegerField(_("nætter pr. måned (grænse)"), null=True, blank=True)
    extension_frame_until = models.DateTimeField(_("afrejse inden for rammen"), null=True, blank=True)
    extension_requested_departure = models.DateTimeField(_("ønsket afrejse"), null=True, blank=True)
    extension_decided_at = models.DateTimeField(_("længere ophold besluttet"), null=True, blank=True)
    extension_decision_note = models.TextField(_("lederens note"), blank=True)
    # Færdigbehandling (joint decision: ward, municipal case worker, house)
    fb_decided_on = models.DateField(_("fælles beslutning dato"), null=True, blank=True)
    fb_ward = models.CharField(_("sengeafsnit"), max_length=200, blank=True)
    fb_case_worker = models.CharField(_("myndighedsrådgiver"), max_length=200, blank=True)
    fb_house_contact = models.CharField(_("husets repræsentant"), max_length=200, blank=True)
    fb_outcome = models.CharField(_("udfald"), max_length=20, choices=FaerdigbehandlingOutcome.choices,
                                  blank=True)
    fb_stays_attached = models.BooleanField(_("fortsat tilknyttet huset"), null=True, blank=True)
    imported = models.BooleanField(_("importeret"), default=False)
    import_key = models.CharField(_("importnøgle"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oprettet af"))

    class Meta:
        verbose_name = _("ophold")
        verbose_name_plural = _("ophold")
        ordering = ["-arrival", "-id"]
        constraints = [
            ExclusionConstraint(
                name="stay_citizen_no_overlap",
                expressions=[(_id_range("citizen_id"), RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                condition=Q(status__in=HOLDING_STATUSES),
                violation_error_code="citizen_has_stay",
                violation_error_message=_("Borgeren har allerede et ophold i perioden."),
            ),
            # Reality, whatever the plan: a citizen in one bed at a time (one guest per bed: StayBedPeriod).
            ExclusionConstraint(
                name="stay_citizen_one_bed_present",
                expressions=[(_id_range("citizen_id"), RangeOperators.EQUAL),
                             (_presence(), RangeOperators.OVERLAPS)],
                condition=PRESENT,
                violation_error_code="citizen_checked_in_elsewhere",
                violation_error_message=_("Borgeren er indskrevet i en anden seng."),
            ),
            models.CheckConstraint(condition=Q(checked_out_at__isnull=True) | Q(checked_in_at__isnull=False)
                                   & Q(checked_out_at__gte=F("checked_in_at")),
                                   name="stay_check_out_after_check_in"),
            models.CheckConstraint(condition=Q(planned_departure__gte=F("arrival")),
                                   name="stay_departure_after_arrival"),
            models.CheckConstraint(condition=Q(ors_score__isnull=True) | Q(ors_score__lte=40), name="stay_ors_0_40"),
            models.CheckConstraint(condition=Q(srs_score__isnull=True) | Q(srs_score__lte=40), name="stay_srs_0_40"),
            models.CheckConstraint(
                condition=Q(contract__isnull=False) | Q(home_treatment__isnull=False) | Q(visitation__isnull=False),
                name="stay_has_basis"
            ),
            models.UniqueConstraint(fields=["house", "import_key"], condition=~Q(import_key=""),
                                    name="stay_unique_import_key"),
            # Longer stays: a request names its reason and the frame it goes beyond; a decision has a time; a
            # declined stay says why and has been shortened to its frame (or, when the guest was already past
            # the frame, to the moment of the decision).
            models.CheckConstraint(condition=Q(extension_state__in=ExtensionState.values),
                                   name="stay_extension_state_valid"),
            models.CheckConstraint(condition=Q(extension_state="none") | ~Q(extension_reason=""),
                                   name="stay_extension_has_reason"),
            models.CheckConstraint(condition=Q(extension_limit__in=ExtensionLimit.values),
                                   name="stay_extension_limit_valid"),
            models.CheckConstraint(condition=Q(extension_limit="frame") | Q(extension_month_limit__isnull=False),
                                   name="stay_extension_month_knows_limit"),
            models.CheckConstraint(
                condition=~Q(extension_state__in=["pending", "declined"]) | Q(
                    extension_frame_nights__isnull=False, extension_frame_until__isnull=False,
                    extension_requested_departure__isnull=False),
                name="stay_extension_knows_frame"),
            models.CheckConstraint(
                condition=~Q(extension_state="pending") | Q(extension_decided_at__isnull=True,
                                                            extension_by__isnull=True, extension_decision_note=""),
                name="stay_extension_pending_undecided"),
            models.CheckConstraint(
                condition=~Q(extension_state__in=["approved", "declined"]) | Q(extension_decided_at__isnull=False),
                name="stay_extension_decided_has_time"),
            # (Nothing left of the month's nights: a declined stay that had not begun is cancelled instead.)
            models.CheckConstraint(
                condition=~Q(extension_state="declined") | (~Q(extension_decision_note="") & (
                    Q(planned_departure__lte=F("extension_frame_until"))
                    | Q(planned_departure__lte=F("extension_decided_at"))
                    | Q(status="cancelled", extension_frame_nights=0))),
                name="stay_extension_declined_shortened"),
        ]
        indexes = [
            models.Index(fields=["house", "sector", "arrival_date"]),
            GistIndex(fields=["period"], name="stay_period_gist"),
            models.Index(fields=["house", "extension_state"], condition=Q(extension_state="pending"),
                         name="stay_extension_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bed} {self.arrival:%Y-%m-%d}"


class GoalResult(models.TextChoices):
    ACHIEVED = "achieved", _("Nået")
    PARTLY = "partly", _("Delvist nået")
    NOT_ACHIEVED = "not_achieved", _("Ikke nået")


class StayGoal(models.Model):
    """An individual goal agreed with the citizen at the start of a stay and evaluated with them at the end
    (houses whose rules say stays have goals, e.g. Silkeborg)."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="goals", verbose_name=_("ophold"))
    text = models.CharField(_("mål"), max_length=500)
    sort_order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    result = models.CharField(_("evaluering"), max_length=16, choices=GoalResult.choices, blank=True)
    evaluation_note = models.TextField(_("evalueringsnote"), blank=True)
    evaluated_at = models.DateTimeField(_("evalueret"), null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("evalueret af"))

    class Meta:
        verbose_name = _("mål for ophold")
        verbose_name_plural = _("mål for ophold")
        ordering = ["stay", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(result="") | Q(evaluated_at__isnull=False),
                                   name="staygoal_evaluated_has_time"),
        ]

    def __str__(self) -> str:
        return self.text


class AftercareKind(models.TextChoices):
    VISIT = "visit", _("Tryghedsbesøg")
    CALL = "call", _("Tryghedsopkald")
    VISIT_OR_CALL = "visit_or_call", _("Tryghedsbesøg eller -opkald")


# What a planned "visit or call" was done as (spectacular: AftercareDoneKindEnum).
AFTERCARE_DONE_KINDS = [(AftercareKind.VISIT.value, AftercareKind.VISIT.label),
                        (AftercareKind.CALL.value, AftercareKind.CALL.label)]


class AftercareStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    DONE = "done", _("Gennemført")
    NOT_REACHED = "not_reached", _("Ikke truffet")
    CANCELLED = "cancelled", _("Aflyst")


class StayAftercare(models.Model):
    """A safety visit or call after a stay (tryghedsbesøg / tryghedsopkald), planned at check-out where the
    house's rules say so, then recorded."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="aftercare", verbose_name=_("ophold"))
    planned_kind = models.CharField(_("planlagt som"), max_length=16, choices=AftercareKind.choices)
    planned_on = models.DateField(_("planlagt dato"))
    status = models.CharField(_("status"), max_length=16, choices=AftercareStatus.choices,
                              default=AftercareStatus.PLANNED)
    done_kind = models.CharField(_("gennemført som"), max_length=16, blank=True,
                                 choices=AFTERCARE_DONE_KINDS)
    done_on = models.DateField(_("gennemført dato"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("registreret af"))

    class Meta:
        verbose_name = _("opfølgning efter ophold")
        verbose_name_plural = _("opfølgninger efter ophold")
        ordering = ["planned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]) | (Q(done_on__isnull=False) & ~Q(done_kind="")),
                name="aftercare_done_has_date_and_kind",
            ),
        ]
        indexes = [models.Index(fields=["status", "planned_on"])]


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("Venter")
    PLACED = "placed", _("Fået seng")
    WITHDRAWN = "withdrawn", _("Udgået")


class WaitingListEntry(models.Model):
    """A visited citizen waiting for a bed when none is free. First come, first served: the order is the
    time of the request (then id), and a freed bed goes to the first in line in one action."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="waiting_list", verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="waiting_list_entries",
                                verbose_name=_("borger"))
    visitation = models.ForeignKey("contracts.VisitationDecision", on_delete=models.PROTECT,
                                   related_name="waiting_list_entries", verbose_name=_("visitationsafgørelse"))
    requested_at = models.DateTimeField(_("skrevet op"))
    requested_nights = models.PositiveSmallIntegerField(_("ønskede nætter"))
    status = models.CharField(_("status"), max_length=16, choices=WaitingStatus.choices,
                              default=WaitingStatus.WAITING)
    placed_at = models.DateTimeField(_("fået seng"), null=True, blank=True)
    stay = models.OneToOneField(Stay, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="waiting_list_entry", verbose_name=_("ophold"))
    withdrawn_at = models.DateTimeField(_("udgået"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("skrevet op af"))

    class Meta:
        verbose_name = _("venteliste")
        verbose_name_plural = _("venteliste")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["house", "citizen"], condition=Q(status="waiting"),
                                    name="waiting_one_open_per_citizen",
                                    violation_error_message=_("Borgeren står allerede på ventelisten.")),
            models.CheckConstraint(
                condition=~Q(status="placed") | (Q(stay__isnull=False) & Q(placed_at__isnull=False)),
                name="waiting_placed_has_stay",
            ),
            models.CheckConstraint(condition=Q(requested_nights__gte=1), name="waiting_at_least_one_night"),
        ]
        indexes = [models.Index(fields=["house", "sector", "status", "requested_at"])]


from beds.change_models import HouseChange  # noqa: E402, F401 (models of this app)
from beds.handover_models import AttentionItem, HandoverNote, Shift  # noqa: E402, F401 (models of this app)
from beds.period_models import StayBedPeriod  # noqa: E402, F401 (models of this app)


class StayResponse(models.Model):
    """A questionnaire response given at the start or end of a stay. The response itself belongs to the
    contracts app (the citizen's record); beds knows stays, so the link between them lives here."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="questionnaire_links",
                             verbose_name=_("ophold"))
    response = models.OneToOneField("contracts.QuestionnaireResponse", on_delete=models.PROTECT,
                                    related_name="stay_link", verbose_name=_("besvarelse"))

    class Meta:
        verbose_name = _("besvarelse ved ophold")
        verbose_name_plural = _("besvarelser ved ophold")

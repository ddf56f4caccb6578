"""Citizens, user-controlled contracts (BSK), home-treatment courses, follow-ups and consents.

Other apps read these tables only through `contracts.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from psykiatrihus.models import House, Sector


class Gender(models.TextChoices):
    FEMALE = "F", _("Kvinde")
    MALE = "M", _("Mand")


class Citizen(models.Model):
    """A person. The CPR number is stored encrypted (`cpr_encrypted`) with a keyed hash for lookup."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="citizens", verbose_name=_("hus"))
    registered_by_sector = models.CharField(_("oprettet af sektor"), max_length=16, choices=Sector.choices)
    name = models.CharField(_("navn"), max_length=200)
    cpr_encrypted = models.TextField(_("CPR (krypteret)"), editable=False)
    cpr_hash = models.CharField(_("CPR-opslagsnøgle"), max_length=64, editable=False)
    birth_date = models.DateField(_("fødselsdato"))
    gender = models.CharField(_("juridisk køn"), max_length=1, choices=Gender.choices)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    next_of_kin = models.CharField(_("pårørende"), max_length=300, blank=True)
    imported = models.BooleanField(_("importeret"), default=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        ordering = ["name", "id"]
        permissions = [("view_citizen_across_wall", "Kan se borgeren på tværs af sektorvæggen (samtykke)")]
        indexes = [models.Index(fields=["house", "name"])]
        constraints = [
            # One record per person and house; each house keeps its own citizens.
            models.UniqueConstraint(fields=["house", "cpr_hash"], name="citizen_unique_cpr_per_house",
                                    violation_error_message=_("Der findes allerede en borger med dette CPR-nummer.")),
        ]

    def __str__(self) -> str:
        return self.name


class CitizenUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Citizen, on_delete=models.CASCADE)


class CitizenGroupObjectPermission(GroupObjectPermissionBase):
    """Consent grants `view_citizen_across_wall` to the group `<house>:<other sector>`."""

    content_object = models.ForeignKey(Citizen, on_delete=models.CASCADE)


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    PAUSED = "paused", _("Sat på pause")
    ENDED = "ended", _("Afsluttet")


class EndReason(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Ikke længere behov")
    TOO_ILL = "too_ill", _("For syg")
    BEHAVIOUR = "behaviour", _("Adfærd huset ikke kan rumme")
    MOVED = "moved", _("Fraflyttet")
    DIED = "died", _("Død")
    OTHER = "other", _("Andet")


# The eligibility checklist (domain.md), recorded at grant and at each follow-up as {key: bool}.
ELIGIBILITY_ITEMS: list[tuple[str, str]] = [
    ("self_reliant", _("Selvhjulpen")),
    ("own_food_medicine", _("Medbringer egen mad og medicin")),
    ("sleeping_night_staff", _("Kan klare sig med sovende nattevagt")),
    ("not_suicidal", _("Ikke selvmordstruet")),
    ("not_outward_reacting", _("Ikke udadreagerende")),
    ("no_substance", _("Ingen rusmiddelpåvirket adfærd")),
]


class ReferralSource(models.TextChoices):
    # Municipal
    SELF = "selvhenvender", _("Selvhenvender")
    AFR = "aaben_fleksibel_raadgivning", _("Åben Fleksibel Rådgivning")
    MESTRINGSVEJLEDER = "mestringsvejleder", _("Mestringsvejleder")
    MYNDIGHEDSCENTRET = "myndighedscentret", _("Myndighedscentret")
    FAMILIECENTRET = "familiecentret", _("Familiecentret")
    FORSORGSTILBUD = "forsorgstilbud", _("Forsorgstilbud")
    BOTILBUD = "botilbud", _("Botilbud")
    FRIVILLIGE = "frivillige_tilbud", _("Frivillige tilbud")
    BEHANDLINGSPSYKIATRIEN = "behandlingspsykiatrien", _("Behandlingspsykiatrien")
    ANDET = "andet", _("Andet")
    # Regional
    AKUT = "akut_psykiatri", _("Akut Psykiatri")
    SENGEAFSNIT = "sengeafsnit", _("Sengeafsnit")
    KLINIK = "klinik", _("Klinik")
    HAT = "hat_udredning", _("HAT/Udredning")
    EUD = "eud", _("EUD")
    PSYKIATRIENS_HUS = "psykiatriens_hus", _("Psykiatriens Hus")


REFERRAL_SOURCES_BY_SECTOR: dict[str, list[str]] = {
    Sector.KOMMUNE: [
        "selvhenvender", "aaben_fleksibel_raadgivning", "mestringsvejleder", "myndighedscentret",
        "familiecentret", "forsorgstilbud", "botilbud", "frivillige_tilbud", "behandlingspsykiatrien", "andet",
    ],
    Sector.REGION: ["akut_psykiatri", "sengeafsnit", "klinik", "hat_udredning", "eud", "psykiatriens_hus"],
}


class DiagnosisGroup(models.TextChoices):
    DF2 = "DF2", _("DF2 Psykoser")
    DF3 = "DF3", _("DF3 Affektive lidelser")
    DF4 = "DF4", _("DF4 Angst")
    DF5 = "DF5", _("DF5 Spiseforstyrrelser")
    DF6 = "DF6", _("DF6 Personlighedsforstyrrelser")
    DF8 = "DF8", _("DF8 Udviklingsforstyrrelser")
    DF9 = "DF9", _("DF9 ADHD")
    DZ = "DZ", _("DZ Mistanke")


class TreatmentResponsibility(models.TextChoices):
    CLINIC = "clinic", _("Klinik")
    HOUSE = "house", _("Psykiatriens Hus")
    UNKNOWN = "unknown", _("Ukendt")


class MunicipalServices(models.TextChoices):
    MESTRINGSVEJLEDER = "mestringsvejleder", _("Mestringsvejleder")
    AFR = "afr", _("Åben Fleksibel Rådgivning")
    BOTH = "both", _("Begge")
    NONE = "none", _("Ingen")


class Contract(models.Model):
    """A brugerstyret kontrakt in one sector of one house. Valid from `granted_on` until `ended_on`."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("hus"))
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="contracts",
                                verbose_name=_("borger"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices,
                              default=ContractStatus.ACTIVE)
    granted_on = models.DateField(_("bevilget"))
    review_on = models.DateField(_("revurderes senest"), null=True, blank=True)
    ended_on = models.DateField(_("afsluttet"), null=True, blank=True)
    end_reason = models.CharField(_("afslutningsårsag"), max_length=32, choices=EndReason.choices, blank=True)
    end_reason_text = models.CharField(_("uddybning af årsag"), max_length=500, blank=True)
    referral_source = models.CharField(_("henvisningsvej"), max_length=40, choices=ReferralSource.choices,
                                       blank=True)
    stay_frame_nights = models.PositiveSmallIntegerField(
        _("individuel opholdsramme (nætter)"), null=True, blank=True,
        help_text=_("Tom: husets ramme gælder. Kan kun være strammere end husets."),
    )
    next_followup_due = models.DateField(_("næste opfølgning senest"), null=True, blank=True)
    eligibility = models.JSONField(_("egnethed ved bevilling"), default=dict, blank=True)
    crisis_what_helps = models.TextField(_("hvad hjælper"), blank=True)
    crisis_warning_signs = models.TextField(_("advarselstegn"), blank=True)
    crisis_who_to_call = models.TextField(_("hvem kontaktes"), blank=True)
    # Regional only (health data: never shown to municipal staff)
    diagnosis_group = models.CharField(_("diagnosegruppe"), max_length=4, choices=DiagnosisGroup.choices,
                                       blank=True)
    psychiatric_comorbidity = models.BooleanField(_("psykiatrisk komorbiditet"), null=True, blank=True)
    treatment_responsibility = models.CharField(_("behandlingsansvar"), max_length=16,
                                                choices=TreatmentResponsibility.choices, blank=True)
    # Municipal only
    municipal_services = models.CharField(_("kommunale tilbud ved siden af"), max_length=32,
                                          choices=MunicipalServices.choices, blank=True)
    resident_in_municipality = models.BooleanField(_("bosat i kommunen"), null=True, blank=True)
    imported = models.BooleanField(_("importeret"), default=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oprettet af"))

    class Meta:
        verbose_name = _("brugerstyret kontrakt")
        verbose_name_plural = _("brugerstyrede kontrakter")
        ordering = ["-granted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "house", "sector"],
                condition=~Q(status="ended"),
                name="contract_one_open_per_sector",
                violation_error_message=_("Borgeren har allerede en aktiv kontrakt i denne sektor."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_on__isnull=False),
                name="contract_ended_has_date",
                violation_error_message=_("En afsluttet kontrakt skal have en slutdato."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("granted_on")),
                name="contract_end_after_grant",
                violation_error_message=_("Slutdatoen kan ikke ligge før bevillingsdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(stay_frame_nights__isnull=True) | Q(stay_frame_nights__gte=0),
                name="contract_frame_nonnegative",
            ),
            # Health data only on regional contracts, municipal facts only on municipal ones.
            models.CheckConstraint(
                condition=Q(sector="region") | (Q(diagnosis_group="") & Q(psychiatric_comorbidity__isnull=True)
                                                & Q(treatment_responsibility="")),
                name="contract_health_data_only_regional",
                violation_error_message=_("Helbredsoplysninger hører kun til regionale kontrakter."),
            ),
            models.CheckConstraint(
                condition=Q(sector="kommune") | (Q(municipal_services="") & Q(resident_in_municipality__isnull=True)),
                name="contract_municipal_fields_only_municipal",
                violation_error_message=_("Kommunale oplysninger hører kun til kommunale kontrakter."),
            ),
        ]
        indexes = [
            models.Index(fields=["house", "sector", "status"]),
            models.Index(fields=["house", "sector", "granted_on"]),
            models.Index(fields=["house", "next_followup_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_sector_display()} BSK #{self.pk}"


class ContractEventKind(models.TextChoices):
    GRANTED = "granted", _("Bevilget")
    UPDATED = "updated", _("Ændret")
    PAUSED = "paused", _("Sat på pause")
    RESUMED = "resumed", _("Genoptaget")
    ENDED = "ended", _("Afsluttet")
    FOLLOWUP = "followup", _("Opfølgning")


class ContractEvent(models.Model):
    """The contract's timeline: one row per state change, written by the service that made it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="events",
                                 verbose_name=_("kontrakt"))
    kind = models.CharField(_("hændelse"), max_length=16, choices=ContractEventKind.choices)
    on = models.DateField(_("dato"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("registreret"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("registreret af"))

    class Meta:
        verbose_name = _("kontrakthændelse")
        verbose_name_plural = _("kontrakthændelser")
        ordering = ["on", "id"]


class HomeTreatmentCourse(models.Model):
    """An active regional home-treatment course is an alternative basis for a regional bed."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="home_treatment_courses",
                              verbose_name=_("hus"))
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="home_treatment_courses",
                                verbose_name=_("borger"))
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("slut"), null=True, blank=True)

    class Meta:
        verbose_name = _("hjemmebehandlingsforløb")
        verbose_name_plural = _("hjemmebehandlingsforløb")
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="hometreatment_end_after_start"),
        ]


class FollowUp(models.Model):
    """A follow-up meeting on a contract; eligibility is re-checked here."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="followups",
                                 verbose_name=_("kontrakt"))
    held_on = models.DateField(_("afholdt"))
    participants = models.CharField(_("deltagere"), max_length=500, blank=True)
    outcome = models.TextField(_("resultat"), blank=True)
    eligibility = models.JSONField(_("egnethed"), default=dict, blank=True)
    next_due = models.DateField(_("næste opfølgning senest"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oprettet af"))

    class Meta:
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        ordering = ["-held_on", "-id"]


class ConsentScope(models.TextChoices):
    CONTRACT = "contract", _("Kontrakt og ophold")
    CONTRACT_AND_HEALTH = "contract_and_health", _("Kontrakt, ophold og helbredsoplysninger")


class Consent(models.Model):
    """The citizen's consent that staff of `to_sector` may see their records across the wall."""

    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="consents",
                                verbose_name=_("borger"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="consents", verbose_name=_("hus"))
    to_sector = models.CharField(_("til sektor"), max_length=16, choices=Sector.choices)
    scope = models.CharField(_("omfang"), max_length=32, choices=ConsentScope.choices,
                             default=ConsentScope.CONTRACT)
    given_on = models.DateField(_("givet"))
    withdrawn_on = models.DateField(_("tilbagekaldt"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("registreret af"))

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["citizen", "house", "to_sector"], condition=Q(withdrawn_on__isnull=True),
                                    name="consent_one_open_per_sector"),
        ]


class VisitationDecision(models.Model):
    """A case decision (visitation) granting stays in a period: where the house's rules admit by visitation,
    it is the basis for a stay as a contract is. It carries the purpose and the goals of the stays, and may
    grant a longer frame than the house's (a special case, with its reason)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="visitation_decisions",
                              verbose_name=_("hus"))
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="visitation_decisions",
                                verbose_name=_("borger"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    decided_on = models.DateField(_("afgjort"))
    decided_by = models.CharField(_("afgjort af"), max_length=200,
                                  help_text=_("Navn og funktion, fx myndighedsrådgiver eller visitationsudvalg."))
    granted_from = models.DateField(_("bevilget fra"))
    granted_until = models.DateField(_("bevilget til og med"))
    purpose = models.TextField(_("formål"))
    goals = models.TextField(_("mål"), blank=True, help_text=_("Ét mål pr. linje."))
    stay_frame_nights = models.PositiveSmallIntegerField(
        _("bevilget opholdsramme (nætter)"), null=True, blank=True,
        help_text=_("Tom: husets ramme gælder. En længere ramme kræver en begrundelse."),
    )
    frame_reason = models.TextField(_("begrundelse for længere ramme"), blank=True)
    withdrawn_on = models.DateField(_("tilbagekaldt"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oprettet af"))

    class Meta:
        verbose_name = _("visitationsafgørelse")
        verbose_name_plural = _("visitationsafgørelser")
        ordering = ["-granted_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_until__gte=models.F("granted_from")), name="visitation_until_after_from",
                violation_error_message=_("Perioden skal slutte efter den starter."),
            ),
            models.CheckConstraint(
                condition=Q(stay_frame_nights__isnull=True) | ~Q(frame_reason=""), name="visitation_frame_reasoned",
                violation_error_message=_("En særlig opholdsramme kræver en begrundelse."),
            ),
        ]
        indexes = [models.Index(fields=["house", "citizen", "sector", "granted_from"])]

    def __str__(self) -> str:
        return f"{self.get_sector_display()} visitation #{self.pk}"

    @property
    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]


# Resources beyond the contract itself, one module each (imported here so Django registers them).
from contracts.models.admissions import Admission  # noqa: E402,F401
from contracts.models.questionnaires import (  # noqa: E402,F401
    HouseInstrument,
    Instrument,
    Moment,
    QuestionnaireResponse,
)

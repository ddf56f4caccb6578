"""The shared kernel: houses, sectors, staff roles and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    KOMMUNE = "kommune", _("Kommune")
    REGION = "region", _("Region")


class Role(models.TextChoices):
    MUNICIPAL_STAFF = "municipal_staff", _("Kommunal medarbejder")
    REGIONAL_STAFF = "regional_staff", _("Regional medarbejder")
    PEER = "peer", _("Peer-medarbejder")
    LEADER = "leader", _("Leder")
    STEERING = "steering", _("Styregruppemedlem")
    ADMIN = "admin", _("Administrator")


# Roles that carry a sector (staff of one employer); the others are house-wide.
SECTOR_ROLES = {Role.MUNICIPAL_STAFF: Sector.KOMMUNE, Role.REGIONAL_STAFF: Sector.REGION}
ROLES_WITH_OPTIONAL_SECTOR = {Role.PEER, Role.LEADER}


class House(models.Model):
    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), unique=True)
    municipality = models.CharField(_("kommune"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    default_stay_frame_nights = models.PositiveSmallIntegerField(_("standard opholdsramme (nætter)"), default=3)
    small_number_threshold = models.PositiveSmallIntegerField(
        _("grænse for små tal"), default=5, help_text=_("Tal under grænsen skjules i rapporter.")
    )
    time_zone = models.CharField(_("tidszone"), max_length=64, default="Europe/Copenhagen")
    opened_on = models.DateField(_("åbnet"), null=True, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("hus")
        verbose_name_plural = _("huse")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user works in a house with a role; staff roles carry a sector."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bruger")
    )
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("hus"))
    role = models.CharField(_("rolle"), max_length=32, choices=Role.choices)
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            models.UniqueConstraint(fields=["user", "house", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                name="membership_sector_matches_role",
                condition=(
                    (models.Q(role="municipal_staff") & models.Q(sector="kommune"))
                    | (models.Q(role="regional_staff") & models.Q(sector="region"))
                    | (models.Q(role__in=["peer", "leader"]))
                    | (models.Q(role__in=["steering", "admin"]) & models.Q(sector=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.house} · {self.get_role_display()}"


class AuditAction(models.TextChoices):
    READ = "read", _("Læst")
    CREATE = "create", _("Oprettet")
    UPDATE = "update", _("Ændret")
    DELETE = "delete", _("Slettet")
    EXPORT = "export", _("Eksporteret")
    SEARCH = "search", _("Søgt")
    LOGIN = "login", _("Logget ind")
    LOGIN_FAILED = "login_failed", _("Mislykket login")


class AuditEvent(models.Model):
    """Append-only: database triggers refuse UPDATE, DELETE and TRUNCATE. Never holds a CPR number.

    Each house's events (and the events of no house) form a hash chain: the insert trigger numbers the event
    (`seq`) and sets `hash` = sha256 over its canonical fields and the previous event's hash, under a per-house
    advisory lock, so concurrent writers cannot fork the chain. `manage.py audit_verify` walks it
    (`psykiatrihus.audit_chain`). Whatever the application passes for these three fields is overwritten.
    """

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        verbose_name=_("bruger"), db_constraint=False,
    )
    username = models.CharField(_("brugernavn"), max_length=150, blank=True)
    house = models.ForeignKey(
        House, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+", verbose_name=_("hus"),
        db_constraint=False,
    )
    action = models.CharField(_("handling"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("objekttype"), max_length=64, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    citizen_id = models.BigIntegerField(_("borger-id"), null=True, blank=True, db_index=True)
    detail = models.CharField(_("detalje"), max_length=500, blank=True)
    path = models.CharField(_("sti"), max_length=300, blank=True)
    seq = models.BigIntegerField(_("nummer i husets kæde"), default=0, editable=False)
    prev_hash = models.CharField(_("forrige hændelses hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("logbogshændelse")
        verbose_name_plural = _("logbog")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["user", "at"], name="auditevent_user_at")]
        constraints = [
            # One event per place in a chain (house 0 = events of no house); also serves the trigger's look-up
            # of the chain's last event.
            models.UniqueConstraint(Coalesce("house", Value(0)), F("seq"), name="auditevent_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"


class AdmissionRoute(models.TextChoices):
    BSK = "bsk", _("Selvhenvendelse (brugerstyret kontrakt)")
    VISITATION = "visitation", _("Visitation")
    HOME_TREATMENT = "home_treatment", _("Hjemmebehandling")


class FrameExtension(models.TextChoices):
    LEADER = "leader", _("Leder (begrundet beslutning)")
    VISITATION = "visitation", _("Visitationsafgørelse")


class PostStayFollowUp(models.TextChoices):
    NONE = "none", _("Ingen")
    VISIT = "visit", _("Tryghedsbesøg")
    CALL = "call", _("Tryghedsopkald")
    VISIT_OR_CALL = "visit_or_call", _("Tryghedsbesøg eller -opkald")


class HousePolicy(models.Model):
    """The rules of one sector of a house from `valid_from` until the next version.

    Versions are never edited into the past: history is judged by the version valid on its date
    (read through `psykiatrihus.policy.policy_for`).
    """

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="policies", verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    valid_from = models.DateField(_("gælder fra"))
    admits_bsk = models.BooleanField(_("selvhenvendelse under brugerstyret kontrakt"), default=True)
    admits_visitation = models.BooleanField(_("visitation"), default=False)
    admits_home_treatment = models.BooleanField(
        _("aktivt hjemmebehandlingsforløb"), default=False,
        help_text=_("Et aktivt hjemmebehandlingsforløb giver adgang til sektorens senge."),
    )
    stay_frame_nights = models.PositiveSmallIntegerField(_("opholdsramme (nætter)"))
    extension_by = models.CharField(_("længere ophold besluttes af"), max_length=16, choices=FrameExtension.choices,
                                    default=FrameExtension.LEADER)
    followup_interval_months = models.PositiveSmallIntegerField(_("opfølgning på kontrakt (måneder)"), default=12)
    stays_have_goals = models.BooleanField(_("ophold har individuelle mål"), default=False)
    post_stay_followup = models.CharField(_("opfølgning efter ophold"), max_length=16,
                                          choices=PostStayFollowUp.choices, default=PostStayFollowUp.NONE)
    post_stay_followup_days = models.PositiveSmallIntegerField(
        _("opfølgning efter ophold (dage efter afrejse)"), default=7
    )
    max_nights_per_month = models.PositiveSmallIntegerField(
        _("højst nætter pr. måned"), null=True, blank=True,
        help_text=_("Tom: ingen grænse. Fx 1 nat pr. måned medmindre myndigheden bevilger mere."),
    )
    note = models.CharField(_("begrundelse for ændringen"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oprettet af"))

    class Meta:
        verbose_name = _("husets regler")
        verbose_name_plural = _("husets regler")
        ordering = ["house", "sector", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "sector", "valid_from"], name="housepolicy_unique_version",
                violation_error_message=_("Der findes allerede regler for sektoren med denne startdato."),
            ),
            models.CheckConstraint(
                condition=models.Q(admits_bsk=True) | models.Q(admits_visitation=True)
                | models.Q(admits_home_treatment=True),
                name="housepolicy_some_admission_route",
                violation_error_message=_("Vælg mindst én adgangsvej."),
            ),
            models.CheckConstraint(
                condition=models.Q(followup_interval_months__gte=1), name="housepolicy_followup_positive",
                violation_error_message=_("Opfølgningsintervallet skal være mindst 1 måned."),
            ),
            models.CheckConstraint(
                condition=models.Q(max_nights_per_month__isnull=True) | models.Q(max_nights_per_month__lte=31),
                name="housepolicy_max_nights_month",
                violation_error_message=_("En måned har højst 31 nætter."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.house} · {self.get_sector_display()} · {self.valid_from:%d.%m.%Y}"


class SsoIdentity(models.Model):
    """The user a provider's subject signs in as. Matched on (provider, subject) only, never on a name or an
    e-mail address, so an identity provider cannot take over a local account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities", verbose_name=_("bruger")
    )
    provider = models.CharField(_("identitetsudbyder"), max_length=32)
    subject = models.CharField(_("subjekt (sub)"), max_length=255)
    last_login_at = models.DateTimeField(_("sidst logget ind"), null=True, blank=True)
    last_groups = models.JSONField(_("grupper ved seneste login"), default=list, blank=True)

    class Meta:
        verbose_name = _("SSO-identitet")
        verbose_name_plural = _("SSO-identiteter")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_identity_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class SsoGroupMapping(models.Model):
    """A group claim from a provider gives a membership (house, role, sector). Kept by the administrator; a
    single sign-on user's memberships are exactly those their groups map to, at every sign-in."""

    provider = models.CharField(_("identitetsudbyder"), max_length=32)
    group = models.CharField(_("gruppe"), max_length=255, help_text=_("Værdien i udbyderens gruppe-claim."))
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="sso_mappings", verbose_name=_("hus"))
    role = models.CharField(_("rolle"), max_length=32, choices=Role.choices)
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices, blank=True)

    class Meta:
        verbose_name = _("SSO-gruppe")
        verbose_name_plural = _("SSO-grupper")
        constraints = [
            models.UniqueConstraint(fields=["provider", "group", "house", "role"], name="sso_mapping_unique"),
            models.CheckConstraint(
                name="sso_mapping_sector_matches_role",
                condition=(
                    (models.Q(role="municipal_staff") & models.Q(sector="kommune"))
                    | (models.Q(role="regional_staff") & models.Q(sector="region"))
                    | (models.Q(role__in=["peer", "leader"]))
                    | (models.Q(role__in=["steering", "admin"]) & models.Q(sector=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.group} → {self.house} · {self.get_role_display()}"

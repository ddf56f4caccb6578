"""Activities, courses, attendance, recovery school, peers and the house's other counts (issue 6).

Two kinds of numbers live here:
- named records (enrolment, attendance) of citizens in group courses: personal data behind the sector walls;
- counts that staff enter per day, month, date or year (Åben Dialog, home treatment, Socialvagten, staff,
  budget, peer hours): aggregates only, one row per house and day/month where that is the rule.

The evaluation report (tables 1, 11, 20–26 of the 2022 evaluation) reads them through `activities.selectors`.
All rules that must hold under concurrency (no negatives, one row per day/month, seats) are database rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from psykiatrihus.models import House, Sector


class ActivityKind(models.TextChoices):
    COURSE = "course", _("Holdforløb med tilmelding")
    OPEN = "open", _("Åben aktivitet")


class Offer(models.TextChoices):
    """The house offers the evaluation counts users of (table 11)."""

    SLEEP = "sleep", _("Søvnforløb")
    CREATIVE = "creative", _("Kreativt værksted")
    WALK = "walk", _("Fælles gåtur")
    NADA = "nada", _("NADA-café")
    RECOVERY_SCHOOL = "recovery_school", _("Recoveryskole")
    SOCIAL_HEALTH = "social_health", _("Social Sundhed")
    BODY = "body", _("Krop og afspænding")
    BBAT = "bbat", _("B-BAT")
    ACT = "act", _("ACT")
    KAT = "kat", _("KAT")
    RUNNING = "running", _("Løb")
    CHOIR = "choir", _("Kor")
    COOKING = "cooking", _("Madlavning")
    OTHER = "other", _("Andet")


class Activity(models.Model):
    """A group course (enrolment, seats, a planned number of sessions) or an open activity (head count)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="activities", verbose_name=_("hus"))
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=ActivityKind.choices)
    offer = models.CharField(_("tilbud"), max_length=32, choices=Offer.choices, default=Offer.OTHER)
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices, blank=True,
                              help_text=_("Tom: fælles for huset."))
    peer_led = models.BooleanField(_("peer-ledet"), default=False)
    runners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="activities_run",
                                     verbose_name=_("holdes af"))
    seats = models.PositiveSmallIntegerField(_("pladser"), null=True, blank=True)
    sessions_planned = models.PositiveSmallIntegerField(_("antal gange"), null=True, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    location = models.CharField(_("sted"), max_length=200, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="activity_course_has_seats",
                condition=~Q(kind="course") | (Q(seats__isnull=False) & Q(seats__gt=0)),
                violation_error_message=_("Et holdforløb skal have mindst én plads."),
            ),
            models.CheckConstraint(
                name="activity_open_has_no_seats",
                condition=~Q(kind="open") | Q(seats__isnull=True),
                violation_error_message=_("En åben aktivitet har ingen pladser."),
            ),
            models.UniqueConstraint(fields=["house", "name", "starts_on"], name="activity_unique_name_start",
                                    nulls_distinct=False,
                                    violation_error_message=_("Der findes allerede en aktivitet med dette navn "
                                                              "og denne startdato.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_course(self) -> bool:
        return self.kind == ActivityKind.COURSE


class Session(models.Model):
    """One time an activity takes place. Open activities record a head count; courses name who came."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions",
                                 verbose_name=_("aktivitet"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    head_count = models.PositiveIntegerField(_("antal fremmødte"), null=True, blank=True)
    cancelled = models.BooleanField(_("aflyst"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("gang")
        verbose_name_plural = _("gange")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(name="session_ends_after_start", condition=Q(ends_at__gt=F("starts_at")),
                                   violation_error_message=_("Sluttidspunktet skal ligge efter starttidspunktet.")),
            models.CheckConstraint(name="session_head_count_nonnegative",
                                   condition=Q(head_count__isnull=True) | Q(head_count__gte=0)),
            models.UniqueConstraint(fields=["activity", "starts_at"], name="session_unique_start",
                                    violation_error_message=_("Aktiviteten har allerede en gang på dette "
                                                              "tidspunkt.")),
        ]
        indexes = [models.Index(fields=["house", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Tilmeldt")
    WAITING = "waiting", _("På venteliste")
    WITHDRAWN = "withdrawn", _("Afmeldt")


class Enrolment(models.Model):
    """A citizen's place on a course, or their place in the waiting list (ordered by `queued_at`, id)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="enrolments",
                                 verbose_name=_("aktivitet"))
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("borger"))
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    queued_at = models.DateTimeField(_("skrevet op"))
    enrolled_at = models.DateTimeField(_("fik plads"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("afmeldt"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oprettet af"))

    class Meta:
        verbose_name = _("tilmelding")
        verbose_name_plural = _("tilmeldinger")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "citizen"], condition=~Q(status="withdrawn"),
                                    name="enrolment_one_open_per_citizen",
                                    violation_error_message=_("Borgeren er allerede tilmeldt eller på "
                                                              "ventelisten.")),
            models.CheckConstraint(name="enrolment_enrolled_has_time",
                                   condition=~Q(status="enrolled") | Q(enrolled_at__isnull=False)),
        ]
        indexes = [models.Index(fields=["activity", "status", "queued_at"])]


class Attendance(models.Model):
    """Named attendance at one session (present or absent). Personal data: read through scoped selectors."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("gang"))
    citizen = models.ForeignKey("contracts.Citizen", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("borger"))
    present = models.BooleanField(_("mødt"), default=True)
    recorded_at = models.DateTimeField(_("registreret"), auto_now=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("registreret af"))

    class Meta:
        verbose_name = _("fremmøde")
        verbose_name_plural = _("fremmøder")
        constraints = [
            models.UniqueConstraint(fields=["session", "citizen"], name="attendance_one_per_session",
                                    violation_error_message=_("Fremmødet er allerede registreret.")),
        ]


# --- recovery school (table 21) ------------------------------------------------------------------------


class Term(models.TextChoices):
    SPRING = "spring", _("Forår")
    AUTUMN = "autumn", _("Efterår")


class RecoveryCourse(models.Model):
    """One course title in one semester of the recovery school, with the numbers enrolled and attended."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    year = models.PositiveSmallIntegerField(_("år"))
    term = models.CharField(_("semester"), max_length=8, choices=Term.choices)
    title = models.CharField(_("titel"), max_length=200)
    online = models.BooleanField(_("onlinekursus"), default=False)
    enrolled = models.PositiveIntegerField(_("tilmeldte"))
    attended = models.PositiveIntegerField(_("fremmødte"), null=True, blank=True,
                                           help_text=_("Tom: ikke opgjort endnu."))

    class Meta:
        verbose_name = _("recoveryskolekursus")
        verbose_name_plural = _("recoveryskolekurser")
        ordering = ["-year", "term", "title"]
        constraints = [
            models.UniqueConstraint(fields=["house", "year", "term", "title", "online"],
                                    name="recoverycourse_unique",
                                    violation_error_message=_("Kurset er allerede registreret i dette semester.")),
            models.CheckConstraint(name="recoverycourse_nonnegative",
                                   condition=Q(enrolled__gte=0) & (Q(attended__isnull=True) | Q(attended__gte=0))),
            models.CheckConstraint(name="recoverycourse_attended_le_enrolled",
                                   condition=Q(attended__isnull=True) | Q(attended__lte=F("enrolled")),
                                   violation_error_message=_("Der kan ikke være flere fremmødte end tilmeldte.")),
        ]


# --- peers (tables 22, 25) -----------------------------------------------------------------------------


class PeerWorker(models.Model):
    """A peer employee of the house, shown in reports by a label (e.g. "A"), not by name."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    label = models.CharField(_("betegnelse"), max_length=40)
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("bruger"))

    class Meta:
        verbose_name = _("peer-medarbejder")
        verbose_name_plural = _("peer-medarbejdere")
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["house", "label"], name="peerworker_unique_label")]

    def __str__(self) -> str:
        return self.label


class PeerMonth(models.Model):
    """A peer's weekly hours in a month (table 25) and the peer conversations they held that month."""

    peer = models.ForeignKey(PeerWorker, on_delete=models.CASCADE, related_name="months", verbose_name=_("peer"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    month = models.DateField(_("måned"))
    weekly_hours = models.DecimalField(_("timer pr. uge"), max_digits=5, decimal_places=2, default=0)
    conversations = models.PositiveIntegerField(_("peer-samtaler"), default=0)

    class Meta:
        verbose_name = _("peer-måned")
        verbose_name_plural = _("peer-måneder")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "month"], name="peermonth_one_per_month",
                                    violation_error_message=_("Der er allerede registreret tal for denne "
                                                              "måned.")),
            models.CheckConstraint(name="peermonth_first_of_month", condition=Q(month__day=1)),
            models.CheckConstraint(name="peermonth_nonnegative",
                                   condition=Q(weekly_hours__gte=0) & Q(weekly_hours__lte=80)
                                   & Q(conversations__gte=0)),
        ]


class PeerEducationCohort(models.Model):
    """One cohort (hold) of the peer education (table 22): participants, completed, and after."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    year = models.PositiveSmallIntegerField(_("år"))
    term = models.CharField(_("semester"), max_length=8, choices=Term.choices)
    participants = models.PositiveSmallIntegerField(_("deltagere"))
    completed = models.PositiveSmallIntegerField(_("uddannede"), default=0)
    employed = models.PositiveSmallIntegerField(_("i arbejde"), default=0)
    other_education = models.PositiveSmallIntegerField(_("under anden uddannelse"), default=0)
    unknown = models.PositiveSmallIntegerField(_("ved ikke, barsel, andet"), default=0)
    in_practice = models.PositiveSmallIntegerField(_("i praktik / afventer praktik"), default=0)

    class Meta:
        verbose_name = _("peeruddannelseshold")
        verbose_name_plural = _("peeruddannelseshold")
        ordering = ["-year", "term"]
        constraints = [
            models.UniqueConstraint(fields=["house", "year", "term"], name="peercohort_one_per_term",
                                    violation_error_message=_("Holdet for dette semester er allerede "
                                                              "registreret.")),
            models.CheckConstraint(name="peercohort_completed_le_participants",
                                   condition=Q(completed__lte=F("participants")),
                                   violation_error_message=_("Der kan ikke være flere uddannede end deltagere.")),
            models.CheckConstraint(
                name="peercohort_after_le_completed",
                condition=Q(completed__gte=F("employed") + F("other_education") + F("unknown") + F("in_practice")),
                violation_error_message=_("Summen af 'i arbejde', 'anden uddannelse', 'ved ikke' og 'i praktik' "
                                          "kan ikke overstige antallet af uddannede."),
            ),
        ]


# --- the house's other counts (tables 1, 20, 23, 24, 26) -------------------------------------------------


class OpenDialogueMonth(models.Model):
    """Åben Dialog network meetings held in a month (table 1), and how many had both sectors facilitating."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    month = models.DateField(_("måned"))
    meetings = models.PositiveIntegerField(_("netværksmøder"))
    cross_sector = models.PositiveIntegerField(_("heraf med mødeleder fra begge sektorer"), default=0)

    class Meta:
        verbose_name = _("Åben Dialog-måned")
        verbose_name_plural = _("Åben Dialog-måneder")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["house", "month"], name="opendialogue_one_per_month",
                                    violation_error_message=_("Der er allerede registreret tal for denne "
                                                              "måned.")),
            models.CheckConstraint(name="opendialogue_first_of_month", condition=Q(month__day=1)),
            models.CheckConstraint(name="opendialogue_nonnegative",
                                   condition=Q(meetings__gte=0) & Q(cross_sector__gte=0)),
            models.CheckConstraint(name="opendialogue_cross_le_meetings", condition=Q(cross_sector__lte=F("meetings")),
                                   violation_error_message=_("'Heraf' kan ikke være større end antallet af "
                                                             "møder.")),
        ]


class HomeTreatmentMonth(models.Model):
    """The regional home-treatment team's month (table 20).

    Unique citizens per year cannot be summed from monthly uniques, so the team also enters how many of the
    month's citizens had their first contact of the calendar year this month: their sum over a year's months
    is the year's number of unique citizens, exactly."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    month = models.DateField(_("måned"))
    contacts = models.PositiveIntegerField(_("kontakter"))
    citizens = models.PositiveIntegerField(_("borgere i behandling i måneden"))
    citizens_new_in_year = models.PositiveIntegerField(_("heraf første kontakt i året"))

    class Meta:
        verbose_name = _("hjemmebehandlingsmåned")
        verbose_name_plural = _("hjemmebehandlingsmåneder")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["house", "month"], name="hometreatment_one_per_month",
                                    violation_error_message=_("Der er allerede registreret tal for denne "
                                                              "måned.")),
            models.CheckConstraint(name="hometreatmentmonth_first_of_month", condition=Q(month__day=1)),
            models.CheckConstraint(name="hometreatmentmonth_nonnegative",
                                   condition=Q(contacts__gte=0) & Q(citizens__gte=0) & Q(citizens_new_in_year__gte=0)),
            models.CheckConstraint(name="hometreatmentmonth_new_le_citizens",
                                   condition=Q(citizens_new_in_year__lte=F("citizens")),
                                   violation_error_message=_("Nye borgere kan ikke overstige antallet af borgere.")),
            models.CheckConstraint(name="hometreatmentmonth_citizens_le_contacts",
                                   condition=Q(citizens__lte=F("contacts")),
                                   violation_error_message=_("Hver borger i behandling har mindst én kontakt i "
                                                             "måneden.")),
        ]


class SocialvagtenDay(models.Model):
    """The municipal out-of-hours Socialvagten: contacts by phone and in person on one day (table 23)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    day = models.DateField(_("dag"))
    phone = models.PositiveIntegerField(_("telefoniske henvendelser"), default=0)
    in_person = models.PositiveIntegerField(_("personligt fremmøde"), default=0)

    class Meta:
        verbose_name = _("Socialvagten-dag")
        verbose_name_plural = _("Socialvagten-dage")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["house", "day"], name="socialvagten_one_per_day",
                                    violation_error_message=_("Der er allerede registreret tal for denne dag.")),
            models.CheckConstraint(name="socialvagten_nonnegative", condition=Q(phone__gte=0) & Q(in_person__gte=0)),
        ]


class StaffCount(models.Model):
    """Employees and full-time equivalents (årsværk) per sector at a date (table 24)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    on_date = models.DateField(_("opgjort pr."))
    employees = models.PositiveIntegerField(_("medarbejdere"))
    fte = models.DecimalField(_("årsværk"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("medarbejderopgørelse")
        verbose_name_plural = _("medarbejderopgørelser")
        ordering = ["on_date", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["house", "sector", "on_date"], name="staffcount_one_per_date",
                                    violation_error_message=_("Der er allerede en opgørelse for sektoren på "
                                                              "denne dato.")),
            models.CheckConstraint(name="staffcount_nonnegative", condition=Q(employees__gte=0) & Q(fte__gte=0)),
        ]


class BudgetYear(models.Model):
    """A sector's budget for the house in one year, in whole kroner (table 26)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="+", verbose_name=_("hus"))
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.BigIntegerField(_("budget (kr.)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgetter")
        ordering = ["year", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["house", "sector", "year"], name="budget_one_per_year",
                                    violation_error_message=_("Der er allerede et budget for sektoren i dette "
                                                              "år.")),
            models.CheckConstraint(name="budget_nonnegative", condition=Q(amount__gte=0)),
        ]

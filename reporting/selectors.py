"""The evaluation report's tables, computed in the database for a house and a period, per sector.

Each `table_<name>` selector returns JSON-ready raw figures (no suppression); `report_tables` collects
them and `report_suppress` applies the small-number rule before anything leaves the house. All counting
is done with SQL aggregates (GROUP BY, FILTER, subqueries); nothing loops over stays in Python.

Reporting reads other apps' tables read-only for aggregates (the owning apps' selectors cover single
records and bookings); occupancy and activity figures come from `beds.selectors` / `activities.selectors`.
"""

from __future__ import annotations

import calendar
import datetime
import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter, ExtractYear
from django.utils import translation
from django.utils.translation import gettext as _

from beds.models import Stay, StayRequest
from contracts.models import Contract
from psykiatrihus.models import House, Sector

logger = logging.getLogger(__name__)

SECTORS: tuple[str, ...] = (Sector.KOMMUNE.value, Sector.REGION.value)
# Stays that took place (cancelled and no-show stays did not).
COUNTED_STAY_STATUSES = ("checked_in", "checked_out")
CITIZENS_BY_STAYS = ("1-2", "3-9", "10+")
STAYS_BY_NIGHTS = ("0-1", "2", "3", "4", "5+")
AGE_BANDS = ("under_20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
GENDERS = ("F", "M")
# The evaluation report is written for the steering group in the house's language (Danish), whatever language
# the person who ordered it reads: its labels are made in this language explicitly, never the ambient one.
REPORT_LANGUAGE: str = settings.LANGUAGE_CODE


# --- periods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A closed range of local dates [start, end]; stays count in the period of their arrival date."""

    start: datetime.date
    end: datetime.date
    label: str

    def previous_year(self) -> Period:
        """The same period one year earlier (the comparison column in the report)."""
        return Period(start=_shift_year(self.start, -1), end=_shift_year(self.end, -1),
                      label=_previous_label(self))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[tuple[int, int]]:
        """(year, month) pairs the period touches, in order."""
        result, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            result.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return result


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _previous_label(period: Period) -> str:
    """"1. kvartal 2021" → "1. kvartal 2020", "2021" → "2020"; a from–to range gets its shifted dates."""
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}–\d{2}\.\d{2}\.\d{4}", period.label):
        return f"{_shift_year(period.start, -1):%d.%m.%Y}–{_shift_year(period.end, -1):%d.%m.%Y}"
    return period.label.replace(str(period.start.year), str(period.start.year - 1))


def period_for(*, year: int, quarter: int | None = None, start: datetime.date | None = None,
               end: datetime.date | None = None) -> Period:
    """A quarter (`quarter` 1–4), a whole year, or an explicit from–to range."""
    if start is not None or end is not None:
        if start is None or end is None or end < start:
            raise ValueError(_("Angiv en periode hvor slutdatoen ikke ligger før startdatoen."))
        return Period(start=start, end=end, label=f"{start:%d.%m.%Y}–{end:%d.%m.%Y}")
    if quarter is None:
        return Period(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31), label=str(year))
    if quarter not in (1, 2, 3, 4):
        raise ValueError(_("Kvartalet skal være 1–4."))
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    with translation.override(REPORT_LANGUAGE):
        label = _("%(q)s. kvartal %(y)s") % {"q": quarter, "y": year}
    return Period(
        start=datetime.date(year, first_month, 1),
        end=datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        label=label,
    )


def previous_quarter(*, today: datetime.date) -> Period:
    """The last complete quarter before `today` (what beat builds on a quarter's first day)."""
    quarter = (today.month - 1) // 3 + 1
    year = today.year
    quarter -= 1
    if quarter == 0:
        year, quarter = year - 1, 4
    return period_for(year=year, quarter=quarter)


# --- querysets -------------------------------------------------------------------------------------


def _stays(*, house: House, sector: str, period: Period, ordinary_only: bool = True) -> QuerySet:
    qs = Stay.objects.filter(house=house, sector=sector, status__in=COUNTED_STAY_STATUSES,
                             arrival_date__gte=period.start, arrival_date__lte=period.end)
    if ordinary_only:
        qs = qs.filter(kind="ordinary")
    return qs.order_by()


def _holders(*, house: House, sector: str, period: Period) -> QuerySet:
    """Contracts in force on at least one day of the period (granted before its end, not ended before it)."""
    return Contract.objects.filter(house=house, sector=sector, granted_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    ).order_by()


def _active_at(*, house: House, sector: str, day: datetime.date) -> QuerySet:
    """Contracts in force at the end of `day` (a contract ended on `day` is no longer active)."""
    return Contract.objects.filter(house=house, sector=sector, granted_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    ).order_by()


class _Age(Func):
    """Whole years between two dates (PostgreSQL AGE)."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()


def _age_band(field: str) -> Case:
    bounds = [(20, "under_20"), (30, "20-29"), (40, "30-39"), (50, "40-49"), (60, "50-59"), (70, "60-69")]
    return Case(*[When(Q(**{f"{field}__lt": upper}), then=Value(band)) for upper, band in bounds],
                default=Value("70+"))


def _counts(rows, key: str, keys: tuple[str, ...] | list[str], value: str = "n") -> dict[str, int]:
    """Fill a dict with every key (0 where the database returned nothing), in a fixed order."""
    found: dict[str, int] = {}
    for row in rows:  # rows may repeat a key when grouped by more columns: add them up
        found[row[key] or ""] = found.get(row[key] or "", 0) + int(row[value] or 0)
    result = {k: int(found.get(k, 0)) for k in keys}
    extra = sum(v for k, v in found.items() if k not in result)
    if extra:
        result["unknown"] = result.get("unknown", 0) + int(extra)
    return result


def _partition(counts: dict, total: int | None = None) -> dict:
    """A partition: cells that add up to `total` (suppression hides the total with any small cell)."""
    if total is None:
        total = sum(v if isinstance(v, int) else sum(v.values()) for v in counts.values())
    return {"counts": counts, "total": total}


# --- the stay table --------------------------------------------------------------------------------


# One statement for both sectors. Written as SQL because the ORM spent ~97% of this table's time compiling
# the nested aggregate (measured by bench/report_tables.py: ~30 ms of Python around ~0.4 ms in PostgreSQL);
# the database work is the same: the (house, sector, arrival_date) index, one pass, two GROUP BYs.
STAY_TABLE_SQL = """
WITH per_citizen AS (
    SELECT sector, citizen_id, count(*) AS n, sum(nights) AS cn,
           count(*) FILTER (WHERE nights <= 1) AS b01, count(*) FILTER (WHERE nights = 2) AS b2,
           count(*) FILTER (WHERE nights = 3) AS b3, count(*) FILTER (WHERE nights = 4) AS b4,
           count(*) FILTER (WHERE nights >= 5) AS b5
    FROM beds_stay
    WHERE house_id = %(house)s AND sector = ANY(%(sectors)s) AND status = ANY(%(statuses)s)
      AND kind = 'ordinary' AND arrival_date BETWEEN %(start)s AND %(end)s
    GROUP BY sector, citizen_id
)
SELECT sector, sum(n), count(*), sum(cn), max(n), max(cn),
       count(*) FILTER (WHERE n <= 2), count(*) FILTER (WHERE n BETWEEN 3 AND 9), count(*) FILTER (WHERE n >= 10),
       sum(b01), sum(b2), sum(b3), sum(b4), sum(b5)
FROM per_citizen GROUP BY sector
"""


def _stay_table(figures: tuple | None) -> dict:
    stays, citizens, nights, max_stays, max_nights, c12, c39, c10, b01, b2, b3, b4, b5 = (
        int(f or 0) for f in (figures or (0,) * 13))
    return {
        "stays": stays,
        "unique_citizens": citizens,
        "nights": nights,
        "stays_per_citizen": round(stays / citizens, 2) if citizens else None,
        "nights_per_stay": round(nights / stays, 2) if stays else None,
        "max_stays_one_citizen": max_stays,
        "max_nights_one_citizen": max_nights,
        "citizens_by_stays": {"1-2": c12, "3-9": c39, "10+": c10},
        "stays_by_nights": {"0-1": b01, "2": b2, "3": b3, "4": b4, "5+": b5},
    }


def _stay_tables(*, house: House, sectors: tuple[str, ...], period: Period) -> dict:
    """Stays with arrival in the period (ordinary stays that took place), per sector, in one query:
    a per-citizen aggregate, aggregated again per sector."""
    with connection.cursor() as cursor:
        cursor.execute(STAY_TABLE_SQL, {"house": house.pk, "sectors": list(sectors),
                                        "statuses": list(COUNTED_STAY_STATUSES),
                                        "start": period.start, "end": period.end})
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    return {sector: _stay_table(found.get(sector)) for sector in sectors}


def table_stays_sector(*, house: House, sector: str, period: Period) -> dict:
    """The stay table of one sector (see `table_stays`)."""
    return _stay_tables(house=house, sectors=(sector,), period=period)[sector]


def table_stays(*, house: House, period: Period) -> dict:
    """The report's core stay table for both sectors, in one query."""
    return _stay_tables(house=house, sectors=SECTORS, period=period)


def table_stays_both_sectors(*, house: House, period: Period) -> dict:
    """Unique citizens with a stay in either sector, and how many used both: only ever in aggregate."""
    per_citizen = (Stay.objects.filter(house=house, status__in=COUNTED_STAY_STATUSES, kind="ordinary",
                                       arrival_date__gte=period.start, arrival_date__lte=period.end)
                   .order_by().values("citizen_id").annotate(sectors=Count("sector", distinct=True)))
    agg = per_citizen.aggregate(unique=Count("citizen_id"), both=Count("citizen_id", filter=Q(sectors__gte=2)))
    return {"unique_citizens": agg["unique"], "citizens_in_both_sectors": agg["both"]}


def table_stays_per_month(*, house: House, period: Period) -> dict:
    """Stays per month of arrival, per sector (the chart)."""
    keys = [f"{y}-{m:02d}" for y, m in period.months()]
    result = {}
    for sector in SECTORS:
        rows = (_stays(house=house, sector=sector, period=period)
                .annotate(y=ExtractYear("arrival_date"), m=ExtractMonth("arrival_date"))
                .values("y", "m").annotate(n=Count("id")))
        found = {f"{r['y']}-{r['m']:02d}": r["n"] for r in rows}
        result[sector] = _partition({k: found.get(k, 0) for k in keys})
    return result


# --- occupancy -------------------------------------------------------------------------------------


def _optional(module: str, name: str) -> Callable | None:
    """A selector from another app, or None while that app has not landed it (the report degrades)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def table_occupancy(*, house: House, period: Period) -> dict | None:
    occupancy = _optional("beds.selectors", "occupancy")
    if occupancy is None:
        return None
    result = {}
    for sector in SECTORS:
        raw = occupancy(house=house, sector=sector, start=period.start, end=period.end)
        data = raw if isinstance(raw, dict) else vars(raw)
        result[sector] = {k: (float(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, int) else v)
                          for k, v in data.items() if not k.startswith("_")}
    return result


# --- contracts -------------------------------------------------------------------------------------


END_REASONS = ("not_needed", "too_ill", "behaviour", "moved", "died", "other")


def table_contracts(*, house: House, period: Period) -> dict:
    """New in the period, active at its end, ended in it (with reasons), per sector (table 2)."""
    rows = (Contract.objects.filter(house=house).order_by().values("sector").annotate(
        new=Count("id", filter=Q(granted_on__gte=period.start, granted_on__lte=period.end)),
        active_at_end=Count("id", filter=Q(granted_on__lte=period.end)
                            & (Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))),
    ))
    by_sector = {r["sector"]: r for r in rows}
    ended = (Contract.objects.filter(house=house, ended_on__gte=period.start, ended_on__lte=period.end)
             .order_by().values("sector", "end_reason").annotate(n=Count("id")))
    result = {}
    for sector in SECTORS:
        reasons = _counts([r for r in ended if r["sector"] == sector], "end_reason", END_REASONS)
        row = by_sector.get(sector, {})
        result[sector] = {
            "new": row.get("new", 0),
            "active_at_end": row.get("active_at_end", 0),
            "ended": _partition(reasons),
        }
    return result


def table_contracts_by_quarter_granted(*, house: House, period: Period) -> dict:
    """Contracts still active at the end of the period, by the quarter they were granted (table 3)."""
    result = {}
    for sector in SECTORS:
        rows = (_active_at(house=house, sector=sector, day=period.end)
                .annotate(y=ExtractYear("granted_on"), q=ExtractQuarter("granted_on"))
                .values("y", "q").annotate(n=Count("id")).order_by("y", "q"))
        result[sector] = _partition({f"{r['y']} K{r['q']}": r["n"] for r in rows})
    return result


def table_holders_activity(*, house: House, period: Period) -> dict:
    """Contract holders in the period who used a bed of the sector in it, and those who did not (table 4)."""
    result = {}
    for sector in SECTORS:
        used = Stay.objects.filter(house=house, sector=sector, citizen_id=OuterRef("citizen_id"),
                                   status__in=COUNTED_STAY_STATUSES, arrival_date__gte=period.start,
                                   arrival_date__lte=period.end)
        agg = _holders(house=house, sector=sector, period=period).annotate(used=Exists(used)).aggregate(
            holders=Count("citizen_id", distinct=True),
            active=Count("citizen_id", distinct=True, filter=Q(used=True)),
        )
        result[sector] = _partition({"active": agg["active"], "inactive": agg["holders"] - agg["active"]},
                                    total=agg["holders"])
    return result


def _age_gender(rows, value: str = "n") -> dict:
    cells = {band: {g: 0 for g in GENDERS} for band in AGE_BANDS}
    for r in rows:
        if r["band"] in cells and r["gender"] in GENDERS:
            cells[r["band"]][r["gender"]] = int(r[value] or 0)
    return _partition(cells)


def table_holders_age_gender(*, house: House, period: Period) -> dict:
    """Citizens with a contract in force at the end of the period, by age then and gender (tables 5, 10)."""
    result = {}
    for sector in SECTORS:
        rows = (_active_at(house=house, sector=sector, day=period.end)
                .annotate(age_years=_Age(Value(period.end), F("citizen__birth_date")))
                .annotate(band=_age_band("age_years"), gender=F("citizen__gender"))
                .values("band", "gender").annotate(n=Count("citizen_id", distinct=True)))
        result[sector] = _age_gender(rows)
    return result


def table_nights_age_gender(*, house: House, period: Period) -> dict:
    """Nights of stays arriving in the period, by the citizen's age at arrival and gender (table 15)."""
    result = {}
    for sector in SECTORS:
        rows = (_stays(house=house, sector=sector, period=period)
                .annotate(age_years=_Age(F("arrival_date"), F("citizen__birth_date")))
                .annotate(band=_age_band("age_years"), gender=F("citizen__gender"))
                .values("band", "gender").annotate(n=Sum("nights")))
        result[sector] = _age_gender(rows)
    return result


def _holders_by(field: str, keys, *, house: House, sector: str, period: Period) -> dict:
    rows = (_holders(house=house, sector=sector, period=period).values(field)
            .annotate(n=Count("citizen_id", distinct=True)))
    counts = _counts(rows, field, list(keys) + ["unknown"])
    return _partition(counts)


def table_referral_sources(*, house: House, period: Period) -> dict:
    """How contract holders in the period came to the house (tables 6, 7); blank = 'unknown'."""
    from contracts.models import REFERRAL_SOURCES_BY_SECTOR

    return {s: _holders_by("referral_source", REFERRAL_SOURCES_BY_SECTOR[s], house=house, sector=s,
                           period=period) for s in SECTORS}


def table_diagnoses(*, house: House, period: Period) -> dict:
    """Regional holders' main diagnosis group and how many of them have psychiatric comorbidity (table 8)."""
    from contracts.models import DiagnosisGroup

    keys = [c.value for c in DiagnosisGroup] + ["unknown"]
    rows = list(_holders(house=house, sector=Sector.REGION, period=period).values("diagnosis_group").annotate(
        n=Count("citizen_id", distinct=True),
        comorbid=Count("citizen_id", distinct=True, filter=Q(psychiatric_comorbidity=True)),
    ))
    return {Sector.REGION.value: {
        "diagnosis": _partition(_counts(rows, "diagnosis_group", keys)),
        "comorbidity": _partition(_counts(rows, "diagnosis_group", keys, value="comorbid")),
    }}


def table_treatment_responsibility(*, house: House, period: Period) -> dict:
    """Who holds treatment responsibility for regional holders (table 9)."""
    return {Sector.REGION.value: _holders_by("treatment_responsibility", ("clinic", "house"), house=house,
                                             sector=Sector.REGION, period=period)}


def table_municipal_services(*, house: House, period: Period) -> dict:
    """Municipal services alongside (mestringsvejleder, ÅFR, both, none) among holders (table 12)."""
    return {s: _holders_by("municipal_services", ("mestringsvejleder", "afr", "both", "none"), house=house,
                           sector=s, period=period) for s in SECTORS}


TURN_AWAY_REASONS = ("no_bed", "not_eligible", "no_contract", "other")
REQUEST_OUTCOMES = ("booked", "turned_away", "withdrawn", "pending")


def table_requests(*, house: House, period: Period) -> dict:
    """Requests for a stay in the period, and those turned away by reason (the house's idle-capacity goal)."""
    from django.db.models.functions import TruncDate

    rows = (StayRequest.objects.filter(house=house).order_by()
            .annotate(day=TruncDate("requested_at"))
            .filter(day__gte=period.start, day__lte=period.end)
            .values("sector", "outcome", "turn_away_reason").annotate(n=Count("id")))
    rows = list(rows)
    result = {}
    for sector in SECTORS:
        mine = [r for r in rows if r["sector"] == sector]
        result[sector] = {
            "outcomes": _partition(_counts(mine, "outcome", REQUEST_OUTCOMES)),
            "turned_away_reasons": _partition(_counts([r for r in mine if r["outcome"] == "turned_away"],
                                                      "turn_away_reason", TURN_AWAY_REASONS)),
        }
    return result


FB_OUTCOMES = ("botilbud_107", "bostoette_85", "sl_110_99", "own_home", "readmitted", "other")


def table_faerdigbehandling(*, house: House, period: Period) -> dict:
    """Færdigbehandling stays: nights spent in the period, citizens, and outcomes of those ended (16, 17).

    Nights in the period are the overlap of [arrival date, departure date) with the period's days, so a
    six-month stay is shared fairly between quarters."""
    end_excl = period.end + datetime.timedelta(days=1)
    qs = Stay.objects.filter(house=house, kind="faerdigbehandling", status__in=COUNTED_STAY_STATUSES).order_by()
    departure_date = ExpressionWrapper(F("arrival_date") + F("nights"), output_field=DateField())
    overlapping = qs.annotate(dep=departure_date).filter(arrival_date__lte=period.end).filter(
        Q(dep__gt=period.start) | Q(arrival_date__gte=period.start)
    )
    overlap_nights = Func(
        Value(0), Func(Func(F("dep"), Value(end_excl), function="LEAST"),
                       Func(F("arrival_date"), Value(period.start), function="GREATEST"), function="",
                       arg_joiner=" - "),
        function="GREATEST", output_field=IntegerField(),
    )
    agg = overlapping.aggregate(
        nights=Coalesce(Sum(overlap_nights), 0),
        citizens=Count("citizen_id", distinct=True),
    )
    outcome_rows = (qs.annotate(dep=departure_date).filter(status="checked_out", dep__gte=period.start,
                                                           dep__lte=period.end)
                    .values("fb_outcome").annotate(n=Count("id")))
    return {Sector.KOMMUNE.value: {
        "nights": int(agg["nights"]),
        "citizens": agg["citizens"],
        "outcomes": _partition(_counts(outcome_rows, "fb_outcome", FB_OUTCOMES)),
    }}


# --- activities (tables 1, 11, 20–26), from the activities app ---------------------------------------


ACTIVITY_TABLES = {
    # report key: (selector name in activities.selectors, table number in the 2022 evaluation)
    "open_dialogue": ("open_dialogue_meetings", 1),
    "house_offers": ("house_offers_used", 11),
    "home_treatment": ("home_treatment_counts", 20),
    "recovery_school": ("recovery_school_courses", 21),
    "peer_education": ("peer_education_cohorts", 22),
    "socialvagten": ("socialvagten_contacts", 23),
    "staff": ("staff_counts", 24),
    "peer_hours": ("peer_hours", 25),
    "budget": ("budget", 26),
}


def table_activities(*, house: House, period: Period) -> dict:
    """Whatever activity tables `activities.selectors` offers; a missing one is left out, never an error."""
    result: dict = {}
    for key, (name, _number) in ACTIVITY_TABLES.items():
        selector = _optional("activities.selectors", name)
        if selector is None:
            continue
        try:
            result[key] = selector(house=house, start=period.start, end=period.end)
        except TypeError:
            logger.warning("activities.selectors.%s has an unexpected signature; left out of the report", name)
    return result


# --- the house's rules in force (issue 11) ------------------------------------------------------------


def _versions_in_period(*, house: House, period: Period) -> dict[str, list]:
    """Per sector, the rule versions in force at some time in the period (oldest first), without the built-in
    default where it would only cover days before the house opened. One query."""
    from psykiatrihus.policy import policy_versions

    result: dict[str, list] = {s: [] for s in SECTORS}
    for policy in policy_versions(house=house, start=period.start, end=period.end):
        result[policy.sector].append(policy)
    for sector, versions in result.items():
        if len(versions) > 1 and versions[0].is_default and house.opened_on is not None \
                and versions[1].valid_from is not None and versions[1].valid_from <= house.opened_on:
            result[sector] = versions[1:]
    return result


def _sectors_using(*, house: House, period: Period, rule: Callable) -> list[str]:
    """The sectors whose rules at some time in the period use something (a waiting list, goals, ...)."""
    versions = _versions_in_period(house=house, period=period)
    return [s for s in SECTORS if any(rule(p) for p in versions[s])]


def _rules_shown(policy) -> dict:
    """The rules as the report states them (JSON-ready)."""
    follows = policy.plans_post_stay_followup
    return {
        "admission_routes": policy.admission_routes,
        "stay_frame_nights": policy.stay_frame_nights,
        "extension_by": policy.extension_by,
        "max_nights_per_month": policy.max_nights_per_month,
        "followup_interval_months": policy.followup_interval_months,
        "stays_have_goals": policy.stays_have_goals,
        "post_stay_followup": policy.post_stay_followup,
        "post_stay_followup_days": policy.post_stay_followup_days if follows else None,
    }


def report_rules(*, house: House, period: Period) -> dict:
    """The rules in force in the period, per sector that has beds or recorded rules: the house's bed set
    (active beds now) and every version with the date it took effect (`valid_from` None: the built-in
    default, in force since before the period), `until` the day before the next version (None: still in
    force at the period's end) and `changed`: the rules that differ from the version before. Two queries."""
    from beds.models import Bed

    beds = {r["sector"]: r for r in Bed.objects.filter(house=house, active=True).order_by().values("sector")
            .annotate(beds=Count("id"), faerdigbehandling=Count("id", filter=Q(may_be_faerdigbehandling=True)))}
    result: dict = {}
    for sector, versions in _versions_in_period(house=house, period=period).items():
        bed_set = {"beds": beds.get(sector, {}).get("beds", 0),
                   "faerdigbehandling_beds": beds.get(sector, {}).get("faerdigbehandling", 0)}
        if not bed_set["beds"] and all(v.is_default for v in versions):
            continue  # no beds and no rules of its own (e.g. a house with municipal beds only)
        rows: list[dict] = []
        for i, policy in enumerate(versions):
            following = versions[i + 1] if i + 1 < len(versions) else None
            shown = _rules_shown(policy)
            rows.append({
                "valid_from": policy.valid_from.isoformat() if policy.valid_from else None,
                "until": (following.valid_from - datetime.timedelta(days=1)).isoformat() if following else None,
                **shown,
                "changed": [k for k in shown if rows and rows[-1][k] != shown[k]],
            })
        result[sector] = {"bed_set": bed_set, "versions": rows}
    return result


# --- waiting list, goals and post-stay follow-up, where the house's rules use them (issue 11) ----------


def table_waiting_list(*, house: House, period: Period) -> dict | None:
    """For sectors admitting by visitation: citizens placed in a bed from the waiting list (arrival in the
    period), their mean and median wait in days, and how many were still waiting at the period's end.
    None (left out) when no sector's rules admit by visitation in the period."""
    from beds.selectors import waiting_figures

    sectors = _sectors_using(house=house, period=period, rule=lambda p: p.admits_visitation)
    if not sectors:
        return None
    figures = waiting_figures(house=house, start=period.start, end=period.end)
    empty = {"placed": 0, "median_days": None, "mean_days": None, "waiting_at_end": 0}
    return {s: {k: figures.get(s, empty)[k] for k in empty} for s in sectors}


GOAL_RESULTS = ("achieved", "partly", "not_achieved", "not_evaluated")


def table_stay_goals(*, house: House, period: Period) -> dict | None:
    """For sectors whose stays carry goals: stays ended in the period (checked out, departure date in it)
    with goals (`stays_ended_with_goals`), and their goals by evaluation. None when no sector's rules have
    goals in the period."""
    from beds.models import StayGoal

    sectors = _sectors_using(house=house, period=period, rule=lambda p: p.stays_have_goals)
    if not sectors:
        return None
    departure_date = ExpressionWrapper(F("stay__arrival_date") + F("stay__nights"), output_field=DateField())
    by_result = {key: Count("id", filter=Q(result="" if key == "not_evaluated" else key)) for key in GOAL_RESULTS}
    rows = {r["stay__sector"]: r for r in (
        StayGoal.objects.filter(stay__house=house, stay__sector__in=sectors, stay__status="checked_out")
        .annotate(dep=departure_date).filter(dep__gte=period.start, dep__lte=period.end)
        .order_by().values("stay__sector").annotate(stays=Count("stay_id", distinct=True), **by_result))}
    result = {}
    for sector in sectors:
        row = rows.get(sector, {})
        result[sector] = {"stays_ended_with_goals": row.get("stays", 0),
                          "goals": _partition({key: row.get(key, 0) for key in GOAL_RESULTS})}
    return result


AFTERCARE_OUTCOMES = ("done", "not_reached", "cancelled", "open")


def table_aftercare(*, house: House, period: Period) -> dict | None:
    """For sectors that follow up after a stay: safety visits/calls planned for a day in the period, by what
    became of them (done, not reached, cancelled, `open`: still planned, not recorded). None when no sector's
    rules plan them."""
    from beds.models import StayAftercare

    sectors = _sectors_using(house=house, period=period, rule=lambda p: p.plans_post_stay_followup)
    if not sectors:
        return None
    rows = list(StayAftercare.objects.filter(stay__house=house, stay__sector__in=sectors,
                                             planned_on__gte=period.start, planned_on__lte=period.end)
                .order_by().values("stay__sector", "status").annotate(n=Count("id")))
    rows = [{**r, "status": "open" if r["status"] == "planned" else r["status"]} for r in rows]
    return {s: {"followups": _partition(_counts([r for r in rows if r["stay__sector"] == s], "status",
                                                AFTERCARE_OUTCOMES))} for s in sectors}


# --- the whole report ------------------------------------------------------------------------------


TABLES: dict[str, Callable[..., dict | None]] = {
    "stays": table_stays,
    "stays_both_sectors": table_stays_both_sectors,
    "occupancy": table_occupancy,
    "stays_per_month": table_stays_per_month,
    "nights_age_gender": table_nights_age_gender,
    "requests": table_requests,
    "faerdigbehandling": table_faerdigbehandling,
    "waiting_list": table_waiting_list,
    "stay_goals": table_stay_goals,
    "aftercare": table_aftercare,
    "contracts": table_contracts,
    "contracts_by_quarter_granted": table_contracts_by_quarter_granted,
    "holders_activity": table_holders_activity,
    "holders_age_gender": table_holders_age_gender,
    "referral_sources": table_referral_sources,
    "diagnoses": table_diagnoses,
    "treatment_responsibility": table_treatment_responsibility,
    "municipal_services": table_municipal_services,
}


# Tables about brugerstyrede kontrakter (tables 2–10, 12).
CONTRACT_TABLES = frozenset({"contracts", "contracts_by_quarter_granted", "holders_activity", "holders_age_gender",
                             "referral_sources", "diagnoses", "treatment_responsibility", "municipal_services"})


def _contracts_apply(*, house: House, period: Period) -> bool:
    """Whether the contract tables belong in the report: some sector's rules admit by self-request under a
    contract in the period, or a contract was in force in it anyway (history is never hidden)."""
    if _sectors_using(house=house, period=period, rule=lambda p: p.admits_bsk):
        return True
    return Contract.objects.filter(house=house, granted_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)).exists()


def report_tables(*, house: House, period: Period, progress: Callable[[int], None] | None = None) -> dict:
    """Every table, raw (not suppressed). `progress(percent)` is called as tables finish. Tables the house's
    rules do not use are left out: contracts where nobody is admitted under one, and the waiting list,
    goals and post-stay follow-up where the rules have none."""
    tables: dict = {}
    steps = len(TABLES) + 1
    skip = set() if _contracts_apply(house=house, period=period) else CONTRACT_TABLES
    for i, (key, selector) in enumerate(TABLES.items(), start=1):
        if key in skip:
            continue
        value = selector(house=house, period=period)
        if value is not None:
            tables[key] = value
        if progress:
            progress(int(100 * i / steps))
    activities = table_activities(house=house, period=period)
    tables.update(activities)
    if progress:
        progress(100)
    return tables


# --- small-number suppression ------------------------------------------------------------------------


def _small(value, n: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < n


def _mark(n: int) -> str:
    return f"<{n}"


def _leaves(cells: dict, path=()):
    for k, v in cells.items():
        if isinstance(v, dict):
            yield from _leaves(v, (*path, k))
        else:
            yield (*path, k), v


def _set(cells: dict, path: tuple, value) -> None:
    for k in path[:-1]:
        cells = cells[k]
    cells[path[-1]] = value


def _suppress_partition(part: dict, n: int) -> dict:
    """Primary: every cell 1..n-1 becomes "<n". Secondary: with exactly one small cell, the next smallest
    positive cell is hidden too (None), so a total known elsewhere cannot give it away; and the partition's
    total is hidden whenever a cell is."""
    cells = _copy(part["counts"])
    leaves = list(_leaves(cells))
    small = [path for path, v in leaves if _small(v, n)]
    for path in small:
        _set(cells, path, _mark(n))
    if len(small) == 1:
        others = sorted((v, path) for path, v in leaves if path not in small and isinstance(v, int) and v > 0)
        if others:
            _set(cells, others[0][1], None)
    total = part["total"]
    if small:
        total = None
    elif _small(total, n):
        total = _mark(n)
    return {**part, "counts": cells, "total": total}


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


# Figures that are not counts of people or their stays (never suppressed): dates, calendar counts, money.
NOT_PERSON_COUNTS = frozenset({"year", "months_reported", "days_reported", "courses", "courses_without_attendance",
                               "amount", "weekly_hours", "fte", "bed_nights_available", "hours_available"})
# Figures derived from their sibling counts (hidden when a sibling is suppressed).
DERIVED = frozenset({"total", "per_day", "contacts_per_citizen", "stays_per_citizen", "nights_per_stay",
                     "percent", "hours_percent"})


def _suppress_generic(value, n: int):
    """Walk a table: partitions get `_suppress_partition`; other dicts get the primary rule on their counts,
    and their derived figures (a total beside its parts, a ratio) are hidden if a sibling was suppressed."""
    if not isinstance(value, dict):
        return _mark(n) if _small(value, n) else value
    if "counts" in value and "total" in value:
        return _suppress_partition(value, n)
    out, suppressed = {}, False
    for key, item in value.items():
        if key in NOT_PERSON_COUNTS or key in DERIVED:
            out[key] = item
        elif isinstance(item, dict):
            out[key] = _suppress_generic(item, n)
        elif _small(item, n):
            out[key], suppressed = _mark(n), True
        else:
            out[key] = item
    for key in DERIVED & out.keys():
        if suppressed:
            out[key] = None
        elif key == "total" and _small(out[key], n):
            out[key] = _mark(n)
    return out


def suppress_stay_table(table: dict, n: int) -> dict:
    """The stay table's own rule (its keys are fixed by the JSON contract):
    a small bucket in `stays_by_nights` hides `stays`; in `citizens_by_stays` hides `unique_citizens`;
    averages are hidden when either of their parts is not shown."""
    if n <= 0:
        return _copy(table)
    by_nights = _suppress_partition({"counts": table["stays_by_nights"], "total": table["stays"]}, n)
    by_stays = _suppress_partition({"counts": table["citizens_by_stays"], "total": table["unique_citizens"]}, n)
    out = {
        "stays": by_nights["total"],
        "unique_citizens": by_stays["total"],
        "nights": _mark(n) if _small(table["nights"], n) else table["nights"],
        "stays_per_citizen": table["stays_per_citizen"],
        "nights_per_stay": table["nights_per_stay"],
        "max_stays_one_citizen": _mark(n) if _small(table["max_stays_one_citizen"], n)
        else table["max_stays_one_citizen"],
        "max_nights_one_citizen": _mark(n) if _small(table["max_nights_one_citizen"], n)
        else table["max_nights_one_citizen"],
        "citizens_by_stays": by_stays["counts"],
        "stays_by_nights": by_nights["counts"],
    }
    if not isinstance(out["stays"], int) or not isinstance(out["unique_citizens"], int):
        out["stays_per_citizen"] = None
    if not isinstance(out["stays"], int) or not isinstance(out["nights"], int):
        out["nights_per_stay"] = None
    return out


def _suppress_occupancy(section: dict, n: int) -> dict:
    out = dict(section)
    occupied = section.get("bed_nights_occupied")
    if _small(occupied, n):
        out["bed_nights_occupied"] = _mark(n)
        out["percent"] = None
        for key in list(out):
            if key.startswith("hours"):
                out[key] = None
    return out


def _suppress_waiting(section: dict, n: int) -> dict:
    """A small number of placements is shown as "<n" and its mean and median wait are hidden (with one or two
    citizens they are their own waits); a small number still waiting becomes "<n"."""
    out = dict(section)
    if _small(section["placed"], n):
        out.update(placed=_mark(n), mean_days=None, median_days=None)
    if _small(section["waiting_at_end"], n):
        out["waiting_at_end"] = _mark(n)
    return out


def report_suppress(tables: dict, *, below: int) -> dict:
    """The tables as they may leave the house: counts 1..below-1 become "<below", and every figure from
    which such a count could be recovered (totals, shares, averages) becomes None. `below=0`: raw."""
    if below <= 1:
        return _copy(tables)
    result = {}
    for key, table in tables.items():
        if key == "stays":
            result[key] = {s: suppress_stay_table(t, below) for s, t in table.items()}
        elif key == "occupancy":
            result[key] = {s: _suppress_occupancy(t, below) for s, t in table.items()}
        elif key == "waiting_list":
            result[key] = {s: _suppress_waiting(t, below) for s, t in table.items()}
        else:
            result[key] = _suppress_generic(table, below)
    return result


def _has_figures(value) -> bool:
    if isinstance(value, dict):
        return any(_has_figures(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_figures(v) for v in value)
    if isinstance(value, bool) or value is None:
        return False
    return value not in (0, 0.0, "")


def _drop_absent_sectors(tables: dict, *, served: set[str]) -> None:
    """A sector the house does not have (no beds, no rules of its own: Samsø's single municipal bed) and
    with no figure anywhere in the period gets no column of zeros in any table."""
    for sector in SECTORS:
        if sector in served:
            continue
        if any(_has_figures(t.get(sector)) for t in tables.values() if isinstance(t, dict)):
            continue
        for table in tables.values():
            if isinstance(table, dict):
                table.pop(sector, None)


def report_data(*, house: House, period: Period, suppress_below: int | None = None,
                progress: Callable[[int], None] | None = None) -> dict:
    """The JSON report: `{"house", "period": {"start", "end"}, "tables": {...}}` (suppressed unless 0)."""
    below = house.small_number_threshold if suppress_below is None else suppress_below
    tables = report_suppress(report_tables(house=house, period=period, progress=progress), below=below)
    rules = report_rules(house=house, period=period)
    _drop_absent_sectors(tables, served=set(rules))
    return {
        "house": house.slug,
        "house_name": house.name,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "suppress_below": below,
        "rules": rules,
        "tables": tables,
    }

"""Aggregates over brugerstyrede kontrakter and their holders, for the report's contract tables (tables 2-10
and 12 of the 2022 evaluation). Everything leaves as counts per sector; no contract or citizen does.

A contract is in force from `granted_on` to the day before `ended_on`: "holders in the period" are those with
a contract in force on at least one day of it, "in force at the end of a day" excludes one ended that day.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import ExtractQuarter, ExtractYear

from contracts.aggregates.citizens import Age, age_band
from contracts.models import (
    REFERRAL_SOURCES_BY_SECTOR,
    Contract,
    DiagnosisGroup,
    EndReason,
    MunicipalServices,
    ReferralSource,
    TreatmentResponsibility,
)
from psykiatrihus.models import House

DIAGNOSIS_GROUPS: tuple[str, ...] = tuple(c.value for c in DiagnosisGroup)
REFERRAL_SOURCES: dict[str, tuple[str, ...]] = {str(s): tuple(v) for s, v in REFERRAL_SOURCES_BY_SECTOR.items()}
# The holder fields counted by `holder_counts_by` (a blank one is "unknown").
HOLDER_FIELDS = frozenset({"referral_source", "treatment_responsibility", "municipal_services"})


def holders_in_period(*, house: House, start: datetime.date, end: datetime.date,
                      sector: str | None = None) -> QuerySet:
    """Contracts in force on at least one day of [start, end] (granted before its end, not ended before it).
    For the owners' aggregates (beds counts which holders used a bed); reporting gets counts, never this."""
    qs = Contract.objects.filter(house=house, granted_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    if sector is not None:
        qs = qs.filter(sector=sector)
    return qs.order_by()


def _in_force_at(*, house: House, day: datetime.date) -> QuerySet:
    """Contracts in force at the end of `day` (a contract ended on `day` is no longer in force)."""
    return Contract.objects.filter(house=house, granted_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)).order_by()


def contract_counts(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector with contracts: `active_at_start` (in force at the end of the day before `start`), `new`
    (granted in [start, end]) and `active_at_end` (in force at the end of `end`). One query."""
    rows = (Contract.objects.filter(house=house).order_by().values("sector").annotate(
        active_at_start=Count("id", filter=Q(granted_on__lt=start) & (Q(ended_on__isnull=True)
                                                                     | Q(ended_on__gte=start))),
        new=Count("id", filter=Q(granted_on__gte=start, granted_on__lte=end)),
        active_at_end=Count("id", filter=Q(granted_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))),
    ))
    return {r["sector"]: {"active_at_start": r["active_at_start"], "new": r["new"],
                          "active_at_end": r["active_at_end"]} for r in rows}


def contracts_ended(*, house: House, start: datetime.date, end: datetime.date) -> list[dict]:
    """Contracts ended in [start, end]: rows `{"sector", "end_reason", "n"}` (blank reason: "")."""
    return list(Contract.objects.filter(house=house, ended_on__gte=start, ended_on__lte=end)
                .order_by().values("sector", "end_reason").annotate(n=Count("id")))


def contracts_in_force_by_quarter_granted(*, house: House, day: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector, contracts in force at the end of `day` by the quarter they were granted ("2021 K1"),
    oldest quarter first. One query."""
    rows = (_in_force_at(house=house, day=day)
            .annotate(y=ExtractYear("granted_on"), q=ExtractQuarter("granted_on"))
            .values("sector", "y", "q").annotate(n=Count("id")).order_by("sector", "y", "q"))
    result: dict[str, dict[str, int]] = {}
    for r in rows:
        result.setdefault(r["sector"], {})[f"{r['y']} K{r['q']}"] = r["n"]
    return result


def holders_by_age_gender(*, house: House, day: datetime.date) -> list[dict]:
    """Citizens with a contract in force at the end of `day`, by their age that day and gender: rows
    `{"sector", "band", "gender", "n"}` (distinct citizens per sector). One query."""
    return list(_in_force_at(house=house, day=day)
                .annotate(age_years=Age(Value(day), F("citizen__birth_date")))
                .annotate(band=age_band("age_years"), gender=F("citizen__gender"))
                .values("sector", "band", "gender").annotate(n=Count("citizen_id", distinct=True)))


def holder_counts_by(*, house: House, start: datetime.date, end: datetime.date, field: str,
                     sector: str | None = None) -> list[dict]:
    """Holders in [start, end] by one recorded field (`HOLDER_FIELDS`): rows `{"sector", field, "n"}`,
    distinct citizens per sector and value. One query."""
    if field not in HOLDER_FIELDS:
        raise ValueError(f"not a holder field: {field!r}")
    return list(holders_in_period(house=house, start=start, end=end, sector=sector).values("sector", field)
                .annotate(n=Count("citizen_id", distinct=True)))


def holder_diagnoses(*, house: House, sector: str, start: datetime.date, end: datetime.date) -> list[dict]:
    """The sector's holders in [start, end] by main diagnosis group: rows `{"diagnosis_group", "n",
    "comorbid"}` (distinct citizens; `comorbid`: those with psychiatric comorbidity). One query."""
    return list(holders_in_period(house=house, start=start, end=end, sector=sector).values("diagnosis_group")
                .annotate(n=Count("citizen_id", distinct=True),
                          comorbid=Count("citizen_id", distinct=True, filter=Q(psychiatric_comorbidity=True))))


def contracts_in_force_exist(*, house: House, start: datetime.date, end: datetime.date) -> bool:
    """Whether some contract of the house was in force on a day of [start, end]."""
    return holders_in_period(house=house, start=start, end=end).exists()


def contract_choice_labels() -> dict[str, str]:
    """The Danish labels of the values the contract tables are keyed by (active language), for the report's
    row labels: referral sources, diagnosis groups, treatment responsibility, end reasons."""
    labels: dict[str, str] = {}
    for choices in (ReferralSource, DiagnosisGroup, TreatmentResponsibility, EndReason):
        labels.update({c.value: str(c.label) for c in choices})
    return labels


def municipal_services_labels() -> dict[str, str]:
    """The labels of the municipal services alongside a contract (mestringsvejleder, ÅFR, both, none)."""
    return {c.value: str(c.label) for c in MunicipalServices}


def followups_overdue_at(*, house: House, day: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector with contracts in force at the end of `day`: those contracts (`in_force`) and how many had
    passed their follow-up deadline by then without a follow-up (`overdue`). The deadline in force that day is
    the one set by the latest follow-up held on or before it; before any, the first one (the contract's
    recorded due date while it has had no follow-up at all, else the grant date plus the interval of the
    house's rules on that date, as `followup_next_due` sets it). One query."""
    from django.db.models import Exists, OuterRef, Subquery

    from contracts.models import FollowUp
    from psykiatrihus.dates import add_months
    from psykiatrihus.policy import PolicyBook

    held = FollowUp.objects.filter(contract_id=OuterRef("pk"))
    rows = (_in_force_at(house=house, day=day)
            .annotate(last_due=Subquery(held.filter(held_on__lte=day).order_by("-held_on", "-id")
                                        .values("next_due")[:1]),
                      any_followup=Exists(held))
            .values_list("sector", "granted_on", "next_followup_due", "last_due", "any_followup"))
    book = PolicyBook(house=house)
    result: dict[str, dict[str, int]] = {}
    for sector, granted_on, recorded_due, last_due, any_followup in rows:
        due = last_due
        if due is None:
            due = recorded_due if not any_followup else add_months(
                granted_on, book.policy_for(sector=sector, on_date=granted_on).followup_interval_months)
        counts = result.setdefault(sector, {"in_force": 0, "overdue": 0})
        counts["in_force"] += 1
        if due is not None and due <= day:
            counts["overdue"] += 1
    return result


def first_grant(*, house: House) -> datetime.date | None:
    """The grant date of the house's first contract (None without any): where its history begins when its
    opening date is not recorded."""
    from django.db.models import Min

    return Contract.objects.filter(house=house).aggregate(first=Min("granted_on"))["first"]

"""Tables about brugerstyrede kontrakter and their holders (tables 2–10 and 12 of the 2022 evaluation)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils.translation import gettext_lazy as _

from beds.models import Stay
from contracts.models import Contract
from psykiatrihus.models import House, Sector
from reporting.tables.house_rules import sectors_using
from reporting.tables.periods import Period
from reporting.tables.querysets import (
    COUNTED_STAY_STATUSES,
    SECTORS,
    Age,
    age_band,
    age_gender_partition,
    contracts_active_at,
    counts_by,
    holders_in_period,
    partition,
)
from reporting.tables.registry import Path, Relation, Table, partition_relations, register, same

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
        reasons = counts_by([r for r in ended if r["sector"] == sector], "end_reason", END_REASONS)
        row = by_sector.get(sector, {})
        result[sector] = {
            "new": row.get("new", 0),
            "active_at_end": row.get("active_at_end", 0),
            "ended": partition(reasons),
        }
    return result


def table_contracts_by_quarter_granted(*, house: House, period: Period) -> dict:
    """Contracts still active at the end of the period, by the quarter they were granted (table 3)."""
    result = {}
    for sector in SECTORS:
        rows = (contracts_active_at(house=house, sector=sector, day=period.end)
                .annotate(y=ExtractYear("granted_on"), q=ExtractQuarter("granted_on"))
                .values("y", "q").annotate(n=Count("id")).order_by("y", "q"))
        result[sector] = partition({f"{r['y']} K{r['q']}": r["n"] for r in rows})
    return result


def table_holders_activity(*, house: House, period: Period) -> dict:
    """Contract holders in the period who used a bed of the sector in it, and those who did not (table 4)."""
    result = {}
    for sector in SECTORS:
        used = Stay.objects.filter(house=house, sector=sector, citizen_id=OuterRef("citizen_id"),
                                   status__in=COUNTED_STAY_STATUSES, arrival_date__gte=period.start,
                                   arrival_date__lte=period.end)
        agg = holders_in_period(house=house, sector=sector, period=period).annotate(used=Exists(used)).aggregate(
            holders=Count("citizen_id", distinct=True),
            active=Count("citizen_id", distinct=True, filter=Q(used=True)),
        )
        result[sector] = partition({"active": agg["active"], "inactive": agg["holders"] - agg["active"]},
                                    total=agg["holders"])
    return result


def table_holders_age_gender(*, house: House, period: Period) -> dict:
    """Citizens with a contract in force at the end of the period, by age then and gender (tables 5, 10)."""
    result = {}
    for sector in SECTORS:
        rows = (contracts_active_at(house=house, sector=sector, day=period.end)
                .annotate(age_years=Age(Value(period.end), F("citizen__birth_date")))
                .annotate(band=age_band("age_years"), gender=F("citizen__gender"))
                .values("band", "gender").annotate(n=Count("citizen_id", distinct=True)))
        result[sector] = age_gender_partition(rows)
    return result


def _holders_by(field: str, keys, *, house: House, sector: str, period: Period) -> dict:
    rows = (holders_in_period(house=house, sector=sector, period=period).values(field)
            .annotate(n=Count("citizen_id", distinct=True)))
    counts = counts_by(rows, field, list(keys) + ["unknown"])
    return partition(counts)


def table_referral_sources(*, house: House, period: Period) -> dict:
    """How contract holders in the period came to the house (tables 6, 7); blank = 'unknown'."""
    from contracts.models import REFERRAL_SOURCES_BY_SECTOR

    return {s: _holders_by("referral_source", REFERRAL_SOURCES_BY_SECTOR[s], house=house, sector=s,
                           period=period) for s in SECTORS}


def table_diagnoses(*, house: House, period: Period) -> dict:
    """Regional holders' main diagnosis group and how many of them have psychiatric comorbidity (table 8)."""
    from contracts.models import DiagnosisGroup

    keys = [c.value for c in DiagnosisGroup] + ["unknown"]
    rows = list(holders_in_period(house=house, sector=Sector.REGION, period=period).values("diagnosis_group").annotate(
        n=Count("citizen_id", distinct=True),
        comorbid=Count("citizen_id", distinct=True, filter=Q(psychiatric_comorbidity=True)),
    ))
    return {Sector.REGION.value: {
        "diagnosis": partition(counts_by(rows, "diagnosis_group", keys)),
        "comorbidity": partition(counts_by(rows, "diagnosis_group", keys, value="comorbid")),
    }}


def table_treatment_responsibility(*, house: House, period: Period) -> dict:
    """Who holds treatment responsibility for regional holders (table 9)."""
    return {Sector.REGION.value: _holders_by("treatment_responsibility", ("clinic", "house"), house=house,
                                             sector=Sector.REGION, period=period)}


def table_municipal_services(*, house: House, period: Period) -> dict:
    """Municipal services alongside (mestringsvejleder, ÅFR, both, none) among municipal holders (table 12).
    Only municipal contracts record them, so the table has no regional column (it would be 100 % unknown)."""
    return {Sector.KOMMUNE.value: _holders_by("municipal_services", ("mestringsvejleder", "afr", "both", "none"),
                                              house=house, sector=Sector.KOMMUNE.value, period=period)}


def contracts_apply(*, house: House, period: Period) -> bool:
    """Whether the contract tables belong in the report: some sector's rules admit by self-request under a
    contract in the period, or a contract was in force in it anyway (history is never hidden)."""
    if sectors_using(house=house, period=period, rule=lambda p: p.admits_bsk):
        return True
    return Contract.objects.filter(house=house, granted_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)).exists()


# --- relations -------------------------------------------------------------------------------------------


def _contracts_flow(path: Path) -> bool:
    return path[-1] == "new" or "ended" in path


def _by_quarter_relations(key: str, data: dict) -> Iterator[Relation]:
    yield from partition_relations(key, data)
    for sector in data:
        yield same((key, sector, "total"), ("contracts", sector, "active_at_end"))


def _holders_age_gender_relations(key: str, data: dict) -> Iterator[Relation]:
    yield from partition_relations(key, data)
    for sector in data:  # one contract per citizen and sector at a time
        yield same((key, sector, "total"), ("contracts", sector, "active_at_end"))


def _holder_relations(key: str, data: dict) -> Iterator[Relation]:
    """A table of the period's holders: its cells add up to the holders of `holders_activity`."""
    yield from partition_relations(key, data)
    for sector in data:
        if key != "holders_activity":
            yield same((key, sector, "total"), ("holders_activity", sector, "total"))


def _diagnoses_relations(key: str, data: dict) -> Iterator[Relation]:
    yield from partition_relations(key, data)
    for sector in data:
        yield same((key, sector, "diagnosis", "total"), ("holders_activity", sector, "total"))


# --- the registry ----------------------------------------------------------------------------------------


register(Table(
    key="contracts",
    title=_("Brugerstyrede kontrakter (tabel 2)"),
    explanation=_("Nye kontrakter i perioden, aktive kontrakter ved periodens slutning og afsluttede kontrakter "
        "med årsag."),
    footnote=_("En kontrakt er aktiv fra bevillingsdatoen til og med dagen før afslutningsdatoen."),
    sheet=_("Kontrakter"),
    build=table_contracts,
    relations=partition_relations,
    flow=_contracts_flow,
    uses_contracts=True,
))


register(Table(
    key="contracts_by_quarter_granted",
    title=_("Fortsat aktive kontrakter efter bevillingskvartal (tabel 3)"),
    explanation=_("Kontrakter, der er aktive ved periodens slutning, fordelt på det kvartal, de blev bevilget."),
    footnote=_("K1–K4: kvartal i bevillingsåret."),
    sheet=_("Kontrakter efter kvartal"),
    build=table_contracts_by_quarter_granted,
    relations=_by_quarter_relations,
    uses_contracts=True,
))


register(Table(
    key="holders_activity",
    title=_("Aktive og ikke-aktive kontraktholdere (tabel 4)"),
    explanation=_("Borgere med kontrakt i perioden, som har brugt en overnatningsplads i sektoren i perioden, "
        "og borgere, som ikke har."),
    footnote=_("Aktiv = mindst ét ophold med ankomst i perioden i kontraktens sektor."),
    sheet=_("Aktive kontraktholdere"),
    build=table_holders_activity,
    relations=_holder_relations,
    uses_contracts=True,
))


register(Table(
    key="holders_age_gender",
    title=_("Alder og køn – kontraktholdere (tabel 5 og 10)"),
    explanation=_("Borgere med en aktiv kontrakt ved periodens slutning, efter alder og juridisk køn."),
    footnote=_("Alder ved periodens slutning; køn efter CPR-nummeret."),
    sheet=_("Alder og køn"),
    build=table_holders_age_gender,
    relations=_holders_age_gender_relations,
    uses_contracts=True,
))


register(Table(
    key="referral_sources",
    title=_("Henvisningsvej (tabel 6 og 7)"),
    explanation=_("Hvordan borgere med kontrakt i perioden er kommet ind i huset."),
    footnote=_("Borgere med kontrakt på mindst én dag i perioden. 'Ukendt': ikke registreret."),
    sheet=_("Henvisningsvej"),
    build=table_referral_sources,
    relations=_holder_relations,
    uses_contracts=True,
))


register(Table(
    key="diagnoses",
    title=_("Diagnoser og komorbiditet (tabel 8)"),
    explanation=_("Hoveddiagnosegruppe for borgere med regional kontrakt i perioden, og hvor mange der har "
        "psykiatrisk komorbiditet."),
    footnote=_("Regionale helbredsoplysninger, kun som samlede tal."),
    sheet=_("Diagnoser"),
    build=table_diagnoses,
    relations=_diagnoses_relations,
    uses_contracts=True,
))


register(Table(
    key="treatment_responsibility",
    title=_("Behandlingsansvar (tabel 9)"),
    explanation=_("Hvem der har behandlingsansvaret for borgere med regional kontrakt i perioden."),
    footnote=_("Som registreret på kontrakten."),
    sheet=_("Behandlingsansvar"),
    build=table_treatment_responsibility,
    relations=_holder_relations,
    uses_contracts=True,
))


register(Table(
    key="municipal_services",
    title=_("Kommunale tilbud ved siden af (tabel 12)"),
    explanation=_("Om borgere med kontrakt i perioden har mestringsvejleder, Åben Fleksibel Rådgivning, begge "
        "eller ingen af delene."),
    footnote=_("Som registreret på kontrakten. 'Ukendt': ikke registreret. Registreres kun på kommunale "
               "kontrakter, så tabellen har ingen regional kolonne."),
    sheet=_("Kommunale tilbud"),
    build=table_municipal_services,
    relations=_holder_relations,
    uses_contracts=True,
))

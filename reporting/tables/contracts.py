"""Tables about brugerstyrede kontrakter and their holders (tables 2–10 and 12 of the 2022 evaluation)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from beds.aggregates import holder_activity
from contracts.aggregates import (
    DIAGNOSIS_GROUPS,
    REFERRAL_SOURCES,
    contract_counts,
    contracts_ended,
    contracts_in_force_by_quarter_granted,
    contracts_in_force_exist,
    holder_counts_by,
    holder_diagnoses,
    holders_by_age_gender,
)
from psykiatrihus.models import House, Sector
from reporting.tables.house_rules import sectors_using
from reporting.tables.periods import Period
from reporting.tables.querysets import SECTORS, age_gender_partition, counts_by, partition
from reporting.tables.registry import Path, Relation, Table, partition_relations, register, same

END_REASONS = ("not_needed", "too_ill", "behaviour", "moved", "died", "other")


def table_contracts(*, house: House, period: Period) -> dict:
    """Active at the period's start, new in it, active at its end, ended in it (with reasons), per sector
    (table 2). Start + new − ended = end: the stock is published at both ends so that the audit sees the
    identity a reader can use (with the start given, hiding the ended total protects nothing)."""
    by_sector = contract_counts(house=house, start=period.start, end=period.end)
    ended = contracts_ended(house=house, start=period.start, end=period.end)
    result = {}
    for sector in SECTORS:
        reasons = counts_by([r for r in ended if r["sector"] == sector], "end_reason", END_REASONS)
        row = by_sector.get(sector, {})
        result[sector] = {
            "active_at_start": row.get("active_at_start", 0),
            "new": row.get("new", 0),
            "active_at_end": row.get("active_at_end", 0),
            "ended": partition(reasons),
        }
    return result


def table_contracts_by_quarter_granted(*, house: House, period: Period) -> dict:
    """Contracts still active at the end of the period, by the quarter they were granted (table 3)."""
    found = contracts_in_force_by_quarter_granted(house=house, day=period.end)
    return {sector: partition(found.get(sector, {})) for sector in SECTORS}


def table_holders_activity(*, house: House, period: Period) -> dict:
    """Contract holders in the period who used a bed of the sector in it, and those who did not (table 4)."""
    found = holder_activity(house=house, start=period.start, end=period.end)
    result = {}
    for sector in SECTORS:
        holders, active = found.get(sector, {}).get("holders", 0), found.get(sector, {}).get("active", 0)
        result[sector] = partition({"active": active, "inactive": holders - active}, total=holders)
    return result


def table_holders_age_gender(*, house: House, period: Period) -> dict:
    """Citizens with a contract in force at the end of the period, by age then and gender (tables 5, 10)."""
    rows = holders_by_age_gender(house=house, day=period.end)
    return {sector: age_gender_partition([r for r in rows if r["sector"] == sector]) for sector in SECTORS}


def _holders_by(field: str, keys, *, rows: list[dict], sector: str) -> dict:
    counts = counts_by([r for r in rows if r["sector"] == sector], field, list(keys) + ["unknown"])
    return partition(counts)


def table_referral_sources(*, house: House, period: Period) -> dict:
    """How contract holders in the period came to the house (tables 6, 7); blank = 'unknown'."""
    rows = holder_counts_by(house=house, start=period.start, end=period.end, field="referral_source")
    return {s: _holders_by("referral_source", REFERRAL_SOURCES[s], rows=rows, sector=s) for s in SECTORS}


def table_diagnoses(*, house: House, period: Period) -> dict:
    """Regional holders' main diagnosis group and how many of them have psychiatric comorbidity (table 8)."""
    keys = [*DIAGNOSIS_GROUPS, "unknown"]
    rows = holder_diagnoses(house=house, sector=Sector.REGION.value, start=period.start, end=period.end)
    return {Sector.REGION.value: {
        "diagnosis": partition(counts_by(rows, "diagnosis_group", keys)),
        "comorbidity": partition(counts_by(rows, "diagnosis_group", keys, value="comorbid")),
    }}


def table_treatment_responsibility(*, house: House, period: Period) -> dict:
    """Who holds treatment responsibility for regional holders (table 9)."""
    sector = Sector.REGION.value
    rows = holder_counts_by(house=house, start=period.start, end=period.end, field="treatment_responsibility",
                            sector=sector)
    return {sector: _holders_by("treatment_responsibility", ("clinic", "house"), rows=rows, sector=sector)}


def table_municipal_services(*, house: House, period: Period) -> dict:
    """Municipal services alongside (mestringsvejleder, ÅFR, both, none) among municipal holders (table 12).
    Only municipal contracts record them, so the table has no regional column (it would be 100 % unknown)."""
    sector = Sector.KOMMUNE.value
    rows = holder_counts_by(house=house, start=period.start, end=period.end, field="municipal_services",
                            sector=sector)
    return {sector: _holders_by("municipal_services", ("mestringsvejleder", "afr", "both", "none"), rows=rows,
                                sector=sector)}


def contracts_apply(*, house: House, period: Period) -> bool:
    """Whether the contract tables belong in the report: some sector's rules admit by self-request under a
    contract in the period, or a contract was in force in it anyway (history is never hidden)."""
    if sectors_using(house=house, period=period, rule=lambda p: p.admits_bsk):
        return True
    return contracts_in_force_exist(house=house, start=period.start, end=period.end)


# --- relations -------------------------------------------------------------------------------------------


def _contracts_relations(key: str, data: dict) -> Iterator[Relation]:
    """The ended reasons add up to the ended total, and the stock moves by what came and went: active at the
    end = active at the start + new − ended. The year before's end is this year's start, so without this
    relation a hidden ended total would be recoverable from printed figures the audit did not connect."""
    yield from partition_relations(key, data)
    for sector in data:
        yield Relation(total=(key, sector, "active_at_end"),
                       parts=((key, sector, "active_at_start"), (key, sector, "new")),
                       minus=((key, sector, "ended", "total"),))


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
    explanation=_("Aktive kontrakter ved periodens start, nye kontrakter i perioden, aktive kontrakter ved "
        "periodens slutning og afsluttede kontrakter med årsag."),
    footnote=_("En kontrakt er aktiv fra bevillingsdatoen til og med dagen før afslutningsdatoen."),
    sheet=_("Kontrakter"),
    build=table_contracts,
    relations=_contracts_relations,
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

"""Tables about stays: the stay table, citizens across sectors, occupancy, stays per month, nights by age
and gender, requests and those turned away, færdigbehandling (tables 13–19 of the 2022 evaluation)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from beds.aggregates import (
    CITIZENS_BY_STAYS,
    STAYS_BY_NIGHTS,
    faerdigbehandling_figures,
    request_counts,
    stay_citizens_across_sectors,
    stay_nights_by_age_gender,
    stay_table_figures,
    stays_by_arrival_month,
    stays_from_requests,
)
from psykiatrihus.models import House, Sector
from reporting.tables.periods import Period
from reporting.tables.querysets import SECTORS, age_gender_partition, counts_by, partition
from reporting.tables.registry import (
    Derived,
    Path,
    Relation,
    Table,
    partition_relations,
    per_part_of_buckets,
    register,
    same,
)

# --- the stay table --------------------------------------------------------------------------------


def _stay_table(figures: dict) -> dict:
    stays, citizens, nights = figures["stays"], figures["unique_citizens"], figures["nights"]
    return {
        "stays": stays,
        "unique_citizens": citizens,
        "nights": nights,
        "stays_per_citizen": round(stays / citizens, 2) if citizens else None,
        "nights_per_stay": round(nights / stays, 2) if stays else None,
        "max_stays_one_citizen": figures["max_stays_one_citizen"],
        "max_nights_one_citizen": figures["max_nights_one_citizen"],
        "citizens_by_stays": figures["citizens_by_stays"],
        "stays_by_nights": figures["stays_by_nights"],
    }


def _stay_tables(*, house: House, sectors: tuple[str, ...], period: Period) -> dict:
    """Stays with arrival in the period (ordinary stays that took place), per sector, in one query."""
    figures = stay_table_figures(house=house, sectors=sectors, start=period.start, end=period.end)
    return {sector: _stay_table(figures[sector]) for sector in sectors}


def table_stays_sector(*, house: House, sector: str, period: Period) -> dict:
    """The stay table of one sector (see `table_stays`)."""
    return _stay_tables(house=house, sectors=(sector,), period=period)[sector]


def table_stays(*, house: House, period: Period) -> dict:
    """The report's core stay table for both sectors, in one query."""
    return _stay_tables(house=house, sectors=SECTORS, period=period)


def table_stays_both_sectors(*, house: House, period: Period) -> dict:
    """Unique citizens with a stay in either sector, and how many used both: only ever in aggregate."""
    return stay_citizens_across_sectors(house=house, start=period.start, end=period.end)


def table_stays_per_month(*, house: House, period: Period) -> dict:
    """Stays per month of arrival, per sector (the chart)."""
    keys = [f"{y}-{m:02d}" for y, m in period.months()]
    found = stays_by_arrival_month(house=house, start=period.start, end=period.end)
    return {sector: partition({k: found.get(sector, {}).get(k, 0) for k in keys}) for sector in SECTORS}

# --- occupancy -------------------------------------------------------------------------------------


def table_occupancy(*, house: House, period: Period) -> dict | None:
    from beds.selectors import occupancy

    result = {}
    for sector in SECTORS:
        raw = occupancy(house=house, sector=sector, start=period.start, end=period.end)
        data = raw if isinstance(raw, dict) else vars(raw)
        result[sector] = {k: (float(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, int) else v)
                          for k, v in data.items() if not k.startswith("_")}
    return result


def table_nights_age_gender(*, house: House, period: Period) -> dict:
    """Nights of stays arriving in the period, by the citizen's age at arrival and gender (table 15)."""
    rows = stay_nights_by_age_gender(house=house, start=period.start, end=period.end)
    return {sector: age_gender_partition([r for r in rows if r["sector"] == sector]) for sector in SECTORS}


TURN_AWAY_REASONS = ("no_bed", "not_eligible", "no_contract", "other")
REQUEST_OUTCOMES = ("booked", "turned_away", "withdrawn", "pending")


def table_requests(*, house: House, period: Period) -> dict:
    """Requests for a stay in the period, and those turned away by reason (the house's idle-capacity goal),
    with the stays that took place and how many of them were booked from a recorded request: where staff
    book without recording the request, "led to a stay" and the share turned away say less than they seem."""
    rows = request_counts(house=house, start=period.start, end=period.end)
    stays = stays_from_requests(house=house, start=period.start, end=period.end)
    result = {}
    for sector in SECTORS:
        mine = [r for r in rows if r["sector"] == sector]
        result[sector] = {
            "outcomes": partition(counts_by(mine, "outcome", REQUEST_OUTCOMES)),
            "turned_away_reasons": partition(counts_by([r for r in mine if r["outcome"] == "turned_away"],
                                                      "turn_away_reason", TURN_AWAY_REASONS)),
            "stays": stays.get(sector, {}).get("stays", 0),
            "stays_with_request": stays.get(sector, {}).get("with_request", 0),
        }
    return result


FB_OUTCOMES = ("botilbud_107", "bostoette_85", "sl_110_99", "own_home", "readmitted", "other")


def table_faerdigbehandling(*, house: House, period: Period) -> dict:
    """Færdigbehandling stays: nights spent in the period, citizens, and outcomes of those ended (16, 17).

    Nights in the period are the overlap of [arrival date, departure date) with the period's days, so a
    six-month stay is shared fairly between quarters."""
    figures = faerdigbehandling_figures(house=house, start=period.start, end=period.end)
    return {Sector.KOMMUNE.value: {
        "nights": figures["nights"],
        "citizens": figures["citizens"],
        "outcomes": partition(counts_by(figures["outcomes"], "fb_outcome", FB_OUTCOMES)),
    }}


# --- relations -------------------------------------------------------------------------------------------


def _stays_relations(key: str, data: dict) -> Iterator[Relation]:
    for sector in data:
        yield Relation(total=(key, sector, "stays"),
                       parts=tuple((key, sector, "stays_by_nights", b) for b in STAYS_BY_NIGHTS))
        # the nights from the stays by length: each bucket adds what its stays can have (0–1, 2, ..., 5 or more)
        yield Relation(total=(key, sector, "nights"),
                       parts=tuple((key, sector, "stays_by_nights", b) for b in STAYS_BY_NIGHTS),
                       per_part=per_part_of_buckets(STAYS_BY_NIGHTS))
        yield Relation(total=(key, sector, "unique_citizens"),
                       parts=tuple((key, sector, "citizens_by_stays", b) for b in CITIZENS_BY_STAYS))
        # the same citizens, where every stay is under a contract (kept only where it holds in the data)
        yield same((key, sector, "unique_citizens"), ("holders_activity", sector, "counts", "active"))


def _stays_derived(key: str, data: dict) -> Iterator[Derived]:
    for sector in data:
        yield Derived((key, sector, "stays_per_citizen"), ((key, sector, "stays"), (key, sector, "unique_citizens")))
        yield Derived((key, sector, "nights_per_stay"), ((key, sector, "nights"), (key, sector, "stays")))


def _stays_flow(path: Path) -> bool:
    return path[-1] in ("stays", "nights") or "stays_by_nights" in path


def _both_sectors_relations(key: str, data: dict) -> Iterator[Relation]:
    # citizens in kommune + citizens in region = citizens in either + citizens in both
    yield Relation(total=("stays", "kommune", "unique_citizens"),
                   parts=((key, "unique_citizens"), (key, "citizens_in_both_sectors")),
                   minus=(("stays", "region", "unique_citizens"),))


def _occupancy_derived(key: str, data: dict) -> Iterator[Derived]:
    for sector, section in data.items():
        occupied = (key, sector, "bed_nights_occupied")
        for name in section:
            if name == "percent" or name.startswith("hours"):
                yield Derived((key, sector, name), (occupied,))


def _per_month_relations(key: str, data: dict) -> Iterator[Relation]:
    yield from partition_relations(key, data)
    for sector in data:
        yield same((key, sector, "total"), ("stays", sector, "stays"))


def _nights_relations(key: str, data: dict) -> Iterator[Relation]:
    yield from partition_relations(key, data)
    for sector in data:
        yield same((key, sector, "total"), ("stays", sector, "nights"))


def _requests_relations(key: str, data: dict) -> Iterator[Relation]:
    yield from partition_relations(key, data)
    for sector in data:
        yield same((key, sector, "outcomes", "counts", "turned_away"), (key, sector, "turned_away_reasons", "total"))
        yield same((key, sector, "stays"), ("stays", sector, "stays"))  # the same stays, counted twice


def _always(_path: Path) -> bool:
    return True


def _fb_flow(path: Path) -> bool:
    return path[-1] == "nights" or "outcomes" in path


# --- the registry ----------------------------------------------------------------------------------------


register(Table(
    key="stays",
    title=_("Ophold i overnatningspladserne (tabel 13, 14, 18 og 19)"),
    explanation=_("Antal ophold, unikke borgere og nætter pr. sektor, og fordelingen på antal ophold og længde."),
    footnote=_("Et ophold tælles i perioden for ankomstdatoen. Nætter = afrejsedato − ankomstdato (et ophold, der "
        "slutter samme dag, er 0 nætter). Aflyste ophold og udeblivelser tælles ikke; "
        "færdigbehandlingspladser er opgjort for sig."),
    sheet=_("Ophold"),
    build=table_stays,
    relations=_stays_relations,
    derived=_stays_derived,
    flow=_stays_flow,
))


register(Table(
    key="stays_both_sectors",
    title=_("Borgere på tværs af sektorerne"),
    explanation=_("Unikke borgere med ophold i mindst én af sektorerne, og hvor mange der har haft ophold i begge."),
    footnote=_("Kun som samlet tal; ophold med ankomst i perioden."),
    sheet=_("På tværs af sektorer"),
    build=table_stays_both_sectors,
    relations=_both_sectors_relations,
))


register(Table(
    key="occupancy",
    title=_("Belægning"),
    explanation=_("Belagte sengenætter i forhold til tilgængelige sengenætter, og brug i timer."),
    footnote=_("Tilgængelige sengenætter = aktive senge × nætter i perioden minus spærrede nætter. Belægning i "
        "procent = belagte / tilgængelige sengenætter. Timer: tid med en borger i sengen."),
    sheet=_("Belægning"),
    build=table_occupancy,
    derived=_occupancy_derived,
    # occupied bed-nights of a year are those of its quarters (a trend's quarter columns beside a year report)
    flow=lambda path: path[-1] == "bed_nights_occupied",
    not_counts=frozenset({"bed_nights_available", "hours_available"}),
))


register(Table(
    key="stays_per_month",
    title=_("Ophold pr. måned"),
    explanation=_("Antal ophold pr. ankomstmåned og sektor."),
    footnote=_("Et ophold tælles i måneden for ankomstdatoen."),
    sheet=_("Ophold pr. måned"),
    build=table_stays_per_month,
    relations=_per_month_relations,
    flow=_always,
))


register(Table(
    key="nights_age_gender",
    title=_("Overnatninger efter alder og køn (tabel 15)"),
    explanation=_("Nætter i ophold med ankomst i perioden, efter borgerens alder ved ankomst og køn."),
    footnote=_("Alder ved ankomst; køn efter CPR-nummeret."),
    sheet=_("Nætter efter alder og køn"),
    build=table_nights_age_gender,
    relations=_nights_relations,
    flow=_always,
))


register(Table(
    key="requests",
    title=_("Henvendelser og afviste henvendelser"),
    explanation=_("Henvendelser om ophold i perioden, hvor mange der førte til ophold, og hvor mange der blev "
        "afvist, med årsag."),
    footnote=_("Huset skal kunne imødekomme en henvendelse samme dag; en afvist henvendelse registreres altid. "
               "'Ophold': ophold med ankomst i perioden; 'heraf booket fra en henvendelse': de ophold, "
               "der er booket fra en registreret henvendelse."),
    sheet=_("Henvendelser"),
    build=table_requests,
    relations=_requests_relations,
    flow=_always,
))


register(Table(
    key="faerdigbehandling",
    title=_("Færdigbehandlingspladser (tabel 16 og 17)"),
    explanation=_("Nætter på færdigbehandlingspladserne i perioden, antal borgere og udfald af afsluttede forløb."),
    footnote=_("Nætter i perioden er den del af forløbet, der ligger i perioden. Udfald for forløb afsluttet "
        "i perioden."),
    sheet=_("Færdigbehandling"),
    build=table_faerdigbehandling,
    relations=partition_relations,
    flow=_fb_flow,
))

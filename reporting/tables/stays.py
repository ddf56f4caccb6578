"""Tables about stays: the stay table, citizens across sectors, occupancy, stays per month, nights by age
and gender, requests and those turned away, færdigbehandling (tables 13–19 of the 2022 evaluation)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from beds.models import Stay, StayRequest
from psykiatrihus.models import House, Sector
from reporting.tables.periods import Period
from reporting.tables.querysets import (
    COUNTED_STAY_STATUSES,
    SECTORS,
    Age,
    age_band,
    age_gender_partition,
    counts_by,
    partition,
    stays_in_period,
)
from reporting.tables.registry import Derived, Path, Relation, Table, partition_relations, register, same

CITIZENS_BY_STAYS = ("1-2", "3-9", "10+")
STAYS_BY_NIGHTS = ("0-1", "2", "3", "4", "5+")

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
        rows = (stays_in_period(house=house, sector=sector, period=period)
                .annotate(y=ExtractYear("arrival_date"), m=ExtractMonth("arrival_date"))
                .values("y", "m").annotate(n=Count("id")))
        found = {f"{r['y']}-{r['m']:02d}": r["n"] for r in rows}
        result[sector] = partition({k: found.get(k, 0) for k in keys})
    return result

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
    result = {}
    for sector in SECTORS:
        rows = (stays_in_period(house=house, sector=sector, period=period)
                .annotate(age_years=Age(F("arrival_date"), F("citizen__birth_date")))
                .annotate(band=age_band("age_years"), gender=F("citizen__gender"))
                .values("band", "gender").annotate(n=Sum("nights")))
        result[sector] = age_gender_partition(rows)
    return result


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
    # The stays that took place, and how many of them were booked from a recorded request: where staff book
    # without recording the request, "led to a stay" and the share turned away say less than they seem to.
    linked = StayRequest.objects.filter(stay_id=OuterRef("pk"))
    stays = {r["sector"]: r for r in (
        Stay.objects.filter(house=house, status__in=COUNTED_STAY_STATUSES, kind="ordinary",
                            arrival_date__gte=period.start, arrival_date__lte=period.end)
        .order_by().values("sector").annotate(n=Count("id"), linked=Count("id", filter=Exists(linked))))}
    result = {}
    for sector in SECTORS:
        mine = [r for r in rows if r["sector"] == sector]
        result[sector] = {
            "outcomes": partition(counts_by(mine, "outcome", REQUEST_OUTCOMES)),
            "turned_away_reasons": partition(counts_by([r for r in mine if r["outcome"] == "turned_away"],
                                                      "turn_away_reason", TURN_AWAY_REASONS)),
            "stays": stays.get(sector, {}).get("n", 0),
            "stays_with_request": stays.get(sector, {}).get("linked", 0),
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
        "outcomes": partition(counts_by(outcome_rows, "fb_outcome", FB_OUTCOMES)),
    }}


# --- relations -------------------------------------------------------------------------------------------


def _stays_relations(key: str, data: dict) -> Iterator[Relation]:
    for sector in data:
        yield Relation(total=(key, sector, "stays"),
                       parts=tuple((key, sector, "stays_by_nights", b) for b in STAYS_BY_NIGHTS))
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

"""Aggregates over stays that other apps' figures need (the report's stay tables, the mirror image's nights
in the house, ORS at the stay's start). Plain values only; the ids given stay inside the house."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Avg, Count, DateField, ExpressionWrapper, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from beds.models import FaerdigbehandlingOutcome, Stay, TurnAwayReason
from contracts.aggregates.citizens import Age, age_band
from psykiatrihus.models import House

# Stays that took place: the booked future and cancelled or no-show stays used no night.
USED_STATUSES = ["checked_in", "checked_out"]
CITIZENS_BY_STAYS = ("1-2", "3-9", "10+")
STAYS_BY_NIGHTS = ("0-1", "2", "3", "4", "5+")

NIGHTS_IN_WINDOWS_SQL = """
SELECT coalesce(sum(GREATEST(0, LEAST(s.arrival_date + s.nights, w.until) - GREATEST(s.arrival_date, w.since))), 0)
FROM unnest(%(ids)s::bigint[], %(since)s::date[], %(until)s::date[]) AS w(citizen_id, since, until)
JOIN beds_stay s ON s.citizen_id = w.citizen_id AND s.house_id = %(house)s AND s.status = ANY(%(statuses)s)
    AND s.arrival_date < w.until AND s.arrival_date + s.nights > w.since
"""


def stay_nights_in_windows(*, house: House,
                           windows: list[tuple[int, datetime.date, datetime.date]]) -> int:
    """Nights of the house's stays (either sector, any kind) that fall inside each citizen's window
    [since, until): the nights arrival date <= d < departure date with since <= d < until."""
    if not windows:
        return 0
    ids, since, until = (list(column) for column in zip(*windows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(NIGHTS_IN_WINDOWS_SQL, {"ids": ids, "since": since, "until": until, "house": house.pk,
                                               "statuses": USED_STATUSES})
        return int(cursor.fetchone()[0])


def ors_at_stay_start(*, house: House, sector: str, start: datetime.date, end: datetime.date) -> dict:
    """FIT's ORS (0-40) recorded at the start of the sector's stays arriving in [start, end]: how many stays
    have one, and their mean (None without any)."""
    agg = (Stay.objects.filter(house=house, sector=sector, status__in=USED_STATUSES, arrival_date__gte=start,
                               arrival_date__lte=end, ors_score__isnull=False)
           .aggregate(n=Count("id"), mean=Avg("ors_score")))
    return {"stays_with_ors": agg["n"], "mean_ors": round(float(agg["mean"]), 1) if agg["mean"] is not None else None}


def _used_stays(*, house: House, start: datetime.date, end: datetime.date):
    """The house's ordinary stays that took place with arrival in [start, end]."""
    return Stay.objects.filter(house=house, status__in=USED_STATUSES, kind="ordinary", arrival_date__gte=start,
                               arrival_date__lte=end).order_by()


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


def stay_table_figures(*, house: House, sectors: tuple[str, ...], start: datetime.date,
                       end: datetime.date) -> dict[str, dict]:
    """Per sector, the ordinary stays that took place with arrival in [start, end]: `stays`,
    `unique_citizens`, `nights`, the most stays and nights of one citizen, citizens by their number of stays
    (`CITIZENS_BY_STAYS`) and stays by nights (`STAYS_BY_NIGHTS`); zeros for a sector without stays. One
    statement: a per-citizen aggregate, aggregated again per sector."""
    with connection.cursor() as cursor:
        cursor.execute(STAY_TABLE_SQL, {"house": house.pk, "sectors": list(sectors), "statuses": USED_STATUSES,
                                        "start": start, "end": end})
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    result = {}
    for sector in sectors:
        stays, citizens, nights, max_stays, max_nights, c12, c39, c10, b01, b2, b3, b4, b5 = (
            int(f or 0) for f in (found.get(sector) or (0,) * 13))
        result[sector] = {
            "stays": stays, "unique_citizens": citizens, "nights": nights,
            "max_stays_one_citizen": max_stays, "max_nights_one_citizen": max_nights,
            "citizens_by_stays": dict(zip(CITIZENS_BY_STAYS, (c12, c39, c10), strict=True)),
            "stays_by_nights": dict(zip(STAYS_BY_NIGHTS, (b01, b2, b3, b4, b5), strict=True)),
        }
    return result


def stay_citizens_across_sectors(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Unique citizens with an ordinary stay arriving in [start, end] in either sector, and how many of them
    had one in both."""
    per_citizen = (_used_stays(house=house, start=start, end=end)
                   .values("citizen_id").annotate(sectors=Count("sector", distinct=True)))
    agg = per_citizen.aggregate(unique=Count("citizen_id"), both=Count("citizen_id", filter=Q(sectors__gte=2)))
    return {"unique_citizens": agg["unique"], "citizens_in_both_sectors": agg["both"]}


def stays_by_arrival_month(*, house: House, start: datetime.date, end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector, ordinary stays that took place by month of arrival in [start, end] (`"2021-03"`); months
    without stays are absent. One query."""
    rows = (_used_stays(house=house, start=start, end=end)
            .annotate(y=ExtractYear("arrival_date"), m=ExtractMonth("arrival_date"))
            .values("sector", "y", "m").annotate(n=Count("id")))
    result: dict[str, dict[str, int]] = {}
    for r in rows:
        result.setdefault(r["sector"], {})[f"{r['y']}-{r['m']:02d}"] = r["n"]
    return result


def stay_nights_by_age_gender(*, house: House, start: datetime.date, end: datetime.date) -> list[dict]:
    """Nights of the ordinary stays that took place with arrival in [start, end], by the citizen's age at
    arrival and gender: rows `{"sector", "band", "gender", "n"}`. One query."""
    return list(_used_stays(house=house, start=start, end=end)
                .annotate(age_years=Age(F("arrival_date"), F("citizen__birth_date")))
                .annotate(band=age_band("age_years"), gender=F("citizen__gender"))
                .values("sector", "band", "gender").annotate(n=Sum("nights")))


def faerdigbehandling_figures(*, house: House, start: datetime.date, end: datetime.date) -> dict:
    """Færdigbehandling stays: `nights` spent in [start, end] (the overlap of [arrival, departure) with its
    days, so a six-month stay is shared fairly between quarters), distinct `citizens` of the stays
    overlapping it, and `outcomes`: rows `{"fb_outcome", "n"}` of the stays checked out in it."""
    end_excl = end + datetime.timedelta(days=1)
    qs = Stay.objects.filter(house=house, kind="faerdigbehandling", status__in=USED_STATUSES).order_by()
    departure_date = ExpressionWrapper(F("arrival_date") + F("nights"), output_field=DateField())
    overlapping = qs.annotate(dep=departure_date).filter(arrival_date__lte=end).filter(
        Q(dep__gt=start) | Q(arrival_date__gte=start)
    )
    overlap_nights = Func(
        Value(0), Func(Func(F("dep"), Value(end_excl), function="LEAST"),
                       Func(F("arrival_date"), Value(start), function="GREATEST"), function="",
                       arg_joiner=" - "),
        function="GREATEST", output_field=IntegerField(),
    )
    agg = overlapping.aggregate(nights=Coalesce(Sum(overlap_nights), 0), citizens=Count("citizen_id", distinct=True))
    outcomes = list(qs.annotate(dep=departure_date).filter(status="checked_out", dep__gte=start, dep__lte=end)
                    .values("fb_outcome").annotate(n=Count("id")))
    return {"nights": int(agg["nights"]), "citizens": agg["citizens"], "outcomes": outcomes}


def stay_choice_labels() -> dict[str, str]:
    """The Danish labels of the values the stay tables are keyed by (active language): reasons for turning a
    request away, outcomes of færdigbehandling."""
    labels: dict[str, str] = {}
    for choices in (TurnAwayReason, FaerdigbehandlingOutcome):
        labels.update({c.value: str(c.label) for c in choices})
    return labels


def first_arrival(*, house: House) -> datetime.date | None:
    """The arrival date of the house's first stay that took place (None without any): where its history
    begins when its opening date is not recorded."""
    from django.db.models import Min

    return Stay.objects.filter(house=house, status__in=USED_STATUSES).aggregate(first=Min("arrival_date"))["first"]

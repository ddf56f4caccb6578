"""Benchmark: the stay table for one house-year on five years of data, against a hand-written SQL query.

Run: `.venv/bin/python bench/stay_table.py [--years 5] [--stays-per-year 2000] [--repeat 15]`.
It builds a throwaway database (the Django test database machinery), fills five years of stays for one
house (about 2,000 stays a year over 16 beds, ~500 citizens, as in Aarhus 2021), then times in the same
run: (a) `reporting.selectors.table_stays` (both sectors) and (b) one hand-written SQL query computing the
same figures for both sectors; checks that the figures agree; and times a full-year PDF. Results are
printed and written to bench/results/stay_table.json.
"""

from __future__ import annotations

import argparse
import datetime
import heapq
import json
import logging
import os
import random
import statistics
import sys
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psykiatrihus.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("weasyprint").setLevel(logging.WARNING)

from django.db import connection  # noqa: E402
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange  # noqa: E402

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")

HAND_SQL = """
WITH per_citizen AS (
    SELECT sector, citizen_id, COUNT(*) AS n, SUM(nights) AS cn,
           COUNT(*) FILTER (WHERE nights <= 1) AS b01, COUNT(*) FILTER (WHERE nights = 2) AS b2,
           COUNT(*) FILTER (WHERE nights = 3) AS b3, COUNT(*) FILTER (WHERE nights = 4) AS b4,
           COUNT(*) FILTER (WHERE nights >= 5) AS b5
    FROM beds_stay
    WHERE house_id = %(house)s AND arrival_date BETWEEN %(start)s AND %(end)s
      AND status IN ('checked_in', 'checked_out') AND kind = 'ordinary'
    GROUP BY sector, citizen_id
)
SELECT sector, SUM(n), COUNT(*), SUM(cn), MAX(n), MAX(cn),
       COUNT(*) FILTER (WHERE n <= 2), COUNT(*) FILTER (WHERE n BETWEEN 3 AND 9), COUNT(*) FILTER (WHERE n >= 10),
       SUM(b01), SUM(b2), SUM(b3), SUM(b4), SUM(b5)
FROM per_citizen GROUP BY sector
"""


def hand_written(*, house_id: int, start: datetime.date, end: datetime.date) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, {"house": house_id, "start": start, "end": end})
        rows = cursor.fetchall()
    result = {}
    for sector, stays, citizens, nights, max_n, max_cn, c12, c39, c10, b01, b2, b3, b4, b5 in rows:
        stays, citizens, nights = int(stays), int(citizens), int(nights)
        result[sector] = {
            "stays": stays, "unique_citizens": citizens, "nights": nights,
            "stays_per_citizen": round(stays / citizens, 2), "nights_per_stay": round(nights / stays, 2),
            "max_stays_one_citizen": int(max_n), "max_nights_one_citizen": int(max_cn),
            "citizens_by_stays": {"1-2": c12, "3-9": c39, "10+": c10},
            "stays_by_nights": {"0-1": int(b01), "2": int(b2), "3": int(b3), "4": int(b4), "5+": int(b5)},
        }
    return result


def populate(*, years: int, stays_per_year: int, seed: int = 7) -> tuple:
    """Five years of stays for Aarhus. Citizens and contracts go through the services; stays are inserted
    in bulk (valid against the exclusion constraints: back-to-back per bed, one stay at a time per citizen)."""
    from beds.models import Bed, Stay
    from contracts.services import citizen_create, contract_create
    from psykiatrihus.services import house_setup

    rng = random.Random(seed)
    house = house_setup(slug="aarhus", name="Psykiatriens Hus i Aarhus", municipal_beds=8, regional_beds=8,
                        faerdigbehandling_beds=2)
    first_year = 2022 - years
    citizens = {"kommune": [], "region": []}
    for i in range(500):
        sector = "kommune" if i % 2 == 0 else "region"
        birth = datetime.date(1945 + rng.randrange(58), 1 + rng.randrange(12), 1 + rng.randrange(28))
        century_digit = 4 if birth.year >= 2000 else 0
        cpr = f"{birth:%d%m%y}{century_digit}{i:03d}"
        citizen = citizen_create(house=house, sector=sector, name=f"Borger {i}", cpr=cpr)
        contract = contract_create(house=house, citizen=citizen, sector=sector,
                                   granted_on=datetime.date(first_year, 1, 1), referral_source="andet")
        # a skewed use: some citizens come often, most rarely
        citizens[sector].append((citizen, contract, rng.paretovariate(1.2)))
    busy_until: dict[int, datetime.datetime] = {}
    stays = []
    beds = list(Bed.objects.filter(house=house, active=True))
    # a bed cycle is ~2 nights of stay plus a gap; the gap is tuned to give `stays_per_year` over all beds
    mean_gap = max(0.0, 365 / (stays_per_year / len(beds)) - 2.0)
    end = datetime.datetime(2022, 1, 1, tzinfo=TZ)
    # time-major: always advance the bed whose clock is earliest, so citizens are free when asked
    clocks = [(datetime.datetime(first_year, 1, 1, 14, tzinfo=TZ), i) for i in range(len(beds))]
    heapq.heapify(clocks)
    while clocks:
        clock, i = heapq.heappop(clocks)
        if clock >= end:
            continue
        bed = beds[i]
        pool = citizens[bed.sector]
        nights = rng.choices([0, 1, 2, 3, 4, 5, 7], weights=[8, 30, 28, 26, 4, 3, 1])[0]
        clock += datetime.timedelta(days=int(rng.expovariate(1 / mean_gap)) if mean_gap else 0)
        arrival = clock.replace(hour=14)
        departure = (arrival + datetime.timedelta(days=nights)).replace(hour=10 if nights else 20)
        for _attempt in range(20):
            citizen, contract, _w = rng.choices(pool, weights=[w for _c, _k, w in pool])[0]
            if busy_until.get(citizen.pk, arrival) <= arrival:
                break
        else:
            heapq.heappush(clocks, (departure + datetime.timedelta(days=1), i))
            continue
        busy_until[citizen.pk] = departure
        stays.append(Stay(house=house, bed=bed, sector=bed.sector, citizen=citizen, contract=contract,
                          status="checked_out", arrival=arrival, planned_departure=departure,
                          checked_in_at=arrival, checked_out_at=departure,
                          period=DateTimeTZRange(arrival, departure), arrival_date=arrival.date(),
                          nights=(departure.date() - arrival.date()).days, imported=True))
        heapq.heappush(clocks, (departure if nights else departure + datetime.timedelta(days=1), i))
    Stay.objects.bulk_create(stays, batch_size=2000)
    return house, len(stays)


def timed_pair(a, b, repeat: int) -> tuple[float, float]:
    """Median seconds of `a` and `b`, alternating so load on the machine hits both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, bucket in ((a, samples[0]), (b, samples[1])):
            t0 = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - t0)
    return statistics.median(samples[0]), statistics.median(samples[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--stays-per-year", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from reporting.report_files import render_pdf
    from reporting.selectors import period_for, report_data, table_stays

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        t0 = time.perf_counter()
        house, n_stays = populate(years=args.years, stays_per_year=args.stays_per_year)
        populate_s = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        year = 2021
        period = period_for(year=year)
        ours = table_stays(house=house, period=period)
        theirs = hand_written(house_id=house.pk, start=period.start, end=period.end)
        assert ours == theirs, f"figures differ:\n{ours}\n{theirs}"
        selector_s, sql_s = timed_pair(
            lambda: table_stays(house=house, period=period),
            lambda: hand_written(house_id=house.pk, start=period.start, end=period.end),
            args.repeat,
        )
        t0 = time.perf_counter()
        data = report_data(house=house, period=period)
        previous = report_data(house=house, period=period.previous_year())
        pdf = render_pdf(data=data, previous=previous)
        pdf_s = time.perf_counter() - t0
        result = {
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "stays_total": n_stays, "years": args.years, "house_year": year,
            "stays_in_year": ours["kommune"]["stays"] + ours["region"]["stays"],
            "selector_median_ms": round(selector_s * 1000, 2),
            "hand_sql_median_ms": round(sql_s * 1000, 2),
            "ratio_selector_to_hand_sql": round(selector_s / sql_s, 2),
            "full_year_pdf_s": round(pdf_s, 2), "pdf_bytes": len(pdf),
            "populate_s": round(populate_s, 1), "repeat": args.repeat,
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "stay_table.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:30} {value}")


if __name__ == "__main__":
    main()

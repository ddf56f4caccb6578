"""Benchmark 1: load a national data set through the project's own bulk import (`beds.services.stays_import`).

Default size: 100 houses × 16 beds (8 municipal, 8 regional) × 5 years ≈ 0.9–1M stays, ~400 citizens and
~500 contracts per house (the importer creates one imported contract per citizen and sector). The database
under `.data/bench` is dropped and rebuilt first; the other benchmarks reuse it.

Floor: PostgreSQL `COPY` of the same rows into an unindexed temporary table (the cost of just moving the
bytes), measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

MUNICIPAL_BEDS = REGIONAL_BEDS = 8
FB_BEDS = 2
CITIZENS_KOMMUNE_ONLY, CITIZENS_REGION_ONLY, CITIZENS_BOTH = 150, 150, 100
NIGHTS = [0, 1, 2, 3, 4, 5, 6, 7]
NIGHT_WEIGHTS = [4, 26, 30, 30, 5, 2, 2, 1]
GAPS = [0, 1, 2, 3, 4, 5, 6]
GAP_WEIGHTS = [55, 30, 9, 3, 1, 1, 1]


def database_reset() -> None:
    """Drop and recreate the bench database (only under the bench data dir; never the dev database)."""
    import pgserver

    pg_dir = common.data_dir() / "pg"
    assert "bench" in str(pg_dir), pg_dir
    pg_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pg_dir, cleanup_mode="stop")
    server.psql("DROP DATABASE IF EXISTS psykiatrihus WITH (FORCE);")
    globals()["_server"] = server


def cprs(rng: random.Random, n: int, taken: set[str], house_index: int) -> list[str]:
    """`n` distinct valid CPR numbers (born 1940–1999). The serial (7th–10th digit, 7th in 0–4 or 9 means
    the 1900s for these years) is drawn from a block only this house uses, so houses imported in parallel
    never share a citizen by accident."""
    out = []
    while len(out) < n:
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(60 * 365))
        combo = rng.randrange(60) * 100 + house_index % 100
        digits = f"{born:%d%m%y}{'012349'[combo // 1000]}{combo % 1000:03d}"
        if digits not in taken:
            taken.add(digits)
            out.append(digits)
    return out


def house_rows(*, index: int, start: datetime.date, end: datetime.date, taken: set[str]) -> list[dict]:
    """Stays on every bed from `start` to `end` with realistic lengths, gaps and repeat users; no citizen
    ever has two stays at once (the importer would refuse the file)."""
    rng = random.Random(1000 + index)
    people = cprs(rng, CITIZENS_KOMMUNE_ONLY + CITIZENS_REGION_ONLY + CITIZENS_BOTH, taken, index)
    kommune_only = people[:CITIZENS_KOMMUNE_ONLY]
    region_only = people[CITIZENS_KOMMUNE_ONLY:CITIZENS_KOMMUNE_ONLY + CITIZENS_REGION_ONLY]
    both = people[CITIZENS_KOMMUNE_ONLY + CITIZENS_REGION_ONLY:]
    pools = {"kommune": kommune_only + both, "region": region_only + both}
    # Repeat users: a few citizens use the house far more than most (weights ~ 1/rank).
    weights = {s: [1.0 / (1 + r) ** 0.8 for r in range(len(p))] for s, p in pools.items()}
    for s in pools:
        rng.shuffle(pools[s])
    stays: list[tuple[datetime.datetime, datetime.datetime, str, str]] = []
    beds = [("kommune", f"K{i}") for i in range(1, MUNICIPAL_BEDS + 1)]
    beds += [("region", f"R{i}") for i in range(1, REGIONAL_BEDS + 1)]
    for sector, label in beds:
        day = start + datetime.timedelta(days=rng.randrange(3))
        while True:
            nights = rng.choices(NIGHTS, NIGHT_WEIGHTS)[0]
            arrival = datetime.datetime.combine(day, datetime.time(13 + rng.randrange(5), rng.randrange(60)))
            leave_day = day + datetime.timedelta(days=nights)
            if nights == 0:
                departure = arrival + datetime.timedelta(hours=4)
            else:
                departure = datetime.datetime.combine(leave_day, datetime.time(9 + rng.randrange(3), rng.randrange(60)))
            if leave_day >= end:
                break
            stays.append((arrival, departure, sector, label))
            # A day stay (0 nights) leaves in the evening: the next guest comes the next day at the earliest.
            day = leave_day + datetime.timedelta(days=rng.choices(GAPS, GAP_WEIGHTS)[0] + (nights == 0))
    stays.sort()
    busy_until: dict[str, datetime.datetime] = {}
    rows = []
    for arrival, departure, sector, label in stays:
        pool, w = pools[sector], weights[sector]
        for _attempt in range(50):
            cpr = rng.choices(pool, w)[0]
            if busy_until.get(cpr, arrival) <= arrival:
                break
        else:
            cpr = next(c for c in pool if busy_until.get(c, arrival) <= arrival)
        busy_until[cpr] = departure
        rows.append({"cpr": cpr, "sector": sector, "bed": label, "arrival": arrival.isoformat(timespec="minutes"),
                     "departure": departure.isoformat(timespec="minutes")})
    return rows


def copy_floor(rows: list[dict]) -> float:
    """Seconds to COPY the same rows into an unindexed temporary table (the floor)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS bench_floor (cpr text, sector text, bed text, "
                    "arrival timestamptz, departure timestamptz)")
        started = time.perf_counter()
        with cur.copy("COPY bench_floor (cpr, sector, bed, arrival, departure) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r["cpr"], r["sector"], r["bed"], r["arrival"], r["departure"]))
        raw.commit()
        took = time.perf_counter() - started
        cur.execute("TRUNCATE bench_floor")
        raw.commit()
    return took


def load_house(job: tuple[int, datetime.date, datetime.date]) -> dict:
    """Generate one house's history and import it through `beds.services.stays_import` (in a pool worker)."""
    from beds.services import stays_import
    from psykiatrihus.models import House

    index, start, end = job
    house = House.objects.get(slug=common.house_slug(index))
    began = time.perf_counter()
    rows = house_rows(index=index, start=start, end=end, taken=set())
    generated = time.perf_counter()
    stays_import(house=house, rows=rows)
    imported = time.perf_counter()
    floor = copy_floor(rows)
    return {"rows": len(rows), "import": imported - generated, "floor": floor, "generate": generated - began}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=None, help="houses (default BENCH_HOUSES or 100)")
    parser.add_argument("--years", type=float, default=None, help="years of history (default BENCH_YEARS or 5)")
    parser.add_argument("--keep", action="store_true", help="keep an existing bench database")
    parser.add_argument("--jobs", type=int, default=2, help="houses imported in parallel (default 2 = cores)")
    args = parser.parse_args(argv)
    env = common.bench_env()
    houses = args.houses or int(env["BENCH_HOUSES"])
    years = args.years or float(env["BENCH_YEARS"])

    report = common.Report("national_load", "1. National data set through the bulk import")
    if not args.keep:
        database_reset()
    common.django_setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from beds.models import Stay
    from contracts.models import Citizen, Contract
    from psykiatrihus.models import House
    from psykiatrihus.services import house_setup

    t: dict[str, float] = {}
    with common.timed(t, "migrate"):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)

    today = datetime.date.today()
    start = today - datetime.timedelta(days=int(round(365.25 * years)))
    started = time.perf_counter()
    houses_to_load = []
    for i in range(1, houses + 1):
        house = house_setup(slug=common.house_slug(i), name=f"Psykiatriens Hus {i:03d}",
                            municipal_beds=MUNICIPAL_BEDS, regional_beds=REGIONAL_BEDS, faerdigbehandling_beds=FB_BEDS)
        House.objects.filter(pk=house.pk).update(opened_on=start)
        if not Stay.objects.filter(house=house).exists():
            houses_to_load.append(i)
    setup_seconds = time.perf_counter() - started

    # One import per house, `--jobs` at a time (a national migration would run houses side by side).
    connections.close_all()
    totals = {"rows": 0, "import": 0.0, "floor": 0.0, "generate": 0.0}
    started = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes=max(1, args.jobs), maxtasksperchild=20) as pool:
        work = [(i, start, today) for i in houses_to_load]
        for n, result in enumerate(pool.imap_unordered(load_house, work), start=1):
            for key in totals:
                totals[key] += result[key]
            if n % 10 == 0 or n == len(work):
                print(f"  … {n}/{len(work)} houses, {totals['rows']:,} rows, "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
    wall = time.perf_counter() - started
    total_rows, floor_seconds = totals["rows"], totals["floor"]

    with common.timed(t, "analyze"):
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")

    report.data_size(houses=House.objects.filter(slug__startswith=common.PREFIX).count(),
                     beds=houses * (MUNICIPAL_BEDS + REGIONAL_BEDS), years=years,
                     stays=Stay.objects.count(), citizens=Citizen.objects.count(),
                     contracts=Contract.objects.count())
    if total_rows:
        report.figure(f"import (stays_import per house, {args.jobs} in parallel)",
                      f"{wall:.0f} s wall ({total_rows / wall:,.0f} rows/s; "
                      f"{totals['import'] / len(houses_to_load):.1f} s per house)",
                      floor_label="COPY of the same rows into an unindexed table", floor=f"{floor_seconds:.1f} s",
                      ratio=wall / floor_seconds if floor_seconds else None,
                      raw={"wall_s": wall, "import_s": totals["import"], "floor_s": floor_seconds,
                           "rows": total_rows, "jobs": args.jobs})
    else:
        report.note("database kept: nothing imported")
    report.note(f"migrate {t['migrate']:.1f} s, house setup {setup_seconds:.1f} s, "
                f"row generation {totals['generate']:.1f} s, VACUUM ANALYZE {t['analyze']:.1f} s (not in the figure)")
    report.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Bed board on five years of history for one house: median response time as a ratio to a trivial page.

    python bench/bed_board.py [--years 5] [--requests 40]

Loads (idempotently, through `beds.services.stays_import`) `--years` of stays on the 16 beds of the house
`bench-board` in the bench database (`.data/bench`, never the dev database), then times the board
(`beds:board`, 16 beds × 14 nights from today, logged in as a leader who sees names in both sectors)
against the front page (the trivial authenticated page: same middleware, session, base template and menu),
interleaved in the same run. Requests go through Django's test client in this process (no network), with
DEBUG off. Prints the data size, both medians, the ratio and the board's query count.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

SLUG = "bench-board"
TZ = ZoneInfo("Europe/Copenhagen")


def history_rows(*, years: float, today: datetime.date) -> list[dict]:
    """Back-to-back stays of 1–5 nights on every bed, 300 citizens per sector, no citizen in two beds at once."""
    rng = random.Random(5)
    start = today - datetime.timedelta(days=int(365.25 * years))
    slots = []
    for sector, prefix in (("kommune", "K"), ("region", "R")):
        for n in range(1, 9):
            day = start + datetime.timedelta(days=rng.randrange(0, 3))
            while day < today:
                nights = rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 25, 10, 5])[0]
                arrival = datetime.datetime.combine(day, datetime.time(14), tzinfo=TZ)
                departure = datetime.datetime.combine(day + datetime.timedelta(days=nights), datetime.time(10),
                                                      tzinfo=TZ)
                slots.append((arrival, departure, sector, f"{prefix}{n}"))
                day += datetime.timedelta(days=nights + rng.choice([0, 0, 1, 2]))
    slots.sort()
    free_at: dict[str, datetime.datetime] = {}
    rows = []
    for arrival, departure, sector, label in slots:
        base = 2000 if sector == "kommune" else 4000
        for _ in range(50):
            i = rng.randrange(300)
            cpr = f"{(datetime.date(1950, 1, 1) + datetime.timedelta(days=i * 37)):%d%m%y}{base // 2 + i:04d}"
            if free_at.get(cpr, arrival) <= arrival:
                break
        else:
            continue
        free_at[cpr] = departure
        rows.append({"cpr": cpr, "sector": sector, "bed": label, "arrival": arrival.isoformat(),
                     "departure": departure.isoformat()})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    args = parser.parse_args(argv)
    common.django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from beds.models import Stay
    from beds.services import stays_import
    from psykiatrihus.models import Role
    from psykiatrihus.services import house_setup, membership_grant, user_create

    report = common.Report("bed_board", "Bed board on five years of one house's history")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)  # DEBUG off: hashed static manifest
    house = house_setup(slug=SLUG, name="Psykiatriens Hus (bench, bed board)", municipal_beds=8, regional_beds=8,
                        faerdigbehandling_beds=2)
    today = datetime.date.today()
    rows = history_rows(years=args.years, today=today)
    started = time.perf_counter()
    result = stays_import(house=house, rows=rows)
    import_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE beds_stay")
    user = user_create(username="bench-board-leder", password=common.PASSWORD)
    membership_grant(user=user, house=house, role=Role.LEADER)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    board_url = reverse("beds:board")
    stays = Stay.objects.filter(house=house).count()
    report.data_size(house=SLUG, beds=16, years=args.years, stays=stays,
                     first_arrival=str(Stay.objects.filter(house=house).order_by("arrival").first().arrival_date),
                     total_stays_in_db=Stay.objects.count(), timed_requests_per_page=args.requests)
    report.note(f"import: {result.created} new stays, {result.skipped} already there, {import_seconds:.1f} s")

    def get(url):
        def call():
            response = client.get(url, {"fra": today.isoformat()} if url == board_url else None)
            assert response.status_code == 200, response.status_code
        return call

    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        get(board_url)()
    trivial, board = common.compare(get("/"), get(board_url), times=args.requests, warmup=3)
    floor, med = common.median(trivial), common.median(board)
    report.figure("trivial authenticated page (/) median", common.ms(floor), raw={"median": floor})
    report.figure("bed board (16 beds × 14 nights) median", common.ms(med), floor_label="trivial page median",
                  floor=common.ms(floor), ratio=med / floor, target=3.0,
                  raw={"median": med, "p95": common.p95(board), "queries": len(executed)})
    report.note(f"board queries per request: {len(executed)} (independent of history size)")
    # The idle 20-second poll: the grid asked again with the ETag it got, nothing changed -> 304.
    grid_url = reverse("beds:board_grid")
    etag = client.get(grid_url, {"fra": today.isoformat()}, HTTP_HX_REQUEST="true")["ETag"]

    def idle_poll():
        response = client.get(grid_url, {"fra": today.isoformat()}, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, response.status_code

    trivial2, idle = common.compare(get("/"), idle_poll, times=args.requests, warmup=3)
    floor2, idle_med = common.median(trivial2), common.median(idle)
    report.figure("idle board poll (304 Not Modified) median", common.ms(idle_med), floor_label="trivial page median",
                  floor=common.ms(floor2), ratio=idle_med / floor2, target=0.2, raw={"median": idle_med})
    report.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())

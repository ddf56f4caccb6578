"""Benchmark 3: booking throughput under contention through the API, with zero double bookings.

`--clients` threads (20) each try to book every (bed, night) slot of the regional beds of one house over
`--nights` future nights, in the same order, each for its own citizen: every slot is fought over by all
clients at once. PostgreSQL's exclusion constraints decide; the losers get 409. Afterwards SQL checks that
no bed and no citizen holds two overlapping stays, and that every 201 is exactly one stay.
Floor: the trivial authenticated page under the same concurrency, in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.web_latency import bench_user, session_cookie  # noqa: E402

DOUBLE_BOOKINGS_SQL = """
SELECT
  (SELECT count(*) FROM beds_staybedperiod a JOIN beds_staybedperiod b
     ON a.bed_id = b.bed_id AND a.id < b.id AND a.during && b.during
   JOIN beds_bed k ON k.id = a.bed_id
   WHERE k.house_id = %(house)s AND a.holds AND b.holds) AS bed_doubles,
  (SELECT count(*) FROM beds_stay a JOIN beds_stay b
     ON a.citizen_id = b.citizen_id AND a.id < b.id AND a.period && b.period
   WHERE a.house_id = %(house)s AND b.house_id = %(house)s
     AND a.status IN ('booked', 'checked_in', 'checked_out')
     AND b.status IN ('booked', 'checked_in', 'checked_out')) AS citizen_doubles
"""


def booking_citizens(house, n: int) -> list[int]:
    """`n` citizens with an active regional contract (created once through the contracts services)."""
    from contracts.selectors import citizen_by_cpr
    from contracts.services import citizen_create, contract_create

    ids = []
    for i in range(n):
        digits = f"01010{5 + i // 4000 % 5}4{i % 1000:03d}"  # born 2005+ (7th digit 4): never an imported CPR
        citizen = citizen_by_cpr(digits=digits)
        if citizen is None:
            citizen = citizen_create(house=house, sector="region", name=f"Bench Borger {i}", cpr=digits)
            contract_create(house=house, citizen=citizen, sector="region",
                            granted_on=datetime.date.today() - datetime.timedelta(days=1))
        ids.append(citizen.pk)
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--nights", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    common.django_setup()
    from django.db import connection
    from django.db.models import Max
    from rest_framework.authtoken.models import Token

    from beds.models import Bed, Stay
    from psykiatrihus.models import House

    report = common.Report("booking_contention", "3. Booking throughput under contention")
    house = House.objects.get(slug=common.house_slug(2))
    staff = bench_user(house, username="bench-region", role="regional_staff", sector="region")
    token = Token.objects.get_or_create(user=staff)[0].key
    cookie = session_cookie(staff)
    citizens = booking_citizens(house, args.clients)
    beds = list(Bed.objects.filter(house=house, sector="region", active=True).order_by("sort_order", "label")
                .values_list("label", flat=True))
    tz = ZoneInfo("Europe/Copenhagen")
    latest = Stay.objects.filter(house=house).aggregate(m=Max("planned_departure"))["m"]
    first = max(datetime.date.today() + datetime.timedelta(days=30),
                (latest.astimezone(tz).date() + datetime.timedelta(days=1)) if latest else datetime.date.today())
    slots = [(first + datetime.timedelta(days=d), bed) for d in range(args.nights) for bed in beds]
    before = Stay.objects.filter(house=house).count()
    report.data_size(house_stays=before, stays=Stay.objects.count(), clients=args.clients, slots=len(slots),
                     attempts=len(slots) * args.clients)

    def payload(n: int, i: int) -> dict:
        night, bed = slots[i]
        arrival = datetime.datetime.combine(night, datetime.time(14, 0), tzinfo=tz)
        departure = datetime.datetime.combine(night + datetime.timedelta(days=1), datetime.time(11, 0), tzinfo=tz)
        return {"house": house.slug, "bed": bed, "citizen": citizens[n], "arrival": arrival.isoformat(),
                "planned_departure": departure.isoformat()}

    codes_seen: dict[str, int] = {}

    def book(session, n, i):
        r = session.post(base + "/api/v1/stays/", json=payload(n, i), timeout=120,
                         headers={"Authorization": f"Token {token}"})
        if r.status_code == 409:
            code = r.json().get("code", "?")
            codes_seen[code] = codes_seen.get(code, 0) + 1
        return r.status_code

    def trivial(session, _n, _i):
        session.cookies.set("sessionid", cookie)
        return session.get(base + "/", timeout=120, allow_redirects=False).status_code

    with common.gunicorn(workers=args.workers) as base:
        t_lat, t_status, t_wall = common.run_clients(clients=args.clients, requests_each=len(slots) // 4 or 1,
                                                     make_request=trivial)
        b_lat, b_status, b_wall = common.run_clients(clients=args.clients, requests_each=len(slots),
                                                     make_request=book)

    created = Stay.objects.filter(house=house).count() - before
    with connection.cursor() as cur:
        cur.execute(DOUBLE_BOOKINGS_SQL, {"house": house.pk})
        bed_doubles, citizen_doubles = cur.fetchone()
    wins = b_status.get(201, 0)
    unexpected = {k: v for k, v in b_status.items() if k not in (201, 409)}
    t_rps, b_rps = len(t_lat) / t_wall, len(b_lat) / b_wall
    report.figure("booking attempts", f"{b_rps:.0f} requests/s, {wins / b_wall:.1f} bookings/s, "
                  f"median {common.ms(common.median(b_lat))}, p95 {common.ms(common.p95(b_lat))}",
                  floor_label="trivial page", floor=f"{t_rps:.0f} requests/s", ratio=t_rps / b_rps,
                  raw={"attempts_per_s": b_rps, "bookings_per_s": wins / b_wall, "statuses": b_status,
                       "conflict_codes": codes_seen, "trivial_per_s": t_rps, "trivial_statuses": t_status})
    ok = bed_doubles == 0 and citizen_doubles == 0 and wins == created == len(slots) and not unexpected
    report.figure("double bookings (SQL self-join on overlapping periods)",
                  f"bed {bed_doubles}, citizen {citizen_doubles}; 201s {wins} = new stays {created} "
                  f"= slots {len(slots)}; 409s {b_status.get(409, 0)} {codes_seen}"
                  + (f"; unexpected {unexpected}" if unexpected else "") + (" OK" if ok else " FAILED"),
                  raw={"bed_doubles": bed_doubles, "citizen_doubles": citizen_doubles, "wins": wins,
                       "created": created, "ok": ok})
    report.save()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark 2: bed board and availability API under 20 concurrent clients, against a real gunicorn.

gunicorn (sync workers, from the venv) serves the bench database on 127.0.0.1 only. Each of `--clients`
threads makes exactly `--requests` requests per endpoint (bounded; the loops stop by themselves). The floor
is the trivial authenticated page (the front page: same middleware, session, base template and menu),
measured in the same run before and after the others.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def bench_user(house, *, username: str, role: str, sector: str = ""):
    from psykiatrihus.services import membership_grant, user_create

    user = user_create(username=username, password=common.PASSWORD)
    membership_grant(user=user, house=house, role=role, sector=sector)
    return user


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15, help="requests per client per endpoint")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args(argv)
    common.django_setup()
    from django.urls import NoReverseMatch, reverse

    from beds.models import Stay
    from psykiatrihus.models import House

    report = common.Report("web_latency", "2. Bed board and availability API under concurrent clients")
    house = House.objects.get(slug=common.house_slug(1))
    user = bench_user(house, username="bench-leder", role="leader")
    cookie = session_cookie(user)
    try:
        board_url = reverse("beds:board")
    except NoReverseMatch:
        board_url = None
    today = datetime.date.today()
    to = today + datetime.timedelta(days=13)
    api_url = f"/api/v1/beds/availability/?house={house.slug}&from={today:%Y-%m-%d}&to={to:%Y-%m-%d}"
    report.data_size(houses=House.objects.count(), stays=Stay.objects.count(),
                     house_stays=Stay.objects.filter(house=house).count(), clients=args.clients,
                     requests_per_client=args.requests, gunicorn_workers=args.workers)

    endpoints = {"trivial": "/"}
    if board_url:
        endpoints["board"] = board_url
    endpoints["availability"] = api_url
    results: dict[str, list[float]] = {}
    with common.gunicorn(workers=args.workers) as base:
        import requests

        with requests.Session() as s:
            s.cookies.set("sessionid", cookie)
            for name, url in endpoints.items():
                for _ in range(2 * args.workers):
                    r = s.get(base + url, timeout=60, allow_redirects=False)
                if r.status_code != 200:
                    report.note(f"{name} {url} answered {r.status_code}; left out")
                    endpoints[name] = None

        def getter(url):
            def make(session, _n, _i):
                session.cookies.set("sessionid", cookie)
                return session.get(base + url, timeout=120, allow_redirects=False).status_code
            return make

        order = ["trivial", "board", "availability", "trivial"]
        for name in order:
            url = endpoints.get(name)
            if not url:
                continue
            lat, statuses, wall = common.run_clients(clients=args.clients, requests_each=args.requests,
                                                     make_request=getter(url))
            if set(statuses) != {200}:
                report.note(f"{name}: status codes {statuses}")
            results.setdefault(name, []).extend(lat)
            print(f"  {name}: {len(lat)} requests in {wall:.1f} s ({len(lat) / wall:.0f}/s), "
                  f"median {common.ms(common.median(lat))}", flush=True)

    if "trivial" not in results:
        report.note("the trivial page did not answer 200: no floor, no figures")
        report.save()
        return 1
    floor = results["trivial"]
    floor_med, floor_p95 = common.median(floor), common.p95(floor)
    report.figure("trivial authenticated page (/)", f"median {common.ms(floor_med)}, p95 {common.ms(floor_p95)}",
                  raw={"median": floor_med, "p95": floor_p95, "n": len(floor)})
    for name, label, target in (("board", "bed board (beds:board, 16 beds × 14 nights)", 3.0),
                                ("availability", "availability API (14 nights)", None)):
        if name not in results:
            report.note(f"{label}: not available yet")
            continue
        lat = results[name]
        med, p = common.median(lat), common.p95(lat)
        report.figure(f"{label} median", common.ms(med), floor_label="trivial page median",
                      floor=common.ms(floor_med), ratio=med / floor_med, target=target,
                      raw={"median": med, "p95": p, "n": len(lat)})
        report.figure(f"{label} p95", common.ms(p), floor_label="trivial page p95", floor=common.ms(floor_p95),
                      ratio=p / floor_p95)
    report.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())

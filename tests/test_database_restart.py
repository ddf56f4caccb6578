"""PostgreSQL stops and starts again while clients book through gunicorn: every answer is 201, 409 or 503
(never a 500), /healthz says "database: down" meanwhile, the app recovers without a restart, and SQL shows
no booking lost or doubled.

The test runs against its own embedded PostgreSQL (a copy of this test's database made with the backup
tools), so stopping it disturbs no other test process."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.authtoken.models import Token

from psykiatrihus.backup import database_dump, database_restore
from psykiatrihus.embedded import redis_start
from tests.beds.test_booking_race import _citizens

pytestmark = [pytest.mark.timeout_sensitive, pytest.mark.django_db(transaction=True)]

CLIENTS = 6
SLOTS = 8
FIRST_DAY = datetime.date(2024, 3, 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_bookings_across_a_database_restart(house, users, tmp_path):
    import pgserver
    from pgserver._commands import pg_ctl

    citizen_ids = _citizens(house, CLIENTS)
    token = Token.objects.create(user=users["kommune"]).key

    # A separate embedded PostgreSQL with a copy of this test's data.
    pgdir = Path(tempfile.mkdtemp(prefix="pgr-", dir="/tmp"))
    server = pgserver.get_server(pgdir, cleanup_mode="delete")
    server.psql("CREATE DATABASE restart;")
    url = server.get_uri("restart")
    target = dj_database_url.parse(url)
    database_dump(db=connection.settings_dict, path=tmp_path / "copy.pgdump")
    database_restore(db=target, path=tmp_path / "copy.pgdump")

    redis_dir = Path(tempfile.mkdtemp(prefix="rr-", dir="/tmp"))
    redis = redis_start(redis_dir / "redis.sock")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed in finally
    env = {
        **os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "t" * 64,
        "PERSONAL_DATA_KEY": django_settings.PERSONAL_DATA_KEY, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "CELERY_BROKER_URL": f"redis+socket://{redis_dir / 'redis.sock'}",
        # persistent connections: the harder case (each must notice the restart and reconnect)
        "DB_CONN_MAX_AGE": "60", "DB_CONNECT_TIMEOUT": "2", "PYTHONDONTWRITEBYTECODE": "1",
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "psykiatrihus.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "60"],
        cwd=str(django_settings.BASE_DIR), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    results: list[tuple[int, int, int, int | None]] = []  # (client, slot, status, stay id)
    lock = threading.Lock()
    try:
        _wait_until(lambda: requests.get(f"{base}/healthz", timeout=5).text == "ok", 90, "gunicorn")

        def client(i: int) -> None:
            http = requests.Session()
            http.headers["Authorization"] = f"Token {token}"
            for slot in range(SLOTS):
                day = FIRST_DAY + datetime.timedelta(days=slot)
                body = {"house": "aarhus", "bed": "K1", "citizen": citizen_ids[i],
                        "arrival": f"{day}T14:00:00+01:00",
                        "planned_departure": f"{day + datetime.timedelta(days=1)}T10:00:00+01:00"}
                deadline = time.monotonic() + 90
                while True:
                    try:
                        r = http.post(f"{base}/api/v1/stays/", json=body, timeout=30)
                        status, stay = r.status_code, (r.json().get("id") if r.status_code == 201 else None)
                        if status == 503:
                            assert r.json()["code"] == "service_unavailable"
                    except (requests.RequestException, ValueError, AssertionError):
                        status, stay = -1, None  # no answer, or not the JSON we promise: fails below
                    with lock:
                        results.append((i, slot, status, stay))
                    if status != 503 or time.monotonic() > deadline:
                        break
                    time.sleep(0.2)  # a client that got 503 tries again, as the message tells it to

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        _wait_until(lambda: len(results) >= CLIENTS, 60, "the first bookings")
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdir, user=server.system_user)  # sessions are cut off
        health = requests.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 503 and "database: down" in health.text
        me = requests.get(f"{base}/api/v1/me/", headers={"Authorization": f"Token {token}"}, timeout=10)
        assert me.status_code == 503 and me.json()["code"] == "service_unavailable"
        time.sleep(2)
        with server._lock:
            server.ensure_postgres_running()
        for t in threads:
            t.join(timeout=180)
        assert requests.get(f"{base}/healthz", timeout=10).text == "ok"  # recovered, gunicorn not restarted
        assert web.poll() is None
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
        log.close()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
        shutil.rmtree(redis_dir, ignore_errors=True)

    statuses = [status for _, _, status, _ in results]
    assert set(statuses) <= {201, 409, 503}, (sorted(statuses), (tmp_path / "gunicorn.log").read_text()[-3000:])
    assert 503 in statuses  # the outage really hit bookings
    # Every request ended (a 201 or a 409); nobody was left with only a 503.
    final = {(i, slot): status for i, slot, status, _ in results}
    assert set(final.values()) <= {201, 409} and len(final) == CLIENTS * SLOTS
    created = {stay for _, _, status, stay in results if status == 201}
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT s.id, s.citizen_id, s.arrival_date FROM beds_stay s JOIN beds_bed b ON b.id = s.bed_id "
            "WHERE b.label = 'K1' AND s.status <> 'cancelled' ORDER BY s.arrival_date").fetchall()
        doubled = db.execute(
            "SELECT count(*) FROM beds_stay a JOIN beds_stay b ON a.bed_id = b.bed_id AND a.id < b.id "
            "AND tstzrange(a.arrival, a.planned_departure) && tstzrange(b.arrival, b.planned_departure) "
            "WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'").fetchone()[0]
    server.cleanup()
    assert doubled == 0
    # One booking per slot: none lost, none doubled.
    assert [r[2] for r in rows] == [FIRST_DAY + datetime.timedelta(days=s) for s in range(SLOTS)]
    # Every 201 a client was told about is in the database...
    assert created <= {r[0] for r in rows}
    # ...and a booking no client got a 201 for can only be one whose commit was cut off by the stop (its
    # client got a 503, tried again and got a 409 against its own booking).
    by_citizen = {cid: i for i, cid in enumerate(citizen_ids)}
    for stay_id, citizen_id, day in rows:
        if stay_id not in created:
            slot = (day - FIRST_DAY).days
            seen = [s for i, sl, s, _ in results if i == by_citizen[citizen_id] and sl == slot]
            assert 503 in seen and seen[-1] == 409, (stay_id, seen)

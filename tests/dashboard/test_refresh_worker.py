"""The dashboard's beat refresh on a real Celery worker and the embedded Redis: the beat task queues one task
per active house, a house whose refresh raises does not stop another house's, its retry lands once the fault
is gone, and what the worker computed is what the dashboard reads."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection

from psykiatrihus.models import House, Role
from psykiatrihus.services import house_setup
from reporting.dashboard_selectors import TREND_WINDOWS
from reporting.dashboard_services import _key
from reporting.models import DashboardPublication
from tests.celery_worker import database_url

pytestmark = pytest.mark.celery

TASK = "reporting.dashboard_tasks.dashboard_house_trends_refresh_task"


def _entries(house: House) -> dict[str, dict | None]:
    """The house's cache entries as the page reads them (raw per window, suppressed per window)."""
    keys = {f"{'raw' if raw else 'grid'}{m}": _key(house, m, raw) for m in TREND_WINDOWS for raw in (True, False)}
    return {name: cache.get(key) for name, key in keys.items()}


def _queued(queue: redis.Redis) -> list[tuple[str, list]]:
    """(task name, args) of every message waiting in the default queue (kombu's JSON envelope)."""
    found = []
    for raw in queue.lrange("celery", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], args))
    return found


def _drop_fault() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS test_refuse_aarhus ON reporting_dashboardpublication;"
                       "DROP FUNCTION IF EXISTS test_refuse_aarhus();")


def _wait_for(predicate, timeout: float, what: str, worker: subprocess.Popen):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_beat_fans_out_per_house_and_a_failing_house_stops_no_other(
        transactional_db, house, other_house, make_member, broker):
    closed = house_setup(slug="lukket", name="Lukket hus", municipal_beds=1, regional_beds=1)
    House.objects.filter(pk=closed.pk).update(active=False)  # closed in the admin
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
           "CELERY_RESULT_BACKEND": broker, "DEBUG": "true", "PYTHONDONTWRITEBYTECODE": "1"}
    queue = redis.Redis(unix_socket_path=broker.removeprefix("redis+socket://"))

    # 1. The beat task, run as beat's worker would (its own process, the broker above), only queues: one
    # message per active house, none for the closed one.
    beat = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from reporting.dashboard_tasks import dashboard_trends_refresh_task as t; print('queued', t())"],
        cwd=str(django_settings.BASE_DIR), env=env, capture_output=True, text=True, timeout=120)
    assert beat.returncode == 0, beat.stderr[-3000:]
    assert "queued 2" in beat.stdout
    assert sorted(_queued(queue)) == sorted([(TASK, [house.pk]), (TASK, [other_house.pk])])
    assert all(entry is None for entry in _entries(house).values())  # nothing computed yet

    # 2. Aarhus's refresh fails in the database (a fault the test injects: PostgreSQL refuses what it publishes),
    # Silkeborg's does not. (Dropped in the `finally` below at the latest.)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE FUNCTION test_refuse_aarhus() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.house_id = {house.pk} THEN RAISE EXCEPTION 'test: house refused'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_aarhus BEFORE INSERT ON reporting_dashboardpublication
                FOR EACH ROW EXECUTE FUNCTION test_refuse_aarhus();""")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "psykiatrihus", "worker", "--pool=prefork", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", "celery",
         "-n", "beattest@%h"],
        cwd=str(django_settings.BASE_DIR), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    log = ""
    try:
        def silkeborg_done() -> bool:
            return all(entry is not None for entry in _entries(other_house).values())

        _wait_for(silkeborg_done, 120, "Silkeborg's refresh", worker)
        assert DashboardPublication.objects.filter(house=other_house).exists()
        assert not DashboardPublication.objects.filter(house=house).exists()
        # Aarhus ran first (queued first) and failed at its suppressed figures, after its raw ones were stored.
        aarhus = _entries(house)
        assert all(aarhus[f"raw{m}"] is not None and aarhus[f"grid{m}"] is None for m in TREND_WINDOWS)

        # 3. The fault goes; Aarhus's retry (5 s later) lands without a new beat.
        _drop_fault()

        def aarhus_done() -> bool:
            return all(entry is not None for entry in _entries(house).values())

        _wait_for(aarhus_done, 120, "Aarhus's retry", worker)
    finally:
        _drop_fault()  # never left behind for later tests in this database
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            log = worker.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            log = worker.communicate()[0].decode(errors="replace")
    # The failure was visible (named by house, with the database's reason), and was retried, not lost.
    assert f"dashboard refresh of house {house.pk} failed (attempt 1 of 4)" in log, log[-3000:]
    assert "test: house refused" in log
    assert f"dashboard refresh of house {other_house.pk} failed" not in log
    assert f"house {closed.pk}" not in log
    assert queue.llen("celery") == 0 and queue.hlen("unacked") == 0  # every message acknowledged

    # 4. The dashboard shows what the worker computed (same entry, not recomputed on a miss).
    stored = _entries(other_house)["raw3"]
    leader = make_member(other_house, Role.LEADER, username="leder-silkeborg")
    from django.test import Client

    client = Client()
    client.force_login(leader)
    body = client.get("/api/v1/dashboard/?house=silkeborg&months=3").json()
    assert body["computed_at"] == stored["computed_at"]
    assert body["trends"] == stored["data"]


@pytest.mark.django_db
def test_a_house_refresh_is_idempotent_and_touches_only_its_own_house(house, other_house):
    """What makes a redelivered or retried message harmless: a second refresh writes the same figures and no new
    publication; a closed or deleted house is skipped without an error (its message may still be queued)."""
    from reporting.dashboard_services import dashboard_house_trends_refresh

    assert dashboard_house_trends_refresh(house_id=house.pk) == 2 * len(TREND_WINDOWS)
    first = _entries(house)
    published = DashboardPublication.objects.filter(house=house).count()
    assert published > 0 and all(entry is not None for entry in first.values())
    assert all(entry is None for entry in _entries(other_house).values())  # only its own house's entries

    assert dashboard_house_trends_refresh(house_id=house.pk) == 2 * len(TREND_WINDOWS)
    second = _entries(house)
    assert {k: e["data"] for k, e in second.items()} == {k: e["data"] for k, e in first.items()}
    assert all(second[k]["computed_at"] >= first[k]["computed_at"] for k in first)
    assert DashboardPublication.objects.filter(house=house).count() == published

    House.objects.filter(pk=other_house.pk).update(active=False)
    assert dashboard_house_trends_refresh(house_id=other_house.pk) == 0
    assert dashboard_house_trends_refresh(house_id=House.objects.order_by("-pk").first().pk + 1000) == 0
    assert all(entry is None for entry in _entries(other_house).values())

"""Bug found by bench/booking_contention.py: 20 clients booking the same slots in the same order made
PostgreSQL report deadlocks while checking the exclusion constraints (two inserters each waited for the
other's uncommitted row), and the losers got a 500 instead of a 409."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from beds.models import Stay
from contracts.services import citizen_create, contract_create
from tests.beds.conftest import cpr_for

CLIENTS = 10
SLOTS = 6


def _citizens(house, n: int) -> list[int]:
    ids = []
    for i in range(n):
        c = citizen_create(house=house, sector="kommune", name=f"Borger {i}",
                           cpr=cpr_for(datetime.date(1980, 1, 1 + i), 11 + i))
        contract_create(house=house, citizen=c, sector="kommune", granted_on=datetime.date(2024, 1, 1))
        ids.append(c.pk)
    return ids


@pytest.mark.django_db(transaction=True)
def test_many_clients_many_slots_same_order_no_deadlock(house, users):
    citizen_ids = _citizens(house, CLIENTS)
    user = users["kommune"]
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, int]] = []  # (slot, status)
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(user)
            barrier.wait()
            for slot in range(SLOTS):
                day = datetime.date(2024, 3, 1) + datetime.timedelta(days=slot)
                body = {"house": "aarhus", "bed": "K1", "citizen": citizen_ids[i],
                        "arrival": f"{day}T14:00:00+01:00",
                        "planned_departure": f"{day + datetime.timedelta(days=1)}T10:00:00+01:00"}
                r = client.post("/api/v1/stays/", body, format="json")
                with lock:
                    results.append((slot, r.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [s for _, s in results]
    assert len(statuses) == CLIENTS * SLOTS
    assert set(statuses) <= {201, 409}, sorted(statuses)
    for slot in range(SLOTS):
        assert [s for sl, s in results if sl == slot].count(201) == 1
    assert Stay.objects.filter(bed__label="K1").count() == SLOTS


@pytest.mark.django_db(transaction=True)
def test_booking_holds_bed_then_citizen_lock_until_commit(house, users):
    """The deterministic half of the fix: while a booking's transaction is open, its bed and citizen locks
    are held (so a second writer of either waits instead of racing the constraint check)."""
    from django.db import transaction

    from beds.locks import _key
    from beds.models import Bed
    from beds.services import stay_book
    from tests.beds.conftest import at

    citizen_id = _citizens(house, 1)[0]
    k1 = Bed.objects.get(house=house, label="K1")
    from contracts.models import Citizen

    citizen = Citizen.objects.get(pk=citizen_id)
    # objsubid 1: single-key locks (beds.locks); the audit log's chain lock uses the two-key space (2).
    sql = ("SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks "
           "WHERE locktype = 'advisory' AND objsubid = 1 AND pid = pg_backend_pid() ORDER BY 1")
    with transaction.atomic():
        stay_book(house=house, bed=k1, citizen=citizen, arrival=at("2024-03-01"),
                  planned_departure=at("2024-03-02", 10), user=users["kommune"])
        with connection.cursor() as cur:
            cur.execute(sql)
            held = [row[0] for row in cur.fetchall()]
    assert held == [_key(1, k1.pk), _key(2, citizen_id)]
    with connection.cursor() as cur:
        cur.execute(sql)
        assert cur.fetchall() == []  # released with the transaction


@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_becomes_409_json_not_500():
    """A race PostgreSQL breaks with a deadlock (here produced for real: two sessions taking two locks in
    opposite order) reaches the API's exception handler as a 409 with a JSON body."""
    from django.db import OperationalError, connections

    from psykiatrihus.api import exception_handler

    barrier = threading.Barrier(2)
    caught: list[Exception] = []

    def session(first: int, second: int) -> None:
        from django.db import transaction

        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [first])
                barrier.wait()
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [second])
        except OperationalError as exc:
            caught.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=session, args=pair) for pair in ((901, 902), (902, 901))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(caught) == 1
    response = exception_handler(caught[0], {})
    assert response.status_code == 409
    assert response.data["code"] == "concurrent_change" and "prøv igen" in str(response.data["detail"])
    assert exception_handler(OperationalError("connection refused"), {}) is None  # not every error is a race

"""The audit log cannot be emptied, and a row altered behind the triggers' back is found by audit_verify."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, connections, transaction

from psykiatrihus.audit_chain import chain_verify, event_hash
from psykiatrihus.models import AuditEvent
from psykiatrihus.services import audit_log

FIELDS = ("id", "house_id", "seq", "at", "user_id", "username", "action", "object_type", "object_id",
          "citizen_id", "detail", "path", "prev_hash")


def _chain(house):
    return list(AuditEvent.objects.filter(house=house).order_by("seq").values("id", "seq", "prev_hash", "hash"))


def _behind_the_triggers(sql: str, params=()) -> None:
    """What the owner of the table could do: switch the append-only trigger off, change a row, switch it on."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE psykiatrihus_auditevent DISABLE TRIGGER psykiatrihus_auditevent_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE psykiatrihus_auditevent ENABLE TRIGGER psykiatrihus_auditevent_append_only")


def _verify(*args) -> tuple[str, str, bool]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
        ok = True
    except CommandError:
        ok = False
    return out.getvalue(), err.getvalue(), ok


@pytest.mark.django_db
class TestAppendOnly:
    def test_truncate_is_refused(self, house, users):
        audit_log(user=users["leder"], action="read", object_type="test", object_id=1, house=house)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE psykiatrihus_auditevent")
        assert AuditEvent.objects.filter(house=house).count() == 1

    def test_truncate_cascade_from_houses_is_refused_too(self, house, users):
        audit_log(user=users["leder"], action="read", object_type="test", object_id=1, house=house)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE psykiatrihus_auditevent, psykiatrihus_house CASCADE")
        assert AuditEvent.objects.count() >= 1


@pytest.mark.django_db
class TestChain:
    def test_events_of_a_house_are_numbered_and_linked(self, house, other_house, users):
        for i in range(3):
            audit_log(user=users["kommune"], action="read", object_type="contracts.citizen", object_id=i,
                      house=house, citizen_id=i)
        audit_log(user=users["kommune"], action="read", object_type="x", object_id=9, house=other_house)
        chain = _chain(house)
        assert [e["seq"] for e in chain] == [1, 2, 3]
        assert chain[0]["prev_hash"] == ""
        assert chain[1]["prev_hash"] == chain[0]["hash"] and chain[2]["prev_hash"] == chain[1]["hash"]
        assert len({e["hash"] for e in chain}) == 3 and all(len(e["hash"]) == 64 for e in chain)
        # Another house has its own chain, starting at 1.
        assert [e["seq"] for e in _chain(other_house)] == [1]

    def test_python_recomputes_the_database_hash(self, house, users):
        # Unicode, an anonymous user, no citizen, a path: every field takes part.
        audit_log(user=None, action="login_failed", house=house, detail="forkert adgangskode – ÆØÅ ‑ 𝄞",
                  path="/login/")
        audit_log(user=users["region"], action="read", object_type="contracts.citizen", object_id=42,
                  house=house, citizen_id=42, detail="side")
        for values in AuditEvent.objects.filter(house=house).order_by("seq").values(*FIELDS, "hash"):
            stored = values.pop("hash")
            assert event_hash(**values) == stored

    def test_values_passed_by_the_application_are_overwritten(self, house, users):
        audit_log(user=users["leder"], action="read", object_type="t", object_id=1, house=house)
        forged = AuditEvent.objects.create(house=house, action="read", seq=1, prev_hash="f" * 64, hash="0" * 64)
        forged.refresh_from_db()
        first = AuditEvent.objects.get(house=house, seq=1)
        assert (forged.seq, forged.prev_hash) == (2, first.hash)
        assert forged.hash != "0" * 64

    def test_events_of_no_house_form_their_own_chain(self, house, users):
        audit_log(user=users["leder"], action="login")
        audit_log(user=users["leder"], action="login")
        seqs = list(AuditEvent.objects.filter(house__isnull=True).order_by("seq").values_list("seq", flat=True))
        assert seqs == [1, 2]
        assert chain_verify(house=None, no_house=True).ok


@pytest.mark.django_db
class TestVerify:
    @pytest.fixture
    def events(self, house, other_house, users):
        for i in range(5):
            audit_log(user=users["kommune"], action="read", object_type="contracts.citizen", object_id=i,
                      house=house, citizen_id=i)
        audit_log(user=users["kommune"], action="read", object_type="x", object_id=1, house=other_house)
        return _chain(house)

    def test_intact_chains_pass_and_print_their_heads(self, events, house):
        out, err, ok = _verify()
        assert ok and err == ""
        assert f"aarhus: 5 hændelser, kæden er hel. Seneste hash: {events[-1]['hash']}" in out
        assert "silkeborg: 1 hændelser" in out and "(uden hus)" in out

    def test_altered_row_is_named(self, events, house):
        _behind_the_triggers("UPDATE psykiatrihus_auditevent SET detail = 'intet at se' WHERE id = %s",
                             [events[2]["id"]])
        out, err, ok = _verify("--house", "aarhus")
        assert not ok
        assert f"kæden er brudt ved hændelse id={events[2]['id']} (nr. 3)" in err
        assert "indholdet passer ikke" in err and "2 hændelser før den er i orden" in err

    def test_altered_row_with_recomputed_hash_breaks_the_next_link(self, events, house):
        values = AuditEvent.objects.filter(pk=events[1]["id"]).values(*FIELDS).get()
        values["citizen_id"] = 999
        forged = event_hash(**values)
        _behind_the_triggers("UPDATE psykiatrihus_auditevent SET citizen_id = 999, hash = %s WHERE id = %s",
                             [forged, events[1]["id"]])
        _, err, ok = _verify("--house", "aarhus")
        assert not ok and f"id={events[2]['id']} (nr. 3): forrige hash passer ikke" in err

    def test_deleted_row_is_named_by_the_gap(self, events, house):
        _behind_the_triggers("DELETE FROM psykiatrihus_auditevent WHERE id = %s", [events[1]["id"]])
        _, err, ok = _verify("--house", "aarhus")
        assert not ok and f"id={events[2]['id']} (nr. 3): hændelse nr. 2 mangler" in err

    def test_other_house_is_unaffected_and_checked_alone(self, events, house):
        _behind_the_triggers("UPDATE psykiatrihus_auditevent SET username = 'x' WHERE id = %s", [events[0]["id"]])
        out, err, ok = _verify("--house", "silkeborg")
        assert ok and "silkeborg: 1 hændelser, kæden er hel" in out and "aarhus" not in out + err
        out, err, ok = _verify()
        assert not ok and "aarhus: kæden er brudt" in err and "silkeborg: 1 hændelser, kæden er hel" in out

    def test_unknown_house(self, events):
        with pytest.raises(CommandError, match="Ukendt hus: nowhere"):
            call_command("audit_verify", "--house", "nowhere")


@pytest.mark.django_db(transaction=True)
class TestConcurrentWriters:
    def test_second_writer_waits_for_the_first_and_chains_onto_it(self, house, users):
        """A holds an uncommitted event; B's insert must wait (not read the old head and fork the chain)."""
        audit_log(user=users["leder"], action="read", object_type="t", object_id=0, house=house)
        started, done, errors = threading.Event(), threading.Event(), []

        def writer_b():
            try:
                started.set()
                audit_log(user=users["kommune"], action="read", object_type="t", object_id="b", house=house)
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()
                done.set()

        with transaction.atomic():
            audit_log(user=users["region"], action="read", object_type="t", object_id="a", house=house)
            thread = threading.Thread(target=writer_b)
            thread.start()
            started.wait(5)
            assert not done.wait(1.0), "B wrote while A's event was uncommitted"
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                assert cursor.fetchone()[0] == 1
        thread.join(10)
        assert not errors
        a = AuditEvent.objects.get(house=house, object_id="a")
        b = AuditEvent.objects.get(house=house, object_id="b")
        assert (a.seq, b.seq) == (2, 3) and b.prev_hash == a.hash

    def test_many_writers_in_transactions_keep_one_unbroken_chain(self, house, other_house, users):
        writers, per_writer = 6, 15
        barrier, errors = threading.Barrier(writers), []

        def write(n: int):
            try:
                barrier.wait(10)
                for i in range(per_writer):
                    target = house if i % 3 else other_house
                    with transaction.atomic():
                        audit_log(user=users["kommune"], action="read", object_type="t", object_id=f"{n}-{i}",
                                  house=target)
                        time.sleep(0.002)
                        audit_log(user=users["kommune"], action="read", object_type="t", object_id=f"{n}-{i}b",
                                  house=target)
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                close_old_connections()
                connections.close_all()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        total = AuditEvent.objects.filter(house__in=[house, other_house]).count()
        assert total == writers * per_writer * 2
        for h in (house, other_house):
            result = chain_verify(house=h)
            assert result.ok, result.reason
            assert result.events == AuditEvent.objects.filter(house=h).count()

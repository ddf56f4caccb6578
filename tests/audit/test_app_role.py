"""The production database role of the application cannot empty, alter or un-trigger the audit log."""

from __future__ import annotations

import os

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from psykiatrihus.models import AuditEvent
from psykiatrihus.services import audit_log

ROLE = f"psykiatrihus_app_test_{os.getpid()}"


def _as_app(sql: str, params=()):
    """Run `sql` with the application role's rights (SET ROLE), inside a savepoint."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
        cursor.execute(sql, params)
        cursor.execute("RESET ROLE")


@pytest.fixture
def app_role(db):
    """A login role like the one the README gives the application (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")
    call_command("db_grant_app_role", ROLE, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return ROLE


@pytest.mark.django_db
class TestApplicationRole:
    def test_app_writes_and_chains_audit_events(self, app_role, house, users):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {ROLE}")
            first = audit_log(user=users["leder"], action="read", object_type="t", object_id=1, house=house)
            second = audit_log(user=users["leder"], action="read", object_type="t", object_id=2, house=house)
            cursor.execute("RESET ROLE")
        first.refresh_from_db()
        second.refresh_from_db()
        assert second.prev_hash == first.hash and second.seq == first.seq + 1
        # Ordinary tables: read and write.
        _as_app("UPDATE psykiatrihus_house SET name = name WHERE id = %s", [house.pk])

    @pytest.mark.parametrize("sql, message", [
        ("UPDATE psykiatrihus_auditevent SET detail = 'x'", "permission denied"),
        ("DELETE FROM psykiatrihus_auditevent", "permission denied"),
        ("TRUNCATE psykiatrihus_auditevent", "permission denied"),
        ("ALTER TABLE psykiatrihus_auditevent DISABLE TRIGGER psykiatrihus_auditevent_append_only",
         "must be owner"),
        ("ALTER TABLE psykiatrihus_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ("SET session_replication_role = replica", "permission denied"),
        ("DROP TRIGGER psykiatrihus_auditevent_chain ON psykiatrihus_auditevent", "must be owner"),
    ])
    def test_app_cannot_touch_the_audit_log(self, app_role, house, users, sql, message):
        audit_log(user=users["leder"], action="read", object_type="t", object_id=1, house=house)
        with pytest.raises(DatabaseError, match=message):
            _as_app(sql)
        assert AuditEvent.objects.filter(house=house, detail="").count() == 1

    def test_refuses_a_role_that_could_disable_triggers(self, db):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
        with pytest.raises(CommandError, match="kunne slå logbogens triggere fra"):
            call_command("db_grant_app_role", owner)
        with pytest.raises(CommandError, match="findes ikke"):
            call_command("db_grant_app_role", "no_such_role_here")

"""Shared fixtures. Test data is built through the same services the product uses."""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from psykiatrihus.models import Role
from psykiatrihus.services import house_setup, membership_grant, user_create
from tests.celery_worker import broker  # noqa: F401 - an embedded redis-server of the test's own, see there
from tests.demo_database import (  # noqa: F401 - the demo seeded once per session (`demo_db`), see there
    _demo_template,
    demo_db,
    django_db_setup,
    pytest_configure,
    pytest_sessionfinish,
)

# Property tests check values, not speed: on a shared 2-core machine under load, Hypothesis's default 200 ms
# deadline per example fails a correct test now and then.
hypothesis_settings.register_profile("psykiatrihus", deadline=None)
hypothesis_settings.load_profile("psykiatrihus")

ROLE_USERS = {
    # key: (role, sector)
    "kommune": (Role.MUNICIPAL_STAFF, "kommune"),
    "region": (Role.REGIONAL_STAFF, "region"),
    "peer": (Role.PEER, ""),
    "leder": (Role.LEADER, ""),
    "styregruppe": (Role.STEERING, ""),
    "admin": (Role.ADMIN, ""),
}
PASSWORD = "korrekt-hest-batteri-42"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Production hashes with PBKDF2 (about 1 s per password on a busy CI machine); tests create several users
    per test, so they hash with MD5 instead. Applies to the live server's thread as well."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _reset_per_thread_state(request, django_db_blocker):
    """Every test starts and ends in Danish, in the project's time zone, with an empty cache.

    The test client runs a request in the test's own thread: LocaleMiddleware leaves the request's language
    active afterwards, so one test sending `Accept-Language: en` would turn every later test in that process
    English. The database cache is rolled back with an ordinary test's transaction, but not after a
    transactional (live-server, worker) test, so it is cleared there."""
    from django.utils import timezone, translation

    translation.deactivate()  # back to settings.LANGUAGE_CODE
    timezone.deactivate()  # back to settings.TIME_ZONE
    yield
    translation.deactivate()
    timezone.deactivate()
    if {"transactional_db", "live_server", "django_db_serialized_rollback"} & set(request.fixturenames) or (
        any(m.kwargs.get("transaction") for m in request.node.iter_markers("django_db"))
    ):
        from django.core.cache import caches

        with django_db_blocker.unblock():
            for cache in caches.all():
                cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _flush_with_triggers_off():
    """The audit log refuses TRUNCATE (a database trigger), and Django empties the tables after each
    transactional test with one TRUNCATE. The test database's superuser does that with triggers off
    (`session_replication_role = replica`, which the production application role may not set)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture
def house(db):
    return house_setup(slug="aarhus", name="Psykiatriens Hus i Aarhus", municipal_beds=8, regional_beds=8,
                       faerdigbehandling_beds=2)


@pytest.fixture
def other_house(db):
    return house_setup(slug="silkeborg", name="Psykiatriens Hus Silkeborg", municipal_beds=4, regional_beds=6)


@pytest.fixture
def make_member(db):
    def make(house, role: str, sector: str = "", username: str | None = None):
        username = username or f"{role}-{sector or 'x'}-{house.slug}"
        user = user_create(username=username, password=PASSWORD)
        membership_grant(user=user, house=house, role=role, sector=sector)
        return user

    return make


@pytest.fixture
def users(house, make_member):
    """One user per role in `house`, plus `outsider` (logged in, but member of no house)."""
    result = {key: make_member(house, role, sector, username=key) for key, (role, sector) in ROLE_USERS.items()}
    result["outsider"] = user_create(username="outsider", password=PASSWORD)
    return result


@pytest.fixture
def client_for(client, users):
    from django.test import Client

    def make(key: str) -> Client:
        c = Client()
        c.force_login(users[key])
        return c

    return make

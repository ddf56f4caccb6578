"""The demo, seeded once per test session: `seed_demo` runs once into a PostgreSQL template database, and each
test that asks for `demo_db` gets a copy of its own (CREATE DATABASE ... TEMPLATE, about a second) instead of
seeding for itself (30-60 s each).

- The template's base is a worker's test database just after pytest-django migrated it, before any test ran
  there (a transactional test empties the tables, data migrations' rows included).
- The first test that needs the demo seeds the template through the real `seed_demo` command, committed like
  `make run`; a PostgreSQL advisory lock makes another xdist worker wait for it rather than seed again. Then the
  template is closed to connections, so no test can change it.
- The files the seed writes (the demo's approved reports) go to a MEDIA_ROOT beside the template; each test
  gets a copy of them in its own tmp_path.
- A `demo_db` test runs on its copy in autocommit (like a transactional test; its writes really commit) and
  the copy is dropped afterwards. The copy is a database of its own: the test may not also ask for `db`.
- The main process (the xdist controller, or the only process) names the template and drops it at the end.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

TEMPLATE_ENV = "PSYKIATRIHUS_TEST_DEMO_TEMPLATE"
TEMPLATE_PREFIX = "test_psykiatrihus_demo_"


def _is_main_process(config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config):
    # Before xdist starts its workers, which inherit the environment: one template for the whole session.
    if _is_main_process(config):
        os.environ[TEMPLATE_ENV] = f"{TEMPLATE_PREFIX}{os.getpid()}"


def pytest_sessionfinish(session):
    name = os.environ.get(TEMPLATE_ENV, "")
    if _is_main_process(session.config) and name.startswith(TEMPLATE_PREFIX):
        import psycopg

        try:
            with _admin() as admin:
                _drop(admin, name)
            shutil.rmtree(_media_of(name), ignore_errors=True)
        except psycopg.OperationalError as exc:  # the server is gone: the next session drops it (stale)
            sys.stderr.write(f"demo template {name} not dropped: {exc}\n")


def _media_of(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{name}-media"


def _template_name() -> str:
    name = os.environ.get(TEMPLATE_ENV)
    assert name, "tests/demo_database.py's pytest_configure did not run"
    return name


@contextmanager
def _admin():
    """An autocommit connection to the server's `postgres` database, outside Django (and its test blocker)."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        yield admin


@contextmanager
def _locked(admin, key: str):
    """A session-level advisory lock: the other xdist worker waits here, whatever it runs."""
    admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
    try:
        yield
    finally:
        admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])


def _state(admin, name: str) -> str:
    """'missing', 'base' (migrated, not yet seeded) or 'seeded' (a closed template)."""
    row = admin.execute("SELECT datistemplate FROM pg_database WHERE datname = %s", [name]).fetchone()
    return "missing" if row is None else ("seeded" if row[0] else "base")


def _drop(admin, name: str) -> None:
    if _state(admin, name) != "missing":
        admin.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE false')
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _drop_stale_templates(admin) -> None:
    """Templates of sessions that were killed before they could drop theirs."""
    import psutil  # a dependency of pgserver

    names = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [TEMPLATE_PREFIX + "%"])
    for (name,) in names.fetchall():
        pid = name.removeprefix(TEMPLATE_PREFIX).split("_")[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            _drop(admin, name)
            shutil.rmtree(_media_of(name), ignore_errors=True)


@contextmanager
def _connected_to(name: str):
    """Point Django's default connection (and connections made later, e.g. by a live server) at `name`."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    original = connection.settings_dict["NAME"]
    connection.close()
    settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
    ContentType.objects.clear_cache()
    try:
        yield
    finally:
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = original
        ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's setup, then (if a collected test needs the demo) the template's base: a copy of this
    worker's freshly migrated test database, made by the first worker to get here."""
    if any("demo_db" in getattr(item, "fixturenames", ()) for item in request.session.items):
        from django.db import connection

        name = _template_name()
        with django_db_blocker.unblock():
            if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
                # Only demo_db tests were collected, so pytest-django made no test database: make it here.
                original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

                def destroy():
                    with django_db_blocker.unblock():
                        connection.creation.destroy_test_db(original, verbosity=0)

                request.addfinalizer(destroy)
            assert connection.settings_dict["NAME"] == connection.creation._get_test_db_name()
            connection.close()
        with _admin() as admin, _locked(admin, f"{name}:base"):  # not behind the seeding (another lock)
            _drop_stale_templates(admin)
            if _state(admin, name) == "missing":
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{connection.settings_dict["NAME"]}"')
    return django_db_setup


@pytest.fixture(scope="session")
def _demo_template(django_db_setup, django_db_blocker) -> str:
    """The session's template, seeded through `seed_demo` by the first worker that needs it."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    name = _template_name()
    with _admin() as admin, _locked(admin, f"{name}:seed"):
        state = _state(admin, name)
        assert state != "missing", "django_db_setup made no demo template base"
        if state == "base":
            media = _media_of(name)
            shutil.rmtree(media, ignore_errors=True)
            media.mkdir()
            with django_db_blocker.unblock(), _connected_to(name), override_settings(MEDIA_ROOT=str(media)):
                call_command("seed_demo", stdout=io.StringIO())
            admin.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
    return name


@pytest.fixture
def demo_db(request, _demo_template, django_db_blocker, settings, tmp_path):
    """A database of this test's own holding the demo exactly as `seed_demo` left it (and its files)."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        pytest.fail("demo_db is a database of its own: do not combine it with the db fixture or django_db mark")
    settings.MEDIA_ROOT = str(shutil.copytree(_media_of(_demo_template), tmp_path / "demo-media"))
    copy = f"{_demo_template}_{os.getpid()}"
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{_demo_template}"')
    try:
        with django_db_blocker.unblock(), _connected_to(copy):
            yield
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')

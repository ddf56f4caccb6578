"""PostgreSQL or Redis down: 503 "midlertidigt utilgængelig" (JSON under /api/), /healthz names the server,
and the next request after it is back succeeds. The database really is unreachable here (the connection is
pointed at a socket directory with no server); a restart under booking load is in test_database_restart.py."""

from __future__ import annotations

import contextlib
import tempfile

import psycopg
import pytest
import redis
from django.db import IntegrityError, OperationalError, connection

from psykiatrihus.unavailable import DATABASE, QUEUE, dependency_down


@contextlib.contextmanager
def database_down():
    """Every new connection of this process fails as if PostgreSQL had stopped; restored afterwards."""
    connection.close()
    saved = dict(connection.settings_dict)
    options = dict(saved.get("OPTIONS") or {})
    nowhere = tempfile.mkdtemp(prefix="nopg-")
    connection.settings_dict["HOST"] = nowhere
    options["host"] = nowhere
    connection.settings_dict["OPTIONS"] = options
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _real_errors():
    try:
        psycopg.connect(host=tempfile.mkdtemp(prefix="nopg-"), dbname="x", connect_timeout=1)
    except psycopg.OperationalError as exc:
        refused = exc
    try:
        redis.Redis(unix_socket_path="/tmp/no-such-redis.sock").ping()
    except redis.exceptions.ConnectionError as exc:
        redis_down = exc
    return refused, redis_down


def test_which_errors_mean_a_server_is_down():
    refused, redis_down = _real_errors()
    wrapped = OperationalError(str(refused))
    wrapped.__cause__ = refused
    assert dependency_down(wrapped) == DATABASE
    assert dependency_down(redis_down) == QUEUE
    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = type("Cause", (Exception,), {"sqlstate": "40P01"})()
    assert dependency_down(deadlock) is None  # a lost race is a 409, not a 503
    assert dependency_down(IntegrityError("duplicate key")) is None
    assert dependency_down(ValueError("bug")) is None and dependency_down(None) is None


@pytest.mark.django_db(transaction=True)
def test_pages_and_api_answer_503_while_the_database_is_down_and_recover(users):
    from django.test import Client

    # logged in before the database goes; answers are looked at, not re-raised as the test client would
    leader, api = Client(raise_request_exception=False), Client(raise_request_exception=False)
    leader.force_login(users["leder"])
    api.force_login(users["kommune"])
    assert leader.get("/").status_code == 200
    with database_down():
        page = leader.get("/")
        assert page.status_code == 503 and page["Retry-After"] == "5"
        html = page.content.decode()
        assert "Midlertidigt utilgængelig" in html and "midlertidigt utilgængelig" in html
        assert "Traceback" not in html and "OperationalError" not in html
        english = leader.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
        assert english.status_code == 503 and "Temporarily unavailable" in english.content.decode()

        response = api.get("/api/v1/me/")
        assert response.status_code == 503 and response["Content-Type"] == "application/json"
        body = response.json()
        assert body["code"] == "service_unavailable" and body["dependency"] == "database"
        assert "midlertidigt utilgængelig" in body["detail"]
        booking = api.post("/api/v1/stays/", {"house": "aarhus"}, content_type="application/json")
        assert booking.status_code == 503 and booking.json()["code"] == "service_unavailable"

        fhir = api.get("/fhir/R4/Location")
        assert fhir.status_code == 503 and fhir["Content-Type"] == "application/fhir+json"
        outcome = fhir.json()
        assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["code"] == "transient"

        health = leader.get("/healthz")
        assert health.status_code == 503
        assert "database: down" in health.content.decode()
    # Back: the very next requests succeed, no restart.
    assert leader.get("/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 200


def test_healthz_names_redis_when_the_broker_is_down(client, settings, db):
    settings.CELERY_BROKER_URL = "redis+socket:///tmp/no-such-redis.sock"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == "database: ok\nredis: down\n"


def test_a_redis_error_in_a_view_is_503_json_under_api(rf):
    from psykiatrihus.unavailable import ServiceUnavailableMiddleware

    _, redis_down = _real_errors()

    def view(request):
        raise redis_down

    middleware = ServiceUnavailableMiddleware(view)
    request = rf.get("/api/v1/reports/")
    response = middleware.process_exception(request, redis_down)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    page = middleware.process_exception(rf.get("/rapporter/"), redis_down)
    assert page.status_code == 503 and b"Midlertidigt utilg\xc3\xa6ngelig" in page.content
    assert middleware.process_exception(request, ValueError("bug")) is None  # other errors keep their 500

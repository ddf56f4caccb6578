"""A server goes away: PostgreSQL or Redis down answers 503 ("midlertidigt utilgængelig"), not a 500.

Django turns an exception into a 500 inside every middleware layer, so the outermost layer cannot catch it;
instead `got_request_exception` (sent while the exception is being handled) notes on the request which
dependency failed, and `ServiceUnavailableMiddleware` swaps that request's 500 for a 503: a Danish page in
the browser, a JSON body with the API's error shape (`code`, `detail`) under /api/, a FHIR OperationOutcome
(issue code "transient") under /fhir/. Nothing is cached or remembered between requests, so the first request
after the server is back succeeds again (connections are opened per request, and a broken persistent
connection is dropped by Django's health check).
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE = "database"
QUEUE = "redis"
RETRY_AFTER_SECONDS = 5
# SQLSTATE classes that mean "the server is not there" rather than "your statement was wrong":
# 08 connection exception, 57P01-57P03 admin/crash shutdown and "cannot connect now" (starting up).
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def dependency_down(exc: BaseException | None) -> str | None:
    """Which server `exc` says is unreachable (`DATABASE`, `QUEUE`), or None for every other error: a bug,
    a lost race or bad input keeps its own answer."""
    from django.db import InterfaceError, OperationalError

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, InterfaceError):
            return DATABASE  # "connection already closed": the server went away under an open connection
        if isinstance(exc, OperationalError):
            return DATABASE if _unreachable(exc) else None
        if _is_redis_down(exc):
            return QUEUE
        exc = exc.__cause__ or exc.__context__
    return None


def _unreachable(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc
    sqlstate = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    # A failed connect has no SQLSTATE at all; a statement the server refused always has one.
    return sqlstate is None or sqlstate.startswith(_UNREACHABLE_SQLSTATES)


def _is_redis_down(exc: BaseException) -> bool:
    try:
        from kombu.exceptions import OperationalError as KombuOperationalError
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - both ship with Celery's Redis transport
        return False
    return isinstance(exc, RedisConnectionError | RedisTimeoutError | KombuOperationalError)


def unavailable_response(request, dependency: str) -> HttpResponse:
    """503 that needs neither the database nor the session: a plain page, or JSON under /api/."""
    if request is not None and request.path == "/healthz":  # a monitor that sent a session cookie
        return health_response()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    message = _("Psykiatrihus er midlertidigt utilgængelig, fordi en server ikke svarer. Det, du sendte lige "
                "nu, er gemt helt eller slet ikke; se efter, når siden virker igen, og prøv så igen.")
    if request is not None and request.path.startswith("/fhir/"):
        from psykiatrihus.fhir import operation_outcome

        response = JsonResponse(operation_outcome(code="transient", diagnostics=message), status=503,
                                headers=headers, content_type="application/fhir+json")
    elif request is not None and request.path.startswith("/api/"):
        response = JsonResponse({"code": "service_unavailable", "detail": message, "dependency": dependency},
                                status=503, headers=headers)
    else:
        html = render_to_string("503.html", {"message": message})  # no request: no context processor queries
        response = HttpResponse(html, status=503, headers=headers)
    response["Cache-Control"] = "no-store"
    return response


def _note_dependency(sender, request=None, **kwargs) -> None:
    dependency = dependency_down(sys.exc_info()[1])
    if dependency and request is not None:
        request.dependency_down = dependency


got_request_exception.connect(_note_dependency, dispatch_uid="psykiatrihus.unavailable")


class ServiceUnavailableMiddleware:
    """Turns a request's 500 into a 503 when the reason was a server that is down (see module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except Exception as exc:  # the 500 handler itself failed (its page needed the database)
            dependency = dependency_down(exc)
            if dependency is None:
                raise
            request.dependency_down = dependency
            response = None
        dependency = getattr(request, "dependency_down", None)
        if dependency and (response is None or response.status_code >= 500):
            logger.warning("%s unavailable: %s %s answered 503", dependency, request.method, request.path)
            return unavailable_response(request, dependency)
        return response

    def process_exception(self, request, exception):
        """A view's exception (also with DEBUG on, where Django would show its debug page instead of a 500)."""
        dependency = dependency_down(exception)
        if dependency is None:
            return None
        request.dependency_down = dependency
        return unavailable_response(request, dependency)


def dependencies_status() -> dict[str, bool]:
    """Whether PostgreSQL and Redis answer right now (each asked once, with a short timeout)."""
    from django.conf import settings
    from django.db import connection

    status = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status[DATABASE] = True
    except Exception as exc:
        logger.warning("health check: database down (%s)", type(exc).__name__)
        connection.close_if_unusable_or_obsolete()
        status[DATABASE] = False
    try:
        from psykiatrihus.celery import app

        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            conn.default_channel  # noqa: B018 - opening the channel pings Redis
        status[QUEUE] = True
    except Exception as exc:
        logger.warning("health check: redis down (%s)", type(exc).__name__)
        status[QUEUE] = False
    return status


def health_response() -> HttpResponse:
    """/healthz: "ok", or 503 with one line per dependency ("database: down")."""
    status = dependencies_status()
    if all(status.values()):
        return HttpResponse("ok", content_type="text/plain")
    body = "".join(f"{name}: {'ok' if up else 'down'}\n" for name, up in status.items())
    return HttpResponse(body, status=503, content_type="text/plain", headers={"Cache-Control": "no-store"})

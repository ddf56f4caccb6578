"""The board's idle 20-second poll, answered 304 Not Modified in one query before the middleware stack.

Every open board asks `beds:board_grid` again every 20 seconds with the ETag it got (`grid_etag`); almost
always nothing changed. Through the whole stack that costs six queries (session, user, houses, memberships,
the change counter, the session's sliding-expiry UPDATE) and the middleware around them. `BoardPollMiddleware`
answers such a request itself when it can prove the answer would be 304 anyway, reading in ONE query the
session row, the user, the user's memberships in the house the ETag names and the house's change counter, and
deciding exactly as the stack would:

- authentication as `django.contrib.auth.get_user` does it: an unexpired session whose signed data decodes,
  names the user and a configured backend, and carries the user's current session hash; the user is active;
- the house as `CurrentHouseMiddleware` chooses it (the session's house, or the user's only house);
- the right through `Access.sees_board` (`psykiatrihus.scoping.access_from_memberships`);
- the ETag recomputed from those facts, the window and sector asked for, the language and the clock's
  quarter hour, and compared with the one sent.

Anything else (no or another ETag, a session about to expire, a user or house it cannot decide about) goes
down the normal stack, which answers 200, 304, a login redirect or 403 as before. The fast answer does not
slide the session's expiry: it goes down the stack once the session has used half its idle time, and the
quarter hour in the ETag sends a full redraw every 15 minutes anyway. Nor does it write an audit row: a 304
shows nothing the screen did not already show, and the redraw every quarter hour logs the names still on
screen (`audit_log_many(once_per=15 min)`), as the README promises.
"""

from __future__ import annotations

import datetime
import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpResponseNotModified
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare

from psykiatrihus.dates import date_query_param
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import access_from_memberships

ETAG = re.compile(r'W/"(?P<version>\d+)-h(?P<house>\d+)-u(?P<user>\d+)-[^"]*"')
POLL_SQL = """
SELECT s.session_data, s.expire_date, u.password, u.is_active, u.is_superuser, u.is_staff, h.opened_on,
       ARRAY(SELECT m.role || ':' || m.sector FROM psykiatrihus_membership m
             WHERE m.user_id = u.id AND m.house_id = h.id AND m.active),
       (SELECT count(DISTINCT m.house_id) FROM psykiatrihus_membership m
        JOIN psykiatrihus_house mh ON mh.id = m.house_id WHERE m.user_id = u.id AND m.active AND mh.active),
       COALESCE((SELECT c.version FROM beds_housechange c WHERE c.house_id = h.id), 0)
FROM django_session s, auth_user u, psykiatrihus_house h
WHERE s.session_key = %s AND s.expire_date > %s AND u.id = %s AND h.id = %s AND h.active
"""


def default_start() -> datetime.date:
    """The board opens on last night: today's leavers are still on it, with their check-out action."""
    return timezone.localdate() - datetime.timedelta(days=1)


def board_params(request, house) -> tuple[datetime.date, str]:
    """The window start (`?fra=`, inside the house's date window) and the sector filter (`?sektor=`)."""
    start = date_query_param(request.GET.get("fra"), default=default_start(), house=house)
    sector = request.GET.get("sektor", "")
    if sector not in Sector.values:
        sector = ""
    return start, sector


def grid_etag(*, version: int, house_id: int, user_id: int, start: datetime.date, sector: str, language: str) -> str:
    """What the grid depends on: the house's change counter (database triggers), the house and who asks, the
    window, the language and the clock's quarter hour (overdue check-outs and the date move with time alone)."""
    quarter = int(timezone.now().timestamp() // 900)
    return f'W/"{version}-h{house_id}-u{user_id}-{start:%Y%m%d}-{sector}-{language}-{quarter}"'


def _session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def idle_poll_answer(request):
    """304 Not Modified if the board grid asked for has not changed for this user, else None (see module)."""
    sent = request.META.get("HTTP_IF_NONE_MATCH", "")
    match = ETAG.fullmatch(sent)
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if match is None or not session_key or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return None
    user_id, house_id = int(match["user"]), int(match["house"])
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(POLL_SQL, [session_key, now, user_id, house_id])
        row = cursor.fetchone()
    if row is None:
        return None
    session_data, expires, password, active, superuser, staff, opened_on, memberships, houses, version = row
    if expires - now < datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE / 2):
        return None  # the normal stack slides the session's expiry
    data = _session_store(session_key).decode(session_data)
    if str(data.get("_auth_user_id")) != str(user_id) or data.get("_auth_user_backend") not in \
            settings.AUTHENTICATION_BACKENDS or not active:
        return None
    user = get_user_model()(pk=user_id, password=password)
    if not constant_time_compare(str(data.get("_auth_user_hash", "")), user.get_session_auth_hash()):
        return None
    chosen = data.get("house_id")
    if chosen != house_id and not (chosen is None and houses == 1 and not superuser):
        return None  # the stack would choose the house among several
    house = House(pk=house_id, opened_on=opened_on, active=True)
    access = access_from_memberships(user_id=user_id, house=house,
                                     memberships=[tuple(m.split(":", 1)) for m in memberships],
                                     is_superuser=bool(superuser), is_staff=bool(staff))
    if not access.is_member or not access.sees_board:
        return None
    start, sector = board_params(request, house)
    language = translation.get_language_from_request(request)
    etag = grid_etag(version=version, house_id=house_id, user_id=user_id, start=start, sector=sector,
                     language=language)
    if etag != sent:
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


class BoardPollMiddleware:
    """Answers the board's idle poll before sessions, authentication and the house are resolved (see module).
    Placed right after the 503 middleware, so a database that is down still answers 503."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._path = None

    def __call__(self, request):
        if self._path is None:
            self._path = reverse("beds:board_grid")
        if request.method == "GET" and request.path == self._path and "HTTP_IF_NONE_MATCH" in request.META:
            answer = idle_poll_answer(request)
            if answer is not None:
                return answer
        return self.get_response(request)

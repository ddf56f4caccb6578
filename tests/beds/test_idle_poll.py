"""The board's idle poll answered in one query before the middleware stack (`beds.poll`), and only when the
full stack would have answered 304 too: authentication, the house, the right and the ETag decided the same way."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from psykiatrihus.models import AuditEvent, Membership
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db
GRID = "beds:board_grid"


def poll(client, etag=None, **params):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(reverse(GRID), {"fra": "2024-02-01", **params}, HTTP_HX_REQUEST="true", **headers)


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_idle_poll_is_one_query_and_writes_nothing(client_for, django_assert_num_queries):
    client = client_for("kommune")
    etag = poll(client)["ETag"]
    audit_rows = AuditEvent.objects.count()
    expires = session_of(client).expire_date
    with django_assert_num_queries(1):
        again = poll(client, etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert "no-store" in again["Cache-Control"]
    assert AuditEvent.objects.count() == audit_rows  # a 304 shows nothing new: no audit row
    assert session_of(client).expire_date == expires  # not slid by the fast answer


def test_a_change_redraws(house, users, people, client_for):
    from beds.services import stay_book

    client = client_for("kommune")
    etag = poll(client)["ETag"]
    stay_book(house=house, bed=bed(house, "K1"), citizen=people.erik, arrival=at("2024-02-02"),
              planned_departure=at("2024-02-03", 10), user=users["kommune"])
    changed = poll(client, etag)
    assert changed.status_code == 200 and "Erik" in changed.content.decode()


def test_a_logged_out_session_gets_the_login_page(client_for):
    client = client_for("kommune")
    etag = poll(client)["ETag"]
    cookie = client.cookies["sessionid"].value
    client.logout()
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    response = poll(client, etag)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_changed_password_ends_the_session(users, client_for):
    client = client_for("kommune")
    etag = poll(client)["ETag"]
    user = users["kommune"]
    user.set_password("et-helt-andet-kodeord-42")
    user.save()
    response = poll(client, etag)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_deactivated_user_or_membership_is_refused(house, users, client_for):
    client = client_for("kommune")
    etag = poll(client)["ETag"]
    Membership.objects.filter(user=users["kommune"], house=house).update(active=False)
    assert poll(client, etag).status_code == 403
    Membership.objects.filter(user=users["kommune"], house=house).update(active=True)
    assert poll(client, etag).status_code == 304
    users["kommune"].is_active = False
    users["kommune"].save()
    assert poll(client, etag).status_code == 302


def test_another_users_etag_is_not_answered_304(client_for):
    """The ETag names a user, but the session decides who asks: someone else's ETag redraws for the asker."""
    region_etag = poll(client_for("region"))["ETag"]
    kommune = client_for("kommune")
    kommune_etag = poll(kommune)["ETag"]
    response = poll(kommune, region_etag)
    assert response.status_code == 200 and response["ETag"] == kommune_etag


def test_the_steering_group_never_gets_the_board(client_for, users):
    steering = client_for("styregruppe")
    kommune_etag = poll(client_for("kommune"))["ETag"]
    forged = kommune_etag.replace(f"-u{users['kommune'].pk}-", f"-u{users['styregruppe'].pk}-")
    assert poll(steering, forged).status_code == 403


def test_a_session_near_its_idle_limit_goes_down_the_stack_and_slides(client_for, settings):
    client = client_for("kommune")
    etag = poll(client)["ETag"]
    soon = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE / 2 - 60)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=soon)
    response = poll(client, etag)
    assert response.status_code == 304
    assert session_of(client).expire_date > soon + datetime.timedelta(minutes=5)


def test_another_window_or_language_redraws(client_for):
    client = client_for("kommune")
    etag = poll(client)["ETag"]
    assert poll(client, etag, fra="2024-02-08").status_code == 200
    assert poll(client, etag, sektor="kommune").status_code == 200
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies = client.cookies
    assert english.get(reverse(GRID), {"fra": "2024-02-01"}, HTTP_HX_REQUEST="true",
                       HTTP_IF_NONE_MATCH=etag).status_code == 200

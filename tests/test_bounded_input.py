"""Bounded input in the kernel: the date window, and under /api/ JSON errors for everything (Django's own
400/403/404/413/500 too, DEBUG on or off), a body-size limit and a JSON nesting limit."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from psykiatrihus.dates import date_window

pytestmark = pytest.mark.django_db
D = datetime.date


class TestDateWindow:
    def test_default_window_and_its_edges(self):
        w = date_window(today=D(2026, 12, 1))
        assert (w.first, w.last) == (D(1980, 1, 1), D(2031, 12, 1))
        assert D(1980, 1, 1) in w and D(1979, 12, 31) not in w
        assert D(2031, 12, 1) in w and D(2031, 12, 2) not in w
        assert D(1, 1, 1) not in w and D(9999, 12, 31) not in w
        assert datetime.datetime(1, 1, 1) not in w  # no zone conversion: would overflow

    def test_house_opening_year_minus_20(self, house):
        house.opened_on = D(2019, 2, 25)
        assert date_window(house=house, today=D(2024, 2, 29)).first == D(1999, 1, 1)
        assert date_window(house=house, today=D(2024, 2, 29)).last == D(2029, 2, 28)

    def test_message_in_danish_and_english(self):
        from django.utils import translation

        w = date_window(today=D(2026, 12, 1))
        assert w.message() == "Datoen skal ligge mellem 1. januar 1980 og 1. december 2031."
        with translation.override("en"):
            assert "1980" in w.message() and "Datoen" not in w.message()


class TestPageDatesOutsideTheWindow:
    """A page that navigates by date (`?fra=`, `?nat=`, `?dato=`) shows its default for a date outside the
    window or one that does not parse, where year 9999 plus a night used to overflow into a 500."""

    @pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "1979-12-31", "2026-13-45", "\x00"])
    def test_board_booking_panel_and_calendar(self, client, house, users, raw):
        from beds.models import Bed

        bed = Bed.objects.filter(house=house, sector="kommune").first()
        client.force_login(users["kommune"])
        board = client.get("/senge/", {"fra": raw})
        assert board.status_code == 200
        default = client.get("/senge/")
        assert board.context["board"].start == default.context["board"].start
        panel = client.get("/senge/book/", {"seng": bed.pk, "nat": raw}, HTTP_HX_REQUEST="true")
        assert panel.status_code == 200 and b"9999-12-31" not in panel.content
        week = client.get("/aktiviteter/", {"dato": raw})
        assert week.status_code == 200
        assert week.context["prev"] == client.get("/aktiviteter/").context["prev"]

    def test_a_date_inside_the_window_is_kept(self, client, house, users):
        client.force_login(users["kommune"])
        board = client.get("/senge/", {"fra": "2024-03-04"})
        assert board.status_code == 200 and board.context["board"].start == D(2024, 3, 4)


def api_client(users=None, key="leder") -> APIClient:
    client = APIClient(raise_request_exception=False)
    if users is not None:
        client.force_authenticate(users[key])
    return client


def is_json_error(response, status: int, code: str | None = None) -> bool:
    assert response.status_code == status, (response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body, dict) and "<html" not in response.content.decode().lower()
    return code is None or body.get("code") == code


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.urls("tests.crash_urls")
class TestApiAnswersJsonOnly:
    def test_unknown_url_404(self, settings, users, debug):
        settings.DEBUG = debug
        assert is_json_error(api_client(users).get("/api/v1/nothing-here/"), 404, "not_found")
        assert is_json_error(api_client().get("/api/nothing/"), 404, "not_found")  # anonymous too
        page = Client().get("/nothing-here/")
        assert page.status_code in (302, 404) and "json" not in page["Content-Type"]  # pages stay HTML

    def test_crash_500(self, settings, users, debug):
        settings.DEBUG = debug
        r = api_client(users).get("/api/v1/test-crash/")
        assert is_json_error(r, 500, "server_error") and "boom" not in r.content.decode()
        r = api_client(users).get("/api/v1/test-crash-cpr/")
        assert is_json_error(r, 500) and "160665" not in r.content.decode()
        c = Client(raise_request_exception=False)
        c.force_login(users["leder"])
        assert "html" in c.get("/test-crash/")["Content-Type"]

    def test_bad_host_400(self, settings, debug):
        settings.DEBUG = debug
        assert is_json_error(api_client().get("/api/v1/me/", HTTP_HOST="evil.example"), 400, "bad_request")

    def test_body_over_the_limit_413(self, settings, users, debug):
        settings.DEBUG = debug
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
        body = json.dumps({"house": "aarhus", "note": "x" * 20_000})
        r = api_client(users).generic("POST", "/api/v1/requests/", body, content_type="application/json")
        assert is_json_error(r, 413, "request_too_large")
        # Also a form post and the token endpoint (which parses forms itself).
        r = api_client().post("/api/v1/auth/token/", {"username": "leder", "password": "x" * 20_000})
        assert is_json_error(r, 413, "request_too_large")

    def test_wrong_method_405_json(self, settings, users, debug):
        settings.DEBUG = debug
        assert is_json_error(api_client(users).delete("/api/v1/me/"), 405)


@pytest.mark.parametrize("depth, status", [(64, "parsed"), (65, "refused"), (100_000, "refused")])
def test_json_nesting_depth(users, depth, status):
    """100,000 nested brackets were a RecursionError (HTML 500); now anything deeper than 64 is a 400."""
    body = '{"house": "aarhus", "note": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    r = api_client(users).generic("POST", "/api/v1/requests/", body, content_type="application/json")
    if status == "refused":
        assert is_json_error(r, 400, "json_too_deep"), r.json()
        assert "64" in r.json()["detail"]
    else:
        assert r.status_code == 400 and "note" in r.json()  # decoded; the field says what is wrong


def test_brackets_inside_strings_do_not_count(users):
    body = json.dumps({"house": "aarhus", "sector": "kommune", "channel": "phone", "note": "[" * 400})
    r = api_client(users).generic("POST", "/api/v1/requests/", body, content_type="application/json")
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("body", ["{", '{"house": NaN}', '{"house": "\\ud800"}'.encode("utf-16")])
def test_malformed_json_400(users, body):
    r = api_client(users).generic("POST", "/api/v1/requests/", body, content_type="application/json")
    assert is_json_error(r, 400, "parse_error")

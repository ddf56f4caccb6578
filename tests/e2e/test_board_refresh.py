"""A change made while the board's grid is already refreshing is not lost: the grid's request for the newer
change replaces the one in flight (htmx drops a second request on the same element by default, so the board
kept showing the state from before the second change until the next 20-second poll). Nor is a change
announced just after a refresh was swapped in, before htmx had bound the new grid."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed, Stay
from beds.services import stay_book, stay_cancel
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _board_with_a_stay(session, house, users) -> Stay:
    now = timezone.localtime().replace(second=0, microsecond=0)
    citizen = citizen_create(house=house, sector="kommune", name="Rasmus Aflys", cpr="0303801230")
    contract_create(house=house, citizen=citizen, sector="kommune", granted_on=now.date() - datetime.timedelta(60))
    arrival = now + datetime.timedelta(days=1)
    stay = stay_book(house=house, bed=Bed.objects.get(house=house, label="K3"), citizen=citizen, arrival=arrival,
                     planned_departure=arrival + datetime.timedelta(days=1), user=users["kommune"])
    session.login("kommune", PASSWORD)
    session.page.goto("/senge/")
    expect(session.page.locator("#board-grid")).to_contain_text("Rasmus")
    return stay


def _first_refresh_stale(page, stay: Stay, user, *, announce_in_flight: bool) -> list[str]:
    """Route the grid's requests: the first is answered with the grid as it was, the stay being cancelled while
    it is under way (and, if asked, the change announced then); later ones go through. Returns the URLs seen."""
    calls: list[str] = []

    def handle(route):
        calls.append(route.request.url)
        if len(calls) > 1:
            route.continue_()
            return
        stale = route.fetch()  # rendered before the change below
        stay_cancel(stay=Stay.objects.get(pk=stay.pk), user=user)
        if announce_in_flight:
            # Announced from here, once this request is known to be in flight (a timer in the page could fire
            # before the first request left it).
            route.request.frame.page.evaluate("() => htmx.trigger(document.body, 'boardChanged')")
            time.sleep(0.5)
        try:
            route.fulfill(response=stale)
        except Exception:  # the page gave this request up for the newer one
            pass

    page.route(re.compile(r"/senge/tavle/"), handle)
    return calls


def test_a_change_during_a_refresh_is_shown(session, house, users):
    stay = _board_with_a_stay(session, house, users)
    page = session.page
    calls = _first_refresh_stale(page, stay, users["kommune"], announce_in_flight=True)
    page.evaluate("() => htmx.trigger(document.body, 'boardChanged')")
    expect(page.locator("#board-grid")).not_to_contain_text("Rasmus", timeout=8000)
    assert len(calls) == 2


def test_a_change_right_after_a_refresh_is_shown(session, house, users):
    """A change announced 5 ms after a refresh was swapped in (inside htmx's default 20 ms settle, when the new
    grid had no listener yet: the night shift's undo right after a cancel's refresh left the board stale)."""
    stay = _board_with_a_stay(session, house, users)
    page = session.page
    calls = _first_refresh_stale(page, stay, users["kommune"], announce_in_flight=False)
    page.evaluate("""() => {
        document.addEventListener("htmx:afterSwap", function announce(e) {
            if (e.detail.target.id !== "board-grid") return;
            document.removeEventListener("htmx:afterSwap", announce);
            setTimeout(() => htmx.trigger(document.body, "boardChanged"), 5);
        });
        htmx.trigger(document.body, "boardChanged");
    }""")
    expect(page.locator("#board-grid")).not_to_contain_text("Rasmus", timeout=8000)
    assert len(calls) == 2

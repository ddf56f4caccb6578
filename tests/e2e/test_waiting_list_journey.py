"""Journey in a visitation house (Silkeborg's demo data): the leader reads the rules above the bed board, opens
the waiting list, gives a freed bed to the first in line in one action, and evaluates a stay's goals on the
board's stay panel. Every page is checked with axe-core and for CSP violations."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from beds.demo_houses import seed_other_houses
from beds.models import WaitingListEntry
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_leader_places_the_first_waiting_citizen_and_evaluates_goals(session, house):
    seed_other_houses(password=PASSWORD, stdout=io.StringIO())
    page = session.page
    session.login("leder-silkeborg", PASSWORD)
    page.goto("/senge/")
    rules = page.locator("#house-rules")
    expect(rules).to_contain_text("visitation · op til 14 nætter")
    session.assert_accessible()

    rules.get_by_role("link", name="Venteliste: 1 venter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Venteliste")
    expect(page.locator("#entry-" + str(WaitingListEntry.objects.get().pk))).to_contain_text("Hanne Friis")
    session.assert_accessible()
    page.get_by_label("Giv den første (Hanne Friis) en seng fra i dag").select_option(label="K1")
    page.get_by_role("button", name="Placér den første i sengen").click()
    expect(page.locator(".messages")).to_contain_text("Hanne Friis har fået K1 fra i dag (10 nætter).")
    assert WaitingListEntry.objects.get().status == "placed"

    page.goto("/senge/")
    page.locator('button.cell.stay:has-text("Lise")').first.click()  # her stay spans several nights
    panel = page.locator("#panel")
    expect(panel.get_by_role("heading", name="Mål for opholdet")).to_be_visible()
    panel.locator(".goal-evaluate select").first.select_option("achieved")
    panel.get_by_role("button", name="Gem evaluering").first.click()
    expect(panel).to_contain_text("Målet er evalueret.")
    expect(panel.locator(".badge.goal-achieved")).to_have_text("Nået")
    session.assert_accessible()

"""Journey: Silkeborg's leader reads the rules in force today and the waiting list on the dashboard, and opens
the list behind the figure (data as in tests/dashboard/test_house_rules.py: 2 waiting, median 3.5 days)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dashboard.test_house_rules import sb, silkeborg  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_leader_reads_rules_and_opens_the_waiting_list(session, sb):  # noqa: F811
    page = session.page
    session.login("sb-leder", PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Overblik").click()
    rules = page.locator("section[aria-labelledby=rules-heading]")
    expect(rules.get_by_role("heading", level=2)).to_have_text("Husets regler i dag")
    expect(rules.locator(".rules-lines li")).to_have_count(2)
    municipal = rules.locator(".now-card").filter(has_text="Kommune")
    assert re.search(r"Venter nu\s+2", municipal.inner_text()), municipal.inner_text()
    assert "3,5 dage" in municipal.inner_text()
    session.assert_accessible()
    session.screenshots_at_widths("dashboard-rules-leader")
    municipal.get_by_role("link", name="2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Venteliste nu")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    assert "E4" in rows.nth(0).inner_text() and "E5" in rows.nth(1).inner_text()
    session.assert_accessible()


def test_steering_sees_the_figures_without_a_link(session, sb):  # noqa: F811
    """The steering group sees the small live counts as "<5" (house threshold), like the rest of what it sees:
    2 waiting and 2 placed, and no median of those two waits."""
    page = session.page
    session.login("sb-styregruppe", PASSWORD)
    page.goto("/rapporter/overblik/")
    card = page.locator("section[aria-labelledby=rules-heading] .now-card").filter(has_text="Kommune")
    assert re.search(r"Venter nu\s+<5", card.inner_text()), card.inner_text()
    assert "(<5 fik seng)" in card.inner_text() and "3,5 dage" not in card.inner_text()
    expect(card.get_by_role("link")).to_have_count(0)
    session.assert_accessible()
    session.screenshots_at_widths("dashboard-rules-steering")

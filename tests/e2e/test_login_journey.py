"""Journey: every demo role logs in through the real login form and lands on its own start page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from psykiatrihus.demo import DEMO_PASSWORD, DEMO_USERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLE_LABELS = {
    "kommune": "Kommunal medarbejder",
    "region": "Regional medarbejder",
    "peer": "Peer-medarbejder",
    "leder": "Leder",
    "styregruppe": "Styregruppemedlem",
    "admin": "Administrator",
}
SEES_AUDIT_LOG = {"leder", "admin"}


@pytest.fixture
def demo_house(transactional_db):
    from psykiatrihus.demo import seed_kernel

    return seed_kernel()


def test_each_demo_role_logs_in_and_lands_on_its_start_page(session, demo_house, captured_logs):
    page = session.page
    page.goto("/senge/")
    assert re.search(r"/login/\?next=/senge/$", page.url)
    session.assert_accessible()  # the login page
    for username, first, last, _role, _sector in DEMO_USERS:
        session.login(username, DEMO_PASSWORD)
        assert page.url.endswith("/") and "/login/" not in page.url, username
        assert page.get_by_role("heading", level=1).inner_text() == f"Velkommen, {first} {last}"
        assert page.locator(".badge").first.inner_text() == ROLE_LABELS[username]
        nav = page.get_by_role("navigation", name="Hovedmenu")
        assert nav.get_by_role("link", name="Forside").is_visible()
        assert (nav.get_by_role("link", name="Logbog").count() == 1) == (username in SEES_AUDIT_LOG), username
        if username == "kommune":
            session.assert_accessible()  # a logged-in page
        session.logout()
    # An anonymous visitor is back on the login page after logout.
    page.goto("/")
    assert "/login/" in page.url
    assert "Log ind" in page.title()


def test_wrong_password_shows_danish_error_and_lockout(session, demo_house):
    page = session.page
    for _ in range(4):
        session.login("leder", "forkert-kode")
        assert page.get_by_role("alert").inner_text().startswith("Indtast venligst korrekt brugernavn")
    session.login("leder", "forkert-kode")
    assert "For mange mislykkede forsøg" in page.get_by_role("alert").inner_text()
    session.login("leder", DEMO_PASSWORD)  # the right password is refused while locked out
    assert "/login/" in page.url
    assert "For mange mislykkede forsøg" in page.get_by_role("alert").inner_text()
    session.assert_accessible()


def test_language_switch_works_without_inline_script(session, demo_house):
    """The footer's language menu submits via static/js/app.js (CSP forbids inline handlers)."""
    page = session.page
    session.login("kommune", DEMO_PASSWORD)
    page.locator("#lang").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state()  # app.js (deferred) must be running before the next change
    page.locator("#lang").select_option("da")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    assert page.get_by_role("button", name="Log ud").is_visible()


CPR_DIGITS = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")


def test_no_cpr_in_logs_after_cpr_is_typed_in_the_wrong_places(session, demo_house, captured_logs):
    """A CPR typed as a username or into an address ends up masked in the logs, never in clear."""
    page = session.page
    session.login("010190-1234", "forkert-kode")  # axes logs the attempted username
    assert page.get_by_role("alert").is_visible()
    session.login("kommune", DEMO_PASSWORD)
    page.goto("/borgere/0101901234/")  # django.request logs the 404 path
    logs = captured_logs.getvalue()
    assert "010190-xxxx" in logs  # the records were written, masked
    assert CPR_DIGITS.findall(logs) == []

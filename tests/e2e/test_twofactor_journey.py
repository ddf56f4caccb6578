"""Journey: a leader switches on two-factor from the shown secret, and from then on logs in with a code."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _code(secret: str, offset_steps: int = 0) -> str:
    """What an authenticator app shows for the base32 secret (30 s steps, 6 digits); offset 1 = the next code
    (a code is accepted once, so the login uses the one after the enrolment's)."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=-offset_steps * 30, digits=6):06d}"


def test_leader_enrols_and_logs_in_with_a_code(session, house, users):
    page = session.page
    session.login("leder", PASSWORD)
    page.get_by_role("link", name="Totrinsbekræftelse").click()
    expect(page.get_by_role("img", name="QR-kode til godkendelsesappen")).to_be_visible()
    session.assert_accessible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Kode fra godkendelsesappen").fill(_code(secret))
    page.get_by_role("button", name="Slå totrinsbekræftelse til").click()
    expect(page.get_by_role("status")).to_contain_text("Totrinsbekræftelse er slået til")
    session.logout()

    session.login("leder", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Totrinsbekræftelse")
    page.goto("/logbog/")
    assert "/login/" in page.url  # the password alone does not log in
    page.goto("/login/kode/")
    page.get_by_label("Kode fra godkendelsesappen").fill(_code(secret, offset_steps=1))  # the next code
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")
    page.goto("/logbog/")
    assert "/logbog/" in page.url

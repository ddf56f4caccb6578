"""Journey: municipal staff find a citizen by name and open the record, then book a bed for them from the
board; a regional staff member finds nothing and gets 404 on the record's address."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed, Stay
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD
from tests.e2e.test_bed_board_journey import CPR_DIGITS, _cell, _fill_booking

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CPR = "1503851234"


@pytest.fixture
def mette(house):
    citizen = citizen_create(house=house, sector="kommune", name="Mette Hansen", cpr=CPR)
    contract_create(house=house, citizen=citizen, sector="kommune",
                    granted_on=timezone.localdate() - datetime.timedelta(days=30))
    return citizen


def test_municipal_staff_find_the_citizen_and_book_a_stay(session, house, users, mette, captured_logs):
    page = session.page
    session.login("kommune", PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Borgere").click()
    page.get_by_role("searchbox").fill("Hansen")
    page.get_by_role("button", name="Søg").click()
    page.get_by_role("link", name="Mette Hansen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mette Hansen")
    assert re.search(r"/borgere/\d+/$", page.url) and CPR not in page.url
    session.assert_accessible()

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Sengeoversigt").click()
    # The cells are on the page before its deferred htmx script has run; a click then opens nothing.
    page.wait_for_url(re.compile(r"/senge/$"))
    page.wait_for_load_state()
    k3 = Bed.objects.get(house=house, label="K3")
    _cell(page, k3, timezone.localdate()).click()
    _fill_booking(page, CPR)
    page.locator("#panel").get_by_role("button", name="Book", exact=True).click()
    expect(page.locator("#panel")).to_contain_text("K3 er booket")
    assert Stay.objects.get(citizen=mette).bed_id == k3.pk
    assert CPR_DIGITS.findall(captured_logs.getvalue()) == []


def test_regional_staff_cannot_find_or_open_the_municipal_citizen(session, house, users, mette):
    page = session.page
    session.login("region", PASSWORD)
    page.goto("/borgere/?q=Hansen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Borgere")
    assert page.get_by_role("link", name="Mette Hansen").count() == 0
    assert "Mette" not in page.content()
    response = page.goto(f"/borgere/{mette.pk}/")
    assert response.status == 404
    assert "Mette" not in page.content()

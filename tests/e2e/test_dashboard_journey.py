"""Journey: a leader opens the dashboard and reads tonight's beds per sector (one municipal citizen in house)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed
from beds.services import stay_book, stay_check_in
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def one_guest_tonight(house, users):
    now = timezone.localtime()
    citizen = citizen_create(house=house, sector="kommune", name="Mette Hansen", cpr="1503851234")
    contract_create(house=house, citizen=citizen, sector="kommune", granted_on=now.date() - datetime.timedelta(days=30))
    stay = stay_book(house=house, bed=Bed.objects.get(house=house, label="K1"), citizen=citizen, user=users["kommune"],
                     arrival=now - datetime.timedelta(hours=1),
                     planned_departure=datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                                                 datetime.time(10, 0), tzinfo=now.tzinfo))
    return stay_check_in(stay=stay, user=users["kommune"], ors_score=20)


def test_leader_reads_tonights_beds_on_the_dashboard(session, house, users, one_guest_tonight):
    page = session.page
    session.login("leder", PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Overblik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik")
    municipal = page.locator(".bed-card").filter(has_text="Kommune").first
    regional = page.locator(".bed-card").filter(has_text="Region").first
    assert re.search(r"\b7\s+ledige i nat", municipal.inner_text()), municipal.inner_text()
    assert re.search(r"\b1\s+optaget", municipal.inner_text()), municipal.inner_text()
    assert re.search(r"\b8\s+ledige i nat", regional.inner_text()), regional.inner_text()
    session.assert_accessible()

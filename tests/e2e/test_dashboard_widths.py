"""The dashboard, the front page and the report pages at 1440, 820 and 390 px, for a leader and a
steering-group member: no horizontal page overflow, the header's buttons ("Log ud") on screen and at least
44 px tall, the now-bed table without a sideways scroll. Screenshots land in test-artifacts/widths-*.png."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from beds.models import Bed
from beds.services import stay_book, stay_check_in
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, WIDE_ELEMENTS_JS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = ((1440, 900), (820, 1180), (390, 844))
PAGES = {"dashboard": "/rapporter/overblik/?months=36", "front": "/", "reports": "/rapporter/"}

# Header controls and form controls on the page that a finger must hit: [text, width, height, right edge].
TARGETS = ".topbar a, .topbar button, .topbar select, main button, main select, .report-form fieldset label"
TARGETS_JS = """() => [...document.querySelectorAll('""" + TARGETS + """')]
    .filter(e => e.offsetParent !== null).map(e => {
      const r = e.getBoundingClientRect();
      return [e.textContent.trim().slice(0, 30) || e.tagName, Math.round(r.width), Math.round(r.height),
              Math.round(r.right)];
    })"""
# Tables in the "now" part that scroll sideways inside their card.
SIDEWAYS_JS = """() => [...document.querySelectorAll('.bed-table')].filter(t => {
    const box = t.closest('.card');
    return t.scrollWidth > box.clientWidth;
  }).length"""


@pytest.fixture
def guest(house, users):
    now = timezone.localtime()
    citizen = citizen_create(house=house, sector="kommune", name="Mette Hansen", cpr="1503851234")
    contract_create(house=house, citizen=citizen, sector="kommune", granted_on=now.date() - datetime.timedelta(days=30))
    stay = stay_book(house=house, bed=Bed.objects.get(house=house, label="K1"), citizen=citizen, user=users["kommune"],
                     arrival=now - datetime.timedelta(hours=1),
                     planned_departure=datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                                                 datetime.time(10, 0), tzinfo=now.tzinfo))
    return stay_check_in(stay=stay, user=users["kommune"], ors_score=20)


@pytest.mark.parametrize("username", ["leder", "styregruppe"])
def test_pages_fit_every_width(session, house, guest, username):
    ARTIFACTS.mkdir(exist_ok=True)
    page = session.page
    session.login(username, PASSWORD)
    problems = []
    for name, url in PAGES.items():
        page.goto(url)
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(100)
            page.screenshot(path=str(ARTIFACTS / f"widths-{username}-{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:
                problems.append(f"{name} at {width} px is {overflow} px too wide: {page.evaluate(WIDE_ELEMENTS_JS)}")
            for text, w, h, right in page.evaluate(TARGETS_JS):
                if right > width + 1:
                    problems.append(f"{name} at {width} px: {text!r} is cut off (right edge {right})")
                if width <= 820 and (h < 44 or w < 44):
                    problems.append(f"{name} at {width} px: {text!r} is {w}×{h} px")
            if name == "dashboard" and page.evaluate(SIDEWAYS_JS):
                problems.append(f"the now-bed table scrolls sideways at {width} px")
    assert not problems, "\n".join(problems)
    session.assert_accessible()
    page.set_viewport_size({"width": 1440, "height": 900})
    if username == "leder":
        page.goto(PAGES["dashboard"])
        page.set_viewport_size({"width": 390, "height": 844})
        page.get_by_role("button", name="Log ud").click()
        page.wait_for_url("**/login/**")

"""Find the citizen, then follow their course, at tablet width (820 px): staff book from a board cell by typing
part of a name, tell two "Anders Jensen" apart by birth date and sector and choose with the keyboard; then open
the citizen page, where the stay beds recorded stands. The text typed (also a CPR number) is posted, never in a
URL or a log line. Screenshots at 1440, 820 and 390 px land in test-artifacts/citizen-*.png."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed, Stay
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CPR_OLD = "1203851239"  # Anders Jensen, born 12.03.1985
CPR_YOUNG = "0107901237"  # Anders Jensen, born 01.07.1990
CPR_DIGITS = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")
FIELD = "Borger (navn, fødselsdato eller CPR-nummer)"
SIZES = ((1440, 900), (820, 1180), (390, 844))


@pytest.fixture
def namesakes(house):
    today = timezone.localdate()
    old = citizen_create(house=house, sector="kommune", name="Anders Jensen", cpr=CPR_OLD)
    young = citizen_create(house=house, sector="kommune", name="Anders Jensen", cpr=CPR_YOUNG)
    for citizen in (old, young):
        contract_create(house=house, citizen=citizen, sector="kommune", granted_on=today - datetime.timedelta(days=30))
    return old, young


def test_book_the_right_namesake_from_a_board_cell_then_read_the_course(session, house, users, namesakes,
                                                                         captured_logs):
    old, young = namesakes
    page = session.page
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.set_viewport_size({"width": 820, "height": 1180})
    session.login("kommune", PASSWORD)
    page.goto("/senge/")
    today = timezone.localdate()
    k1 = Bed.objects.get(house=house, label="K1")
    page.locator(f"#c-{k1.pk}-{today:%Y%m%d}").click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Book seng K1")

    # A full CPR number finds exactly one; the field is emptied when it is chosen.
    field = panel.get_by_label(FIELD)
    field.fill(f"{CPR_OLD[:6]}-{CPR_OLD[6:]}")
    expect(panel.locator(".lookup-option")).to_have_count(1)
    expect(panel.locator(".lookup-option")).to_contain_text("født 12.03.1985")
    field.press("Enter")
    expect(panel.locator(".picker-chosen-label")).to_have_text("Anders Jensen · 12.03.1985")
    expect(field).to_be_hidden()
    assert field.input_value() == ""
    panel.get_by_role("button", name="Skift borger").click()
    expect(field).to_be_focused()

    # A part of the name: two namesakes, told apart by birth date and contract; arrows and Enter choose.
    field.fill("anders jen")
    options = panel.locator(".lookup-option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Anders Jensen født 12.03.1985 Kommune · aktiv")
    expect(options.nth(1)).to_contain_text("Anders Jensen født 01.07.1990 Kommune · aktiv")
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        session.screenshot(ARTIFACTS / f"citizen-typeahead-{width}.png")
    page.set_viewport_size({"width": 820, "height": 1180})
    session.assert_accessible()  # the list of matches open
    field.press("Enter")  # several matches: Enter moves into the list, never books a guess
    expect(options.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_be_focused()
    page.keyboard.press("Escape")  # closes the list, not the panel
    expect(panel).to_contain_text("Book seng K1")
    expect(field).to_be_focused()
    expect(options).to_have_count(0)
    field.fill("anders jensen")
    expect(options).to_have_count(2)
    field.press("ArrowDown")
    expect(options.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(panel.locator(".picker-chosen-label")).to_have_text("Anders Jensen · 01.07.1990")
    now = timezone.localtime()
    arrival = (now - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    departure = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(10, 0))
    panel.locator("#id_arrival").fill(arrival.strftime("%Y-%m-%dT%H:%M"))
    panel.locator("#id_planned_departure").fill(departure.strftime("%Y-%m-%dT%H:%M"))
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        session.screenshot(ARTIFACTS / f"citizen-booking-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 820, "height": 1180})
    session.assert_accessible()
    panel.get_by_role("button", name="Book", exact=True).click()
    expect(panel).to_contain_text("K1 er booket")
    assert Stay.objects.get().citizen_id == young.pk

    # The stay panel: the contract's frame, the crisis plan (none yet), the ORS still to be given.
    page.get_by_role("button", name=re.compile(r"^K1 .*Anders Jensen")).first.click()
    expect(panel).to_contain_text("Anders Jensen · K1")
    expect(panel.locator(".stay-course")).to_contain_text("Ingen kriseplan på kontrakten.")
    expect(panel.locator(".stay-course")).to_contain_text("gives ved indskrivning")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        session.screenshot(ARTIFACTS / f"citizen-stay-panel-{width}.png")
    page.set_viewport_size({"width": 820, "height": 1180})

    # The citizen's course: the stay beds recorded, on the page contracts owns.
    page.goto(f"/borgere/{young.pk}/")
    stays = page.locator("#ophold")
    expect(stays.locator(f"#ophold-{Stay.objects.get().pk}")).to_contain_text("K1")
    expect(stays).to_contain_text("Booket")
    expect(page.locator("#henvendelser")).to_contain_text("Ingen henvendelser, du kan se.")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        session.screenshot(ARTIFACTS / f"citizen-course-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    session.assert_accessible()
    page.locator("#kontrakter a.badge").first.click()
    expect(page.locator("#ophold")).to_contain_text("K1")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        session.screenshot(ARTIFACTS / f"citizen-contract-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"/borgere/{old.pk}/")
    expect(page.locator("#ophold")).to_contain_text("Ingen ophold, du kan se.")

    # Nothing typed travelled in an address, nor reached a log line (not even masked).
    assert [u for u in urls if CPR_DIGITS.search(u) or "anders" in u.lower()] == []
    # The live server logs only refused requests: one without its CSRF token is, with the path and no body.
    refused = page.request.post("/borgere/find/", form={"q": CPR_OLD, "field": "q"})
    assert refused.status == 403
    logged = captured_logs.getvalue()
    assert "/borgere/find/" in logged
    assert CPR_DIGITS.findall(logged) == [] and "xxxx" not in logged and "anders" not in logged.lower()

"""Journeys on the bed board: book, check in and out with FIT scores; sector privacy; two staff racing
for one bed; keyboard use. Data is built through the contracts services, like the product does."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed, Stay
from contracts.services import citizen_create, contract_create
from psykiatrihus.models import Role
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CPR_METTE = "1503851234"
CPR_OLE = "0207761235"
CPR_DIGITS = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")


@pytest.fixture
def citizens(house):
    today = timezone.localdate()
    mette = citizen_create(house=house, sector="kommune", name="Mette Hansen", cpr=CPR_METTE)
    ole = citizen_create(house=house, sector="kommune", name="Ole Jensen", cpr=CPR_OLE)
    for citizen in (mette, ole):
        contract_create(house=house, citizen=citizen, sector="kommune", granted_on=today - datetime.timedelta(days=30))
    return {"mette": mette, "ole": ole}


def _cell(page, bed: Bed, night: datetime.date):
    return page.locator(f"#c-{bed.pk}-{night:%Y%m%d}")


def _fill_booking(page, cpr: str) -> None:
    """CPR plus a stay that started two hours ago and ends tomorrow morning (check-out now is after arrival)."""
    now = timezone.localtime()
    arrival = (now - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    departure = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(10, 0))
    page.get_by_label("Borger (navn, fødselsdato eller CPR-nummer)").fill(cpr)
    page.locator("#id_arrival").fill(arrival.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_planned_departure").fill(departure.strftime("%Y-%m-%dT%H:%M"))


def test_municipal_staff_books_checks_in_and_out_with_fit(session, house, users, citizens, captured_logs):
    page = session.page
    today = timezone.localdate()
    k1 = Bed.objects.get(house=house, label="K1")
    session.login("kommune", PASSWORD)
    page.get_by_role("link", name="Sengeoversigt").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sengeoversigt")
    session.assert_accessible()

    _cell(page, k1, today).click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Book seng K1")
    _fill_booking(page, CPR_METTE)
    session.assert_accessible()  # the board with the booking form open
    panel.get_by_role("button", name="Book", exact=True).click()
    expect(panel).to_contain_text("K1 er booket")
    stay_button = page.get_by_role("button", name=re.compile(r"^K1 .*Mette Hansen")).first
    expect(stay_button).to_be_visible()  # the board refreshed itself after the booking

    stay_button.click()
    expect(panel).to_contain_text("Mette Hansen · K1")
    panel.get_by_label("ORS ved start (0–40)").fill("22")
    panel.get_by_role("button", name="Indskriv").click()
    expect(panel).to_contain_text("Mette Hansen er indskrevet på K1.")

    page.get_by_role("button", name=re.compile(r"^K1 .*Mette Hansen")).first.click()
    expect(panel.get_by_label("SRS ved slut (0–40)")).to_be_visible()
    panel.get_by_label("SRS ved slut (0–40)").fill("35")
    panel.get_by_role("button", name="Udskriv").click()
    expect(panel).to_contain_text("Mette Hansen er udskrevet fra K1.")

    stay = Stay.objects.get(citizen=citizens["mette"])
    assert (stay.status, stay.ors_score, stay.srs_score, stay.bed_id) == ("checked_out", 22, 35, k1.pk)
    assert stay.checked_in_at is not None and stay.checked_out_at is not None
    # The CPR was typed into the booking form: it must not be in any log line.
    assert CPR_DIGITS.findall(captured_logs.getvalue()) == []
    assert CPR_METTE not in captured_logs.getvalue()


def test_regional_staff_cannot_see_the_municipal_citizen(open_session, house, users, citizens):
    from beds.services import stay_book

    now = timezone.localtime()
    k1 = Bed.objects.get(house=house, label="K1")
    stay = stay_book(house=house, bed=k1, citizen=citizens["mette"], user=users["kommune"],
                     arrival=now - datetime.timedelta(hours=1),
                     planned_departure=datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                                                 datetime.time(10, 0), tzinfo=now.tzinfo))
    municipal = open_session("kommune")
    municipal.login("kommune", PASSWORD)
    municipal.page.goto("/senge/")
    expect(municipal.page.get_by_role("button", name=re.compile("Mette Hansen")).first).to_be_visible()

    regional = open_session("region")
    regional.login("region", PASSWORD)
    page = regional.page
    page.goto("/senge/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sengeoversigt")
    assert "Mette" not in page.content()
    assert page.get_by_role("button", name=re.compile(r"^K1 ")).count() == 0  # no actions on municipal beds
    response = page.goto(f"/senge/ophold/{stay.pk}/")
    assert response.status == 404
    assert "Mette" not in page.content()
    assert municipal.problems == [] and regional.problems == []


def test_two_staff_race_for_the_same_bed(open_session, house, users, citizens, make_member):
    make_member(house, Role.MUNICIPAL_STAFF, "kommune", username="kommune2")
    today = timezone.localdate()
    k2 = Bed.objects.get(house=house, label="K2")
    first, second = open_session("first"), open_session("second")
    first.login("kommune", PASSWORD)
    second.login("kommune2", PASSWORD)
    for s, cpr in ((first, CPR_METTE), (second, CPR_OLE)):
        s.page.goto("/senge/")
        _cell(s.page, k2, today).click()
        expect(s.page.locator("#panel")).to_contain_text("Book seng K2")
        _fill_booking(s.page, cpr)
    # Both forms are open on the same free bed; the first to submit wins.
    first.page.locator("#panel").get_by_role("button", name="Book", exact=True).click()
    expect(first.page.locator("#panel")).to_contain_text("K2 er booket")
    second.page.locator("#panel").get_by_role("button", name="Book", exact=True).click()
    expect(second.page.locator("#panel").get_by_role("alert")).to_contain_text(
        "Sengen er lige blevet booket af en anden i perioden")
    # The loser's board shows the winner's stay without waiting for the next poll.
    expect(second.page.get_by_role("button", name=re.compile(r"^K2 .*Mette Hansen")).first).to_be_visible(
        timeout=5_000)
    assert list(Stay.objects.filter(bed=k2).values_list("citizen__name", flat=True)) == ["Mette Hansen"]
    assert first.problems == [] and second.problems == []


def test_bed_board_works_by_keyboard(session, house, users, citizens):
    page = session.page
    today = timezone.localdate()
    k1 = Bed.objects.get(house=house, label="K1")
    session.login("kommune", PASSWORD)
    page.goto("/senge/")
    _cell(page, k1, today).focus()
    page.keyboard.press("ArrowRight")
    tomorrow = today + datetime.timedelta(days=1)
    expect(_cell(page, k1, tomorrow)).to_be_focused()
    page.keyboard.press("ArrowDown")
    k2 = Bed.objects.get(house=house, label="K2")
    expect(_cell(page, k2, tomorrow)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#panel")).to_contain_text("Book seng K2")
    assert page.locator("#panel input[name=nat]").input_value() == tomorrow.isoformat()

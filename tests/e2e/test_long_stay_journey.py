"""Longer stays at tablet width (820 px): a night shift books a stay beyond the frame ("afventer leder", with the
reason), the bed is held and marked on the board; next morning the leader approves one long stay on the dashboard
and declines another, which is shortened to the frame; staff see why on the stay panel. Screenshots of the board,
the stay panel and the dashboard at 1440, 820 and 390 px land in test-artifacts/long-stay-*.png."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed, Stay
from beds.services import stay_book
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, WIDE_ELEMENTS_JS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.timedelta(days=1)


@pytest.fixture
def night(house, users):
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    people = {}
    for i, name in enumerate(["Lene Langtid", "Morten Mere"]):
        c = citizen_create(house=house, sector="kommune", name=name, cpr=f"0{i + 1}0481{1240 + i}")
        contract_create(house=house, citizen=c, sector="kommune", granted_on=today - 60 * D)
        people[name.split()[0]] = c
    # Booked earlier in the night by a colleague: Morten, 6 nights on K2 (the frame is 3).
    morten = stay_book(house=house, bed=Bed.objects.get(house=house, label="K2"), citizen=people["Morten"],
                       arrival=datetime.datetime.combine(today, datetime.time(21), tzinfo=tz),
                       planned_departure=datetime.datetime.combine(today + 6 * D, datetime.time(10), tzinfo=tz),
                       user=users["kommune"], extension_reason="Morten venter på en plads på bostedet")
    return {"today": today, "morten": morten, "k1": Bed.objects.get(house=house, label="K1")}


# The right edge of the widest element inside `selector`.
PART_RIGHT_JS = """s => Math.max(...[...document.querySelectorAll(s + ', ' + s + ' *')]
                                 .map(e => e.getBoundingClientRect().right))"""


def _shots(session, name: str, part: str = "") -> None:
    """Screenshots at three widths; the page (or, with `part`, that part of a page this change adds) fits."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = session.page
    for width, height in ((1440, 900), (820, 1180), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        if part:
            right = page.evaluate(PART_RIGHT_JS, part)
            assert right <= width + 1, f"{part} at {width} px reaches {right} px"
        else:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{name} at {width} px is {overflow} px too wide: {page.evaluate(WIDE_ELEMENTS_JS)}"
        page.screenshot(path=str(ARTIFACTS / f"long-stay-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})


def book_with_reason(page, *, bed, day, cpr: str, nights: int, asks: str, reason: str, booked: str):
    """The night shift books `nights` from 22:00 on `day` from the board: refused with `asks` (nothing booked)
    until the reason is written, then booked with `booked`. Returns the panel."""
    page.get_by_role("link", name="Sengeoversigt").first.click()
    page.locator(f"#c-{bed.pk}-{day:%Y%m%d}").click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text(f"Book seng {bed.label}")
    panel.get_by_label("Borger (navn, fødselsdato eller CPR-nummer)").fill(cpr)
    panel.locator("#id_arrival").fill(f"{day}T22:00")
    panel.locator("#id_planned_departure").fill(f"{day + nights * D}T10:00")
    before = Stay.objects.count()
    panel.get_by_role("button", name="Book", exact=True).click()
    expect(panel).to_contain_text(asks)
    assert Stay.objects.count() == before
    panel.get_by_label("Begrundelse for længere ophold end rammen").fill(reason)
    panel.get_by_role("button", name="Book", exact=True).click()
    expect(panel).to_contain_text(booked)
    return panel


def test_long_stay_pending_then_decided(open_session, house, night):
    today = night["today"]
    staff = open_session("staff")
    page = staff.page
    page.set_viewport_size({"width": 820, "height": 1180})
    staff.login("kommune", PASSWORD)

    # The night shift books Lene for 5 nights on K1; the frame is 3.
    panel = book_with_reason(page, bed=night["k1"], day=today, cpr="010481-1240", nights=5,
                             asks="Skriv begrundelsen: et længere ophold afventer en leders godkendelse.",
                             reason="Lene er utryg efter udskrivelsen",
                             booked="afventer en leders godkendelse; sengen er holdt imens.")
    lene = Stay.objects.get(citizen__name="Lene Langtid")
    assert (lene.extension_state, lene.nights, lene.extension_frame_nights) == ("pending", 5, 3)

    # The board marks both long stays; the panel explains it.
    cell = page.locator(f"#c-{night['k1'].pk}-{today + 4 * D:%Y%m%d}")  # the fifth night: beyond the frame
    expect(cell.locator("xpath=..")).to_have_class(re.compile(r"\bext-pending\b"))
    expect(cell).to_contain_text("ud over rammen, afventer leders godkendelse")
    _shots(staff, "board")
    page.get_by_role("button", name=re.compile(r"^K2 .*Morten Mere")).first.click()
    expect(panel).to_contain_text("Afventer leder")
    expect(panel).to_contain_text("Booket ud over rammen på 3 nætter")
    staff.assert_accessible()

    # Next morning: the leader's dashboard lists both, with the staff's reasons.
    leader = open_session("leader")
    lpage = leader.page
    lpage.set_viewport_size({"width": 820, "height": 1180})
    leader.login("leder", PASSWORD)
    lpage.goto("/rapporter/overblik/")
    part = lpage.locator("#extensions-pending")
    expect(part).to_contain_text("Afventer leders godkendelse")
    expect(part.locator(".ext-item")).to_have_count(2)
    expect(part).to_contain_text("Lene er utryg efter udskrivelsen")
    leader.assert_accessible()
    # The dashboard's own width at 390 px (its bed table, "Log ud") is another change's; this part must fit.
    _shots(leader, "dashboard", part="#extensions-pending")

    item = part.locator(f"#ext-{lene.pk}")
    item.get_by_role("button", name="Godkend").click()
    expect(lpage.locator("#extensions-pending")).to_contain_text("Godkendt: Lene Langtid bliver på K1")
    assert Stay.objects.get(pk=lene.pk).extension_state == "approved"

    item = lpage.locator(f"#ext-{night['morten'].pk}")
    item.get_by_role("button", name="Afvis og afkort til rammen").click()
    expect(lpage.locator(f"#ext-{night['morten'].pk}")).to_contain_text("Skriv hvorfor opholdet afvises.")
    assert Stay.objects.get(pk=night["morten"].pk).extension_state == "pending"
    item = lpage.locator(f"#ext-{night['morten'].pk}")
    item.get_by_label("Note til personalet").fill("Bostedet har ingen dato endnu; vi tager det op på mødet")
    item.get_by_role("button", name="Afvis og afkort til rammen").click()
    end = today + 3 * D
    expect(lpage.locator("#extensions-pending")).to_contain_text(
        f"Afvist: Opholdet for Morten Mere på K2 er afkortet til {end:%d.%m.%Y} 10:00.")
    expect(lpage.locator("#extensions-pending")).to_contain_text("Ingen ophold afventer en leders godkendelse.")
    morten = Stay.objects.get(pk=night["morten"].pk)
    assert (morten.extension_state, morten.nights, morten.period.upper.date()) == ("declined", 3, end)
    leader.assert_accessible()
    assert leader.problems == []

    # Staff see why, and the new end, on the stay panel; the board no longer holds K2 after the frame.
    page.reload()
    page.get_by_role("button", name=re.compile(r"^K2 .*Morten Mere")).first.click()
    expect(panel).to_contain_text("Afvist af leder")
    expect(panel).to_contain_text("Bostedet har ingen dato endnu")
    expect(panel).to_contain_text(f"opholdet er afkortet til {end.day}. ")
    expect(page.locator(f"#c-{morten.bed_id}-{end:%Y%m%d}")).to_have_attribute("aria-label", re.compile("ledig, book$"))
    _shots(staff, "stay-panel")
    staff.assert_accessible()
    assert staff.problems == []

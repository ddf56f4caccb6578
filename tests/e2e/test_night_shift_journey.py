"""The night shift at tablet width (820 px): reads "I huset nu", checks out a leaver from the default board,
checks a guest in early, undoes a cancel, writes a handover note; Esc closes the panel back to its cell.
Screenshots of the board and "I huset nu" at 1440, 820 and 390 px land in test-artifacts/night-shift-*.png."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.handover_models import HandoverNote
from beds.models import Bed, Stay
from beds.services import stay_book, stay_check_in
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.timedelta(days=1)


def _not_at_midnight() -> datetime.datetime:
    """Now (local, whole minutes), at least ten minutes before midnight: the journey is about today's arrivals and
    leavers, so a run started in the day's last minutes waits for the next day rather than straddling two."""
    now = timezone.localtime()
    midnight = datetime.datetime.combine(now.date() + D, datetime.time(0), tzinfo=now.tzinfo)
    if midnight - now < datetime.timedelta(minutes=10):
        time.sleep((midnight - now).total_seconds() + 2)
        now = timezone.localtime()
    return now.replace(second=0, microsecond=0)


@pytest.fixture
def night(house, users):
    now = _not_at_midnight()
    today, tz = now.date(), now.tzinfo
    staff = users["kommune"]
    people = {}
    for i, name in enumerate(["Lars Leaver", "Pia Tidlig", "Rasmus Aflys", "Ove Overskredet"]):
        c = citizen_create(house=house, sector="kommune", name=name, cpr=f"0{i + 1}0380{1230 + i}")
        contract_create(house=house, citizen=c, sector="kommune", granted_on=today - 60 * D)
        people[name.split()[0]] = c

    def at(day, hour, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

    def on(label):
        return Bed.objects.get(house=house, label=label)

    leaver = stay_book(house=house, bed=on("K1"), citizen=people["Lars"], arrival=at(today - D, 14),
                       planned_departure=at(today, 23, 59), user=staff)
    stay_check_in(stay=leaver, user=staff, at=at(today - D, 14))
    # Expected later today (up to three hours from now): "Kommer i dag" lists her, and she comes early.
    expected = min(now + datetime.timedelta(hours=3), at(today, 23, 59))
    early = stay_book(house=house, bed=on("K2"), citizen=people["Pia"], arrival=expected,
                      planned_departure=at(today + 2 * D, 10), user=staff)
    cancel = stay_book(house=house, bed=on("K3"), citizen=people["Rasmus"], arrival=at(today + D, 14),
                       planned_departure=at(today + 2 * D, 10), user=staff)
    overdue = stay_book(house=house, bed=on("K4"), citizen=people["Ove"], arrival=at(today - 2 * D, 14),
                        planned_departure=at(today - D, 10), user=staff)
    stay_check_in(stay=overdue, user=staff, at=at(today - 2 * D, 14))
    return {"leaver": leaver, "early": early, "cancel": cancel, "overdue": overdue, "today": today}





def test_night_shift(session, house, night):
    page = session.page
    page.set_viewport_size({"width": 820, "height": 1180})
    session.login("kommune", PASSWORD)

    # "I huset nu": the overdue guest, the leaver, the early arrival to come.
    page.get_by_role("link", name="I huset nu").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I huset nu")
    overdue = page.locator("section", has=page.locator("#now-overdue-h"))
    expect(overdue).to_contain_text("Ove Overskredet")
    expect(page.locator("section", has=page.locator("#now-departures-h"))).to_contain_text("Lars Leaver")
    expect(page.locator("section", has=page.locator("#now-arrivals-h"))).to_contain_text("Pia Tidlig")
    session.assert_accessible()
    session.screenshots_at_widths("night-shift-house-now")

    # Handover note for the next shift.
    page.get_by_text("Skriv overlevering").click()
    page.get_by_role("textbox", name="Overlevering").fill("Ove sov dårligt; ring til vagtlægen ved uro.")
    page.get_by_role("button", name="Gem overlevering").click()
    expect(page.locator(".messages")).to_contain_text("Overleveringen er gemt.")
    expect(page.locator(".handover-notes")).to_contain_text("Ove sov dårligt")
    assert HandoverNote.objects.filter(sector="kommune", text__startswith="Ove sov").count() == 1

    # The default board starts last night: the leaver is on it with his check-out.
    page.get_by_role("link", name="Sengeoversigt").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sengeoversigt")
    expect(page.locator("#free-tonight")).to_contain_text("Ledige senge i nat")
    yesterday = night["today"] - D
    leaver_cell = page.locator(f"#c-{night['leaver'].bed_id}-{yesterday:%Y%m%d}")
    expect(leaver_cell).to_contain_text("Lars Leaver"[:11])
    session.screenshots_at_widths("night-shift-board")
    leaver_cell.click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Lars Leaver · K1")
    # Esc closes the panel and gives the focus back to the cell.
    page.keyboard.press("Escape")
    expect(panel).not_to_contain_text("Lars Leaver")
    assert page.evaluate("document.activeElement.id") == f"c-{night['leaver'].bed_id}-{yesterday:%Y%m%d}"
    leaver_cell.click()
    expect(leaver_cell).to_have_class(re.compile(r"\bchosen\b"))
    panel.get_by_role("button", name="Udskriv").click()
    expect(panel).to_contain_text("Lars Leaver er udskrevet fra K1.")

    # Early check-in: Pia comes three hours before the plan; the stay starts now.
    page.get_by_role("button", name=re.compile(r"^K2 .*Pia Tidlig")).first.click()
    expect(panel).to_contain_text("Pia Tidlig · K2")
    panel.get_by_role("button", name="Indskriv").click()
    expect(panel).to_contain_text("Pia Tidlig er indskrevet på K2.")
    early = Stay.objects.get(pk=night["early"].pk)
    assert early.status == "checked_in" and early.arrival == early.checked_in_at

    # Cancel asks first and can be undone.
    page.get_by_role("button", name=re.compile(r"^K3 .*Rasmus Aflys")).first.click()
    panel.get_by_role("button", name="Aflys").click()
    expect(panel).to_contain_text("Aflys opholdet?")
    assert Stay.objects.get(pk=night["cancel"].pk).status == "booked"
    panel.get_by_role("button", name="Ja, aflys").click()
    expect(panel).to_contain_text("Opholdet er aflyst.")
    assert Stay.objects.get(pk=night["cancel"].pk).status == "cancelled"
    panel.get_by_role("button", name="Fortryd").click()
    expect(panel).to_contain_text("Rasmus Aflys er booket på K3 igen.")
    assert Stay.objects.get(pk=night["cancel"].pk).status == "booked"
    expect(page.get_by_role("button", name=re.compile(r"^K3 .*Rasmus Aflys")).first).to_be_visible()
    session.assert_accessible()

    # The favicon is served, not a 404.
    assert page.request.get("/favicon.ico").status == 200

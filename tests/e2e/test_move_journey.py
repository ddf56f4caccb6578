"""Moving a guest at tablet width (820 px): the night shift opens the guest's stay from last night's cell on
the board, moves him to a free bed of the sector from the stay panel; the board then shows him on the old bed
last night and on the new bed tonight, and the panel shows the bed history. Screenshots of the panel at 1440,
820 and 390 px land in test-artifacts/move-*.png."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed, Stay, StayBedPeriod
from beds.services import stay_book, stay_check_in
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.timedelta(days=1)


@pytest.fixture
def guest(house, users):
    now = timezone.localtime().replace(second=0, microsecond=0)
    today, tz = now.date(), now.tzinfo
    staff = users["kommune"]
    mads = citizen_create(house=house, sector="kommune", name="Mads Flytter", cpr="0503801234")
    contract_create(house=house, citizen=mads, sector="kommune", granted_on=today - 60 * D)
    # Someone holds K4 from tonight, so K4 is not offered.
    ida = citizen_create(house=house, sector="kommune", name="Ida Optaget", cpr="0603801235")
    contract_create(house=house, citizen=ida, sector="kommune", granted_on=today - 60 * D)

    def at(day, hour):
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)

    def on(label):
        return Bed.objects.get(house=house, label=label)

    stay = stay_book(house=house, bed=on("K3"), citizen=mads, arrival=at(today - D, 14),
                     planned_departure=at(today + 2 * D, 10), user=staff)
    stay_check_in(stay=stay, user=staff, at=at(today - D, 14))
    stay_book(house=house, bed=on("K4"), citizen=ida, arrival=at(today, 23), planned_departure=at(today + D, 10),
              user=staff)
    return {"stay": stay, "today": today, "k3": on("K3"), "k5": on("K5")}



def test_move_a_guest_from_the_stay_panel(session, house, guest):
    page = session.page
    page.set_viewport_size({"width": 820, "height": 1180})
    session.login("kommune", PASSWORD)
    page.get_by_role("link", name="Sengeoversigt").first.click()
    yesterday, today = guest["today"] - D, guest["today"]
    old_cell = page.locator(f"#c-{guest['k3'].pk}-{yesterday:%Y%m%d}")
    expect(old_cell).to_contain_text("Mads Flytter"[:11])
    old_cell.click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Mads Flytter · K3")
    panel.get_by_text("Flyt til anden seng").click()
    choice = panel.get_by_label("Ny seng")
    options = choice.locator("option").all_inner_texts()
    assert "K5" in options and "K4" not in options and "K3" not in options and "R1" not in options
    choice.select_option(label="K5")
    session.assert_accessible()
    session.screenshots_at_widths("move-form")
    panel.get_by_role("button", name="Flyt", exact=True).click()
    expect(panel).to_contain_text("Mads Flytter er flyttet fra K3 til K5.")

    # The board: last night on K3, tonight on K5 (one stay).
    new_cell = page.locator(f"#c-{guest['k5'].pk}-{today:%Y%m%d}")
    expect(new_cell).to_contain_text("Mads Flytter"[:11])
    expect(old_cell).to_contain_text("Mads Flytter"[:11])
    expect(page.locator(f"#c-{guest['k3'].pk}-{today:%Y%m%d}")).not_to_contain_text("Mads")
    stay = Stay.objects.get(pk=guest["stay"].pk)
    assert stay.bed_id == guest["k5"].pk and StayBedPeriod.objects.filter(stay=stay).count() == 2

    new_cell.click()
    expect(panel).to_contain_text("Mads Flytter · K5")
    history = panel.locator(".bed-history")
    expect(history).to_contain_text("K3")
    expect(history).to_contain_text("K5")
    session.assert_accessible()
    session.screenshots_at_widths("move-history")

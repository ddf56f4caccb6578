"""Nights per month at tablet width (820 px): the house allows 2 municipal nights a month; the night shift books
Nina for 3 nights from tonight (within the frame of 3, over the month by 1) with the reason, as "afventer leder";
the board and the stay panel say it is the month's limit, and the leader declines it on the dashboard: the stay
is shortened to the 2 nights left of the month. Screenshots at 1440, 820 and 390 px in
test-artifacts/month-limit-*.png."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import Bed, Stay
from contracts.services import citizen_create, contract_create
from psykiatrihus.services import house_policy_set
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, WIDE_ELEMENTS_JS
from tests.e2e.test_long_stay_journey import PART_RIGHT_JS, book_with_reason

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.timedelta(days=1)
REASON = "Nina er i krise og kan ikke være alene i nat"


def _shots(session, name: str, part: str = "") -> None:
    """The page (the board scrolls inside its own box) or `part` fits at each width; a screenshot of each."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = session.page
    for width, height in ((1440, 900), (820, 1180), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if part:
            right = page.evaluate(PART_RIGHT_JS, part)
            assert right <= width + 1, f"{part} at {width} px reaches {right} px"
        else:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{name} at {width} px is {overflow} px too wide: {page.evaluate(WIDE_ELEMENTS_JS)}"
        page.screenshot(path=str(ARTIFACTS / f"month-limit-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})


def test_over_the_month_pending_then_declined_to_what_remains(open_session, house, users):
    today = timezone.localdate()
    house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2024, 1, 1), max_nights_per_month=2)
    nina = citizen_create(house=house, sector="kommune", name="Nina Nat", cpr="050590-1250")
    contract_create(house=house, citizen=nina, sector="kommune", granted_on=today - 60 * D)
    k1 = Bed.objects.get(house=house, label="K1")

    staff = open_session("staff")
    page = staff.page
    page.set_viewport_size({"width": 820, "height": 1180})
    staff.login("kommune", PASSWORD)
    panel = book_with_reason(
        page, bed=k1, day=today, cpr="050590-1250", nights=3, reason=REASON,
        asks="husets grænse på 2 nætter pr. måned (brugt i måneden: 0). Skriv begrundelsen",
        booked="går ud over husets grænse for nætter pr. måned og afventer en leders godkendelse")
    stay = Stay.objects.get(citizen=nina)
    assert (stay.extension_state, stay.extension_limit, stay.nights, stay.extension_frame_nights) == (
        "pending", "month", 3, 2)

    cell = page.locator(f"#c-{k1.pk}-{today + 2 * D:%Y%m%d}")  # the third night: beyond the month's two
    expect(cell.locator("xpath=..")).to_have_class(re.compile(r"\bext-pending\b"))
    expect(cell).to_contain_text("ud over husets grænse for nætter pr. måned, afventer leders godkendelse")
    _shots(staff, "board")
    cell.click()
    expect(panel).to_contain_text("Flere nætter end husets grænse pr. måned")
    expect(panel).to_contain_text("Booket ud over husets grænse på 2 nætter pr. måned: 2 nætter tilbage i måneden")
    staff.assert_accessible()
    _shots(staff, "stay-panel")

    leader = open_session("leader")
    lpage = leader.page
    lpage.set_viewport_size({"width": 820, "height": 1180})
    leader.login("leder", PASSWORD)
    lpage.goto("/rapporter/overblik/")
    item = lpage.locator(f"#ext-{stay.pk}")
    expect(item).to_contain_text("Booket ud over husets grænse på 2 nætter pr. måned")
    expect(item).to_contain_text(REASON)
    leader.assert_accessible()
    _shots(leader, "dashboard", part="#extensions-pending")
    item.get_by_label("Note til personalet").fill("Kommunen har ikke bevilget flere nætter")
    item.get_by_role("button", name="Afvis og afkort til grænsen").click()
    end = today + 2 * D
    expect(lpage.locator("#extensions-pending")).to_contain_text(
        f"Afvist: Opholdet for Nina Nat på K1 er afkortet til {end:%d.%m.%Y} 10:00.")
    stay.refresh_from_db()
    assert (stay.extension_state, stay.nights, stay.period.upper.date()) == ("declined", 2, end)
    assert staff.problems == [] and leader.problems == []

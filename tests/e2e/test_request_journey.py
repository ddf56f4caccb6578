"""Journey: municipal staff take a phone call on the bed board, record the request (henvendelse) in the side
panel with the citizen found by a CPR number typed into the panel (posted, never in a URL), and turn it away
for want of a bed (what the report counts); a later request is booked from the list. axe-core and CSP are
checked on the way; screenshots of the board with the request panels open are kept in test-artifacts/."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beds.models import StayRequest
from contracts.services import citizen_create, contract_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CPR_METTE = "1503851234"
CPR_DIGITS = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")


def test_staff_record_a_phone_request_and_turn_it_away(session, house, users, captured_logs):
    mette = citizen_create(house=house, sector="kommune", name="Mette Hansen", cpr=CPR_METTE)
    contract_create(house=house, citizen=mette, sector="kommune",
                    granted_on=timezone.localdate() - datetime.timedelta(days=30))
    page = session.page
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    session.login("kommune", PASSWORD)
    page.goto("/senge/")
    requests = page.locator("#requests")
    expect(requests).to_contain_text("Ingen åbne henvendelser.")

    panel = page.locator("#panel")
    panel.get_by_role("button", name="Ny henvendelse").click()
    expect(panel.get_by_role("heading", name="Ny henvendelse")).to_be_visible()
    panel.get_by_label("Kanal").select_option(label="Telefon")
    panel.get_by_label("Find borger (navn, fødselsdato eller CPR-nummer)").fill("150385-1234")
    panel.get_by_role("button", name="Søg").click()
    expect(panel).to_contain_text("1 borger fundet")
    finder = panel.get_by_label("Find borger (navn, fødselsdato eller CPR-nummer)")
    expect(finder).to_have_value("")  # the CPR is not echoed
    expect(panel.get_by_label("Borger", exact=True)).to_have_value(str(mette.pk))
    panel.get_by_label("Ønskede nætter").fill("2")
    panel.get_by_label("Note").fill("Ringede kl. 21, vil gerne komme i aften")
    ARTIFACTS.mkdir(exist_ok=True)
    session.screenshot(ARTIFACTS / "request-panel.png")
    session.assert_accessible()

    panel.get_by_role("button", name="Registrér henvendelse").click()
    expect(panel).to_contain_text("Henvendelsen er registreret (Kommune, telefon).")
    item = requests.locator(".request-item", has_text="Mette Hansen")
    expect(item).to_contain_text("Telefon · 2 nætter")
    session.screenshot(ARTIFACTS / "request-list.png")
    session.assert_accessible()

    item.get_by_role("button", name=re.compile("^Afvis")).click()
    expect(panel.get_by_role("heading", name="Afvis henvendelse")).to_be_visible()
    panel.get_by_role("button", name="Afvis").click()
    expect(panel.locator("#id_reason-errors")).to_have_text("Vælg hvorfor henvendelsen afvises.")
    session.screenshot(ARTIFACTS / "request-turn-away.png")
    panel.get_by_label("Årsag").select_option(label="Ingen ledig seng")
    panel.get_by_role("button", name="Afvis").click()
    expect(panel).to_contain_text("Henvendelsen er afvist: ingen ledig seng.")
    expect(requests).to_contain_text("Ingen åbne henvendelser.")
    session.assert_accessible()

    req = StayRequest.objects.get()
    assert (req.citizen_id, req.channel, req.outcome, req.turn_away_reason, req.requested_nights) == (
        mette.pk, "phone", "turned_away", "no_bed", 2)

    # Later she calls again and a bed is given: Book opens the form prefilled from the request.
    requests.get_by_role("button", name="Ny henvendelse").click()
    panel.get_by_label("Kanal").select_option(label="Telefon")
    # The type-ahead: the name typed is posted, the one match is taken with Enter.
    panel.get_by_label("Find borger (navn, fødselsdato eller CPR-nummer)").fill("Mette")
    expect(panel.locator(".lookup-option")).to_have_count(1)
    panel.get_by_label("Find borger (navn, fødselsdato eller CPR-nummer)").press("Enter")
    expect(panel.locator(".picker-chosen-label")).to_contain_text("Mette Hansen")
    expect(panel.locator("input[name=citizen]")).to_have_value(str(mette.pk))
    panel.get_by_role("button", name="Registrér henvendelse").click()
    expect(panel).to_contain_text("Henvendelsen er registreret")
    requests.locator(".request-item", has_text="Mette Hansen").get_by_role("button", name=re.compile("^Book")).click()
    expect(panel.get_by_role("heading", name="Book seng K1")).to_be_visible()
    expect(panel).to_contain_text("(telefon, ønsker 1 nat). Borger: Mette Hansen")
    expect(panel.get_by_label("Borger (navn, fødselsdato eller CPR-nummer)")).to_have_count(0)
    session.screenshot(ARTIFACTS / "request-book.png")
    session.assert_accessible()
    panel.get_by_role("button", name="Book", exact=True).click()
    expect(panel).to_contain_text("Henvendelsen er markeret som booket.")
    expect(requests).to_contain_text("Ingen åbne henvendelser.")
    booked = StayRequest.objects.get(outcome="booked")
    assert booked.stay.citizen_id == mette.pk and booked.stay.bed.label == "K1"
    assert not any(CPR_DIGITS.search(u) for u in urls), [u for u in urls if CPR_DIGITS.search(u)]
    assert not CPR_DIGITS.search(captured_logs.getvalue())

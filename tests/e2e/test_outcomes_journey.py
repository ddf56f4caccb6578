"""Journey: regional staff open a citizen with admissions and WHO-5 scores, record a WHO-5 through the form
(a missing answer is named beside its item), and see the trend; the page is accessible at 1440, 820 and 390 px.
Municipal staff see the same citizen's page (consent) without a single admission."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contracts.instruments import instruments_ensure
from contracts.questionnaire_services import house_instrument_choose, questionnaire_response_record
from contracts.services import admissions_import, consent_give
from tests.conftest import PASSWORD
from tests.contracts.conftest import D, world  # noqa: F401 (fixture)
from tests.outcomes.conftest import cohort  # noqa: F401,F811 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bo(world, users):  # noqa: F811
    house = world.bo.house
    instruments_ensure()  # shipped by a data migration, which a transactional test's flush empties
    house_instrument_choose(house=house, code="who5", moments=["contract_start", "followup"])
    admissions_import(house=house, rows=[
        {"cpr": world.cprs["bo"], "admitted": "2021-01-02T10:00", "discharged": "2021-01-20T11:00", "ward": "P3"},
        {"cpr": world.cprs["bo"], "admitted": "2021-04-02T22:30", "discharged": "2021-04-09T09:00", "ward": "P1"},
        {"cpr": world.cprs["bo"], "admitted": "2022-03-01T08:00", "discharged": "", "ward": "Akutafsnit"},
    ])
    for day, answers in [(D(2021, 6, 15), [1, 1, 1, 2, 1]), (D(2021, 12, 15), [2, 2, 3, 2, 2])]:
        questionnaire_response_record(house=house, citizen=world.bo, instrument_code="who5", moment="followup"
                                      if day.month == 12 else "contract_start", answers=answers, sector="region",
                                      answered_on=day, user=users["region"])
    consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1), user=users["region"])
    return world.bo


def _shots(session, name: str, tmp_path: Path, *, sideways: bool = True) -> None:
    out = Path(os.environ.get("OUTCOMES_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    for width in (1440, 820, 390):
        session.page.set_viewport_size({"width": width, "height": 900})
        session.screenshot(out / f"{name}-{width}.png")
        overflow = session.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = session.page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > "
            "window.innerWidth + 1 && !e.closest('.table-wrap, .chart-wrap, .board-wrap')).slice(0, 5)"
            ".map(e => e.tagName + '.' + e.className + '#' + e.id)")
        assert not sideways or overflow <= 1, f"{name} scrolls sideways at {width}px: {wide}"
    session.page.set_viewport_size({"width": 1280, "height": 900})


def test_admissions_and_scores_on_the_citizen_page(session, open_session, bo, tmp_path):
    session.login("region", PASSWORD)
    session.page.goto(f"/borgere/{bo.pk}/")
    page = session.page
    expect(page.get_by_role("heading", name="Psykiatriske indlæggelser")).to_be_visible()
    expect(page.get_by_text("indlagt nu")).to_be_visible()
    expect(page.get_by_text("2 besvarelser: fra 24 til 44")).to_be_visible()
    session.assert_accessible()
    _shots(session, "citizen-region", tmp_path)

    page.get_by_role("link", name="Registrér WHO-5 Trivselsindeks").click()
    page.get_by_label("Besvaret").fill("2022-06-01")
    for item in range(1, 5):
        page.get_by_role("group", name=f"{item}. ").get_by_label("Det meste af tiden").check()
    page.get_by_role("button", name="Gem besvarelse").click()
    expect(page.get_by_text("Vælg et svar.")).to_be_visible()  # item 5 left out
    session.assert_accessible()
    _shots(session, "questionnaire-form", tmp_path)
    page.get_by_role("group", name="5. ").get_by_label("Hele tiden").check()
    page.get_by_role("button", name="Gem besvarelse").click()
    expect(page.get_by_text("Besvarelsen er gemt.")).to_be_visible()
    expect(page.get_by_text("3 besvarelser: fra 24 til 84")).to_be_visible()
    expect(page.locator(".sparkline rect")).to_have_count(3)

    municipal = open_session("kommune")
    municipal.login("kommune", PASSWORD)
    municipal.page.goto(f"/borgere/{bo.pk}/")
    expect(municipal.page.get_by_role("heading", name="Bo Bertelsen")).to_be_visible()
    assert "Akutafsnit" not in municipal.page.content() and "Psykiatriske indlæggelser" not in municipal.page.content()


def test_mirror_image_on_the_dashboard(session, house, users, cohort, tmp_path):  # noqa: F811
    session.login("leder", PASSWORD)
    session.page.goto("/rapporter/overblik/")
    heading = session.page.get_by_role("heading", name="Spejlbillede: indlæggelser før og efter kontrakten")
    expect(heading).to_be_visible()
    session.assert_accessible()
    # The dashboard's "now" bed table is wider than a phone (not this page's part); the mirror chart scrolls
    # inside its own box.
    _shots(session, "dashboard-mirror", tmp_path, sideways=False)
    card = session.page.locator("#mirror")
    expect(card.locator("svg")).to_be_visible()
    if os.environ.get("OUTCOMES_SHOTS"):
        for width in (1440, 390):
            session.page.set_viewport_size({"width": width, "height": 900})
            card.screenshot(path=str(Path(os.environ["OUTCOMES_SHOTS"]) / f"mirror-card-{width}.png"))

"""Every page in each role's navigation passes axe-core (no serious or critical violations) and runs without
Content Security Policy violations. New pages are covered as soon as they appear in the navigation."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_navigation_page_of_every_role(session, house, users):
    page = session.page
    checked: dict[str, list[str]] = {}
    for role in ["kommune", "region", "peer", "leder", "styregruppe", "admin"]:
        session.login(role, PASSWORD)
        nav = page.get_by_role("navigation", name="Hovedmenu")
        hrefs = [a.get_attribute("href") for a in nav.get_by_role("link").all()]
        for href in hrefs:
            if href.startswith("/admin/"):
                continue  # Django's admin is Django's
            response = page.goto(href)
            assert response.status == 200, f"{role} {href}: {response.status}"
            violations = session.axe_violations()
            assert violations == [], f"{role} {href}: {violations}"
            checked.setdefault(role, []).append(href)
        session.logout()
    assert "/" in checked["kommune"] and "/senge/" in checked["kommune"]
    assert "/rapporter/" in checked["styregruppe"] and "/logbog/" in checked["leder"]
    assert session.problems == []

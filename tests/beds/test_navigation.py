"""The waiting list and the follow-up-after-stay list in the main menu, for users who see citizens in a house
whose rules use them, at no query per page: the answer is kept in the session (one query the first time in a
session and day, refreshed by the bed board, which loads the rules anyway)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from psykiatrihus.services import house_policy_set

pytestmark = pytest.mark.django_db

WAITING = reverse("beds:waiting_list")
AFTERCARE = reverse("beds:aftercare_list")
PAGE = reverse("activities:calendar")  # a page outside beds


def menu(html: str) -> str:
    return html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0] if 'class="mainnav"' in html else ""


@pytest.fixture
def visitation_house(house):
    for sector in ("kommune", "region"):
        house_policy_set(house=house, sector=sector, valid_from=datetime.date(2020, 1, 1), admits_bsk=False,
                         admits_visitation=True, stay_frame_nights=14, post_stay_followup="call")
    return house


class TestMenu:
    def test_unauthorised_and_users_without_citizens_get_no_links(self, client_for, visitation_house):
        for key in ("peer", "styregruppe", "admin", "outsider"):
            html = menu(client_for(key).get(reverse("home")).content.decode())
            assert WAITING not in html and AFTERCARE not in html, key

    def test_staff_of_a_visitation_house_get_both_links(self, client_for, visitation_house):
        for key in ("kommune", "region", "leder"):
            html = menu(client_for(key).get(PAGE).content.decode())
            assert f'href="{WAITING}">Venteliste<' in html and f'href="{AFTERCARE}">Opfølgning efter ophold<' in html

    def test_house_whose_rules_use_neither_gets_no_links(self, client_for, house):
        html = menu(client_for("kommune").get(PAGE).content.decode())
        assert reverse("beds:board") in html and WAITING not in html and AFTERCARE not in html

    def test_board_refreshes_the_menu_after_a_change_of_rules(self, client_for, house):
        client = client_for("kommune")
        assert WAITING not in menu(client.get(PAGE).content.decode())
        house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2020, 1, 1), admits_bsk=False,
                         admits_visitation=True, stay_frame_nights=14)
        assert WAITING not in menu(client.get(PAGE).content.decode())  # kept in the session ...
        assert WAITING in menu(client.get(reverse("beds:board")).content.decode())  # ... until the board
        assert WAITING in menu(client.get(PAGE).content.decode())


class TestQueries:
    def _count(self, client, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def test_no_query_added_to_a_page_outside_beds(self, client_for, visitation_house, monkeypatch,
                                                   django_assert_num_queries):
        client = client_for("kommune")  # the login put the house's rules for the menu in the session
        warm = self._count(client, PAGE)
        session = client.session
        del session["beds_nav"]
        session.save()
        assert self._count(client, PAGE) == warm + 1  # a session without them: one query, once
        assert self._count(client, PAGE) == warm
        # Before this change the menu asked nothing about the rules: the same page without the lookup costs
        # exactly as much as with a warm session.
        import psykiatrihus.context_processors as cp

        monkeypatch.setattr(cp, "beds_navigation", lambda request: {})
        with django_assert_num_queries(warm):
            client.get(PAGE)
        html = menu(client.get(PAGE).content.decode())
        assert WAITING not in html  # the lookup was really out of the way

    def test_users_without_citizens_pay_nothing(self, client_for, visitation_house):
        client = client_for("peer")
        first = self._count(client, PAGE)
        assert self._count(client, PAGE) == first

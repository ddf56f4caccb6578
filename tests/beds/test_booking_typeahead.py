"""Booking from a board cell with the citizen chosen in the type-ahead (a hidden id looked up within the user's
scope), or with a full CPR number typed into the same field; a name typed but not chosen is not guessed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from beds.models import Stay
from tests.beds.conftest import bed

pytestmark = pytest.mark.django_db
BOOK = reverse("beds:book")


def book(client, house, *, label="K3", **data):
    return client.post(BOOK, {"seng": bed(house, label).pk, "nat": "2024-02-10", "arrival": "2024-02-10T14:00",
                              "planned_departure": "2024-02-11T10:00", "kind": "ordinary", **data},
                       HTTP_HX_REQUEST="true")


def error_beside_cpr(html: str) -> str:
    return html.split('id="id_cpr-errors"', 1)[1].split("</ul>", 1)[0] if 'id="id_cpr-errors"' in html else ""


def test_the_chosen_citizen_is_booked(client_for, house, people):
    response = book(client_for("kommune"), house, citizen=people.erik.pk)
    assert "K3 er booket 10.02.–11.02.2024." in response.content.decode()
    assert Stay.objects.get().citizen_id == people.erik.pk


def test_a_full_cpr_typed_still_books(client_for, house, people):
    response = book(client_for("kommune"), house, cpr="040475-0007")
    assert "K3 er booket" in response.content.decode()
    assert Stay.objects.get().citizen_id == people.erik.pk


def test_a_name_typed_but_not_chosen_asks_for_a_choice(client_for, house, people):
    html = book(client_for("kommune"), house, cpr="Erik").content.decode()
    assert "Vælg borgeren på listen under feltet" in error_beside_cpr(html)
    assert "Find borgeren ved navn" in error_beside_cpr(book(client_for("kommune"), house).content.decode())
    assert not Stay.objects.exists()


def test_a_citizen_behind_the_wall_answers_like_one_that_does_not_exist(client_for, house, people):
    client = client_for("kommune")
    hidden = error_beside_cpr(book(client, house, citizen=people.bo.pk).content.decode())
    missing = error_beside_cpr(book(client, house, citizen=999_999_999).content.decode())
    assert hidden == missing and "Der findes ingen borger" in hidden
    assert "id_citizen-errors" in book(client, house, citizen=2**63).content.decode()  # bounded, no 500
    assert not Stay.objects.exists()


def test_after_an_error_the_chosen_citizen_stays_chosen(client_for, house, people):
    html = book(client_for("kommune"), house, citizen=people.erik.pk, arrival="").content.decode()
    assert f'name="citizen" value="{people.erik.pk}"' in html and "Erik · 04.04.1975" in html

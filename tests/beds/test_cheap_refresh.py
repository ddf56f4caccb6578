"""The board's 20-second poll: 304 Not Modified from the per-house change counter while nothing changed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from beds.selectors import house_change_version
from beds.services import bed_block, stay_book, stay_request_record
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db
GRID = "beds:board_grid"


def poll(client, etag=None, **params):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(reverse(GRID), {"fra": "2024-02-01", **params}, HTTP_HX_REQUEST="true", **headers)


def test_unchanged_board_answers_304_with_few_queries(client_for, django_assert_max_num_queries):
    client = client_for("kommune")
    first = poll(client)
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    with django_assert_max_num_queries(8) as idle:
        again = poll(client, first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    with django_assert_max_num_queries(40) as full:
        poll(client)
    assert len(idle.captured_queries) < len(full.captured_queries)


def test_every_write_moves_the_counter_and_the_poll_redraws(house, users, people, client_for):
    client = client_for("kommune")
    etag = poll(client)["ETag"]
    before = house_change_version(house=house)
    stay = stay_book(house=house, bed=bed(house, "K1"), citizen=people.erik, arrival=at("2024-02-02"),
                     planned_departure=at("2024-02-03", 10), user=users["kommune"])
    assert house_change_version(house=house) == before + 1
    changed = poll(client, etag)
    assert changed.status_code == 200 and "Erik" in changed.content.decode() and changed["ETag"] != etag
    bed_block(bed=bed(house, "K2"), start=at("2024-02-05"), end=at("2024-02-06"), user=users["kommune"])
    stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"])
    with connection.cursor() as cursor:  # whoever writes, even plain SQL
        cursor.execute("DELETE FROM beds_stay WHERE id = %s", [stay.pk])
    assert house_change_version(house=house) == before + 4


def test_the_etag_is_per_user_and_window(client_for):
    kommune, region = client_for("kommune"), client_for("region")
    etag = poll(kommune)["ETag"]
    assert poll(region, etag).status_code == 200
    assert poll(kommune, etag, sektor="region").status_code == 200
    assert poll(client_for("outsider"), etag).status_code == 403

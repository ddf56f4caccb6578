"""The booking form: a year-1 or year-9999 stay gets a Danish message beside the field, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("arrival, departure, field", [
    ("0001-01-01T14:00", "0001-01-03T10:00", "arrival"),
    ("9999-01-01T14:00", "9999-01-03T10:00", "arrival"),
    ("2024-02-10T14:00", "9999-12-31T10:00", "planned_departure"),
])
def test_booking_form_outside_the_window_says_so_beside_the_field(client_for, house, people, settings,
                                                                  arrival, departure, field):
    from beds.models import Bed, Stay
    from tests.beds.conftest import cpr_for

    settings.DEBUG = False
    client = client_for("kommune")
    k3 = Bed.objects.get(house=house, label="K3")
    data = {"seng": k3.pk, "nat": "2024-02-10", "cpr": cpr_for(datetime.date(1975, 4, 4), 7),
            "arrival": arrival, "planned_departure": departure, "kind": "ordinary"}
    response = client.post(reverse("beds:book"), data, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 400, 422)
    html = response.content.decode()
    assert "Datoen skal ligge mellem 1. januar 1980 og" in html
    # Beside the field: the message is in the same form row as the input.
    row = html.split(f'name="{field}"')[0].rsplit("<label", 1)[-1] + html.split(f'name="{field}"')[1][:600]
    assert "Datoen skal ligge mellem" in row
    assert Stay.objects.count() == 0

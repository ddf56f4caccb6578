"""The board refreshes itself every 20 s. Every name on screen is audited, but the same user seeing the same
stay again within 15 minutes is one read, not 45 rows (at national scale the refreshes alone would write
~20M audit rows a day)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from beds.models import Stay
from beds.services import stay_book
from psykiatrihus.models import AuditEvent
from psykiatrihus.services import audit_log_many
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db


@pytest.fixture
def stay(house, users, people):
    return stay_book(house=house, bed=bed(house, "K1"), citizen=people.anna, arrival=at("2024-02-02"),
                     planned_departure=at("2024-02-04", 10), user=users["kommune"])


def board_reads(user=None, citizen_id=None):
    events = AuditEvent.objects.filter(action="read", detail="sengeoversigt")
    if user is not None:
        events = events.filter(user=user)
    if citizen_id is not None:
        events = events.filter(citizen_id=citizen_id)
    return events.count()


class TestBoardRefreshAudit:
    def test_refreshes_within_the_window_are_one_read_per_user(self, client_for, users, people, stay):
        staff = client_for("kommune")
        for _ in range(3):
            assert staff.get(reverse("beds:board_grid"), {"fra": "2024-02-01"}).status_code == 200
        assert staff.get(reverse("beds:board"), {"fra": "2024-02-01"}).status_code == 200
        assert board_reads(users["kommune"], people.anna.pk) == 1
        # Another user's screen is another read.
        client_for("leder").get(reverse("beds:board_grid"), {"fra": "2024-02-01"})
        assert board_reads(users["leder"], people.anna.pk) == 1
        assert board_reads(citizen_id=people.anna.pk) == 2

    def test_a_new_stay_on_screen_is_audited_at_the_next_refresh(self, client_for, house, users, people, stay):
        staff = client_for("kommune")
        staff.get(reverse("beds:board_grid"), {"fra": "2024-02-01"})
        stay_book(house=house, bed=bed(house, "K2"), citizen=people.erik, arrival=at("2024-02-03"),
                  planned_departure=at("2024-02-04", 10), user=users["kommune"])
        staff.get(reverse("beds:board_grid"), {"fra": "2024-02-01"})
        assert board_reads(users["kommune"], people.anna.pk) == 1
        assert board_reads(users["kommune"], people.erik.pk) == 1

    def test_no_names_no_reads_and_outsiders_refused(self, client_for, users, stay):
        client_for("peer").get(reverse("beds:board_grid"), {"fra": "2024-02-01"})
        assert client_for("outsider").get(reverse("beds:board_grid")).status_code == 403
        assert board_reads() == 0  # the peer saw no names
        assert board_reads(users["outsider"]) == 0


class TestOncePer:
    def test_window_decides(self, house, users, stay):
        user = users["kommune"]
        for _ in range(2):
            audit_log_many(user=user, action="read", objects=[stay], house=house, detail="sengeoversigt",
                           citizen_attr="citizen_id", once_per=datetime.timedelta(hours=1))
        assert board_reads(user) == 1
        # A zero window (or none) always writes: the earlier row is older than "now".
        audit_log_many(user=user, action="read", objects=[stay], house=house, detail="sengeoversigt",
                       citizen_attr="citizen_id", once_per=datetime.timedelta(0))
        audit_log_many(user=user, action="read", objects=[stay], house=house, detail="sengeoversigt",
                       citizen_attr="citizen_id")
        assert board_reads(user) == 3
        # A different detail (another screen) is another read.
        audit_log_many(user=user, action="read", objects=[stay], house=house, detail="venteliste",
                       citizen_attr="citizen_id", once_per=datetime.timedelta(hours=1))
        assert AuditEvent.objects.filter(user=user, detail="venteliste").count() == 1
        assert Stay.objects.count() == 1

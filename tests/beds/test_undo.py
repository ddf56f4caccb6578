"""Cancel and no-show ask first, and can be undone for 10 minutes unless the slot was booked again."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from beds.models import Stay
from beds.services import BookingConflict, stay_book, stay_cancel, stay_cancel_undo
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(house, users, people):
    return stay_book(house=house, bed=bed(house, "K3"), citizen=people.erik, arrival=at("2024-02-10"),
                     planned_departure=at("2024-02-12", 10), user=users["kommune"])


def action(client, stay, name, **data):
    return client.post(reverse("beds:stay_action", args=[stay.pk, name]), data, HTTP_HX_REQUEST="true")


class TestPanel:
    @pytest.mark.parametrize(("name", "status", "question"), [("cancel", "cancelled", "Aflys opholdet?"),
                                                               ("no-show", "no_show", "Registrér udeblivelse?")])
    def test_one_click_asks_then_confirm_then_undo(self, client_for, booked, name, status, question):
        client = client_for("kommune")
        asked = action(client, booked, name).content.decode()
        assert question in asked and 'name="confirm" value="1"' in asked and "Erik" in asked
        assert Stay.objects.get(pk=booked.pk).status == "booked"
        done = action(client, booked, name, confirm="1")
        assert done["HX-Trigger"] == "boardChanged" and "Fortryd" in done.content.decode()
        assert Stay.objects.get(pk=booked.pk).status == status
        panel = client.get(reverse("beds:stay", args=[booked.pk]), HTTP_HX_REQUEST="true").content.decode()
        assert "Fortryd" in panel
        undone = action(client, booked, "undo")
        assert "booket på K3 igen" in undone.content.decode()
        assert Stay.objects.get(pk=booked.pk).status == "booked" and Stay.objects.get(pk=booked.pk).cancelled_at is None

    def test_after_ten_minutes_no_undo_button_and_a_reason(self, client_for, users, booked):
        stay_cancel(stay=booked, user=users["kommune"])
        Stay.objects.filter(pk=booked.pk).update(cancelled_at=timezone.now() - datetime.timedelta(minutes=11))
        client = client_for("kommune")
        panel = client.get(reverse("beds:stay", args=[booked.pk]), HTTP_HX_REQUEST="true").content.decode()
        assert "Fortryd aflysning" not in panel
        refused = action(client, booked, "undo").content.decode()
        assert "kan kun fortrydes i 10 minutter" in refused
        assert Stay.objects.get(pk=booked.pk).status == "cancelled"


class TestService:
    def test_within_ten_minutes(self, users, booked):
        stay_cancel(stay=booked, user=users["kommune"])
        almost = timezone.now() - datetime.timedelta(minutes=9, seconds=50)
        Stay.objects.filter(pk=booked.pk).update(cancelled_at=almost)
        booked.refresh_from_db()
        assert stay_cancel_undo(stay=booked, user=users["kommune"]).status == "booked"

    def test_slot_booked_by_another_citizen(self, house, users, people, booked):
        stay_cancel(stay=booked, user=users["kommune"])
        stay_book(house=house, bed=bed(house, "K3"), citizen=people.anna, arrival=at("2024-02-11"),
                  planned_departure=at("2024-02-12", 10), user=users["kommune"])
        with pytest.raises(BookingConflict) as refused:
            stay_cancel_undo(stay=booked, user=users["kommune"])
        assert refused.value.code == "slot_rebooked"
        assert Stay.objects.get(pk=booked.pk).status == "cancelled"

    def test_citizen_booked_elsewhere_in_the_slot(self, house, users, people, booked):
        stay_cancel(stay=booked, user=users["kommune"], no_show=True)
        stay_book(house=house, bed=bed(house, "K4"), citizen=people.erik, arrival=at("2024-02-10"),
                  planned_departure=at("2024-02-11", 10), user=users["kommune"])
        with pytest.raises(BookingConflict) as refused:
            stay_cancel_undo(stay=booked, user=users["kommune"])
        assert refused.value.code == "slot_rebooked"

    def test_only_a_cancelled_stay_and_only_the_own_sector(self, users, booked):
        from django.core.exceptions import PermissionDenied, ValidationError

        with pytest.raises(ValidationError):
            stay_cancel_undo(stay=booked, user=users["kommune"])
        stay_cancel(stay=booked, user=users["kommune"])
        with pytest.raises(PermissionDenied):
            stay_cancel_undo(stay=booked, user=users["region"])


class TestApi:
    def test_cancel_then_undo_and_409s(self, house, users, people, booked):
        client = APIClient()
        client.force_authenticate(users["kommune"])
        assert client.post(f"/api/v1/stays/{booked.pk}/cancel/", {}, format="json").json()["status"] == "cancelled"
        r = client.post(f"/api/v1/stays/{booked.pk}/undo-cancel/", {}, format="json")
        assert (r.status_code, r.json()["status"], r.json()["cancelled_at"]) == (200, "booked", None)
        client.post(f"/api/v1/stays/{booked.pk}/cancel/", {}, format="json")
        Stay.objects.filter(pk=booked.pk).update(cancelled_at=timezone.now() - datetime.timedelta(hours=1))
        r = client.post(f"/api/v1/stays/{booked.pk}/undo-cancel/", {}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "undo_expired")

    def test_unseen_and_missing_answer_alike(self, users, booked):
        client = APIClient()
        client.force_authenticate(users["region"])
        hidden = client.post(f"/api/v1/stays/{booked.pk}/undo-cancel/", {}, format="json")
        missing = client.post("/api/v1/stays/98765432/undo-cancel/", {}, format="json")
        assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()

"""The house's nights per month go to a leader like the frame does. Hand-worked, regional sector of Aarhus from
1.1.2024: frame 3 nights (the house's), at most 4 nights per month, a leader decides longer stays.

Bo (regional contract) stays 1.2 14:00 -> 4.2 10:00: 3 nights, within both. A second stay in February
10.2 14:00 -> 12.2 10:00 is 2 nights: 3 + 2 = 5 > 4, within the frame, so 4 - 3 = 1 night remains of the month:
its frame ends 11.2 10:00. 10.2 -> 15.2 (5 nights) is beyond both: the month's 1 night is the stricter."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from beds.aggregates.compliance import nights_per_month_overruns
from beds.extension_services import stay_extension_approve, stay_extension_decline
from beds.models import Stay
from beds.services import (
    BookingConflict,
    stay_book,
    stay_cancel_undo,
    stay_cancel_undoable,
    stay_check_in,
    stay_check_out,
)
from psykiatrihus.models import AuditEvent
from psykiatrihus.services import house_policy_set
from tests.beds.conftest import TZ, at, bed

pytestmark = pytest.mark.django_db
D = datetime.date
REASON = "Bo er i krise i nat; lederen tager stilling i morgen"


def book(house, user, citizen, arrival, departure, label="R1", **kw):
    return stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=at(arrival),
                     planned_departure=at(departure, 10), user=user, **kw)


@pytest.fixture
def limited(house, users, people):
    """Region: at most 4 nights per month from 1.1.2024; Bo has used 3 of February's."""
    house_policy_set(house=house, sector="region", valid_from=D(2024, 1, 1), max_nights_per_month=4)
    return book(house, users["region"], people.bo, "2024-02-01", "2024-02-04")


@pytest.fixture
def pending(house, users, people, limited):
    return book(house, users["region"], people.bo, "2024-02-10", "2024-02-12", extension_reason=REASON)


class TestBooking:
    def test_within_the_months_nights_nothing_is_pending(self, limited):
        assert (limited.nights, limited.extension_state) == (3, "none")

    def test_staff_over_the_month_with_a_reason_is_pending_with_what_remains(self, house, users, people, pending):
        assert (pending.extension_state, pending.extension_limit, pending.nights) == ("pending", "month", 2)
        assert (pending.extension_frame_nights, pending.extension_month_limit) == (1, 4)
        assert pending.extension_frame_until == at("2024-02-11", 10)
        assert pending.extension_requested_departure == at("2024-02-12", 10) == pending.period.upper
        assert pending.extension_by is None and pending.extension_decided_at is None
        with pytest.raises(BookingConflict):  # the night beyond the month's is held too
            book(house, users["region"], people.erik, "2024-02-11", "2024-02-12")

    def test_staff_without_a_reason_are_asked_for_it_beside_the_field(self, house, users, people, limited):
        with pytest.raises(ValidationError) as e:
            book(house, users["region"], people.bo, "2024-02-10", "2024-02-12")
        assert list(e.value.message_dict) == ["extension_reason"]
        message = e.value.message_dict["extension_reason"][0]
        assert "husets grænse på 4 nætter pr. måned" in message and "brugt i måneden: 3" in message
        assert "leder" in message
        assert Stay.objects.count() == 1

    def test_a_leader_booking_over_the_month_approves_it_at_once(self, house, users, people, limited):
        stay = book(house, users["leder"], people.bo, "2024-02-10", "2024-02-12", extension_reason=REASON)
        assert (stay.extension_state, stay.extension_limit, stay.extension_by) == ("approved", "month", users["leder"])
        assert stay.extension_decided_at is not None and stay.nights == 2

    def test_another_month_starts_afresh(self, house, users, people, limited):
        stay = book(house, users["region"], people.bo, "2024-03-01", "2024-03-04")
        assert (stay.nights, stay.extension_state) == (3, "none")

    def test_beyond_both_one_decision_whose_frame_is_the_months_remainder(self, house, users, people, limited):
        stay = book(house, users["region"], people.bo, "2024-02-10", "2024-02-15", extension_reason=REASON)
        assert (stay.extension_state, stay.extension_limit, stay.nights) == ("pending", "both", 5)
        assert (stay.extension_frame_nights, stay.extension_frame_until) == (1, at("2024-02-11", 10))
        staff = Client()
        staff.force_login(users["region"])
        panel = staff.get(reverse("beds:stay", args=[stay.pk]), HTTP_HX_REQUEST="true").content.decode()
        assert "Booket ud over rammen og husets grænse på 4 nætter pr. måned: 1 nat inden for begge" in panel
        approved = stay_extension_approve(stay=stay, user=users["leder"])  # one decision covers both
        assert (approved.extension_state, approved.planned_departure) == ("approved", at("2024-02-15", 10))

    def test_beyond_both_the_frame_can_be_the_stricter(self, house, users, people):
        # 8 a month, 3 used: 5 remain, the frame's 3 are fewer; 10.2 -> 17.2 is 7 nights (3 + 7 = 10 > 8).
        house_policy_set(house=house, sector="region", valid_from=D(2024, 1, 1), max_nights_per_month=8)
        book(house, users["region"], people.bo, "2024-02-01", "2024-02-04")
        stay = book(house, users["region"], people.bo, "2024-02-10", "2024-02-17", extension_reason=REASON)
        assert (stay.extension_limit, stay.extension_frame_nights, stay.extension_month_limit) == ("both", 3, 8)
        declined = stay_extension_decline(stay=stay, user=users["leder"], note="Rammen holder")
        assert (declined.planned_departure, declined.nights) == (at("2024-02-13", 10), 3)

    def test_where_visitation_decides_it_is_refused_also_for_a_leader(self, house, users, people):
        house_policy_set(house=house, sector="region", valid_from=D(2024, 1, 1), max_nights_per_month=4,
                         extension_by="visitation")
        book(house, users["region"], people.bo, "2024-02-01", "2024-02-04")
        for user in (users["region"], users["leder"]):
            with pytest.raises(ValidationError) as e:
                book(house, user, people.bo, "2024-02-10", "2024-02-12", extension_reason=REASON)
            message = e.value.message_dict["planned_departure"][0]
            assert "højst 4 nætter pr. måned (brugt i måneden: 3)" in message and "visitationen" in message
        assert Stay.objects.count() == 1


class TestDecision:
    def test_approve_keeps_the_requested_departure(self, users, pending):
        stay = stay_extension_approve(stay=pending, user=users["leder"], note="Aftalt med regionen")
        assert (stay.extension_state, stay.planned_departure, stay.nights) == ("approved", at("2024-02-12", 10), 2)
        assert AuditEvent.objects.filter(object_id=str(pending.pk), detail="extension approved").count() == 1

    def test_decline_shortens_to_the_months_remainder(self, house, users, people, pending):
        stay = stay_extension_decline(stay=pending, user=users["leder"], note="Grænsen holder")
        assert (stay.extension_state, stay.planned_departure, stay.nights) == ("declined", at("2024-02-11", 10), 1)
        assert stay.period.upper == at("2024-02-11", 10) and stay.status == "booked"
        assert book(house, users["region"], people.erik, "2024-02-11", "2024-02-12").nights == 1  # bed freed
        assert AuditEvent.objects.filter(object_id=str(pending.pk), detail="extension declined").count() == 1


class TestDatabaseHoldsTheRules:
    """The check constraints refuse what the services never write (an admin or a script might)."""

    @staticmethod
    def _refused(pk: int, **values) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Stay.objects.filter(pk=pk).update(**values)

    def test_a_known_limit_and_a_month_decision_names_the_months_nights(self, pending):
        self._refused(pending.pk, extension_limit="week")
        self._refused(pending.pk, extension_month_limit=None)
        self._refused(pending.pk, extension_limit="both", extension_month_limit=None)
        Stay.objects.filter(pk=pending.pk).update(extension_limit="frame", extension_month_limit=None)  # accepted

    def test_only_a_decline_with_nothing_left_of_the_month_may_cancel_instead_of_shortening(self, pending):
        declined = {"extension_state": "declined", "extension_decided_at": at("2024-02-09", 8),
                    "extension_decision_note": "Nej", "status": "cancelled", "cancelled_at": at("2024-02-09", 8)}
        self._refused(pending.pk, **declined)  # a night remained: it must be shortened
        Stay.objects.filter(pk=pending.pk).update(extension_frame_nights=0, **declined)  # accepted


class TestApi:
    def test_booking_over_the_month_answers_pending_and_a_decline_shortens_it(self, users, limited):
        staff, leader = APIClient(), APIClient()
        staff.force_authenticate(users["region"])
        leader.force_authenticate(users["leder"])
        r = staff.post("/api/v1/stays/", {"house": "aarhus", "bed": "R1", "citizen": limited.citizen_id,
                                          "arrival": "2024-02-10T14:00:00+01:00", "extension_reason": REASON,
                                          "planned_departure": "2024-02-12T10:00:00+01:00"}, format="json")
        assert r.status_code == 201, r.content
        ext = r.json()["extension"]
        assert (ext["state"], ext["limit"], ext["month_limit"], ext["frame_nights"]) == ("pending", "month", 4, 1)
        assert ext["frame_until"] == "2024-02-11T10:00:00+01:00"
        r = leader.post(f"/api/v1/stays/{r.json()['id']}/extension/decline/", {"note": "Grænsen holder"},
                        format="json")
        assert r.status_code == 200, r.content
        assert (r.json()["nights"], r.json()["planned_departure"]) == (1, "2024-02-11T10:00:00+01:00")

    def test_without_a_reason_400_beside_the_field(self, users, limited):
        staff = APIClient()
        staff.force_authenticate(users["region"])
        r = staff.post("/api/v1/stays/", {"house": "aarhus", "bed": "R1", "citizen": limited.citizen_id,
                                          "arrival": "2024-02-10T14:00:00+01:00",
                                          "planned_departure": "2024-02-12T10:00:00+01:00"}, format="json")
        assert r.status_code == 400 and "4 nætter pr. måned" in r.json()["extension_reason"][0]


class TestNothingLeftOfTheMonth:
    """Bo has used all 4 of February's nights (1.2 -> 5.2); one more night 10.2 -> 11.2 leaves a frame of 0."""

    @pytest.fixture
    def spent(self, house, users, people):
        house_policy_set(house=house, sector="region", valid_from=D(2024, 1, 1), max_nights_per_month=4)
        book(house, users["leder"], people.bo, "2024-02-01", "2024-02-05", extension_reason="Aftalt")
        return book(house, users["region"], people.bo, "2024-02-10", "2024-02-11", extension_reason=REASON)

    def test_staff_may_still_book_it_as_pending(self, spent):
        assert (spent.extension_state, spent.extension_limit, spent.extension_frame_nights) == ("pending", "month", 0)

    def test_declined_before_arrival_it_is_cancelled_and_cannot_be_undone(self, users, spent):
        stay = stay_extension_decline(stay=spent, user=users["leder"], note="Ingen nætter tilbage")
        assert (stay.extension_state, stay.status) == ("declined", "cancelled")
        assert stay.cancelled_at is not None and not stay_cancel_undoable(stay)
        with pytest.raises(BookingConflict):
            stay_cancel_undo(stay=stay, user=users["region"])
        assert Stay.objects.get(pk=spent.pk).status == "cancelled"

    def test_the_panel_says_the_months_nights_are_used_then_cancelled(self, users, spent):
        staff = Client()
        staff.force_login(users["region"])
        url = reverse("beds:stay", args=[spent.pk])
        panel = staff.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "Booket ud over husets grænse på 4 nætter pr. måned: månedens nætter er brugt." in panel
        stay_extension_decline(stay=spent, user=users["leder"], note="Ingen nætter tilbage")
        panel = staff.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "Månedens nætter var brugt, så opholdet er aflyst." in panel and "Ingen nætter tilbage" in panel
        assert "Fortryd aflysning" not in panel

    def test_the_leader_is_told_it_is_cancelled(self, users, spent):
        leader = Client()
        leader.force_login(users["leder"])
        html = leader.post(reverse("beds:stay_extension", args=[spent.pk]),
                           {"decision": "decline", "note": "Ingen nætter tilbage", "sektor": ["region"]},
                           HTTP_HX_REQUEST="true").content.decode()
        assert "Afvist: Opholdet for Bo på R1 er aflyst, da månedens nætter var brugt." in html
        assert Stay.objects.get(pk=spent.pk).status == "cancelled"

    def test_declined_after_check_in_the_guest_is_due_to_leave_at_the_decision(self, users, spent):
        stay_check_in(stay=spent, user=users["region"], at=at("2024-02-10", 14))
        stay = stay_extension_decline(stay=spent, user=users["leder"], note="Ingen nætter tilbage",
                                      at=at("2024-02-10", 22))
        assert (stay.status, stay.planned_departure, stay.nights) == ("checked_in", at("2024-02-10", 22), 0)


def _took_place(stay, user, arrival, departure):
    stay_check_in(stay=stay, user=user, at=at(arrival))
    return stay_check_out(stay=stay, user=user, at=at(departure, 10))


def test_the_compliance_count_a_pending_month_awaits_an_approved_one_is_decided(house, users, limited, pending):
    """February is Bo's one overrun month (3 + 2 = 5 > 4): without a decision while pending, with one once
    approved."""
    _took_place(limited, users["region"], "2024-02-01", "2024-02-04")
    _took_place(pending, users["region"], "2024-02-10", "2024-02-12")
    feb = {"house": house, "start": D(2024, 2, 1), "end": D(2024, 2, 29)}
    assert nights_per_month_overruns(**feb)["region"] == {"with_decision": 0, "without_decision": 1}
    stay_extension_approve(stay=pending, user=users["leder"])
    assert nights_per_month_overruns(**feb)["region"] == {"with_decision": 1, "without_decision": 0}


def test_declined_to_the_remainder_is_no_overrun(house, users, limited, pending):
    stay_extension_decline(stay=pending, user=users["leder"], note="Grænsen holder")
    _took_place(limited, users["region"], "2024-02-01", "2024-02-04")
    _took_place(Stay.objects.get(pk=pending.pk), users["region"], "2024-02-10", "2024-02-11")
    assert nights_per_month_overruns(house=house, start=D(2024, 2, 1), end=D(2024, 2, 29))["region"] == {
        "with_decision": 0, "without_decision": 0}


class TestShown:
    """Bo, with at most 1 night a month, booked by night staff from tonight 20:00 for 2 nights: 1 remains."""

    @pytest.fixture
    def tonight(self, house, users, people):
        house_policy_set(house=house, sector="region", valid_from=D(2024, 1, 1), max_nights_per_month=1)
        today = timezone.localdate()
        return stay_book(house=house, bed=bed(house, "R2"), citizen=people.bo, user=users["region"],
                         arrival=datetime.datetime.combine(today, datetime.time(20), tzinfo=TZ),
                         planned_departure=datetime.datetime.combine(today + datetime.timedelta(days=2),
                                                                     datetime.time(10), tzinfo=TZ),
                         extension_reason=REASON)

    @staticmethod
    def client_of(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    def test_the_stay_panel_says_the_month(self, users, tonight):
        panel = self.client_of(users["region"]).get(reverse("beds:stay", args=[tonight.pk]),
                                                    HTTP_HX_REQUEST="true").content.decode()
        assert "Flere nætter end husets grænse pr. måned" in panel
        assert "Booket ud over husets grænse på 1 nat pr. måned: 1 nat tilbage i måneden" in panel
        assert "Booket ud over rammen" not in panel

    def test_the_board_says_the_month(self, users, tonight):
        page = self.client_of(users["region"]).get(reverse("beds:board")).content.decode()
        assert "op til 3 nætter · højst 1 nat pr. måned" in page  # the region's rules today
        html = self.client_of(users["region"]).get(reverse("beds:board_grid")).content.decode()
        assert html.count("ext-pending") == 2
        assert "ud over husets grænse for nætter pr. måned, afventer leders godkendelse" in html
        assert "ud over rammen, afventer" not in html

    def test_the_leaders_list_says_the_month_and_declines_to_it(self, users, tonight):
        html = self.client_of(users["leder"]).get("/rapporter/overblik/").content.decode()
        assert "Booket ud over husets grænse på 1 nat pr. måned" in html and REASON in html
        assert "Afvis og afkort til grænsen" in html and "Afvis og afkort til rammen" not in html

    def test_in_english(self, users, tonight):
        c = self.client_of(users["leder"])
        html = c.get("/rapporter/overblik/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "beyond the house's limit of 1 night per month" in html and "Decline and shorten to the limit" in html
        board = c.get(reverse("beds:board_grid"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "beyond the house&#x27;s limit of nights per month, awaiting a leader&#x27;s approval" in board

    def test_the_api_says_the_month(self, users, tonight):
        client = APIClient()
        client.force_authenticate(users["region"])
        body = client.get(f"/api/v1/stays/{tonight.pk}/").json()
        assert body["extension"]["state"] == "pending"
        assert (body["extension"]["limit"], body["extension"]["month_limit"], body["extension"]["frame_nights"]) \
            == ("month", 1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_bookings_in_the_month_at_once_the_second_is_judged_again(house, users, people):
    """Two of the night shift book Bo into February at once (2 and 3 nights, at most 4): each alone is within
    the month. The first holds the citizen's lock; the second read the month before the first committed, waits
    for the lock and then finds the month changed: 409 `month_changed`, never a month over the limit without a
    leader's decision. Booked again, it is judged with the first stay (3 more nights: pending)."""
    import threading

    from django.db import connection

    house_policy_set(house=house, sector="region", valid_from=D(2024, 1, 1), max_nights_per_month=4)
    booked, failures = threading.Event(), []
    waiting_sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND NOT granted"

    def first() -> None:
        try:
            with transaction.atomic():
                book(house, users["region"], people.bo, "2024-02-01", "2024-02-03", label="R1")
                booked.set()
                deadline = time.monotonic() + 30
                with connection.cursor() as cur:  # commit only once the second waits for the citizen's lock
                    while time.monotonic() < deadline:
                        cur.execute(waiting_sql)
                        if cur.fetchone()[0]:
                            break
                        time.sleep(0.02)
                    else:
                        failures.append("the second booking never waited for the citizen's lock")
        except Exception as exc:  # noqa: BLE001 - reported to the test's thread
            failures.append(repr(exc))
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert booked.wait(30)
    with pytest.raises(BookingConflict) as e:
        book(house, users["region"], people.bo, "2024-02-10", "2024-02-13", label="R2")
    thread.join(30)
    assert failures == [] and e.value.code == "month_changed"
    assert list(Stay.objects.values_list("nights", flat=True)) == [2]
    again = book(house, users["region"], people.bo, "2024-02-10", "2024-02-13", label="R2", extension_reason=REASON)
    assert (again.extension_state, again.extension_limit, again.extension_frame_nights) == ("pending", "month", 2)

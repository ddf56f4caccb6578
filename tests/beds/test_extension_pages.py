"""Longer stays in the browser's pages: the leader's dashboard part "Afventer leders godkendelse" (contributed by
beds through the section registry), its approve/decline form, the stay panel and the board cell. Bo (regional
contract, frame 3 nights) is booked by night staff from tonight 20:00 for 5 nights."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beds.models import Stay
from beds.services import stay_book
from psykiatrihus.models import AuditEvent, Role
from tests.beds.conftest import TZ, bed

pytestmark = pytest.mark.django_db
DASHBOARD = "/rapporter/overblik/"
REASON = "Bo er bange for at være alene; ingen leder på vagt"


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def pending(house, users, people, today):
    arrival = datetime.datetime.combine(today, datetime.time(20), tzinfo=TZ)
    departure = datetime.datetime.combine(today + datetime.timedelta(days=5), datetime.time(10), tzinfo=TZ)
    return stay_book(house=house, bed=bed(house, "R2"), citizen=people.bo, arrival=arrival,
                     planned_departure=departure, user=users["region"], extension_reason=REASON)


def _without_csrf(body: bytes, pk: int) -> bytes:
    """The page without its (per-response) CSRF tokens and the id asked for, which the language form echoes."""
    body = re.sub(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    return body.replace(f"/ophold/{pk}/".encode(), b"/ophold/ID/")


def decide_url(stay) -> str:
    return reverse("beds:stay_extension", args=[stay.pk])


class TestDashboardPart:
    def test_the_leader_sees_the_stay_with_its_reason_and_the_read_is_audited(self, users, pending):
        html = client_of(users["leder"]).get(DASHBOARD).content.decode()
        assert "Afventer leders godkendelse" in html and "Bo" in html and REASON in html
        assert decide_url(pending) in html and 'value="approve"' in html and 'value="decline"' in html
        assert "Booket ud over rammen på 3 nætter" in html
        read = AuditEvent.objects.filter(detail="afventer leders godkendelse", action="read").get()
        assert (read.user, read.object_id, read.citizen_id) == (users["leder"], str(pending.pk), pending.citizen_id)

    def test_nothing_pending_says_so(self, users):
        html = client_of(users["leder"]).get(DASHBOARD).content.decode()
        assert "Ingen ophold afventer en leders godkendelse." in html

    def test_the_steering_group_never_sees_it(self, users, pending):
        html = client_of(users["styregruppe"]).get(DASHBOARD).content.decode()
        assert "Afventer leders godkendelse" not in html and REASON not in html and "<strong>Bo</strong>" not in html

    def test_a_leader_of_the_other_sector_sees_a_count_without_names(self, house, pending, make_member):
        leader = make_member(house, Role.LEADER, "kommune", username="kl")
        html = client_of(leader).get(DASHBOARD).content.decode()
        assert "1 ophold i Region afventer sektorens leder." in html
        assert REASON not in html and decide_url(pending) not in html
        assert not AuditEvent.objects.filter(detail="afventer leders godkendelse").exists()


class TestDecisionForm:
    def test_decline_without_a_note_answers_beside_the_field(self, users, pending):
        r = client_of(users["leder"]).post(decide_url(pending), {"decision": "decline", "note": "",
                                                                 "sektor": ["region"]}, HTTP_HX_REQUEST="true")
        html = r.content.decode()
        assert r.status_code == 200 and "Skriv hvorfor opholdet afvises" in html
        assert f'id="ext{pending.pk}_note-errors"' in html
        pending.refresh_from_db()
        assert pending.extension_state == "pending"

    def test_decline_with_a_note_shortens_and_answers_the_part(self, users, pending, today):
        r = client_of(users["leder"]).post(decide_url(pending), {"decision": "decline", "note": "Rammen holder",
                                                                 "sektor": ["region"]}, HTTP_HX_REQUEST="true")
        html = r.content.decode()
        pending.refresh_from_db()
        assert (pending.extension_state, pending.nights) == ("declined", 3)
        end = (today + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
        assert f"Afvist: Opholdet for Bo på R2 er afkortet til {end} 10:00." in html
        assert "Ingen ophold afventer en leders godkendelse." in html

    def test_approve_without_javascript_goes_back(self, users, pending):
        r = client_of(users["leder"]).post(decide_url(pending), {"decision": "approve", "next": DASHBOARD})
        assert (r.status_code, r["Location"]) == (302, DASHBOARD)
        pending.refresh_from_db()
        assert pending.extension_state == "approved" and pending.extension_by == users["leder"]

    def test_an_outside_next_is_not_followed(self, users, pending):
        r = client_of(users["leder"]).post(decide_url(pending), {"decision": "approve",
                                                                 "next": "https://evil.example/"})
        assert (r.status_code, r["Location"]) == (302, "/")

    def test_a_decided_stay_says_so(self, users, pending):
        c = client_of(users["leder"])
        c.post(decide_url(pending), {"decision": "approve"}, HTTP_HX_REQUEST="true")
        html = c.post(decide_url(pending), {"decision": "decline", "note": "Nej"}, HTTP_HX_REQUEST="true"
                      ).content.decode()
        assert "allerede besluttet" in html
        pending.refresh_from_db()
        assert pending.extension_state == "approved"

    def test_staff_are_refused_and_an_unseen_stay_is_like_a_missing_one(self, house, users, pending, make_member):
        assert client_of(users["region"]).post(decide_url(pending), {"decision": "approve"}).status_code == 403
        leader = client_of(make_member(house, Role.LEADER, "kommune", username="kl"))
        unseen = leader.post(decide_url(pending), {"decision": "approve"})
        missing = leader.post(reverse("beds:stay_extension", args=[987_654_321]), {"decision": "approve"})
        assert unseen.status_code == missing.status_code == 404
        assert _without_csrf(unseen.content, pending.pk) == _without_csrf(missing.content, 987_654_321)
        assert Stay.objects.get(pk=pending.pk).extension_state == "pending"


class TestStaffSeeIt:
    def test_stay_panel_pending_then_declined_with_the_reason_and_the_new_end(self, users, pending, today):
        staff = client_of(users["region"])
        panel = staff.get(reverse("beds:stay", args=[pending.pk]), HTTP_HX_REQUEST="true").content.decode()
        assert "Afventer leder" in panel and "Booket ud over rammen på 3 nætter" in panel and REASON in panel
        client_of(users["leder"]).post(decide_url(pending), {"decision": "decline", "note": "Rammen holder"})
        panel = staff.get(reverse("beds:stay", args=[pending.pk]), HTTP_HX_REQUEST="true").content.decode()
        end = (today + datetime.timedelta(days=3))
        assert "Afvist af leder" in panel and "Afvist af leder " in panel and "Rammen holder" in panel
        assert f"opholdet er afkortet til {end.day}. " in panel

    def test_stay_panel_names_the_approver(self, users, pending):
        client_of(users["leder"]).post(decide_url(pending), {"decision": "approve"})
        panel = client_of(users["region"]).get(reverse("beds:stay", args=[pending.pk]),
                                               HTTP_HX_REQUEST="true").content.decode()
        assert "Godkendt af leder" in panel and "Godkendt af leder " in panel

    def test_board_cell_is_marked_and_explained(self, users, pending):
        html = client_of(users["region"]).get(reverse("beds:board_grid")).content.decode()
        assert html.count("ext-pending") == 5  # the five nights of the stay
        assert "ud over rammen, afventer leders godkendelse" in html
        client_of(users["leder"]).post(decide_url(pending), {"decision": "decline", "note": "Nej"})
        html = client_of(users["region"]).get(reverse("beds:board_grid")).content.decode()
        assert "ext-pending" not in html and html.count("ext-declined") == 3

    def test_booking_message_says_it_awaits_a_leader(self, house, users, people, today):
        night = today + datetime.timedelta(days=1)
        data = {"seng": bed(house, "R3").pk, "nat": night.isoformat(), "cpr": "010185-0003", "kind": "ordinary",
                "arrival": f"{night}T20:00", "planned_departure": f"{night + datetime.timedelta(days=4)}T10:00",
                "extension_reason": REASON}
        html = client_of(users["region"]).post(reverse("beds:book"), data, HTTP_HX_REQUEST="true").content.decode()
        assert "afventer en leders godkendelse" in html, html[:2000]
        assert Stay.objects.get(bed__label="R3").extension_state == "pending"


def test_in_english_too(users, pending):
    c = client_of(users["leder"])
    html = c.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Awaiting a leader's approval" in html and "Decline and shorten to the frame" in html
    panel = c.get(reverse("beds:stay", args=[pending.pk]), HTTP_HX_REQUEST="true",
                  HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Booked beyond the frame of 3 nights" in panel and "Awaiting a leader" in panel

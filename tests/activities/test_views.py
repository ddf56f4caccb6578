"""The Danish pages: week calendar, two-tap attendance, count forms with errors beside the field."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance, OpenDialogueMonth, Session
from activities.services import activity_create, enrolment_create, session_create
from psykiatrihus.models import AuditEvent


def _today_at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))


@pytest.fixture
def week(house, users, make_citizen):
    course = activity_create(house=house, name="B-BAT", kind="course", offer="bbat", sector="kommune", seats=8)
    walk = activity_create(house=house, name="Fælles gåtur", kind="open", offer="walk", runners=[users["peer"]])
    kim = make_citizen(house, "kommune", name="Kim Kommunesen", contract_on=datetime.date(2021, 1, 1))
    enrolment_create(activity=course, citizen=kim)
    return {"course": course, "walk": walk, "kim": kim,
            "course_session": session_create(activity=course, starts_at=_today_at(9)),
            "walk_session": session_create(activity=walk, starts_at=_today_at(11))}


@pytest.mark.django_db
class TestCalendarAndAttendance:
    def test_calendar_for_every_member_and_not_for_outsiders(self, client_for, week, django_assert_max_num_queries):
        for role in ("kommune", "region", "peer", "leder", "styregruppe", "admin"):
            client = client_for(role)
            with django_assert_max_num_queries(10):
                response = client.get(reverse("activities:calendar"))
            body = response.content.decode()
            assert response.status_code == 200, role
            assert "B-BAT" in body and "Fælles gåtur" in body and "Uge" in body
        assert client_for("outsider").get(reverse("activities:calendar")).status_code == 403

    def test_attendance_in_two_taps_from_the_calendar(self, client_for, week):
        client = client_for("kommune")
        calendar = client.get(reverse("activities:calendar")).content.decode()
        session_url = reverse("activities:session_detail", args=[week["course_session"].pk])
        assert session_url in calendar  # tap 1: the session
        page = client.get(session_url).content.decode()
        toggle = reverse("activities:attendance_toggle", args=[week["course_session"].pk, week["kim"].pk])
        assert "Kim Kommunesen" in page and toggle in page
        response = client.post(toggle, HTTP_HX_REQUEST="true")  # tap 2: the name
        assert response.status_code == 200 and "Mødt" in response.content.decode()
        assert Attendance.objects.get().present is True
        assert AuditEvent.objects.filter(citizen_id=week["kim"].pk, action="read").exists()

    def test_names_hidden_from_steering_group_and_other_sector(self, client_for, week):
        url = reverse("activities:session_detail", args=[week["course_session"].pk])
        for role in ("styregruppe", "region", "admin"):
            body = client_for(role).get(url).content.decode()
            assert "Kim Kommunesen" not in body, role
        toggle = reverse("activities:attendance_toggle", args=[week["course_session"].pk, week["kim"].pk])
        assert client_for("region").post(toggle).status_code == 403
        assert client_for("styregruppe").post(toggle).status_code == 403
        assert not Attendance.objects.exists()

    def test_peer_counts_heads_of_what_they_run(self, client_for, week):
        url = reverse("activities:head_count", args=[week["walk_session"].pk])
        client_for("peer").post(url, {"head_count": "6"})
        assert Session.objects.get(pk=week["walk_session"].pk).head_count == 6
        # the peer does not run the course
        assert client_for("peer").post(
            reverse("activities:attendance_toggle", args=[week["course_session"].pk, week["kim"].pk])
        ).status_code == 403

    def test_activity_pages(self, client_for, week):
        client = client_for("kommune")
        assert "B-BAT" in client.get(reverse("activities:activity_list")).content.decode()
        detail = client.get(reverse("activities:activity_detail", args=[week["course"].pk])).content.decode()
        assert "1 af 8 pladser" in detail and "Kim Kommunesen" in detail
        response = client.post(reverse("activities:activity_create"), {"name": "Kor", "kind": "course",
                                                                          "offer": "choir", "sector": ""})
        assert response.status_code == 200 and "mindst én plads" in response.content.decode()
        assert client_for("styregruppe").get(reverse("activities:activity_create")).status_code == 403


@pytest.mark.django_db
class TestCountForms:
    def test_defaults_errors_beside_the_field_and_duplicates(self, client_for, house):
        client = client_for("kommune")
        url = reverse("activities:count_entry", args=["aaben-dialog"])
        page = client.get(url).content.decode()
        last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
        assert f'value="{last_month}"' in page  # sensible default: last month
        response = client.post(url, {"month": "2021-03", "meetings": "-2", "cross_sector": "0"})
        assert "Antallet kan ikke være negativt." in response.content.decode()
        assert 'id="id_meetings_errors"' in response.content.decode()
        client.post(url, {"month": "2021-03", "meetings": "5", "cross_sector": "1"})
        assert OpenDialogueMonth.objects.get().meetings == 5
        response = client.post(url, {"month": "2021-03", "meetings": "6", "cross_sector": "1"})
        assert "allerede registreret" in response.content.decode()
        client.post(url, {"month": "2021-03", "meetings": "6", "cross_sector": "1", "replace": "on"})
        assert OpenDialogueMonth.objects.get().meetings == 6
        future = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).strftime("%Y-%m")
        response = client.post(url, {"month": future, "meetings": "1", "cross_sector": "0"})
        assert "fremtiden" in response.content.decode()

    def test_who_may_enter_what(self, client_for):
        assert client_for("region").get(reverse("activities:count_entry", args=["socialvagten"])).status_code == 403
        assert client_for("kommune").get(reverse("activities:count_entry", args=["socialvagten"])).status_code == 200
        assert client_for("kommune").get(reverse("activities:count_entry", args=["budget"])).status_code == 403
        assert client_for("leder").get(reverse("activities:count_entry", args=["budget"])).status_code == 200
        assert client_for("styregruppe").get(
            reverse("activities:count_entry", args=["aaben-dialog"])).status_code == 403
        assert client_for("kommune").get(reverse("activities:count_entry", args=["findes-ikke"])).status_code == 404

    def test_month_overview(self, client_for, house):
        client = client_for("leder")
        client.post(reverse("activities:count_entry", args=["aaben-dialog"]),
                    {"month": "2021-03", "meetings": "5", "cross_sector": "2"})
        body = client.get(reverse("activities:overview") + "?maaned=2021-03").content.decode()
        assert "heraf 2 med begge sektorer" in body
        assert client_for("styregruppe").get(reverse("activities:overview")).status_code == 200

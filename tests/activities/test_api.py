"""The API: scoped named lists, JSON errors (400/403/404/409), never 500."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from activities.models import Attendance, OpenDialogueMonth
from activities.services import activity_create, enrolment_create, session_create

Q = "?house=aarhus"


def _today_at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))


@pytest.fixture
def course(house, users, make_citizen):
    course = activity_create(house=house, name="ACT", kind="course", offer="act", sector="region", seats=1,
                             runners=[users["peer"]])
    rie = make_citizen(house, "region", name="Rie Regionsen", contract_on=datetime.date(2021, 1, 1))
    enrolment_create(activity=course, citizen=rie)
    session = session_create(activity=course, starts_at=_today_at(9))
    return {"course": course, "rie": rie, "session": session}


@pytest.mark.django_db
class TestActivityApi:
    def test_lists_need_a_house_and_membership(self, client_for, course):
        assert client_for("kommune").get("/api/v1/activities/").status_code == 400
        response = client_for("outsider").get("/api/v1/activities/" + Q)
        assert response.status_code == 404 and "detail" in response.json()
        data = client_for("styregruppe").get("/api/v1/activities/" + Q).json()
        assert data["results"][0]["name"] == "ACT" and data["results"][0]["enrolled"] == 1

    def test_named_enrolments_are_scoped(self, client_for, course):
        url = f"/api/v1/activities/{course['course'].pk}/enrolments/" + Q
        assert [e["citizen_name"] for e in client_for("region").get(url).json()["results"]] == ["Rie Regionsen"]
        assert [e["citizen_name"] for e in client_for("peer").get(url).json()["results"]] == ["Rie Regionsen"]
        assert client_for("kommune").get(url).json()["results"] == []
        assert client_for("styregruppe").get(url).json()["results"] == []

    def test_enrol_full_course_queues_and_withdraw_promotes(self, client_for, course, house, make_citizen):
        other = make_citizen(house, "region", name="Ole Regionsen", contract_on=datetime.date(2021, 1, 1))
        url = f"/api/v1/activities/{course['course'].pk}/enrolments/" + Q
        response = client_for("region").post(url, {"citizen": other.pk}, content_type="application/json")
        assert response.status_code == 201
        assert response.json()["status"] == "waiting" and response.json()["waiting_position"] == 1
        again = client_for("region").post(url, {"citizen": other.pk}, content_type="application/json")
        assert again.status_code == 409 and again.json()["code"] == "duplicate"
        # a municipal staff member cannot reach a regional citizen: 404, not a leak
        hidden = client_for("kommune").post(url, {"citizen": other.pk}, content_type="application/json")
        assert hidden.status_code in (403, 404)
        first = client_for("region").get(url).json()["results"][0]
        response = client_for("region").post(f"/api/v1/enrolments/{first['id']}/withdraw/" + Q)
        assert response.status_code == 200 and response.json()["promoted"] is not None

    def test_attendance_post_and_scoped_list(self, client_for, course):
        body = {"session": course["session"].pk, "citizen": course["rie"].pk, "present": True}
        response = client_for("peer").post("/api/v1/attendance/" + Q, body, content_type="application/json")
        assert response.status_code == 201 and Attendance.objects.get().present is True
        assert client_for("kommune").post("/api/v1/attendance/" + Q, body,
                                          content_type="application/json").status_code == 403
        listed = client_for("region").get("/api/v1/attendance/" + Q + f"&session={course['session'].pk}").json()
        assert [a["citizen_name"] for a in listed["results"]] == ["Rie Regionsen"]
        assert client_for("styregruppe").get("/api/v1/attendance/" + Q).json()["results"] == []
        assert client_for("region").get("/api/v1/attendance/" + Q + "&session=abc").status_code == 400

    def test_sessions_and_head_counts(self, client_for, course, house, users):
        walk = activity_create(house=house, name="Gåtur", kind="open", offer="walk", runners=[users["peer"]])
        created = client_for("peer").post("/api/v1/sessions/" + Q, {
            "activity": walk.pk, "starts_at": _today_at(13).isoformat()}, content_type="application/json")
        assert created.status_code == 201
        sid = created.json()["id"]
        bad = client_for("peer").post(f"/api/v1/sessions/{sid}/head-count/" + Q, {"head_count": -3},
                                      content_type="application/json")
        assert bad.status_code == 400 and "negativt" in str(bad.json())
        ok = client_for("peer").post(f"/api/v1/sessions/{sid}/head-count/" + Q, {"head_count": 7},
                                     content_type="application/json")
        assert ok.status_code == 200 and ok.json()["attended"] == 7
        today = timezone.localdate().isoformat()
        listed = client_for("styregruppe").get(f"/api/v1/sessions/{Q}&from={today}&to={today}").json()
        assert {s["activity_name"]: s["attended"] for s in listed["results"]} == {"ACT": 0, "Gåtur": 7}
        assert client_for("kommune").get(f"/api/v1/sessions/{Q}&from=igår").status_code == 400


@pytest.mark.django_db
class TestCountsApi:
    def test_counts_validation_and_duplicates(self, client_for, house):
        url = "/api/v1/activity-counts/aaben-dialog/" + Q
        negative = client_for("kommune").post(url, {"month": "2021-03", "meetings": -1, "cross_sector": 0},
                                              content_type="application/json")
        assert negative.status_code == 400 and "negativt" in str(negative.json())
        ok = client_for("kommune").post(url, {"month": "2021-03", "meetings": 4, "cross_sector": 1},
                                        content_type="application/json")
        assert ok.status_code == 201 and ok.json()["month"] == "2021-03-01"
        dup = client_for("region").post(url, {"month": "2021-03", "meetings": 5, "cross_sector": 1},
                                        content_type="application/json")
        assert dup.status_code == 409 and "allerede registreret" in dup.json()["detail"]
        assert OpenDialogueMonth.objects.get().meetings == 4
        assert client_for("styregruppe").post(url, {"month": "2021-04", "meetings": 1},
                                              content_type="application/json").status_code == 403
        assert client_for("styregruppe").get(url).json()["results"][0]["meetings"] == 4
        assert client_for("kommune").get("/api/v1/activity-counts/findes-ikke/" + Q).status_code == 404
        garbage = client_for("kommune").post(url, "ikke json", content_type="application/json")
        assert garbage.status_code == 400

    def test_tables_endpoint(self, client_for, house):
        client_for("leder").post("/api/v1/activity-counts/socialvagten/" + Q,
                                 {"day": "2021-02-03", "phone": 20, "in_person": 2}, content_type="application/json")
        data = client_for("styregruppe").get("/api/v1/activity-tables/" + Q + "&start=2021-01-01&end=2021-12-31")
        assert data.status_code == 200
        assert data.json()["socialvagten_contacts"]["total"] == 22
        assert client_for("styregruppe").get("/api/v1/activity-tables/" + Q).status_code == 400
        assert client_for("outsider").get("/api/v1/activity-tables/" + Q).status_code == 404

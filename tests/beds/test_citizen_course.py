"""The citizen's course: the citizen page shows the stays, requests and waiting-list entries beds records and
the activities attended, contributed through the kernel's section registry (contracts imports neither); the
contract page shows the contract's stays; each part behind the sector wall (the other sector's rows only by
consent), every row shown audited, overdue follow-ups marked, and a page whose query count does not grow
with the course. The stay panel shows the contract's frame, the crisis plan, the ORS given and the request."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.services import activity_create, attendance_record, enrolment_create, session_create
from beds.services import stay_book, stay_check_in, stay_check_out, stay_request_record
from contracts.models import Contract
from contracts.services import consent_give, contract_update
from psykiatrihus.models import AuditEvent
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def part(html: str, section_id: str) -> str:
    """The HTML of one section of the page (by its id), '' when it is not there."""
    marker = f'id="{section_id}"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</section>", 1)[0]


def same_answer(a, b, *paths: str) -> bool:
    """Two refusals alike: status and body, but for the CSRF token and the address asked."""
    def norm(response, path):
        text = response.content.decode().replace(path, "PATH")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return response.status_code, re.sub(r'"X-CSRFToken": "[^"]+"', "", text)

    return norm(a, paths[0]) == norm(b, paths[1])


def rows(html: str, prefix: str) -> list[str]:
    return re.findall(rf'<tr id="{prefix}-(\d+)"', html)


@pytest.fixture
def course(house, users, people):
    """Erik (contracts in both sectors): a municipal stay on K3 booked from a phone request, checked in with
    ORS 21 and out with SRS 30 (2 nights); a regional stay on R2 (1 night, booked); a regional request turned
    into nothing yet; a municipal course session he attended and one he missed."""
    erik = people.erik
    kommune_request = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                                          citizen=erik, requested_at=at("2024-02-10", 9), requested_nights=2,
                                          note="ringede om morgenen")
    k3 = stay_book(house=house, bed=bed(house, "K3"), citizen=erik, arrival=at("2024-02-10"),
                   planned_departure=at("2024-02-12", 10), user=users["kommune"], request=kommune_request)
    stay_check_in(stay=k3, user=users["kommune"], at=at("2024-02-10", 14), ors_score=21)
    stay_check_out(stay=k3, user=users["kommune"], at=at("2024-02-12", 10), srs_score=30)
    r2 = stay_book(house=house, bed=bed(house, "R2"), citizen=erik, arrival=at("2024-03-01"),
                   planned_departure=at("2024-03-02", 10), user=users["region"])
    region_request = stay_request_record(house=house, sector="region", channel="in_person", user=users["region"],
                                         citizen=erik, requested_at=at("2024-04-01", 20), requested_nights=3)
    course = activity_create(house=house, name="Recovery-kursus", kind="course", sector="kommune", seats=10,
                             user=users["kommune"])
    enrolment_create(activity=course, citizen=erik, user=users["kommune"])
    came = session_create(activity=course, starts_at=at("2024-02-20", 10), user=users["kommune"])
    missed = session_create(activity=course, starts_at=at("2024-02-27", 10), user=users["kommune"])
    attendance_record(session=came, citizen=erik, user=users["kommune"])
    attendance_record(session=missed, citizen=erik, present=False, user=users["kommune"])
    return {"k3": k3, "r2": r2, "kommune_request": kommune_request, "region_request": region_request,
            "came": came}


class TestCitizenPage:
    def test_the_whole_course_for_a_leader_of_both_sectors(self, client_for, people, course):
        html = page(client_for("leder"), reverse("contracts:citizen_detail", args=[people.erik.pk]))
        stays = part(html, "ophold")
        assert rows(stays, "ophold") == [str(course["r2"].pk), str(course["k3"].pk)]  # newest first
        k3_row = stays.split(f'id="ophold-{course["k3"].pk}"', 1)[1].split("</tr>", 1)[0]
        cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", k3_row, re.S)]
        assert cells == ["10. feb 2024–12. feb 2024", "K3", "2", "Udskrevet", "21", "30", "10. feb 09:00"]
        assert f'href="#henvendelse-{course["kommune_request"].pk}"' in k3_row
        requests = part(html, "henvendelser")
        assert rows(requests, "henvendelse") == [str(course["region_request"].pk), str(course["kommune_request"].pk)]
        assert "Booket" in requests and "ringede om morgenen" in requests
        attended = part(html, "aktiviteter")
        assert attended.count("Recovery-kursus") == 1 and "20. feb 2024" in attended and "27. feb" not in attended

    def test_a_municipal_user_sees_no_regional_row_without_consent(self, client_for, people, course):
        client = client_for("kommune")
        html = page(client, reverse("contracts:citizen_detail", args=[people.erik.pk]))
        assert rows(part(html, "ophold"), "ophold") == [str(course["k3"].pk)]
        assert rows(part(html, "henvendelser"), "henvendelse") == [str(course["kommune_request"].pk)]
        assert "R2" not in part(html, "ophold")
        html = page(client_for("region"), reverse("contracts:citizen_detail", args=[people.erik.pk]))
        assert rows(part(html, "ophold"), "ophold") == [str(course["r2"].pk)]
        assert rows(part(html, "henvendelser"), "henvendelse") == [str(course["region_request"].pk)]
        assert "Ingen registreret deltagelse" not in part(html, "aktiviteter")  # Erik is the region's citizen too

    def test_consent_opens_the_other_sectors_rows(self, client_for, users, people, course):
        consent_give(citizen=people.erik, to_sector="kommune", given_on=datetime.date(2024, 5, 1),
                     user=users["region"])
        html = page(client_for("kommune"), reverse("contracts:citizen_detail", args=[people.erik.pk]))
        assert rows(part(html, "ophold"), "ophold") == [str(course["r2"].pk), str(course["k3"].pk)]

    def test_a_citizen_the_user_may_not_see_answers_like_a_missing_one(self, client_for, people, course):
        client = client_for("kommune")
        paths = reverse("contracts:citizen_detail", args=[people.bo.pk]), reverse("contracts:citizen_detail",
                                                                                  args=[999_999])
        hidden, missing = client.get(paths[0]), client.get(paths[1])
        assert hidden.status_code == missing.status_code == 404 and same_answer(hidden, missing, *paths)
        assert not AuditEvent.objects.filter(citizen_id=people.bo.pk).exists()
        for key in ("peer", "styregruppe", "admin"):
            assert client_for(key).get(reverse("contracts:citizen_detail", args=[people.erik.pk])).status_code == 403

    def test_every_row_shown_is_audited(self, client_for, users, people, course):
        page(client_for("kommune"), reverse("contracts:citizen_detail", args=[people.erik.pk]))
        audited = set(AuditEvent.objects.filter(user=users["kommune"], action="read", detail="borgerens forløb",
                                                citizen_id=people.erik.pk)
                      .values_list("object_type", "object_id"))
        att = course["came"].attendances.get(citizen=people.erik)
        assert {(t, i) for t, i in audited if t != "contracts.followup"} == {
            ("beds.stay", str(course["k3"].pk)), ("beds.stayrequest", str(course["kommune_request"].pk)),
            ("activities.attendance", str(att.pk))}

    def test_overdue_follow_up_is_marked_on_both_pages(self, client_for, users, people, course):
        html = page(client_for("kommune"), reverse("contracts:citizen_detail", args=[people.erik.pk]))
        contracts = part(html, "kontrakter")
        assert "En opfølgning er overskredet." in contracts and contracts.count("overskredet</span>") == 1
        kommune = Contract.objects.get(citizen=people.erik, sector="kommune")
        contract_html = page(client_for("kommune"), reverse("contracts:contract_detail", args=[kommune.pk]))
        assert '<span class="badge overdue">overskredet</span>' in contract_html
        contract_update(contract=kommune, next_followup_due=datetime.date(2099, 1, 1), user=users["kommune"])
        html = page(client_for("kommune"), reverse("contracts:citizen_detail", args=[people.erik.pk]))
        assert "overskredet" not in part(html, "kontrakter")

    def test_query_count_does_not_grow_with_the_course(self, client_for, users, people, course, house):
        client = client_for("leder")
        url = reverse("contracts:citizen_detail", args=[people.erik.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as before:
            client.get(url)
        for day in ("2024-05-01", "2024-05-10", "2024-05-20"):
            stay_book(house=house, bed=bed(house, "K4"), citizen=people.erik, arrival=at(day),
                      planned_departure=at(day, 10) + datetime.timedelta(days=1), user=users["kommune"])
            stay_request_record(house=house, sector="region", channel="phone", user=users["region"],
                                citizen=people.erik, requested_at=at(day, 8))
        with CaptureQueriesContext(connection) as after:
            html = client.get(url).content.decode()
        assert len(rows(part(html, "ophold"), "ophold")) == 5
        assert len(after) == len(before) <= 30, [q["sql"][:120] for q in after.captured_queries]


class TestContractPage:
    def test_the_contract_shows_its_own_stays(self, client_for, people, course):
        kommune = Contract.objects.get(citizen=people.erik, sector="kommune")
        region = Contract.objects.get(citizen=people.erik, sector="region")
        html = page(client_for("leder"), reverse("contracts:contract_detail", args=[kommune.pk]))
        assert "Ophold vises her, når sengemodulet registrerer dem." not in html
        assert rows(part(html, "ophold"), "ophold") == [str(course["k3"].pk)]
        assert "2 nætter brugt" in part(html, "ophold")
        html = page(client_for("leder"), reverse("contracts:contract_detail", args=[region.pk]))
        assert rows(part(html, "ophold"), "ophold") == [str(course["r2"].pk)]
        assert "0 nætter brugt" in part(html, "ophold")  # booked, not yet used
        assert client_for("kommune").get(reverse("contracts:contract_detail", args=[region.pk])).status_code == 404


class TestStayPanel:
    def test_frame_crisis_plan_ors_and_origin_request(self, client_for, users, people, house):
        anna = people.anna
        contract = Contract.objects.get(citizen=anna)
        contract_update(contract=contract, user=users["kommune"], crisis_what_helps="Ro og en kop te",
                        crisis_warning_signs="Sover ikke", crisis_who_to_call="Søster Lise, 12 34 56 78")
        req = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                                  citizen=anna, requested_at=at("2024-02-10", 21, 15), requested_nights=2)
        stay = stay_book(house=house, bed=bed(house, "K1"), citizen=anna, arrival=at("2024-02-10", 22),
                         planned_departure=at("2024-02-12", 10), user=users["kommune"], request=req)
        stay_check_in(stay=stay, user=users["kommune"], at=at("2024-02-10", 22), ors_score=17)
        client = client_for("kommune")
        html = client.get(reverse("beds:stay", args=[stay.pk]), HTTP_HX_REQUEST="true").content.decode()
        course = part(html, f"course-h-{stay.pk}")
        assert "2 nætter" in course and "kontraktens individuelle ramme" in course  # Anna's frame: 2 < house's
        assert "Ro og en kop te" in course and "Sover ikke" in course and "Søster Lise, 12 34 56 78" in course
        assert "ORS ved indskrivning</dt><dd>17" in course
        assert (f'href="{reverse("contracts:citizen_detail", args=[anna.pk])}#henvendelse-{req.pk}"' in course
                and "10. feb kl. 21:15, telefon" in course)
        assert f'href="{reverse("contracts:contract_detail", args=[contract.pk])}"' in course
        assert AuditEvent.objects.filter(user=users["kommune"], object_type="contracts.contract",
                                         object_id=str(contract.pk), detail="ophold: ramme og kriseplan").exists()
        # The region's staff: the municipal stay is not theirs, and answers like a stay that does not exist.
        region = client_for("region")
        paths = reverse("beds:stay", args=[stay.pk]), reverse("beds:stay", args=[999_999])
        hidden = region.get(paths[0], HTTP_HX_REQUEST="true")
        missing = region.get(paths[1], HTTP_HX_REQUEST="true")
        assert hidden.status_code == missing.status_code == 404 and same_answer(hidden, missing, *paths)

    def test_without_crisis_plan_or_request_the_panel_says_so(self, client_for, users, people, house):
        stay = stay_book(house=house, bed=bed(house, "R1"), citizen=people.bo, arrival=at("2024-02-10"),
                         planned_departure=at("2024-02-11", 10), user=users["region"])
        html = client_for("region").get(reverse("beds:stay", args=[stay.pk]),
                                        HTTP_HX_REQUEST="true").content.decode()
        course = part(html, f"course-h-{stay.pk}")
        assert "Ingen kriseplan på kontrakten." in course and "Skriv kriseplanen" in course
        assert "Booket uden henvendelse" in course and "gives ved indskrivning" in course
        assert "husets regler" in course


class TestApi:
    """The course through the API: `GET /api/v1/stays/?citizen=` / `?contract=` and `/requests/?citizen=`,
    behind the same wall (an id the user may not see finds nothing, like one that does not exist)."""

    def test_stays_and_requests_of_a_citizen_or_contract(self, client_for, people, course):
        kommune = Contract.objects.get(citizen=people.erik, sector="kommune")
        leader, municipal = client_for("leder"), client_for("kommune")

        def ids(client, url):
            response = client.get(url + "&house=aarhus")
            assert response.status_code == 200, response.content
            return [row["id"] for row in response.json()["results"]]

        assert ids(leader, f"/api/v1/stays/?citizen={people.erik.pk}") == [course["r2"].pk, course["k3"].pk]
        assert ids(municipal, f"/api/v1/stays/?citizen={people.erik.pk}") == [course["k3"].pk]
        assert ids(leader, f"/api/v1/stays/?contract={kommune.pk}") == [course["k3"].pk]
        assert ids(municipal, f"/api/v1/requests/?citizen={people.erik.pk}") == [course["kommune_request"].pk]
        assert ids(municipal, f"/api/v1/stays/?citizen={people.bo.pk}") == [] == ids(
            municipal, "/api/v1/stays/?citizen=999999")
        for bad in ("abc", "-1", "0", str(2**63)):
            response = leader.get(f"/api/v1/stays/?house=aarhus&citizen={bad}")
            assert response.status_code == 400 and "citizen" in response.json(), bad

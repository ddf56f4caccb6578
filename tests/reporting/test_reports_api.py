"""/api/v1/reports/: order, follow, download and approve through the API, with the pages' access rules and JSON
errors (400 per field, 403, 404 alike for missing and not-yours, 409 for a state that forbids the change)."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from rest_framework.test import APIClient

from psykiatrihus.models import AuditEvent
from reporting.models import ReportRun
from reporting.selectors import period_for
from reporting.services import report_run_build, report_run_request

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/reports/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, house):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    house.small_number_threshold = 2
    house.save(update_fields=["small_number_threshold"])


@pytest.fixture
def built(dataset, users):
    run = report_run_request(house=dataset.house, period=period_for(year=2021, quarter=2), formats=["json"],
                             user=users["leder"], enqueue=False)
    return report_run_build(run_id=run.pk)


class TestOrder:
    def test_leader_orders_a_quarter(self, house, users, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False):
            response = api(users["leder"]).post(REPORTS, {"house": "aarhus", "kind": "quarter", "year": 2021,
                                                          "quarter": 1, "formats": ["pdf", "json"]}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        run = ReportRun.objects.get()
        assert body["id"] == run.pk and body["status"] == "pending" and body["files"] == {}
        assert body["period"] == {"start": "2021-01-01", "end": "2021-03-31", "label": "1. kvartal 2021"}
        assert body["formats"] == ["pdf", "json"] and body["suppress_below"] == 2
        assert body["approved"] is False and body["awaiting_approval"] is False  # the leader sees drafts

    def test_bad_input_is_a_danish_400_per_field(self, house, users):
        client = api(users["leder"])
        future = client.post(REPORTS, {"house": "aarhus", "kind": "year", "year": 2099, "formats": ["json"]},
                             format="json")
        assert future.status_code == 400 and "fremtiden" in json.dumps(future.json(), ensure_ascii=False)
        backwards = client.post(REPORTS, {"house": "aarhus", "kind": "range", "start": "2021-05-01",
                                          "end": "2021-04-01", "formats": ["json"]}, format="json")
        assert backwards.status_code == 400 and "period" in backwards.json()
        assert client.post(REPORTS, {"house": "aarhus", "kind": "year", "year": 2021, "formats": ["docx"]},
                           format="json").status_code == 400
        assert client.post(REPORTS, {"house": "aarhus", "kind": "quarter", "year": 2021, "formats": ["json"]},
                           format="json").json() == {"quarter": ["Vælg et kvartal."]}
        assert client.post(REPORTS, {"house": "a" * 100_000, "kind": "year", "year": 2021, "formats": ["json"]},
                           format="json").status_code == 400
        assert not ReportRun.objects.exists()

    def test_who_may_order(self, house, other_house, users):
        body = {"house": "aarhus", "kind": "year", "year": 2021, "formats": ["json"]}
        assert api(users["kommune"]).post(REPORTS, body, format="json").status_code == 403
        assert api(users["outsider"]).post(REPORTS, body, format="json").status_code == 404
        assert api(users["leder"]).post(REPORTS, {**body, "house": "silkeborg"}, format="json").status_code == 404
        assert api(users["leder"]).post(REPORTS, {**body, "house": "nowhere"}, format="json").status_code == 404
        raw = api(users["styregruppe"]).post(REPORTS, {**body, "raw": True}, format="json")
        assert raw.status_code == 400 and "raw" in raw.json()
        assert APIClient().get(REPORTS, {"house": "aarhus"}).status_code in (401, 403)
        assert not ReportRun.objects.exists()


class TestReadAndApprove:
    def test_steering_sees_nothing_until_a_leader_approves(self, built, users):
        steering, leader = api(users["styregruppe"]), api(users["leder"])
        assert steering.get(REPORTS, {"house": "aarhus"}).json()["results"] == []
        assert steering.get(f"{REPORTS}{built.pk}/").status_code == 404
        assert steering.get(f"{REPORTS}{built.pk}/json/").status_code == 404
        draft = leader.get(f"{REPORTS}{built.pk}/").json()
        assert draft["status"] == "done" and draft["progress"] == 100 and draft["approved"] is False
        assert "summary" in draft["sections"] and "stays" in draft["sections"]
        assert draft["files"] == {"json": f"http://testserver{REPORTS}{built.pk}/json/"}
        assert steering.post(f"{REPORTS}{built.pk}/approve/", {}, format="json").status_code == 404
        response = leader.post(f"{REPORTS}{built.pk}/approve/",
                               {"comments": {"summary": "Godkendt af ledelsen.", "stays": "Få ophold i kvartalet."}},
                               format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["approved"] is True and body["version"] == 1 and body["revised"] is False
        assert body["comments"] == {"summary": "Godkendt af ledelsen.", "stays": "Få ophold i kvartalet."}
        listed = steering.get(REPORTS, {"house": "aarhus"}).json()
        assert [r["id"] for r in listed["results"]] == [built.pk] and listed["count"] == 1
        download = steering.get(f"{REPORTS}{built.pk}/json/")
        assert download.status_code == 200 and download["Content-Type"] == "application/json"
        data = json.loads(b"".join(download.streaming_content))
        assert data["comments"]["stays"] == "Få ophold i kvartalet." and data["period"]["start"] == "2021-04-01"
        assert AuditEvent.objects.filter(action="export", username="styregruppe", detail__contains="api").exists()
        assert len(mail.outbox) == 0  # the steering member in this test has no e-mail address

    def test_approval_errors(self, built, users, dataset):
        leader = api(users["leder"])
        url = f"{REPORTS}{built.pk}/approve/"
        assert api(users["admin"]).post(url, {}, format="json").status_code == 403
        assert api(users["kommune"]).post(url, {}, format="json").status_code == 403
        too_long = leader.post(url, {"comments": {"summary": "x" * 4001}}, format="json")
        assert too_long.status_code == 400 and "4000" in json.dumps(too_long.json())
        unknown = leader.post(url, {"comments": {"nowhere": "x"}}, format="json")
        assert unknown.status_code == 400
        assert leader.post(url, {"comments": "tekst"}, format="json").status_code == 400
        assert leader.post(url, {}, format="json").status_code == 200
        again = leader.post(url, {}, format="json")
        assert again.status_code == 409 and again.json()["code"] == "approved"
        queued = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["json"],
                                    enqueue=False)
        not_done = leader.post(f"{REPORTS}{queued.pk}/approve/", {}, format="json")
        assert not_done.status_code == 409 and not_done.json()["code"] == "not_done"

    @pytest.mark.parametrize("pk", ["0", "-1", "999999", "99999999999999999999999999", "abc"])
    def test_missing_and_foreign_runs_answer_alike(self, built, other_house, users, pk):
        foreign = report_run_request(house=other_house, period=period_for(year=2021), formats=["json"],
                                     enqueue=False)
        leader = api(users["leder"])
        for path in (f"{REPORTS}{foreign.pk}/", f"{REPORTS}{pk}/"):
            response = leader.get(path)
            if pk == "abc" and path.endswith("abc/"):
                assert response.status_code == 404  # not an id at all: no route
                continue
            assert response.status_code == 404 and response.json() == {"detail": "Rapporten findes ikke."}
        assert leader.get(f"{REPORTS}{built.pk}/docx/").status_code == 404
        assert leader.get(f"{REPORTS}{built.pk}/pdf/").json() == {"detail": "Filen findes ikke (endnu)."}
        # No report role anywhere: 403 for every id, existing or not.
        assert api(users["kommune"]).get(f"{REPORTS}{built.pk}/").status_code == 403
        assert api(users["kommune"]).get(f"{REPORTS}999999/").status_code == 403

    def test_list_query_count(self, built, users, django_assert_max_num_queries):
        for year in (2019, 2020):
            report_run_request(house=built.house, period=period_for(year=year), formats=["json"], enqueue=False)
        with django_assert_max_num_queries(12):
            body = api(users["leder"]).get(REPORTS, {"house": "aarhus"}).json()
        assert body["count"] == 3 and [r["period"]["label"] for r in body["results"]][0] == "2020"


def test_reports_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reports/"])
    assert "get" in paths["/api/v1/reports/{id}/"]
    assert "post" in paths["/api/v1/reports/{id}/approve/"]
    download = paths["/api/v1/reports/{id}/{fmt}/"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
    assert {"403", "404"} <= set(download["responses"])
    assert "409" in paths["/api/v1/reports/{id}/approve/"]["post"]["responses"]


def test_period_end_today_is_allowed(house, users):
    from django.utils import timezone

    today = timezone.localdate()
    response = api(users["leder"]).post(REPORTS, {"house": "aarhus", "kind": "range", "start": str(today),
                                                  "end": str(today), "formats": ["json"], "raw": True},
                                                 format="json")  # a day is not a grid period: raw figures only
    assert response.status_code == 201

"""Husene side om side (/rapporter/huse/, GET /api/v1/reports/side-by-side/): who sees it, 404 alike for a
house the user may not compare and one that does not exist, figures exactly as each house's approved report
published them, and only grid periods.

Hand-worked (the `dataset` fixture, Aarhus at threshold 2, 1st quarter 2021): municipal stays arriving in the
quarter: Anna 5.1 (1 night) and 10.3 (0 nights): 2 stays, 1 citizen ("<2"), 1 night ("<2"); contracts in
force at 31.3.2021: Anna's (1.3.2020) and Bent's (ended 30.6.2021): 2; none granted in the quarter: 0.
Regional: Anna 10.2 (3 nights): 1 stay ("<2"), 3 nights; in force at 31.3.2021 Anna's from 1.2.2021 only (Dan's
ended that day): "<2", granted in the quarter: "<2". Silkeborg has no data: zeros.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from psykiatrihus.models import Role
from psykiatrihus.services import house_setup, membership_grant
from reporting.selectors import period_for
from reporting.services import report_run_approve, report_run_build, report_run_request

pytestmark = pytest.mark.django_db
API = "/api/v1/reports/side-by-side/"
PAGE = "/rapporter/huse/"
Q1 = {"year": 2021, "period": "q1"}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def approved(house, leader, *, quarter: int = 1):
    run = report_run_request(house=house, period=period_for(year=2021, quarter=quarter), formats=["json"],
                             enqueue=False)
    run = report_run_build(run_id=run.pk)
    assert run.status == "done", run.error
    return report_run_approve(run=run, user=leader, comments={})


@pytest.fixture
def houses(dataset, other_house, make_member):
    """Aarhus (the dataset) and Silkeborg, each with an approved report of Q1 2021; Samsø without one.
    `steering` sits for all three, `admin2` administers Aarhus and Silkeborg, `leader` leads Aarhus only and
    `single` is steering group in Aarhus only."""
    aarhus = dataset.house
    aarhus.small_number_threshold = 2
    aarhus.save(update_fields=["small_number_threshold"])
    samsoe = house_setup(slug="samsoe", name="Samsø Akuthus", municipal_beds=1, regional_beds=0)
    steering = make_member(aarhus, Role.STEERING, username="styre-mange")
    membership_grant(user=steering, house=other_house, role=Role.STEERING)
    membership_grant(user=steering, house=samsoe, role=Role.STEERING)
    admin2 = make_member(aarhus, Role.ADMIN, username="admin-to")
    membership_grant(user=admin2, house=other_house, role=Role.ADMIN)
    single = make_member(aarhus, Role.STEERING, username="styre-en")
    membership_grant(user=dataset.leader, house=other_house, role=Role.LEADER)  # a leader of two houses
    aarhus_run = approved(aarhus, dataset.leader)
    silkeborg_run = approved(other_house, dataset.leader)
    return {"aarhus": aarhus, "silkeborg": other_house, "samsoe": samsoe, "steering": steering, "admin2": admin2,
            "single": single, "leader": dataset.leader, "aarhus_run": aarhus_run, "silkeborg_run": silkeborg_run}


class TestWhoSeesIt:
    def test_a_steering_member_of_several_houses_and_an_administrator_do(self, houses, client):
        body = api(houses["steering"]).get(API, Q1).json()
        # in the order of their names
        assert [h["house"] for h in body["houses"]] == ["silkeborg", "aarhus", "samsoe"]
        admin = api(houses["admin2"]).get(API, Q1)
        assert admin.status_code == 200 and [h["house"] for h in admin.json()["houses"]] == ["silkeborg", "aarhus"]
        client.force_login(houses["steering"])
        page = client.get(PAGE, {"aar": 2021, "periode": "q1"})
        assert page.status_code == 200
        text = page.content.decode()
        assert "Psykiatriens Hus i Aarhus" in text and "Psykiatriens Hus Silkeborg" in text and "Samsø Akuthus" in text
        assert "Ingen godkendt rapport for perioden: Samsø Akuthus" in text

    @pytest.mark.parametrize("who", ["leader", "single"])
    def test_leaders_and_members_of_one_house_do_not(self, houses, client, who):
        # the leader leads two houses, but a leader speaks for one house: no side by side
        assert api(houses[who]).get(API, Q1).status_code == 403
        client.force_login(houses[who])
        assert client.get(PAGE).status_code == 403
        assert "Husene side om side" not in client.get("/rapporter/").content.decode()
        client.force_login(houses["steering"])
        assert "Husene side om side" in client.get("/rapporter/").content.decode()

    def test_anonymous(self, houses, client):
        assert APIClient().get(API, Q1).status_code in (401, 403)
        assert client.get(PAGE).status_code == 302

    def test_a_house_one_may_not_compare_answers_like_one_that_does_not_exist(self, houses, client):
        admin = api(houses["admin2"])
        unseen = admin.get(API, {**Q1, "houses": "aarhus,samsoe"})  # samsoe: not one of admin2's houses
        missing = admin.get(API, {**Q1, "houses": "aarhus,findes-ikke"})
        assert unseen.status_code == missing.status_code == 404
        assert unseen.json() == missing.json()
        assert admin.get(API, {**Q1, "houses": "x" * 100_000}).status_code in (400, 404)
        client.force_login(houses["admin2"])
        assert client.get(PAGE, {"aar": 2021, "periode": "q1", "hus": "samsoe"}).status_code == 404
        assert client.get(PAGE, {"aar": 2021, "periode": "q1", "hus": "findes-ikke"}).status_code == 404
        chosen = admin.get(API, {**Q1, "houses": "silkeborg"}).json()
        assert [h["house"] for h in chosen["houses"]] == ["silkeborg"]


class TestFigures:
    def test_each_house_as_its_approved_report_published_it(self, houses):
        body = api(houses["steering"]).get(API, Q1).json()
        assert body["period"] == {"start": "2021-01-01", "end": "2021-03-31", "label": "1. kvartal 2021"}
        silkeborg, aarhus, samsoe = body["houses"]
        assert aarhus["report"]["id"] == houses["aarhus_run"].pk and aarhus["report"]["version"] == 1
        assert aarhus["suppress_below"] == 2
        k, r = aarhus["key_figures"]["kommune"], aarhus["key_figures"]["region"]
        assert (k["stays"], k["unique_citizens"], k["nights"]) == (2, "<2", "<2")
        assert (k["contracts_in_force"], k["new_contracts"]) == (2, 0)
        assert (r["stays"], r["nights"], r["contracts_in_force"], r["new_contracts"]) == ("<2", 3, "<2", "<2")
        published = houses["aarhus_run"].figures_data["data"]["tables"]["key_figures"]
        # nothing else; no request recorded, so no turned-away share ("·"), where the Nøgletal print None
        assert published["kommune"]["turned_away_percent"]["value"] is None and "turned_away_percent" not in k
        assert k == {key: cell["value"] for key, cell in published["kommune"].items() if key != "turned_away_percent"}
        assert silkeborg["key_figures"]["kommune"]["stays"] == 0
        assert samsoe["report"] is None and samsoe["key_figures"] == {} and samsoe["rules"] == {}
        rules = aarhus["rules"]["kommune"]
        assert rules["in_force"]["stay_frame_nights"] == 3 and "bsk" in rules["in_force"]["admission_routes"]

    def test_a_draft_is_not_shown_and_a_revision_replaces_the_version_before(self, houses):
        draft = report_run_request(house=houses["samsoe"], period=period_for(year=2021, quarter=1),
                                   formats=["json"], enqueue=False)
        report_run_build(run_id=draft.pk)
        assert api(houses["steering"]).get(API, Q1).json()["houses"][2]["report"] is None
        second = approved(houses["aarhus"], houses["leader"])
        aarhus = api(houses["steering"]).get(API, Q1).json()["houses"][1]
        assert aarhus["report"] == {"id": second.pk, "version": 2, "revised": True,
                                    "approved_at": second.approved_at.isoformat()}

    def test_the_page_shows_the_figures_and_rules_in_danish(self, houses, client):
        client.force_login(houses["steering"])
        text = client.get(PAGE, {"aar": 2021, "periode": "q1"}).content.decode()
        assert "Nøgletal · Kommune" in text and "Regler ved periodens slutning · Region" in text
        assert "Kontrakter i kraft ved periodens slutning" in text and "3 nætter" in text
        assert "&lt;2" in text and "None" not in text and "{&#x27;" not in text


class TestPeriods:
    @pytest.mark.parametrize("params", [{"year": 2021, "period": "m3"}, {"year": 1, "period": "q1"},
                                        {"year": 9999, "period": "year"}, {"year": "abc", "period": "q1"},
                                        {"period": "q1"}, {"year": 2099, "period": "q1"}])
    def test_only_grid_periods_in_the_window(self, houses, params):
        response = api(houses["steering"]).get(API, params)
        assert response.status_code == 400, response.content
        assert set(response.json()) <= {"year", "period"}

    def test_the_page_says_so_beside_the_field(self, houses, client):
        client.force_login(houses["steering"])
        page = client.get(PAGE, {"aar": 9999, "periode": "q1"})
        assert page.status_code == 200 and 'id="aar-fejl"' in page.content.decode()
        assert "<table" not in page.content.decode()

    def test_in_the_openapi_schema(self, houses):
        schema = api(houses["steering"]).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        assert schema.status_code == 200
        assert "/api/v1/reports/side-by-side/" in schema.content.decode()

"""No CPR number in a URL: `GET /api/v1/citizens/?q=<cpr>` is refused, `POST /api/v1/citizens/search/` searches
by name or CPR in the body, scoped by sector (through `Access`) and audited like the list's search."""

from __future__ import annotations

import io
import logging

import pytest

from contracts import services
from psykiatrihus.logredact import RedactCPRFilter
from psykiatrihus.models import AuditEvent

from .conftest import D, cpr_for

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/citizens/search/"
NO_CITIZEN_ROLES = ["peer", "styregruppe", "admin"]


def _post(client, body: dict, url: str = SEARCH, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _dashed(cpr: str) -> str:
    return f"{cpr[:6]}-{cpr[6:]}"


class TestCprInTheAddressIsRefused:
    @pytest.mark.parametrize("form", ["plain", "dash", "space"])
    def test_cpr_in_q_is_400_and_not_searched(self, world, client_for, form):
        bo = world.cprs["bo"]
        q = {"plain": bo, "dash": _dashed(bo), "space": f"{bo[:6]} {bo[6:]}"}[form]
        response = client_for("region").get("/api/v1/citizens/", {"q": q})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "cpr_in_url"
        assert "POST /api/v1/citizens/search/" in body["detail"]
        assert "results" not in body and bo not in response.content.decode()
        # Nothing was searched or read.
        assert not AuditEvent.objects.filter(username="region").exists()

    def test_english_message(self, world, client_for):
        response = client_for("region").get("/api/v1/citizens/", {"q": world.cprs["bo"]},
                                            HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "Search by CPR number with POST /api/v1/citizens/search/" in response.json()["detail"]

    def test_name_search_in_the_address_still_works(self, world, client_for):
        assert _ids(client_for("region").get("/api/v1/citizens/", {"q": "bert"})) == {world.bo.pk}
        search = AuditEvent.objects.get(username="region", action="search")
        assert search.detail == "api søgning på navn"

    def test_a_number_that_is_not_cpr_shaped_is_a_name_search(self, world, client_for):
        assert _ids(client_for("region").get("/api/v1/citizens/", {"q": "12345"})) == set()

    def test_wrong_sector_name_search_finds_nothing(self, world, client_for):
        # Bo has only a regional contract: the municipal search does not find him.
        assert _ids(client_for("kommune").get("/api/v1/citizens/", {"q": "bert"})) == set()

    @pytest.mark.parametrize("role", NO_CITIZEN_ROLES)
    def test_roles_without_citizen_data(self, world, client_for, role):
        assert client_for(role).get("/api/v1/citizens/", {"q": "bert"}).status_code == 403
        # A CPR in the address is refused before anything else (the refusal reads nothing).
        assert client_for(role).get("/api/v1/citizens/", {"q": world.cprs["bo"]}).status_code == 400

    def test_outsider_and_anonymous(self, world, client_for, client):
        assert client_for("outsider").get("/api/v1/citizens/", {"q": "bert", "house": "aarhus"}).status_code == 404
        assert client.get("/api/v1/citizens/", {"q": world.cprs["bo"]}).status_code in (401, 403)

    def test_the_refused_request_leaves_no_cpr_in_the_log(self, world, client_for):
        handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactCPRFilter) for f in h.filters)]
        assert handlers, "the console handler must carry the CPR filter"
        stream = io.StringIO()
        old = handlers[0].setStream(stream)
        try:
            bo = world.cprs["bo"]
            assert client_for("region").get(f"/api/v1/citizens/?q={bo[:6]}%2D{bo[6:]}").status_code == 400
        finally:
            handlers[0].setStream(old)
        output = stream.getvalue()
        assert "Bad Request" in output  # the 400 was logged ...
        assert world.cprs["bo"][6:] not in output  # ... without the CPR's last four digits


class TestPostSearch:
    def test_finds_by_cpr_and_audits_without_the_number(self, world, client_for):
        c = client_for("region")
        bo = world.cprs["bo"]
        assert _ids(_post(c, {"q": bo})) == {world.bo.pk}
        assert _ids(_post(c, {"q": _dashed(bo), "house": "aarhus"})) == {world.bo.pk}
        searches = AuditEvent.objects.filter(username="region", action="search", object_type="contracts.citizen")
        assert [e.detail for e in searches] == ["api søgning på cpr", "api søgning på cpr"]
        assert all(e.house.slug == "aarhus" for e in searches)
        reads = AuditEvent.objects.filter(username="region", action="read", object_type="contracts.citizen")
        assert reads.count() == 2 and {e.citizen_id for e in reads} == {world.bo.pk}
        for event in AuditEvent.objects.all():
            assert bo not in event.detail and bo[6:] not in event.detail and bo not in event.path

    def test_finds_by_name(self, world, client_for):
        response = _post(client_for("kommune"), {"q": "  ANDERSEN "})
        assert _ids(response) == {world.anna.pk}
        row = response.json()["results"][0]
        assert row["cpr"] == _dashed(world.cprs["anna"])
        assert row["name"] == "Anna Andersen"
        assert AuditEvent.objects.get(username="kommune", action="search").detail == "api søgning på navn"

    def test_wrong_sector_finds_nothing_until_consent(self, world, client_for, users):
        c = client_for("kommune")
        assert _ids(_post(c, {"q": world.cprs["bo"]})) == set()
        assert _ids(_post(client_for("region"), {"q": world.cprs["anna"]})) == set()
        services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1), user=users["region"])
        response = _post(c, {"q": world.cprs["bo"]})
        assert _ids(response) == {world.bo.pk}
        # Across the wall the CPR is masked, as in the list.
        assert response.json()["results"][0]["cpr"] == world.cprs["bo"][:6] + "-xxxx"

    def test_other_house_is_not_searched(self, world, client_for):
        assert _ids(_post(client_for("leder"), {"q": world.cprs["stranger"]})) == set()
        assert _post(client_for("kommune"), {"q": "Stine", "house": "silkeborg"}).status_code == 404

    def test_body_is_validated(self, world, client_for):
        c = client_for("region")
        missing = _post(c, {})
        assert missing.status_code == 400 and "q" in missing.json()
        assert _post(c, {"q": "   "}).status_code == 400
        assert _post(c, {"q": "x" * 201}).status_code == 400
        assert _post(c, {"q": "bert", "house": "findes-ikke"}).status_code == 404
        assert not AuditEvent.objects.filter(action="search").exists()

    def test_pages_keep_the_search_out_of_their_links(self, world, client_for):
        response = client_for("leder").post(f"{SEARCH}?limit=1", {"q": "en"}, content_type="application/json")
        body = response.json()
        assert response.status_code == 200 and body["count"] == 3 and len(body["results"]) == 1
        assert "offset=1" in body["next"] and "q=" not in body["next"]

    @pytest.mark.parametrize("role", NO_CITIZEN_ROLES)
    def test_roles_without_citizen_data_are_refused(self, world, client_for, role):
        response = _post(client_for(role), {"q": world.cprs["bo"]})
        assert response.status_code == 403
        assert "detail" in response.json() and "Bo" not in response.content.decode()
        assert not AuditEvent.objects.filter(action__in=["search", "read"]).exists()

    def test_outsider_and_anonymous(self, world, client_for, client):
        assert _post(client_for("outsider"), {"q": "bert", "house": "aarhus"}).status_code == 404
        assert _post(client_for("outsider"), {"q": "bert"}).status_code == 400  # no house of their own
        assert _post(client, {"q": world.cprs["bo"]}).status_code in (401, 403)


class TestQueryCounts:
    @pytest.fixture
    def many(self, world, house):
        for i in range(25):
            citizen = services.citizen_create(house=house, sector="kommune", name=f"Borger {i:02d}",
                                              cpr=cpr_for(D(1960 + i, 2, 2), 40 + i, i % 2 == 1))
            services.contract_create(house=house, citizen=citizen, sector="kommune", granted_on=D(2021, 5, 5))

    def test_post_search_is_bounded(self, many, client_for, django_assert_max_num_queries):
        c = client_for("kommune")
        with django_assert_max_num_queries(16):
            response = _post(c, {"q": "Borger"})
        assert response.json()["count"] == 25

    def test_get_list_is_bounded(self, many, client_for, django_assert_max_num_queries):
        c = client_for("kommune")
        with django_assert_max_num_queries(16):
            response = c.get("/api/v1/citizens/")
        assert response.json()["count"] == 27

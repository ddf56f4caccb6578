"""Every endpoint and page that returns citizen-level data writes audit rows naming the citizens it showed."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from beds.services import stay_request_record
from contracts.services import citizen_contract_create
from psykiatrihus.models import AuditEvent, House

CITIZEN_KEYS = {"citizen", "citizen_id"}


def _citizen_ids(value, *, citizen_list: bool = False) -> set[int]:
    """Every citizen id anywhere in a JSON answer (`citizen`/`citizen_id` keys; `id` of a citizen list)."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in CITIZEN_KEYS and isinstance(item, int):
                found.add(item)
            elif key in CITIZEN_KEYS and isinstance(item, dict) and isinstance(item.get("id"), int):
                found.add(item["id"])
            else:
                found |= _citizen_ids(item, citizen_list=citizen_list)
        if citizen_list and isinstance(value.get("id"), int) and "cpr" in value:
            found.add(value["id"])
    elif isinstance(value, list):
        for item in value:
            found |= _citizen_ids(item, citizen_list=citizen_list)
    return found


def _api_list_routes() -> list[str]:
    """GET routes under /api/v1/ without path parameters (lists), from the URL resolver."""
    routes: list[str] = []

    def walk(patterns, prefix: str):
        for p in patterns:
            text = str(p.pattern)
            if "<" in text or "(?P" in text or "{" in text:
                continue
            route = prefix + text.lstrip("^").rstrip("$").replace("\\", "")
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                routes.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted({r for r in routes if r.startswith("/api/v1/") and r not in
                   {"/api/v1/", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/auth/token/"}})


@pytest.mark.django_db
def test_request_list_api_is_audited(house, users):
    """The reproduction: GET /api/v1/requests/ returned citizen ids and notes and wrote no audit row."""
    contract = citizen_contract_create(house=house, sector="kommune", name="Karen Testborger", cpr="1606653023",
                                       granted_on=datetime.date(2024, 1, 1), user=users["kommune"])
    mine = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                               citizen=contract.citizen, note="ringede om natten")
    stay_request_record(house=house, sector="region", channel="phone", user=users["region"], note="anden sektor")
    c = Client()
    c.force_login(users["kommune"])
    before = AuditEvent.objects.count()
    response = c.get("/api/v1/requests/", {"house": "aarhus"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]
    rows = AuditEvent.objects.filter(pk__gt=0).order_by("-id")[: AuditEvent.objects.count() - before]
    assert [(r.action, r.object_type, r.object_id, r.citizen_id, r.detail) for r in rows] == [
        ("read", "beds.stayrequest", str(mine.pk), contract.citizen_id, "api henvendelser")]


@pytest.mark.django_db
def test_audit_log_page_is_itself_audited(house, users):
    c = Client()
    c.force_login(users["leder"])
    assert c.get("/logbog/", {"user": "160665-3023", "citizen": "7"}).status_code == 200
    row = AuditEvent.objects.get(object_type="psykiatrihus.auditevent")
    assert row.username == "leder" and row.citizen_id == 7
    assert "bruger=160665-xxxx" in row.detail and "3023" not in row.detail


def test_every_api_list_audits_each_citizen_it_returns(demo_db):
    """All list endpoints, found from the URL resolver, with the demo house's data, for each role that sees
    citizens: every citizen id in an answer has an audit row written by that request."""
    from django.contrib.auth import get_user_model

    house = House.objects.get(slug="aarhus")
    routes = _api_list_routes()
    assert "/api/v1/requests/" in routes and "/api/v1/citizens/" in routes and "/api/v1/stays/" in routes
    problems, checked = [], 0
    for username in ("kommune", "region", "leder"):
        c = Client()
        c.force_login(get_user_model().objects.get(username=username))
        for route in routes:
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = c.get(route, {"house": house.slug, "limit": 100})  # a page: each answer is checked whole
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("application/json"):
                continue
            shown = _citizen_ids(response.json(), citizen_list=route == "/api/v1/citizens/")
            if not shown:
                continue
            checked += 1
            audited = set(AuditEvent.objects.filter(id__gt=last, user__username=username, citizen_id__isnull=False)
                          .values_list("citizen_id", flat=True))
            if shown - audited:
                problems.append(f"{username} {route}: citizens {sorted(shown - audited)[:5]} shown, not audited")
    assert checked >= 6, checked  # the demo has requests, stays, contracts, citizens, waiting list, ...
    assert not problems, problems


@pytest.mark.django_db
@pytest.mark.parametrize("path, detail", [
    ("/borgere/kontrakt/{contract}/ret/", "kontrakt redigeres"),
    ("/borgere/kontrakt/{contract}/afslut/", "kontrakt afsluttes"),
    ("/borgere/kontrakt/{contract}/opfoelgning/", "opfølgningsformular"),
    ("/borgere/{citizen}/samtykke/", "samtykkeformular"),
])
def test_form_pages_that_show_a_record_are_audited(house, users, path, detail):
    contract = citizen_contract_create(house=house, sector="kommune", name="Karen Testborger", cpr="1606653023",
                                       granted_on=datetime.date(2024, 1, 1), user=users["kommune"])
    c = Client()
    c.force_login(users["kommune"])
    response = c.get(path.format(contract=contract.pk, citizen=contract.citizen_id))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(user=users["kommune"], action="read", detail=detail,
                                     citizen_id=contract.citizen_id).count() == 1

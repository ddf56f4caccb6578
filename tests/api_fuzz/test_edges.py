"""Edges of every API input: the schema proves each date field is a window field and each string is bounded,
and schemathesis' generated requests are sent again with year 1, year 9999, 100,000-character strings and
JSON nested 100,000 deep. None may answer 500 or anything but JSON; a body with an edge is never accepted."""

from __future__ import annotations

import json

import hypothesis
import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from werkzeug.test import Client

from tests.api_fuzz.test_schemathesis import api_data, wsgi_app  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 2
LONG = "x" * 100_000
DEEP = "[" * 100_000 + "]" * 100_000
EDGE_DATES = {"date": ["0001-01-01", "9999-12-31"], "date-time": ["0001-01-01T00:00:00", "9999-12-31T23:59:59Z"]}


def _openapi(users) -> dict:
    client = APIClient()
    client.force_authenticate(users["leder"])
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _deref(openapi: dict, node: dict) -> dict:
    while "$ref" in node:
        target = openapi
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _request_properties(openapi: dict):
    """(operation, property path, property schema) for every writable property of every request body."""
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if body is None:
                continue
            stack = [(f"{method.upper()} {path}", _deref(openapi, body))]
            while stack:
                where, node = stack.pop()
                for name, prop in node.get("properties", {}).items():
                    prop = _deref(openapi, prop)
                    if prop.get("readOnly"):
                        continue
                    yield f"{where}.{name}", prop
                    if prop.get("type") == "object":
                        stack.append((f"{where}.{name}", prop))
                    items = prop.get("items")
                    if items:
                        yield f"{where}.{name}[]", _deref(openapi, items)


def test_every_date_the_api_takes_is_a_window_field_and_every_string_is_bounded(users):
    """A DRF DateField without the window let year 1 through (500) and year 9999 in (201); a CharField without
    max_length let 300 characters reach a 200-character column (500)."""
    openapi = _openapi(users)
    dates, unbounded, unmarked = 0, [], []
    for where, prop in _request_properties(openapi):
        if prop.get("type") != "string" or "enum" in prop:
            continue
        if prop.get("format") in ("date", "date-time"):
            dates += 1
            if not prop.get("x-date-window"):
                unmarked.append(where)
        elif prop.get("format") != "binary" and "maxLength" not in prop:
            unbounded.append(where)
    assert dates >= 15  # the walk really found the date fields
    assert unmarked == [], "date fields outside the window (use psykiatrihus.api.WindowDate[Time]Field)"
    assert unbounded == [], "strings without max_length"


def _edge_bodies(operation, body):
    """The generated body again, with each date at year 1 / 9999 and each free string at 100,000 characters."""
    if not isinstance(body, dict):
        return
    schema = operation.definition.raw.get("requestBody", {}).get("content", {}).get("application/json", {})
    properties = _deref(operation.schema.raw_schema, schema.get("schema", {})).get("properties", {})
    if "house" in properties:
        body = {**body, "house": "aarhus"}  # a real house, so the edge reaches the field checks
    for name, prop in properties.items():
        prop = _deref(operation.schema.raw_schema, prop)
        if prop.get("readOnly") or prop.get("type") != "string" or "enum" in prop:
            continue
        for value in EDGE_DATES.get(prop.get("format"), [LONG] if not prop.get("format") else []):
            yield name, {**body, name: value}


def _check(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        content_type = str(response.headers.get("content-type") or response.headers.get("Content-Type"))
        assert "json" in content_type, f"{what}: not JSON: {response.text[:200]}"


def _edges(operation, headers, app) -> None:
    date_params = [p["name"] for p in operation.definition.raw.get("parameters", [])
                   if p.get("in") == "query" and p.get("schema", {}).get("format") in ("date", "date-time")]

    @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy())
    def run(case):
        label = f"{case.method} {case.formatted_path}"
        if case.query and "house" in case.query:
            case.query = {**case.query, "house": "aarhus"}
        for name in date_params:
            for value in ("0001-01-01", "9999-12-31"):
                edged = operation.Case(path_parameters=case.path_parameters, query={**(case.query or {}),
                                                                                  name: value})
                response = edged.call(headers=headers)
                _check(response, f"{label}?{name}={value}")
                assert response.status_code != 200 or case.method != "GET", f"{label}?{name}={value} accepted"
        if case.method in ("POST", "PUT", "PATCH") and operation.definition.raw.get("requestBody"):
            for name, body in _edge_bodies(operation, case.body):
                response = operation.Case(path_parameters=case.path_parameters, query=case.query, body=body,
                                          media_type="application/json").call(headers=headers)
                _check(response, f"{label} {name}={str(body[name])[:12]}…")
                assert response.status_code >= 400, f"{label} accepted {name}={str(body[name])[:12]}…"
            # Straight through WSGI (Django's test client would reconnect the signal that closes connections).
            deep = Client(app).open(case.formatted_path, method=case.method, data=DEEP, headers=headers,
                                    content_type="application/json")
            assert deep.status_code < 500 and "json" in deep.content_type, f"{label}: JSON nested 100,000 deep"
            assert deep.status_code >= 400, f"{label} accepted JSON nested 100,000 deep"

    run()


@pytest.mark.parametrize("role", ["leder", "kommune"])
def test_edges_never_answer_500_or_html(role, api_data, users, wsgi_app):  # noqa: F811
    token = Token.objects.create(user=users[role]).key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    failures = []
    operations = [r.ok() for r in schema.get_all_operations()]
    for operation in operations:
        if operation.path == "/api/v1/auth/token/":
            continue  # credentials: tested in tests/test_bounded_input.py
        try:
            _edges(operation, headers, wsgi_app)
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert len(operations) > 30
    assert failures == [], "\n\n".join(failures)

"""API fuzzing: schemathesis generates requests from `/api/v1/schema/` for every operation, with a token per
role. No request may answer 500, and every response must match the schema (status codes, content type,
body). Bounded examples per operation keep the run to a couple of minutes."""

from __future__ import annotations

import datetime

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from contracts.services import citizen_create, contract_create

ROLES = ["kommune", "region", "peer", "leder", "styregruppe", "admin"]
MAX_EXAMPLES_PER_OPERATION = 12
CREDENTIAL_OPERATIONS = {"/api/v1/auth/token/"}
# Writes checked against domain rules OpenAPI cannot express (a CPR's date exists and is not in the future,
# municipal contracts need an 18+ citizen, an end date not before the grant, a questionnaire's answers fit its
# instrument's items and scale, ...): a schema-valid body may
# rightly get a Danish 400. They are still fuzzed for 500s and for matching their documented responses.
DOMAIN_RULE_PREFIXES = ("/api/v1/citizens/", "/api/v1/contracts/", "/api/v1/followups/", "/api/v1/visitations/",
                        "/api/v1/reports/", "/api/v1/questionnaire-responses/")


@pytest.fixture
def api_data(house, users):
    """A few citizens with contracts, so list and detail operations have something to return."""
    today = timezone.localdate()
    for i, (sector, name) in enumerate([("kommune", "Karl Kommune"), ("region", "Rikke Region")]):
        citizen = citizen_create(house=house, sector=sector, name=name, cpr=f"0101{80 + i}{1234 + i}")
        contract_create(house=house, citizen=citizen, sector=sector, granted_on=today - datetime.timedelta(days=20))
    return house


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, keeping the test's database connection open across requests (Django's own test
    client does the same): the default handler closes connections when a request finishes."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(operation, headers: dict[str, str]) -> None:
    """Generate cases for one operation; raise on the first failing check."""
    # Wrong credentials are schema-valid yet rightly refused: the token endpoint may answer 400.
    # schemathesis' own ignored-auth check is confused by our fixed token header beside the credentials it
    # generates; the same property is checked below with an invalid token.
    excluded = [ignored_auth]
    credentials = operation.path in CREDENTIAL_OPERATIONS
    domain_write = operation.method.upper() != "GET" and operation.path.startswith(DOMAIN_RULE_PREFIXES)
    if credentials or domain_write:
        excluded.append(positive_data_acceptance)

    @hypothesis.settings(max_examples=MAX_EXAMPLES_PER_OPERATION, deadline=None, database=None,
                         derandomize=True, phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, headers=headers, excluded_checks=excluded)
        if not credentials:
            anonymous = case.call(headers={"Authorization": "Token ugyldig"})
            assert anonymous.status_code in (401, 403), (
                f"{case.method} {case.formatted_path} answered {anonymous.status_code} to an invalid token")

    run()


def _failures_for(schema, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, headers)
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_api_never_fails_and_matches_its_schema(role, api_data, users, wsgi_app):
    token = Token.objects.create(user=users[role]).key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert any(op.path == "/api/v1/me/" for op in operations)  # the schema really was read
    failures = _failures_for(schema, headers)
    assert failures == [], "\n\n".join(failures)

"""Journey: staff sign in with their organisation's identity provider (OpenID Connect), in Chromium.

The provider is real: django-oidc-provider in a project of its own (tests/oidc_op), run by gunicorn on
127.0.0.1 with its own database. Three instances share that database: a good one, one that claims another
issuer than the one configured here, and one whose ID tokens are already expired.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from psykiatrihus.models import Membership, Role, SsoGroupMapping, SsoIdentity
from psykiatrihus.services import house_setup
from tests.oidc_op.runner import IdentityProvider, provider_database

pytestmark = [pytest.mark.e2e, pytest.mark.timeout_sensitive, pytest.mark.django_db(transaction=True)]

USERS = {"mette": ["GRP-Psyk-Kommune"], "rasmus": ["GRP-Psyk-Region", "GRP-Andet"], "lone": ["GRP-Andet"]}


@pytest.fixture(scope="module")
def providers(live_server, django_db_blocker):
    with django_db_blocker.unblock():
        db_env, drop = provider_database(f"test_oidc_op_{os.getpid()}")
    good = IdentityProvider(db_env)
    wrong_issuer = IdentityProvider(db_env, site_url="http://localhost:{port}")
    expired = IdentityProvider(db_env, idtoken_expire=-3600)
    callbacks = "\n".join(f"{live_server.url}/login/sso/{name}/callback/" for name in ("region", "kommune",
                                                                                        "forkert", "udloebet"))
    good.setup(redirect_uri=callbacks, post_logout_uri=f"{live_server.url}/login/", users=USERS)
    started = []
    try:
        for provider in (good, wrong_issuer, expired):
            provider.start()
            started.append(provider)
        yield {"good": good, "wrong_issuer": wrong_issuer, "expired": expired, "callbacks": callbacks,
               "after_logout": f"{live_server.url}/login/"}
    finally:
        for provider in started:
            provider.stop()
        drop()


@pytest.fixture
def sso_house(transactional_db, providers, settings):
    house = house_setup(slug="aarhus", name="Psykiatriens Hus i Aarhus", municipal_beds=8, regional_beds=8)
    SsoGroupMapping.objects.create(provider="kommune", group="GRP-Psyk-Kommune", house=house,
                                   role=Role.MUNICIPAL_STAFF, sector="kommune")
    SsoGroupMapping.objects.create(provider="region", group="GRP-Psyk-Region", house=house,
                                   role=Role.REGIONAL_STAFF, sector="region")
    settings.OIDC_PROVIDERS = {
        "region": providers["good"].settings_entry(label="Region Midtjylland"),
        "kommune": providers["good"].settings_entry(label="Aarhus Kommune"),
        "forkert": providers["wrong_issuer"].settings_entry(label="Forkert udsteder"),
        "udloebet": providers["expired"].settings_entry(label="Udløbet token"),
    }
    return house


def _sign_in_at_provider(page, label: str, username: str) -> None:
    page.goto("/login/")
    page.get_by_role("link", name=f"Log ind med {label}").click()
    if "/accounts/login/" in page.url:  # the provider asks; a live provider session would skip this
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(f"{username}-pw-2026")
        page.get_by_role("button", name="Sign in at provider").click()
    page.wait_for_load_state()


def test_municipal_and_regional_staff_sign_in_with_their_groups(session, sso_house, providers):
    page = session.page
    _sign_in_at_provider(page, "Aarhus Kommune", "mette")
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Mette Testesen")
    assert page.locator(".badge").first.inner_text() == "Kommunal medarbejder"
    identity = SsoIdentity.objects.get(provider="kommune")
    assert identity.user.username == "mette@kommune" and not identity.user.has_usable_password()
    assert list(Membership.objects.filter(user=identity.user, active=True).values_list("role", "sector")) == [
        (Role.MUNICIPAL_STAFF, "kommune")]
    session.assert_accessible()

    # Logout ends the provider's session too: the next sign-in asks the provider for the password again.
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(re.compile(r"/login/$"))
    page.get_by_role("link", name="Log ind med Region Midtjylland").click()
    expect(page.get_by_role("button", name="Sign in at provider")).to_be_visible()

    _sign_in_at_provider(page, "Region Midtjylland", "rasmus")
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Rasmus Testesen")
    assert page.locator(".badge").first.inner_text() == "Regional medarbejder"
    rasmus = SsoIdentity.objects.get(provider="region").user
    # GRP-Andet maps to nothing and gives nothing.
    assert list(Membership.objects.filter(user=rasmus, active=True).values_list("role", "sector")) == [
        (Role.REGIONAL_STAFF, "region")]


def test_a_removed_group_loses_the_membership_at_the_next_sign_in(session, open_session, sso_house, providers):
    page = session.page
    _sign_in_at_provider(page, "Aarhus Kommune", "mette")
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Mette Testesen")
    user = SsoIdentity.objects.get(provider="kommune").user
    assert Membership.objects.filter(user=user, active=True).count() == 1

    # She leaves the psychiatry team: the organisation removes the group.
    providers["good"].setup(redirect_uri=providers["callbacks"], post_logout_uri=providers["after_logout"],
                            users={**USERS, "mette": []})
    try:
        fresh = open_session("next-day")
        _sign_in_at_provider(fresh.page, "Aarhus Kommune", "mette")
        expect(fresh.page.get_by_role("alert")).to_contain_text("Din organisation har ikke givet dig adgang")
        assert "/login/" in fresh.page.url
        assert Membership.objects.filter(user=user, active=True).count() == 0
        fresh.page.goto("/senge/")
        assert "/login/" in fresh.page.url  # not signed in
        assert fresh.problems == []
    finally:
        providers["good"].setup(redirect_uri=providers["callbacks"], post_logout_uri=providers["after_logout"],
                                users=USERS)


def test_a_user_whose_groups_map_to_nothing_is_not_signed_in(session, sso_house):
    page = session.page
    _sign_in_at_provider(page, "Region Midtjylland", "lone")
    expect(page.get_by_role("alert")).to_contain_text("Din organisation har ikke givet dig adgang")
    page.goto("/")
    assert "/login/" in page.url


def test_wrong_issuer_and_expired_token_are_refused(session, sso_house, captured_logs):
    page = session.page
    page.goto("/login/")
    page.get_by_role("link", name="Log ind med Forkert udsteder").click()
    expect(page.get_by_role("alert")).to_contain_text("en anden udsteder")
    assert "/login/sso/forkert/" in page.url  # refused before the browser is sent to that provider

    _sign_in_at_provider(page, "Udløbet token", "mette")
    expect(page.get_by_role("alert")).to_contain_text("blev afvist")
    page.goto("/")
    assert "/login/" in page.url
    assert not SsoIdentity.objects.exists()
    assert "ExpiredTokenError" in captured_logs.getvalue()

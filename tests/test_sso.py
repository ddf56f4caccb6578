"""Single sign-on without a browser: configuration, user and membership sync, LOCAL_LOGIN=0.

The sign-in itself against a real provider is in tests/e2e/test_sso_journey.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from psykiatrihus.env import sso_providers_from_env
from psykiatrihus.models import Membership, Role, SsoGroupMapping, SsoIdentity
from psykiatrihus.scoping import access_for
from psykiatrihus.services import membership_grant, user_create
from psykiatrihus.sso import Provider, SsoRefused, sso_user_sync
from tests.conftest import PASSWORD

PROVIDER = Provider(name="region", issuer="https://login.example.org/region", client_id="c", client_secret="s",
                    label="Region Midtjylland", groups_claim="groups", scopes="openid")


class TestConfiguration:
    def test_providers_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("OIDC_PROVIDERS", "region")
        monkeypatch.setenv("OIDC_REGION_ISSUER", "https://login.example.org/region/")
        monkeypatch.setenv("OIDC_REGION_CLIENT_ID", "psykiatrihus")
        monkeypatch.setenv("OIDC_REGION_CLIENT_SECRET", "hemmelig")
        monkeypatch.setenv("OIDC_REGION_LABEL", "Region Midtjylland")
        monkeypatch.setenv("OIDC_REGION_GROUPS_CLAIM", "roles")
        assert sso_providers_from_env() == {"region": {
            "issuer": "https://login.example.org/region", "client_id": "psykiatrihus", "client_secret": "hemmelig",
            "label": "Region Midtjylland", "groups_claim": "roles", "scopes": "openid profile email"}}

    @pytest.mark.parametrize("missing", ["OIDC_REGION_ISSUER", "OIDC_REGION_CLIENT_ID", "OIDC_REGION_CLIENT_SECRET"])
    def test_a_half_configured_provider_stops_the_process(self, monkeypatch, missing):
        monkeypatch.setenv("OIDC_PROVIDERS", "region")
        for name in ("OIDC_REGION_ISSUER", "OIDC_REGION_CLIENT_ID", "OIDC_REGION_CLIENT_SECRET"):
            monkeypatch.setenv(name, "https://x.example.org" if name.endswith("ISSUER") else "v")
        monkeypatch.delenv(missing)
        with pytest.raises(ImproperlyConfigured, match=missing):
            sso_providers_from_env()

    @pytest.mark.parametrize("issuer", ["http://login.example.org", "ftp://x", "login.example.org"])
    def test_an_issuer_without_tls_is_refused(self, monkeypatch, issuer):
        monkeypatch.setenv("OIDC_PROVIDERS", "region")
        monkeypatch.setenv("OIDC_REGION_ISSUER", issuer)
        monkeypatch.setenv("OIDC_REGION_CLIENT_ID", "c")
        monkeypatch.setenv("OIDC_REGION_CLIENT_SECRET", "s")
        with pytest.raises(ImproperlyConfigured, match="https"):
            sso_providers_from_env()


class TestUserSync:
    @pytest.fixture
    def mappings(self, house, other_house):
        SsoGroupMapping.objects.create(provider="region", group="psyk-region", house=house,
                                       role=Role.REGIONAL_STAFF, sector="region")
        SsoGroupMapping.objects.create(provider="region", group="psyk-ledere", house=house, role=Role.LEADER,
                                       sector="region")
        SsoGroupMapping.objects.create(provider="region", group="psyk-region", house=other_house,
                                       role=Role.REGIONAL_STAFF, sector="region")
        # The same group name at another provider means nothing here.
        SsoGroupMapping.objects.create(provider="kommune", group="psyk-ledere", house=house, role=Role.STEERING)

    def test_groups_give_exactly_the_mapped_memberships(self, mappings, house, other_house):
        user, has_access = sso_user_sync(provider=PROVIDER, claims={
            "sub": "abc-1", "preferred_username": "rasmus", "given_name": "Rasmus", "family_name": "Riis",
            "groups": ["psyk-region", "psyk-ledere", "andet"]})
        assert has_access and user.username == "rasmus@region" and user.get_full_name() == "Rasmus Riis"
        assert not user.has_usable_password()
        assert sorted(Membership.objects.filter(user=user, active=True).values_list("house__slug", "role")) == [
            ("aarhus", "leader"), ("aarhus", "regional_staff"), ("silkeborg", "regional_staff")]
        access = access_for(user, house)
        assert access.is_leader and "region" in access.citizen_sectors and "kommune" not in access.citizen_sectors
        assert access_for(user, other_house).citizen_sectors == {"region"}

    def test_a_removed_group_removes_the_membership_and_its_house_groups(self, mappings, house):
        user, _ = sso_user_sync(provider=PROVIDER, claims={"sub": "abc-1", "groups": ["psyk-region", "psyk-ledere"]})
        # A membership an administrator gave by hand does not survive either: groups decide for SSO users.
        membership_grant(user=user, house=house, role=Role.PEER)
        user2, has_access = sso_user_sync(provider=PROVIDER, claims={"sub": "abc-1", "groups": ["psyk-ledere"]})
        assert user2 == user and has_access
        assert list(Membership.objects.filter(user=user, active=True).values_list("role", flat=True)) == ["leader"]
        assert set(user.groups.values_list("name", flat=True)) == {f"{house.slug}:leader", f"{house.slug}:region"}
        user3, has_access = sso_user_sync(provider=PROVIDER, claims={"sub": "abc-1", "groups": "andet"})
        assert user3 == user and not has_access
        assert not Membership.objects.filter(user=user, active=True).exists()
        assert not user.groups.exists()
        assert access_for(user, house).roles == frozenset()
        assert SsoIdentity.objects.get(user=user).last_groups == ["andet"]

    def test_a_local_account_with_the_same_name_or_email_is_never_taken_over(self, mappings, house):
        local = user_create(username="rasmus@region", password=PASSWORD, email="rasmus@example.org")
        user, _ = sso_user_sync(provider=PROVIDER, claims={
            "sub": "abc-2", "preferred_username": "rasmus", "email": "rasmus@example.org", "groups": ["psyk-region"]})
        assert user != local and user.username == "rasmus-2@region"
        assert not Membership.objects.filter(user=local).exists()
        assert local.check_password(PASSWORD)

    def test_a_deactivated_user_is_refused_and_a_token_without_subject_too(self, mappings):
        user, _ = sso_user_sync(provider=PROVIDER, claims={"sub": "abc-3", "groups": ["psyk-region"]})
        user.is_active = False
        user.save()
        with pytest.raises(SsoRefused, match="spærret"):
            sso_user_sync(provider=PROVIDER, claims={"sub": "abc-3", "groups": ["psyk-region"]})
        with pytest.raises(SsoRefused, match="brugeridentitet"):
            sso_user_sync(provider=PROVIDER, claims={"groups": ["psyk-region"]})


class TestLocalLoginSwitch:
    PROVIDERS = {"region": {"issuer": "https://login.example.org/region", "client_id": "c", "client_secret": "s",
                            "label": "Region Midtjylland", "groups_claim": "groups", "scopes": "openid"}}

    def test_login_page_offers_each_provider(self, client, settings, db):
        settings.OIDC_PROVIDERS = self.PROVIDERS
        html = client.get("/login/?next=/senge/").content.decode()
        assert 'href="/login/sso/region/?next=/senge/"' in html and "Log ind med Region Midtjylland" in html
        assert 'name="password"' in html

    def test_local_login_off_refuses_passwords_on_the_page_and_the_api(self, client, settings, users):
        settings.OIDC_PROVIDERS = self.PROVIDERS
        settings.LOCAL_LOGIN = False
        page = client.get("/login/")
        assert 'name="password"' not in page.content.decode()
        response = client.post("/login/", {"username": "kommune", "password": PASSWORD})
        assert response.status_code == 403 and "_auth_user_id" not in client.session
        api = client.post("/api/v1/auth/token/", {"username": "kommune", "password": PASSWORD},
                          content_type="application/json")
        assert api.status_code == 403 and api.json()["code"] == "local_login_disabled"

    def test_local_login_on_still_works(self, client, users):
        response = client.post("/login/", {"username": "kommune", "password": PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session

    def test_an_unknown_provider_is_a_404(self, client, settings, db):
        settings.OIDC_PROVIDERS = self.PROVIDERS
        assert client.get("/login/sso/nope/").status_code == 404
        assert client.get("/login/sso/nope/callback/?code=x&state=y").status_code == 404

    def test_an_unreachable_provider_is_a_danish_503(self, client, settings, db):
        settings.OIDC_PROVIDERS = {"region": {**self.PROVIDERS["region"], "issuer": "http://127.0.0.1:9/x"}}
        response = client.get("/login/sso/region/")
        assert response.status_code == 503 and "kan ikke nås lige nu" in response.content.decode()

    def test_the_lockout_page_still_offers_the_login_it_locked(self, client, settings, users):
        settings.OIDC_PROVIDERS = self.PROVIDERS
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = client.post("/login/", {"username": "leder", "password": "forkert-kode"})
        assert response.status_code == 429
        html = response.content.decode()
        assert "For mange mislykkede forsøg" in html and 'name="password"' in html
        assert "Log ind med Region Midtjylland" in html and "Der er ikke sat nogen måde" not in html

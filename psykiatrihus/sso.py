"""Single sign-on with the owners' identity providers (OpenID Connect, authorization code flow, via Authlib).

A provider is configured by environment (settings.OIDC_PROVIDERS, see psykiatrihus.env). At every sign-in the
ID token is validated (signature from the provider's JWKS, issuer, audience, expiry, nonce), the user found by
(provider, subject) or created, and the user's memberships made exactly those the groups claim maps to
(SsoGroupMapping, kept in the admin). A user whose groups map to nothing loses every membership and is not
signed in. Two-factor is the provider's job for these users. Logout also ends the provider's session where the
provider publishes an end_session_endpoint (RP-initiated logout).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError

from psykiatrihus.models import AuditAction, House, Membership, SsoGroupMapping, SsoIdentity
from psykiatrihus.services import audit_log, house_groups_ensure, membership_grant

logger = logging.getLogger(__name__)

SESSION_PROVIDER = "sso_provider"
SESSION_ID_TOKEN = "sso_id_token"
SESSION_NEXT = "sso_next"
METADATA_PATH = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Provider:
    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str
    groups_claim: str
    scopes: str


class SsoRefused(Exception):
    """A sign-in the house does not accept; the message is Danish and safe to show."""


def sso_providers() -> list[Provider]:
    return [Provider(name=name, **conf) for name, conf in settings.OIDC_PROVIDERS.items()]


def login_page_context() -> dict:
    """What every rendering of the login page needs (the page itself, a refused sign-in, a lockout)."""
    return {"sso_providers": sso_providers(), "local_login": settings.LOCAL_LOGIN}


def sso_provider(*, name: str) -> Provider:
    conf = settings.OIDC_PROVIDERS.get(name)
    if conf is None:
        raise Http404
    return Provider(name=name, **conf)


def _client(provider: Provider):
    """A fresh Authlib client per request: configuration may change (tests, a rotated secret) and the
    provider's metadata and keys are fetched when needed."""
    oauth = OAuth()
    return oauth.register(
        name=provider.name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.issuer + METADATA_PATH,
        client_kwargs={"scope": provider.scopes, "timeout": 10},
    )


def _checked_metadata(client, provider: Provider) -> dict:
    metadata = client.load_server_metadata()
    if metadata.get("issuer", "").rstrip("/") != provider.issuer:
        # The discovery document must name the issuer we trust; otherwise tokens would be checked against it.
        raise SsoRefused(_("Identitetsudbyderen oplyser en anden udsteder end den, huset har tillid til."))
    return metadata


def _groups(claims: dict, provider: Provider) -> list[str]:
    value = claims.get(provider.groups_claim) or []
    if isinstance(value, str):
        value = [value]
    return sorted({str(group) for group in value if str(group)})


def _username(claims: dict, provider: Provider, subject: str) -> str:
    """A readable username that can never equal a local account's (it always carries the provider)."""
    User = get_user_model()
    base = (claims.get("preferred_username") or claims.get("email") or subject)[:100]
    candidate = f"{base}@{provider.name}"
    n = 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}@{provider.name}"
    return candidate


def _house_groups_sync(*, user, house: House) -> None:
    """The user's house groups (which carry consent-crossing object permissions) follow their active
    memberships in that house."""
    groups = house_groups_ensure(house=house)
    user.groups.remove(*groups.values())
    for role, sector in Membership.objects.filter(user=user, house=house, active=True).values_list("role", "sector"):
        user.groups.add(groups[role])
        if sector:
            user.groups.add(groups[sector])


@transaction.atomic
def sso_user_sync(*, provider: Provider, claims: dict) -> tuple:
    """Create or update the user of a validated ID token and make their memberships exactly those their groups
    map to. Returns (user, has_access): False when no group maps, after every membership was removed."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SsoRefused(_("Identitetsudbyderen sendte ingen brugeridentitet."))
    User = get_user_model()
    identity = (SsoIdentity.objects.select_for_update().select_related("user")
                .filter(provider=provider.name, subject=subject).first())
    if identity is None:
        user = User(username=_username(claims, provider, subject))
        user.set_unusable_password()
        user.save()
        identity = SsoIdentity.objects.create(user=user, provider=provider.name, subject=subject)
    user = identity.user
    if not user.is_active:
        raise SsoRefused(_("Din bruger er spærret i Psykiatrihus. Kontakt en administrator."))
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.email = str(claims.get("email") or user.email)[:254]
    user.save(update_fields=["first_name", "last_name", "email"])

    groups = _groups(claims, provider)
    wanted = {
        (m.house_id, m.role): m
        for m in SsoGroupMapping.objects.select_related("house").filter(
            provider=provider.name, group__in=groups, house__active=True)
    }
    touched_houses: dict[int, House] = {}
    for membership in Membership.objects.select_related("house").filter(user=user, active=True):
        if (membership.house_id, membership.role) not in wanted:
            membership.active = False
            membership.save(update_fields=["active"])
            touched_houses[membership.house_id] = membership.house
    for mapping in wanted.values():
        membership_grant(user=user, house=mapping.house, role=mapping.role, sector=mapping.sector)
        touched_houses[mapping.house_id] = mapping.house
    for house in touched_houses.values():
        _house_groups_sync(user=user, house=house)

    identity.last_login_at = timezone.now()
    identity.last_groups = groups
    identity.save(update_fields=["last_login_at", "last_groups"])
    return user, bool(wanted)


def _refused(request: HttpRequest, provider: Provider, message: str, status: int = 403) -> HttpResponse:
    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request), "sso_error": message, **login_page_context()}, status=status)


@require_GET
def sso_start(request: HttpRequest, name: str) -> HttpResponse:
    provider = sso_provider(name=name)
    client = _client(provider)
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        request.session[SESSION_NEXT] = target
    try:
        _checked_metadata(client, provider)
        return client.authorize_redirect(
            request, request.build_absolute_uri(reverse("sso_callback", args=[provider.name])))
    except SsoRefused as exc:
        return _refused(request, provider, str(exc))
    except Exception as exc:  # the provider is down or answers nonsense: say so, never a 500
        logger.warning("OIDC start with %s failed: %s", provider.name, type(exc).__name__)
        return _refused(request, provider, _("%(label)s kan ikke nås lige nu. Prøv igen om lidt.")
                        % {"label": provider.label}, status=503)


@require_GET
def sso_callback(request: HttpRequest, name: str) -> HttpResponse:
    provider = sso_provider(name=name)
    client = _client(provider)
    try:
        _checked_metadata(client, provider)
        token = client.authorize_access_token(
            request, claims_options={"iss": {"essential": True, "values": [provider.issuer]}}, leeway=60)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise SsoRefused(_("Identitetsudbyderen sendte intet gyldigt ID-token."))
        user, has_access = sso_user_sync(provider=provider, claims=claims)
        if not has_access:
            raise SsoRefused(_("Din organisation har ikke givet dig adgang til Psykiatrihus (ingen af dine grupper "
                               "giver en rolle). Kontakt din leder."))
    except SsoRefused as exc:
        audit_log(user=None, action=AuditAction.LOGIN_FAILED, detail=f"sso {provider.name}: afvist")
        return _refused(request, provider, str(exc))
    except (OAuthError, JoseError, KeyError, ValueError) as exc:
        # Expired or forged token, wrong issuer or audience, replayed state: refused, reason logged (no claims).
        logger.warning("OIDC sign-in with %s refused: %s %s", provider.name, type(exc).__name__, exc)
        audit_log(user=None, action=AuditAction.LOGIN_FAILED, detail=f"sso {provider.name}: ugyldigt token")
        return _refused(request, provider, _("Log ind med %(label)s blev afvist: svaret fra identitetsudbyderen "
                                             "kunne ikke godkendes. Prøv igen.") % {"label": provider.label})
    except Exception as exc:
        logger.warning("OIDC callback from %s failed: %s", provider.name, type(exc).__name__)
        return _refused(request, provider, _("%(label)s kan ikke nås lige nu. Prøv igen om lidt.")
                        % {"label": provider.label}, status=503)
    target = request.session.pop(SESSION_NEXT, "")
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_PROVIDER] = provider.name
    request.session[SESSION_ID_TOKEN] = token.get("id_token", "")
    audit_log(user=user, action=AuditAction.LOGIN, detail=f"sso {provider.name}")
    return redirect(target or resolve_url(settings.LOGIN_REDIRECT_URL))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the session here and, for single sign-on users, at the provider too (when it supports it)."""
    name = request.session.get(SESSION_PROVIDER)
    id_token = request.session.get(SESSION_ID_TOKEN, "")
    auth_logout(request)
    after = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    conf = settings.OIDC_PROVIDERS.get(name or "")
    if conf is None:
        return redirect(after)
    provider = Provider(name=name, **conf)
    try:
        endpoint = _checked_metadata(_client(provider), provider).get("end_session_endpoint")
    except Exception as exc:
        logger.warning("OIDC logout at %s not possible: %s", provider.name, type(exc).__name__)
        endpoint = None
    if not endpoint:
        return redirect(after)
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": after,
                       "client_id": provider.client_id})
    return redirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")

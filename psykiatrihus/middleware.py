"""Login required everywhere but the login page, health check and static files; the current house."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from psykiatrihus.scoping import NO_ACCESS, access_for, houses_for

OPEN_PREFIXES = ("/login/", "/static/", "/healthz", "/i18n/", "/favicon.ico")


class NoStoreMiddleware:
    """`Cache-Control: no-store` and `Pragma: no-cache` on every answer but static files.

    Pages and API answers carry names, CPR numbers and health data; a browser's disk cache, a shared proxy or
    the back button on a shared screen must not keep them. Deciding per view would miss one (it did: the
    citizen page and its API), and telling personal from impersonal answers needs the database, which the
    503 answers cannot ask. So everything is no-store; static files (fingerprinted by whitenoise) keep their
    long caching. Outermost, so also the API's own error answers and the 503s pass here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
            response["Pragma"] = "no-cache"
        return response


class LoginRequiredMiddleware:
    """Anonymous users get the login page and nothing else (the API answers 401/403 itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (
            not request.user.is_authenticated
            and not path.startswith(OPEN_PREFIXES)
            and not path.startswith(("/api/", "/fhir/"))
            and not path.startswith("/" + settings.ADMIN_URL)
        ):
            return redirect(f"{reverse('login')}?next={path}")
        return self.get_response(request)


class CurrentHouseMiddleware:
    """`request.house` (chosen in the session, else the user's first house) and `request.access`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.house = None
        request.access = NO_ACCESS
        if request.user.is_authenticated:
            houses = list(houses_for(request.user))
            chosen = request.session.get("house_id")
            house = next((h for h in houses if h.pk == chosen), houses[0] if houses else None)
            request.house = house
            request.houses = houses
            request.access = access_for(request.user, house)
        return self.get_response(request)


class SsoFormActionMiddleware:
    """Logging out of a single sign-on session redirects a form post to the identity provider's end-session
    endpoint; the page's CSP form-action must allow the configured providers' origins (and only those)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = sorted({"/".join(conf["issuer"].split("/")[:3]) for conf in settings.OIDC_PROVIDERS.values()})
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response

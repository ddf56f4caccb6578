"""Typed environment helpers that fail loudly: a misspelt value must stop the process, not be guessed."""

from __future__ import annotations

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


def env_str(name: str, default: str | None | object = _MISSING) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Environment variable {name} is required")
        return default  # type: ignore[return-value]
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Environment variable {name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


_PROVIDER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def sso_providers_from_env() -> dict[str, dict[str, str]]:
    """OpenID Connect providers from OIDC_PROVIDERS=name1,name2 and OIDC_<NAME>_ISSUER/_CLIENT_ID/_CLIENT_SECRET
    (required), _LABEL, _GROUPS_CLAIM, _SCOPES (optional). A provider named but half configured stops the
    process: a sign-in button that cannot work is worse than none."""
    providers: dict[str, dict[str, str]] = {}
    for name in env_list("OIDC_PROVIDERS", []):
        if not _PROVIDER_NAME.match(name):
            raise ImproperlyConfigured(f"OIDC_PROVIDERS: {name!r} is not a valid provider name (a-z, 0-9, _)")
        prefix = f"OIDC_{name.upper()}_"
        issuer = env_str(prefix + "ISSUER").rstrip("/")
        if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ImproperlyConfigured(f"{prefix}ISSUER must be an https:// URL, got {issuer!r}")
        providers[name] = {
            "issuer": issuer,
            "client_id": env_str(prefix + "CLIENT_ID"),
            "client_secret": env_str(prefix + "CLIENT_SECRET"),
            "label": env_str(prefix + "LABEL", name.capitalize()),
            "groups_claim": env_str(prefix + "GROUPS_CLAIM", "groups"),
            "scopes": env_str(prefix + "SCOPES", "openid profile email"),
        }
    return providers

"""Personal data at rest: Fernet encryption plus a keyed hash for exact lookup (CPR)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    root = hashlib.sha256(secret.encode()).digest()
    enc = hmac.new(root, b"psykiatrihus-encrypt", hashlib.sha256).digest()
    mac = hmac.new(root, b"psykiatrihus-lookup", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


# `key` is PERSONAL_DATA_KEY unless given: only key rotation (contracts.services.citizens_reencrypt) names one.
__all__ = ["InvalidToken", "decrypt", "encrypt", "lookup_hash"]


def encrypt(value: str, *, key: str | None = None) -> str:
    fernet, _ = _keys(key or settings.PERSONAL_DATA_KEY)
    return fernet.encrypt(value.encode()).decode()


def decrypt(token: str, *, key: str | None = None) -> str:
    """Raises InvalidToken when `token` was not made with this key."""
    fernet, _ = _keys(key or settings.PERSONAL_DATA_KEY)
    return fernet.decrypt(token.encode()).decode()


def lookup_hash(value: str, *, key: str | None = None) -> str:
    """Keyed hash: equal inputs give equal hashes, but a dump without the key reveals nothing."""
    _, mac = _keys(key or settings.PERSONAL_DATA_KEY)
    return hmac.new(mac, value.encode(), hashlib.sha256).hexdigest()

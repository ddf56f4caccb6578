"""Personal data at rest: Fernet encryption plus a keyed hash for exact lookup (CPR)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    root = hashlib.sha256(secret.encode()).digest()
    enc = hmac.new(root, b"psykiatrihus-encrypt", hashlib.sha256).digest()
    mac = hmac.new(root, b"psykiatrihus-lookup", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


def encrypt(value: str) -> str:
    fernet, _ = _keys(settings.PERSONAL_DATA_KEY)
    return fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    fernet, _ = _keys(settings.PERSONAL_DATA_KEY)
    return fernet.decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash: equal inputs give equal hashes, but a dump without the key reveals nothing."""
    _, mac = _keys(settings.PERSONAL_DATA_KEY)
    return hmac.new(mac, value.encode(), hashlib.sha256).hexdigest()

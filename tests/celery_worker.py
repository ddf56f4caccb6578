"""What the tests that start a real Celery worker share: the test database as a URL the worker process can
read, and an embedded redis-server of the test's own as the broker."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from psykiatrihus.embedded import redis_start


def database_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    return f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@/{db['NAME']}?host={host}"


@pytest.fixture
def broker():
    """An embedded redis-server on a short tmp socket path (unix socket paths are limited to ~100 bytes)."""
    directory = Path(tempfile.mkdtemp(prefix="rb-", dir="/tmp"))
    sock = directory / "redis.sock"
    proc = redis_start(sock)
    yield f"redis+socket://{sock}"
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)

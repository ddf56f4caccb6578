"""Start and stop the test identity provider (gunicorn in a subprocess) from the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "psykiatrihus-test"
CLIENT_SECRET = "test-client-secret-" + "s" * 24


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class IdentityProvider:
    """One provider process. `issuer` is where the product finds it; `site_url` overrides what it claims."""

    def __init__(self, db_env: dict[str, str], *, site_url: str = "", idtoken_expire: int = 600):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/openid"
        self.env = {**os.environ, **db_env, "DJANGO_SETTINGS_MODULE": "tests.oidc_op.settings",
                    "OP_IDTOKEN_EXPIRE": str(idtoken_expire), "OP_SITE_URL": site_url.replace("{port}",
                                                                                              str(self.port))}
        self.env.pop("DATABASE_URL", None)
        self.process: subprocess.Popen | None = None

    def setup(self, *, redirect_uri: str, post_logout_uri: str, users: dict[str, list[str]]) -> None:
        """Schema, key, client and users (idempotent: call again to change a user's groups)."""
        env = {**self.env, "OP_USERS": ";".join(f"{u}:{','.join(g)}" for u, g in users.items())}
        subprocess.run([sys.executable, "-m", "tests.oidc_op.setup_op", redirect_uri, post_logout_uri, CLIENT_ID,
                        CLIENT_SECRET], cwd=ROOT, env=env, check=True, timeout=120)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tests.oidc_op.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1",
             "--threads", "4", "--log-level", "warning"], cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the test identity provider exited") from None
                time.sleep(0.2)
        raise RuntimeError("the test identity provider did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def settings_entry(self, *, label: str, issuer: str | None = None) -> dict[str, str]:
        return {"issuer": issuer or self.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "label": label, "groups_claim": "groups", "scopes": "openid profile email"}


def provider_database(name: str):
    """A database of the provider's own on the tests' PostgreSQL server: (env for the provider, drop())."""
    import psycopg
    from django.db import connection

    params = {k: v for k, v in connection.get_connection_params().items()
              if k in ("host", "port", "user", "password") and v}
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env = {"OP_DB_NAME": name, "OP_DB_HOST": str(params.get("host", "")), "OP_DB_PORT": str(params.get("port", "")),
           "OP_DB_USER": str(params.get("user", "")), "OP_DB_PASSWORD": str(params.get("password", ""))}
    return env, drop

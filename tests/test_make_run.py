"""`make run` on a fresh data directory: migrates, seeds, serves the Danish login page, lets every demo user
in over real HTTP, and stops everything on Ctrl-C, the embedded PostgreSQL included."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ROLE_LANDING = {
    "kommune": "Kommunal medarbejder",
    "region": "Regional medarbejder",
    "peer": "Peer-medarbejder",
    "leder": "Leder",
    "styregruppe": "Styregruppemedlem",
    "admin": "Administrator",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/login/", data=data.encode(), headers={"Referer": f"{base}/login/"})
    return opener.open(request, timeout=30).read().decode()


@pytest.mark.timeout_sensitive
def test_make_run_serves_login_and_demo_users(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG")}
    env["PSYKIATRIHUS_DATA_DIR"] = str(tmp_path / "data")
    env["PORT"] = str(port)
    log = open(tmp_path / "make-run.log", "w+")
    proc = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 420
        ready = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if urllib.request.urlopen(f"{base}/healthz", timeout=2).read() == b"ok":
                    ready = True
                    break
            except OSError:
                time.sleep(1)
        log.seek(0)
        output = log.read()
        assert ready, output[-3000:]
        assert f"http://127.0.0.1:{port}/" in output
        for username in [*ROLE_LANDING, "vikar", "leder-silkeborg", "leder-samsoe"]:
            assert re.search(rf"^\s+{username}\s", output, re.M), f"{username} not printed"
        # The steering member of two houses is printed with both.
        assert re.search(r"^\s+styregruppe-midt\s+Mette Midtgaard – Styregruppemedlem, Psykiatriens Hus i Aarhus; "
                         r"Styregruppemedlem, .*Silkeborg", output, re.M), output[-3000:]

        login_page = urllib.request.urlopen(f"{base}/login/", timeout=10).read().decode()
        assert 'lang="da"' in login_page and "Adgangskode" in login_page
        # Anonymous: nothing but the login page.
        anonymous = urllib.request.urlopen(f"{base}/", timeout=10)
        assert anonymous.geturl().startswith(f"{base}/login/")

        for username, role_label in ROLE_LANDING.items():
            body = _login(base, username, "demo")
            assert role_label in body, username
            assert "Log ud" in body, username

        # A process that used the embedded PostgreSQL and died without its exit handlers (kill -9, an
        # earlier `make run` that crashed) is still on pgserver's list of handle holders; before the fix
        # that kept PostgreSQL running after Ctrl-C for good.
        dead = subprocess.Popen(["true"])
        dead.wait()
        holders = tmp_path / "data" / "pg" / ".handle_pids.json"
        holders.write_text(json.dumps([*json.loads(holders.read_text()), dead.pid]))
    finally:
        exited_early = proc.poll() is not None
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        if exited_early:
            log.seek(0)
            pytest.fail(f"make run exited early with {proc.returncode}:\n{log.read()[-4000:]}")
    # Everything in the process group stopped (web, worker, beat, redis) ...
    time.sleep(1)
    leftover = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert leftover == [], leftover
    # ... and the embedded PostgreSQL too, which pg_ctl starts in a session of its own (so Ctrl-C never
    # reaches it): no process names the data directory any more, and PostgreSQL left no postmaster.pid.
    data = str(tmp_path / "data")
    left = subprocess.run(["pgrep", "-a", "-f", data], capture_output=True, text=True).stdout.strip()
    assert left == "", left
    assert not (tmp_path / "data" / "pg" / "postmaster.pid").exists()
    log.seek(0)
    assert "PostgreSQL (indlejret) er stoppet." in log.read()

"""No CPR number in any log: every shape the application accepts, through the login form, citizen search (page
and API), a URL and the API, with DEBUG on and off; the output of every handler of every logger is read, and a
real gunicorn and Celery's own logging setup are run."""

from __future__ import annotations

import datetime
import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import strategies as st

from contracts.cpr import cpr_clean
from contracts.services import citizen_contract_create
from psykiatrihus.cprtext import SEPARATORS, cpr_digits, cpr_redact
from psykiatrihus.models import AuditEvent

DIGITS = "1606653023"
SERIAL = "3023"  # appears in no timestamp, id or path of these tests
SHAPES = [
    "1606653023", "160665-3023", "16-06-65-3023", "160665 3023", "16 06 65 3023", "160665 - 3023",
    "160665\u20113023",  # non-breaking hyphen
    "160665\u20103023", "160665\u20123023", "160665\u20133023", "160665\u20143023", "160665\u20153023",
    "160665\u22123023",  # minus sign
    "160665\u00a03023",  # no-break space
    "16\u201106\u201165\u20113023", "16.06.65-3023"[0:0] + "16 06 65-3023",
]


def _streams():
    """Every stream handler of every logger, Django's own (`django` logger, DEBUG only) included."""
    loggers = [logging.getLogger()] + [lg for lg in logging.Logger.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger)]
    return {id(h): h for lg in loggers for h in lg.handlers if isinstance(h, logging.StreamHandler)}.values()


@pytest.fixture
def log_output():
    """Everything any handler writes during the test, as one string (read with `.getvalue()`)."""
    buffer = io.StringIO()
    handlers = list(_streams())
    assert handlers
    old = [(h, h.setStream(buffer)) for h in handlers]
    levels = {name: logging.getLogger(name).level for name in ("", "django", "django.request", "axes")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG if name == "" else logging.INFO)
    yield buffer
    for h, stream in old:
        h.setStream(stream)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def citizen(house, users):
    contract = citizen_contract_create(house=house, sector="kommune", name="Karen Testborger", cpr=DIGITS,
                                       granted_on=datetime.date(2024, 1, 1), user=users["kommune"])
    return contract.citizen


class TestOneDefinition:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_every_shape_is_accepted_and_masked(self, shape):
        assert cpr_digits(shape) == DIGITS
        assert cpr_clean(shape) == DIGITS
        masked = cpr_redact(f"før {shape} efter")
        assert SERIAL not in masked and "160665-xxxx" in masked

    @pytest.mark.parametrize("text", ["2026-11-23 09:00:01", "id 12345", "123456789012", "160665-30231",
                                      "1606653", "16/06/65 3023"])
    def test_not_a_cpr(self, text):
        assert cpr_digits(text) is None
        if "/" not in text:
            assert cpr_redact(text) == text

    @pytest.mark.parametrize("encoded", ["160665%E2%80%913023", "160665%e2%88%923023", "160665%C2%A03023",
                                         "160665+3023", "160665%203023", "160665%2d3023",
                                         "160665\u00e2\u0080\u00913023",  # UTF-8 read as Latin-1 (WSGI)
                                         "160665\\u20113023"])  # JSON escape
    def test_encoded_shapes_in_log_lines_are_masked(self, encoded):
        assert SERIAL not in cpr_redact(f"GET /x/{encoded}/ 404")

    @given(day=st.integers(1, 28), month=st.integers(1, 12), year=st.integers(0, 99),
           serial=st.integers(0, 9999), seps=st.lists(st.sampled_from(["", *SEPARATORS]), min_size=3, max_size=3))
    def test_any_separators_round_trip(self, day, month, year, serial, seps):
        digits = f"{day:02d}{month:02d}{year:02d}{serial:04d}"
        text = f"{digits[:2]}{seps[0]}{digits[2:4]}{seps[1]}{digits[4:6]}{seps[2]}{digits[6:]}"
        assert cpr_digits(text) == digits
        assert cpr_redact(f"<{text}>") == f"<{digits[:6]}-xxxx>"


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
class TestNoCprInLogs:
    def test_login_form(self, debug, settings, client, users, log_output):
        settings.DEBUG = debug
        for shape in SHAPES[:4]:  # below the lockout limit of 5 per username and address
            response = client.post("/login/", {"username": shape, "password": "forkert-kodeord-123"})
            assert response.status_code == 200
        for shape in SHAPES[4:]:
            client.post("/login/", {"username": shape, "password": "forkert-kodeord-123"})
        output = log_output.getvalue()
        assert output.count("160665-xxxx") >= len(SHAPES), output  # the failures were logged (masked)
        assert SERIAL not in output
        assert not AuditEvent.objects.filter(detail__contains=SERIAL).exists()
        assert not AuditEvent.objects.filter(username__contains=SERIAL).exists()

    def test_search_page_and_api(self, debug, settings, client_for, citizen, log_output):
        settings.DEBUG = debug
        c = client_for("kommune")
        for shape in SHAPES:
            page = c.post("/borgere/", {"q": shape})
            assert "Karen Testborger" in page.content.decode(), shape  # the same definition finds the citizen
            api = c.post("/api/v1/citizens/search/", {"house": "aarhus", "q": shape}, content_type="application/json")
            assert api.status_code == 200 and api.json()["count"] == 1, shape
            refused = c.get("/api/v1/citizens/", {"house": "aarhus", "q": shape})
            assert refused.status_code == 400 and refused.json()["code"] == "cpr_in_url", shape
        output = log_output.getvalue()
        assert "Bad Request: /api/v1/citizens/" in output
        assert SERIAL not in output

    def test_urls(self, debug, settings, client_for, citizen, log_output):
        settings.DEBUG = debug
        c = client_for("kommune")
        for shape in SHAPES:
            for path in (f"/borgere/{shape}/", f"/api/v1/citizens/{shape}/", f"/senge/ophold/{shape}/"):
                assert c.get(path).status_code == 404
        output = log_output.getvalue()
        assert "Not Found: /borgere/160665-xxxx/" in output and "Not Found: /api/v1/citizens/160665-xxxx/" in output
        assert SERIAL not in output

    def test_exception_text_and_arguments(self, debug, settings, log_output):
        settings.DEBUG = debug
        log = logging.getLogger("contracts.anything")
        try:
            raise ValueError(f"borger {SHAPES[6]} ukendt")
        except ValueError:
            log.exception("opslag af %s fejlede", SHAPES[13])
        output = log_output.getvalue()
        assert "opslag af 160665-xxxx fejlede" in output and "ValueError: borger 160665-xxxx ukendt" in output
        assert SERIAL not in output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _raw_get(port: int, target: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize("debug", ["0", "1"], ids=["debug-off", "debug-on"])
def test_real_gunicorn_access_and_error_logs(debug, tmp_path):
    port = _free_port()
    access, error = tmp_path / "access.log", tmp_path / "error.log"
    # The embedded database, not the test's: the requests here log in as nobody and need no data, and a test
    # database held by this process could keep gunicorn's queries waiting.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env = {**env, "DEBUG": debug, "ALLOWED_HOSTS": "localhost",
           "SECRET_KEY": "s" * 60, "PERSONAL_DATA_KEY": "p" * 40, "SECURE_SSL_REDIRECT": "0",
           "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "psykiatrihus.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--access-logfile", str(access), "--error-logfile", str(error)],
        cwd=str(django_settings.BASE_DIR), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _raw_get(port, b"/healthz").startswith(b"HTTP/1.1 "):  # up (200, or 503 without a DB)
                    break
            except OSError:
                time.sleep(0.3)
        from urllib.parse import quote

        for shape in SHAPES:
            for template in ("/api/v1/citizens/{}/", "/borgere/{}/", "/static/{}.css"):
                _raw_get(port, quote(template.format(shape)).encode())
            _raw_get(port, f"/api/v1/citizens/{shape.replace(' ', '')}/".encode())  # raw UTF-8, not encoded
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode(errors="replace")
    logs = access.read_text(errors="replace") + error.read_text(errors="replace") + output
    assert logs.count('"GET /api/v1/citizens/160665-xxxx/') >= len(SHAPES), logs[-3000:]
    # Django's request logger inside gunicorn ("Not Found", or "Internal Server Error" with DEBUG off when the
    # static files were not collected and the 404 page cannot be drawn).
    assert re.search(r"django\.request (Not Found|Internal Server Error|Forbidden): /api/v1/citizens/160665-xxxx/",
                     logs), logs[-3000:]
    assert SERIAL not in logs, [line for line in logs.splitlines() if SERIAL in line][:5]


def test_celery_logging_setup(tmp_path):
    """Celery's worker replaces the root logger's handlers with its own (and logs print()); the records are
    masked when they are made, so its handlers need no filter of ours."""
    logfile = tmp_path / "celery.log"
    script = f"""
import logging, django
django.setup()
from celery.utils.log import get_task_logger
from psykiatrihus.celery import app
app.log.setup(loglevel="INFO", logfile={str(logfile)!r}, redirect_stdouts=True, redirect_level="WARNING")
logging.getLogger("celery.worker").warning("modtog %s", {SHAPES[6]!r})
get_task_logger("reporting.tasks").error("borger {SHAPES[12]} i opgave")
print("print fra opgave {SHAPES[1]}")
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "psykiatrihus.settings", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", script], cwd=str(django_settings.BASE_DIR), env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    text = logfile.read_text() + result.stdout + result.stderr
    assert text.count("160665-xxxx") == 3, text
    assert SERIAL not in text
    assert Path(logfile).exists()

"""Security hardening: login lockout, CSP, idle sessions, passwords, two-factor, CPR-free logs."""

from __future__ import annotations

import datetime
import io
import logging
import re
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from psykiatrihus import security
from psykiatrihus.logredact import RedactCPRFilter, redact
from tests.conftest import PASSWORD
from tests.test_foundation import PROD_ENV, _run_python

ROOT = Path(__file__).resolve().parent.parent
LOCKOUT_TEXT = "For mange mislykkede forsøg"


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
class TestLockout:
    def test_five_failures_lock_out_username_from_that_address(self, client, users, settings):
        assert settings.AXES_FAILURE_LIMIT == 5
        for _ in range(4):
            assert _login(client, "kommune", "forkert").status_code == 200
        fifth = _login(client, "kommune", "forkert")
        assert fifth.status_code == 429
        assert LOCKOUT_TEXT in fifth.content.decode()
        # Even the right password is refused while locked out, and nobody gets logged in.
        right = _login(client, "kommune", PASSWORD)
        assert right.status_code == 429
        assert LOCKOUT_TEXT in right.content.decode()
        assert "_auth_user_id" not in client.session

    def test_lockout_is_per_username_and_address(self, client, users):
        for _ in range(5):
            _login(client, "kommune", "forkert", ip="10.0.0.1")
        other_user = Client().post("/login/", {"username": "region", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
        assert other_user.status_code == 302
        other_address = Client().post("/login/", {"username": "kommune", "password": PASSWORD},
                                      REMOTE_ADDR="10.0.0.2")
        assert other_address.status_code == 302

    def test_success_resets_the_count(self, client, users):
        for _ in range(4):
            _login(client, "kommune", "forkert")
        assert _login(client, "kommune", PASSWORD).status_code == 302
        client.logout()
        for _ in range(4):
            assert _login(client, "kommune", "forkert").status_code == 200
        assert _login(client, "kommune", PASSWORD).status_code == 302

    def test_api_token_endpoint_is_locked_too_with_json(self, client, users):
        for _ in range(5):
            client.post("/api/v1/auth/token/", {"username": "leder", "password": "forkert"}, REMOTE_ADDR="10.0.0.9")
        response = client.post("/api/v1/auth/token/", {"username": "leder", "password": PASSWORD},
                               REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 429
        assert response.json()["code"] == "locked_out"
        assert LOCKOUT_TEXT in response.json()["detail"]

    def test_force_login_and_client_login_are_not_affected(self, client, users):
        assert client.login(username="kommune", password=PASSWORD)
        assert client.get("/").status_code == 200


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style[\s>]", re.IGNORECASE)


@pytest.mark.django_db
class TestContentSecurityPolicy:
    def test_header_allows_only_own_scripts_and_styles(self, client, users):
        header = client.get("/login/")["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in header

    def test_logged_in_pages_carry_the_header(self, client_for):
        assert "script-src 'self'" in client_for("leder").get("/")["Content-Security-Policy"]

    def test_templates_have_no_inline_script_handlers_or_styles(self):
        """CSP forbids them, so they would silently not work; behaviour belongs in static/js/app.js.
        Templates named `*_pdf.html` are only rendered into PDFs and may carry their own <style>."""
        offenders = []
        for directory in TEMPLATE_DIRS:
            for path in directory.rglob("*.html"):
                if path.stem.endswith("_pdf"):  # rendered by WeasyPrint into a PDF, never served to a browser
                    continue
                text = path.read_text()
                for name, pattern in [("inline handler", INLINE_HANDLER), ("inline script", INLINE_SCRIPT),
                                      ("style attribute", STYLE_ATTR), ("style element", STYLE_TAG)]:
                    if pattern.search(text):
                        offenders.append(f"{path.relative_to(ROOT)}: {name}")
        assert offenders == []
        assert INLINE_HANDLER.search('<select onchange="x()">')  # the check itself can fail

    def test_autosubmit_script_exists_and_base_uses_it(self):
        from django.contrib.staticfiles import finders

        assert "data-autosubmit" in Path(finders.find("js/app.js")).read_text()
        assert "js/app.js" in (ROOT / "templates" / "base.html").read_text()


@pytest.mark.django_db
class TestIdleSession:
    def test_session_expires_after_idle_time_and_slides_with_use(self, client, users, settings):
        assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
        assert _login(client, "kommune", PASSWORD).status_code == 302
        key = client.session.session_key
        # Used 20 minutes ago: still valid, and this request pushes the expiry 30 minutes ahead again.
        Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=10))
        assert client.get("/").status_code == 200
        remaining = Session.objects.get(pk=key).expire_date - timezone.now()
        assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)
        # Idle for more than 30 minutes: back to the login page.
        Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
        response = client.get("/borgere/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_production_cookies_are_secure(self):
        code = ("import django; django.setup(); from django.conf import settings as s; "
                "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
                "s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SECURE_HSTS_SECONDS > 0)")
        env = dict(PROD_ENV, DATABASE_URL="postgresql://u:p@db.example:5432/husdb",
                   DJANGO_SETTINGS_MODULE="psykiatrihus.settings")
        result = _run_python(code, env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["True", "True", "True", "True", "True"]


@pytest.mark.django_db
class TestPasswords:
    @pytest.mark.parametrize("weak", ["demo", "1234567890", "password123", "kommune123"])
    def test_weak_passwords_are_refused(self, users, weak):
        with pytest.raises(ValidationError):
            validate_password(weak, user=users["kommune"])

    def test_change_page_refuses_weak_with_danish_message_and_accepts_strong(self, client_for, users):
        c = client_for("kommune")
        weak = c.post("/konto/adgangskode/", {"old_password": PASSWORD, "new_password1": "12345678",
                                              "new_password2": "12345678"})
        assert weak.status_code == 200
        assert "for kort" in weak.content.decode()
        users["kommune"].refresh_from_db()
        assert users["kommune"].check_password(PASSWORD)
        strong = c.post("/konto/adgangskode/", {"old_password": PASSWORD, "new_password1": "grøn-tekande-sejler-7",
                                                "new_password2": "grøn-tekande-sejler-7"})
        assert strong.status_code == 302
        users["kommune"].refresh_from_db()
        assert users["kommune"].check_password("grøn-tekande-sejler-7")

    def test_anonymous_cannot_reach_change_page(self, client):
        assert client.get("/konto/adgangskode/")["Location"].startswith("/login/")


def _code(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def _unthrottle(device: TOTPDevice) -> None:
    """A wrong code makes django-otp wait 1 s before the next try; the test does not wait."""
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the wrong code was counted
    device.throttle_reset()


@pytest.mark.django_db
class TestTwoFactor:
    def _enrol(self, c: Client, user) -> TOTPDevice:
        page = c.get("/konto/totrin/")
        assert page.status_code == 200
        body = page.content.decode()
        assert 'src="data:image/svg+xml;base64,' in body and "Hemmelig nøgle" in body
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert security.twofactor_secret(device).replace(" ", "") in body.replace(" ", "")
        response = c.post("/konto/totrin/", {"otp_token": _code(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        return device

    def test_leader_enrols_and_then_needs_a_code_at_login(self, client_for, users):
        device = self._enrol(client_for("leder"), users["leder"])
        c = Client()
        first = _login(c, "leder", PASSWORD)
        assert first.status_code == 302 and first["Location"] == "/login/kode/"
        assert "_auth_user_id" not in c.session  # not logged in after the password alone
        assert c.get("/")["Location"].startswith("/login/")
        wrong = c.post("/login/kode/", {"otp_token": "000000" if _code(device, 1) != "000000" else "111111"})
        assert wrong.status_code == 200 and "Koden er forkert" in wrong.content.decode()
        _unthrottle(device)
        ok = c.post("/login/kode/", {"otp_token": _code(device, 1)})
        assert ok.status_code == 302
        assert c.get("/").status_code == 200
        assert c.session["otp_device_id"] == device.persistent_id

    def test_used_code_cannot_be_replayed(self, client_for, users):
        device = self._enrol(client_for("admin"), users["admin"])
        c = Client()
        _login(c, "admin", PASSWORD)
        code = _code(device, 1)
        assert c.post("/login/kode/", {"otp_token": code}).status_code == 302
        c2 = Client()
        _login(c2, "admin", PASSWORD)
        assert c2.post("/login/kode/", {"otp_token": code}).status_code == 200

    def test_users_without_two_factor_log_in_with_password_only(self, client, users):
        assert _login(client, "leder", PASSWORD)["Location"] == "/"

    def test_code_step_without_password_step_goes_to_login(self, client, users):
        assert client.get("/login/kode/")["Location"] == "/login/"

    def test_staff_and_steering_cannot_enrol(self, client_for):
        assert client_for("kommune").get("/konto/totrin/").status_code == 403
        assert client_for("styregruppe").get("/konto/totrin/").status_code == 403
        assert TOTPDevice.objects.count() == 0

    def test_api_token_needs_code_once_enrolled(self, client_for, client, users):
        device = self._enrol(client_for("leder"), users["leder"])
        refused = client.post("/api/v1/auth/token/", {"username": "leder", "password": PASSWORD})
        assert refused.status_code == 400
        assert "totrinsbekræftelse" in refused.json()["otp_token"][0]
        granted = client.post("/api/v1/auth/token/", {"username": "leder", "password": PASSWORD,
                                                      "otp_token": _code(device, 1)})
        assert granted.status_code == 200 and granted.json()["token"]

    def test_switching_off_needs_a_valid_code(self, client_for, users):
        c = client_for("leder")
        device = self._enrol(c, users["leder"])
        assert c.post("/konto/totrin/", {"action": "remove", "otp_token": "12"}).status_code == 200
        assert TOTPDevice.objects.filter(user=users["leder"], confirmed=True).exists()
        _unthrottle(device)
        assert c.post("/konto/totrin/", {"action": "remove", "otp_token": _code(device, 1)}).status_code == 302
        assert not TOTPDevice.objects.filter(user=users["leder"]).exists()


class TestLogRedaction:
    @pytest.mark.parametrize("text, expected", [
        ("cpr 0101901234 here", "cpr 010190-xxxx here"),
        ("GET /borgere/?q=010190-1234 HTTP/1.1", "GET /borgere/?q=010190-xxxx HTTP/1.1"),
        ("q=010190%201234", "q=010190-xxxx"),
        ("q=010190%2D1234&house=aarhus", "q=010190-xxxx&house=aarhus"),
        ("q=010190%2d1234", "q=010190-xxxx"),
        ("id 12345 and 2026-11-23 09:00:01", "id 12345 and 2026-11-23 09:00:01"),
        ("order 123456789012", "order 123456789012"),
    ])
    def test_redact(self, text, expected):
        assert redact(text) == expected

    def test_filter_masks_message_args_and_exception(self):
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Borger %s ikke fundet", ("0101901234",), None)
        try:
            raise ValueError("bad 0101901234")
        except ValueError:
            import sys

            record.exc_info = sys.exc_info()
        RedactCPRFilter().filter(record)
        formatted = logging.Formatter().format(record)
        assert "0101901234" not in formatted
        assert "Borger 010190-xxxx ikke fundet" in formatted and "bad 010190-xxxx" in formatted

    @pytest.mark.django_db
    def test_configured_handler_masks_cpr_from_a_404(self, client_for):
        handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactCPRFilter) for f in h.filters)]
        assert handlers, "the console handler must carry the CPR filter"
        stream = io.StringIO()
        old = handlers[0].setStream(stream)
        try:
            assert client_for("kommune").get("/borgere/0101901234/findes-ikke/").status_code == 404
        finally:
            handlers[0].setStream(old)
        output = stream.getvalue()
        assert "010190-xxxx" in output
        assert "0101901234" not in output


class TestGunicornLogs:
    def test_access_log_has_no_query_string_and_masks_cpr(self, tmp_path):
        import runpy

        from gunicorn.config import Config

        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        assert "%(q)s" not in conf["access_log_format"] and "%(r)s" not in conf["access_log_format"]
        assert "%(f)s" not in conf["access_log_format"]  # the referrer may carry a search
        cfg = Config()
        cfg.set("accesslog", str(tmp_path / "access.log"))
        cfg.set("errorlog", str(tmp_path / "error.log"))
        cfg.set("access_log_format", conf["access_log_format"])
        from psykiatrihus.logredact import GunicornLogger

        assert conf["logger_class"] == "psykiatrihus.logredact.GunicornLogger"
        logger = GunicornLogger(cfg)
        logger.error("Fejl for borger 0101901234")
        logger.access_log.info("GET /borgere/?q=010190-1234")
        for handler in logger.error_log.handlers + logger.access_log.handlers:
            handler.flush()
        text = (tmp_path / "error.log").read_text() + (tmp_path / "access.log").read_text()
        assert "010190-xxxx" in text
        assert "0101901234" not in text and "010190-1234" not in text

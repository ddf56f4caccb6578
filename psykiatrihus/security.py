"""Login hardening: lockout after failed logins (django-axes) and optional TOTP two-factor (django-otp).

Two-factor is for leaders and administrators (the roles that see the audit log, reports and configuration).
It is optional; once a user has a confirmed device, every login (web and API token) asks for a code.
"""

from __future__ import annotations

import base64
from io import BytesIO

from axes.backends import AxesStandaloneBackend
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from psykiatrihus.models import Membership, Role

TWO_FACTOR_ROLES = (Role.LEADER, Role.ADMIN)
DEVICE_NAME = "Godkendelsesapp"


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped for calls without a request (server-side code, `Client.login`):
    only requests from outside can guess passwords."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message() -> str:
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "For mange mislykkede forsøg på at logge ind. Kontoen er midlertidigt spærret fra denne adresse. "
        "Prøv igen om %(minutes)d minutter, eller kontakt en administrator."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Danish lockout answer (429): JSON for the API, the login page with the message for browsers."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": message}, status=429)
    from psykiatrihus.sso import login_page_context

    return render(request, "registration/login.html", {"lockout_message": message, "next": "",
                                                       **login_page_context()}, status=429)


# --- Two-factor (TOTP) -------------------------------------------------------------------------------------


def twofactor_allowed(*, user) -> bool:
    """Leaders and administrators (in any house) and superusers may enrol."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, active=True, role__in=TWO_FACTOR_ROLES).exists()


def twofactor_device(*, user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have enrolled."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def twofactor_enrolment_start(*, user) -> TOTPDevice:
    """An unconfirmed device with a fresh secret (reused while enrolment is unfinished)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def twofactor_enrolment_confirm(*, user, token: str) -> bool:
    """Confirm the pending device with a code from the app; the user's other devices are removed."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(_digits(token)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return True


@transaction.atomic
def twofactor_remove(*, user, token: str) -> bool:
    """Switch two-factor off; needs a valid current code so a borrowed session cannot do it."""
    device = twofactor_device(user=user)
    if device is None or not device.verify_token(_digits(token)):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    return True


def twofactor_verify(*, user, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token` (django-otp throttles repeated failures), else None."""
    digits = _digits(token)
    if not digits:  # no code given is not a wrong guess: do not start django-otp's throttling
        return None
    device = twofactor_device(user=user)
    if device is not None and device.verify_token(digits):
        return device
    return None


def twofactor_secret(device: TOTPDevice) -> str:
    """The base32 secret, grouped in fours for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def twofactor_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (no inline markup, CSP-safe)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _digits(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:8]

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from psykiatrihus import security
from psykiatrihus.api import django_error_response, is_api_request
from psykiatrihus.cprtext import cpr_redact
from psykiatrihus.models import AuditEvent
from psykiatrihus.scoping import houses_for
from psykiatrihus.services import audit_log
from psykiatrihus.sso import login_page_context


class LoginView(auth_views.LoginView):
    """Password first; users who enrolled in two-factor are sent on to the code step before they are logged in."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **login_page_context())

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_LOGIN:
            # Username and password are switched off: only the organisation's identity provider signs in.
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if security.twofactor_device(user=user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_2FA_KEY] = {
            "user_id": user.pk,
            "backend": user.backend,
            "started": int(time.time()),
            "next": self.get_redirect_url(),
        }
        return redirect("login_2fa")


PENDING_2FA_KEY = "pending_2fa"
PENDING_2FA_SECONDS = 300


class TwoFactorForm(forms.Form):
    otp_token = forms.CharField(label=_("Kode fra godkendelsesappen"), max_length=12)


def login_2fa(request):
    """Second login step for enrolled users: a valid TOTP code completes the login."""
    pending = request.session.get(PENDING_2FA_KEY)
    if not pending or time.time() - pending["started"] > PENDING_2FA_SECONDS:
        request.session.pop(PENDING_2FA_KEY, None)
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_2FA_KEY, None)
        return redirect("login")
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = security.twofactor_verify(user=user, token=form.cleaned_data["otp_token"])
        if device is not None:
            del request.session[PENDING_2FA_KEY]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = resolve_url(settings.LOGIN_REDIRECT_URL)
            return redirect(target or settings.LOGIN_REDIRECT_URL)
        form.add_error("otp_token", _("Koden er forkert eller udløbet. Prøv med den næste kode fra appen."))
    return render(request, "registration/login_2fa.html", {"form": form})


def twofactor_settings(request):
    """Leaders and administrators switch TOTP two-factor on (QR code or secret, then a code) or off."""
    if not security.twofactor_allowed(user=request.user):
        raise PermissionDenied
    device = security.twofactor_device(user=request.user)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        if device is None and security.twofactor_enrolment_confirm(user=request.user, token=token):
            messages.success(request, _("Totrinsbekræftelse er slået til. Du skal bruge en kode, når du logger ind."))
            return redirect("twofactor")
        if device is not None and request.POST.get("action") == "remove" and security.twofactor_remove(
            user=request.user, token=token
        ):
            messages.success(request, _("Totrinsbekræftelse er slået fra."))
            return redirect("twofactor")
        form.add_error("otp_token", _("Koden er forkert eller udløbet. Prøv med den næste kode fra appen."))
    context = {"form": form, "enrolled": device is not None}
    if device is None:
        pending = security.twofactor_enrolment_start(user=request.user)
        context["qr"] = security.twofactor_qr_data_uri(pending)
        context["secret"] = security.twofactor_secret(pending)
    return render(request, "registration/twofactor.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Staff change their own password; Django's validators (length 10, common, numeric, similar) apply."""

    template_name = "registration/password_change.html"

    def form_valid(self, form):
        messages.success(self.request, _("Din adgangskode er ændret."))
        return super().form_valid(form)

    def get_success_url(self):
        return resolve_url("home")


def home(request):
    """Each role lands on a page that fits it; the page lists what the role can do, and the sections the apps
    contribute (free beds tonight)."""
    from psykiatrihus.sections import sections_render

    return render(request, "home.html", {"sections": sections_render(page="home", request=request)})


@require_POST
def house_switch(request):
    house_id = request.POST.get("house")
    house = houses_for(request.user).filter(pk=house_id).first() if house_id and house_id.isdigit() else None
    if house is None:
        raise PermissionDenied
    request.session["house_id"] = house.pk
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def audit_log_view(request):
    """Leaders and administrators search the house's audit log (append-only)."""
    access = request.access
    if not access.sees_audit_log:
        raise PermissionDenied
    events = AuditEvent.objects.filter(house=access.house)
    q_user = request.GET.get("user", "").strip()
    q_type = request.GET.get("type", "").strip()
    q_citizen = request.GET.get("citizen", "").strip()
    q_action = request.GET.get("action", "").strip()
    if q_user:
        events = events.filter(username__icontains=q_user)
    if q_type:
        events = events.filter(object_type__icontains=q_type)
    if q_citizen.isdigit():
        events = events.filter(citizen_id=int(q_citizen))
    if q_action:
        events = events.filter(action=q_action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # The log names users and citizen ids: reading it is itself logged (one row per page viewed, with the
    # filters, CPR-masked in case one was typed into a filter).
    filters = cpr_redact(f"bruger={q_user[:60]} type={q_type[:60]} handling={q_action[:20]}")
    audit_log(user=request.user, action="read", object_type="psykiatrihus.auditevent", house=access.house,
              citizen_id=int(q_citizen) if q_citizen.isdigit() and int(q_citizen) < 2**62 else None,
              detail=f"logbog side {page.number}; {filters}")
    return render(request, "audit_log.html", {"page": page, "q": request.GET})


def healthz(request):
    """"ok" when PostgreSQL and Redis answer; otherwise 503 naming each dependency and its state."""
    from psykiatrihus.unavailable import health_response

    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return health_response()


def error_400(request, exception=None):
    if is_api_request(request):
        return django_error_response(400)
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    if is_api_request(request):
        return django_error_response(403)
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    if is_api_request(request):
        return django_error_response(404)
    return render(request, "404.html", status=404)


def error_500(request):
    if is_api_request(request):
        return django_error_response(500)
    return render(request, "500.html", status=500)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon (no 404 in the logs)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))

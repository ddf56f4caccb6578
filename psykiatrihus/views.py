from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from psykiatrihus.models import AuditEvent
from psykiatrihus.scoping import houses_for


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def home(request):
    """Each role lands on a page that fits it; the page lists what the role can do."""
    return render(request, "home.html", {})


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
    return render(request, "audit_log.html", {"page": page, "q": request.GET})


def healthz(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request) -> dict:
    """Menu items by role; each app's page appears once its URL exists."""
    access = getattr(request, "access", None)
    if access is None or not request.user.is_authenticated:
        return {}
    items: list[tuple[str, str | None]] = [(_("Forside"), _url("home"))]
    if access.can_book or access.is_peer or access.is_leader:
        items.append((_("Sengeoversigt"), _url("beds:board")))
    if access.sees_citizens:
        items.append((_("Borgere"), _url("contracts:citizen_list")))
        items.append((_("Opfølgninger"), _url("contracts:followup_list")))
    if access.is_member:
        items.append((_("Aktiviteter"), _url("activities:calendar")))
    if access.sees_dashboard:
        items.append((_("Overblik"), _url("reporting:dashboard")))
    if access.sees_reports:
        items.append((_("Rapporter"), _url("reporting:report_list")))
    if access.sees_audit_log:
        items.append((_("Logbog"), _url("audit_log")))
    if access.is_admin or request.user.is_staff:
        items.append((_("Administration"), _url("admin:index")))
    return {
        "nav_items": [(label, url) for label, url in items if url],
        "access": access,
        "current_house": getattr(request, "house", None),
        "user_houses": getattr(request, "houses", []),
    }

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


NAV_SESSION_KEY = "beds_nav"


def remember_beds_navigation(request, house, *, waiting: bool, aftercare: bool) -> None:
    """Keep in the session whether the house's rules today use a waiting list / follow-up after a stay (the
    session is saved on every request anyway, so pages pay no query for the menu)."""
    from django.utils import timezone

    session = getattr(request, "session", None)
    if session is None or house is None:
        return
    value = {"house": house.pk, "on": timezone.localdate().isoformat(), "waiting": bool(waiting),
             "aftercare": bool(aftercare)}
    if session.get(NAV_SESSION_KEY) != value:
        session[NAV_SESSION_KEY] = value


def beds_navigation(request) -> dict:
    """The beds section's extra menu items for users who see citizens: read from the session; computed (one
    query) only when the session has nothing for this house and day. The bed board refreshes it with the
    rules it loads anyway, so a change of rules shows in the menu at the next visit to the board."""
    from django.utils import timezone

    from psykiatrihus.policy import house_uses_today

    house = getattr(request, "house", None)
    session = getattr(request, "session", None)
    if house is None or session is None:
        return {}
    today = timezone.localdate()
    value = session.get(NAV_SESSION_KEY)
    if not value or value.get("house") != house.pk or value.get("on") != today.isoformat():
        uses = house_uses_today(house=house, on_date=today)
        remember_beds_navigation(request, house, **uses)
        value = session[NAV_SESSION_KEY]
    return value


def remember_beds_navigation_at_login(sender, request, user, **kwargs) -> None:
    """At login the session learns whether the user's first house uses a waiting list / follow-up after a
    stay (two queries, once), so no page after it asks."""
    from django.utils import timezone

    from psykiatrihus.policy import house_uses_today
    from psykiatrihus.scoping import houses_for

    if request is None or getattr(request, "session", None) is None:
        return
    chosen = request.session.get("house_id")
    houses = list(houses_for(user))
    house = next((h for h in houses if h.pk == chosen), houses[0] if houses else None)
    if house is not None:
        remember_beds_navigation(request, house, **house_uses_today(house=house, on_date=timezone.localdate()))


def navigation(request) -> dict:
    """Menu items by role; each app's page appears once its URL exists."""
    access = getattr(request, "access", None)
    if access is None or not request.user.is_authenticated:
        return {}
    items: list[tuple[str, str | None]] = [(_("Forside"), _url("home"))]
    if access.sees_board:
        items.append((_("Sengeoversigt"), _url("beds:board")))
        items.append((_("I huset nu"), _url("beds:house_now")))
    if access.sees_citizens:
        uses = beds_navigation(request)
        if uses.get("waiting"):
            items.append((_("Venteliste"), _url("beds:waiting_list")))
        if uses.get("aftercare"):
            items.append((_("Opfølgning efter ophold"), _url("beds:aftercare_list")))
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
    if access.sees_admin:
        items.append((_("Administration"), _url("admin:index")))
    return {
        "nav_items": [(label, url) for label, url in items if url],
        "access": access,
        "current_house": getattr(request, "house", None),
        "user_houses": getattr(request, "houses", []),
    }

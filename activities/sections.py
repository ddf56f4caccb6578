"""What activities contributes to pages it does not own (`psykiatrihus.sections`): the citizen page's
"activities attended"."""

from __future__ import annotations

from django.template.loader import render_to_string

from activities.selectors import attendance_visible
from psykiatrihus.services import audit_log_many

ATTENDED_SHOWN = 50


def citizen_attended_section(*, request, citizen, **context) -> str | None:
    """Sessions the citizen attended (named attendance, present, not cancelled), newest first, as far as the
    user may read them (`attendance_visible`: their sectors' citizens, or activities they run). Audited."""
    qs = attendance_visible(access=request.access).filter(citizen_id=citizen.pk, present=True,
                                                         session__cancelled=False)
    rows = list(qs.order_by("-session__starts_at", "-id")[:ATTENDED_SHOWN + 1])
    shown = rows[:ATTENDED_SHOWN]
    if shown:
        audit_log_many(user=request.user, action="read", objects=shown, house=request.access.house,
                       citizen_attr="citizen_id", detail="borgerens forløb")
    return render_to_string("activities/_citizen_attended.html", {
        "attended": shown, "more": len(rows) > len(shown), "limit": ATTENDED_SHOWN}, request=request)

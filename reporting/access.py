"""Who sees, orders, comments on and approves which report runs (asked by the pages and the API alike).

The roles come from `psykiatrihus.scoping.access_for`; this module only says what they mean for reports:
- leaders, administrators and superusers see every run of their house (raw runs only if they may see raw);
- the steering group sees approved runs, and its own orders as "awaiting approval" without figures;
- only a leader (or a superuser) comments and approves.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from psykiatrihus.models import Role
from psykiatrihus.scoping import Access, access_for, houses_for
from reporting.models import ReportRun


def may_approve(access: Access) -> bool:
    """Leaders speak for the house: they comment on and approve the report the steering group gets."""
    return access.is_leader or access.is_superuser


def sees_drafts(access: Access) -> bool:
    """Unapproved runs are the house's own working papers: leaders, administrators, superusers."""
    return bool(access.roles & {Role.LEADER, Role.ADMIN}) or access.is_superuser


def runs_visible(access: Access) -> QuerySet:
    """The runs of `access.house` the user may see at all (a steering member's own pending orders included)."""
    if access.house is None or not access.sees_reports:
        return ReportRun.objects.none()
    runs = ReportRun.objects.filter(house=access.house)
    if not access.may_see_raw_figures:
        runs = runs.filter(suppress_below__gte=access.house.small_number_threshold)
    if not sees_drafts(access):
        runs = runs.filter(Q(approved_at__isnull=False) | Q(requested_by_id=access.user_id))
    return runs


def may_open(access: Access, run: ReportRun) -> bool:
    """Whether the user may read the run's figures, comments and files (not only that it was ordered)."""
    return sees_drafts(access) or run.is_approved


def run_with_access(*, user, pk: int) -> tuple[ReportRun, Access] | None:
    """The run with this id if the user may see it, with the user's access in its house; None otherwise
    (a run of another house answers exactly like one that does not exist)."""
    run = ReportRun.objects.select_related("house", "requested_by", "approved_by").filter(pk=pk).first()
    if run is None:
        return None
    access = access_for(user, run.house)
    if not runs_visible(access).filter(pk=run.pk).exists():
        return None
    return run, access


def sees_reports_anywhere(user) -> bool:
    """Whether the user has a report role in any house (otherwise every report URL is a plain 403)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return houses_for(user).filter(memberships__user=user, memberships__active=True,
                                   memberships__role__in=[Role.LEADER, Role.STEERING, Role.ADMIN]).exists()

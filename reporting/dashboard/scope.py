"""What the viewer's role lets the page and the API show: the "now" part, the threshold of live counts, the
lists behind figures (citizen-level scope only), the sectors of aggregates; and the trend window a request
asks for."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from psykiatrihus.scoping import Access
from reporting.dashboard_selectors import SECTORS, TREND_WINDOWS

DEFAULT_MONTHS = 12


def sees_now(access: Access) -> bool:
    return access.is_leader


def _live_below(access: Access) -> int:
    """The threshold for today's live counts outside "now": none for those who see them as counted."""
    return 0 if access.sees_small_live_counts else access.house.small_number_threshold


def _list_url(figure: str, sector: str, access: Access, **params) -> str | None:
    """The list behind a figure, or None when it lies outside the viewer's citizen-level scope."""
    if sector not in access.citizen_sectors:
        return None
    return reverse("reporting:dashboard_list", args=[figure]) + "?" + urlencode({"sector": sector, **params})


def _only(data, sectors: set[str]):
    """Drop every sector the viewer may not see aggregates of (keys named after sectors)."""
    if isinstance(data, dict):
        return {k: _only(v, sectors) for k, v in data.items() if k not in SECTORS or k in sectors}
    return data


def _months_param(request) -> int:
    try:
        months = int(request.GET.get("months", DEFAULT_MONTHS))
    except ValueError:
        return DEFAULT_MONTHS
    return months if months in TREND_WINDOWS else DEFAULT_MONTHS

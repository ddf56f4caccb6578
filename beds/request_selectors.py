"""Reads of the request (henvendelse) a stay was booked from, for the stay panel and the stay API."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, prefetch_related_objects

from beds.models import Stay
from beds.selectors import stay_requests_visible
from psykiatrihus.scoping import Access

ORIGIN_ATTR = "origin_request"


def stay_origin_prefetch(*, access: Access) -> Prefetch:
    """For a stays query's `prefetch_related`: each stay's origin request as `stay.origin_request`, None when
    it was booked without one or the request is not among those the user may see (`stay_requests_visible`,
    the same rule as the request list). One query for a page of stays."""
    return Prefetch("request", queryset=stay_requests_visible(access=access), to_attr=ORIGIN_ATTR)


def stays_with_origin(*, stays: Iterable[Stay], access: Access) -> None:
    """Give already-fetched stays their `origin_request` (see `stay_origin_prefetch`); one query."""
    prefetch_related_objects(list(stays), stay_origin_prefetch(access=access))

"""The leader dashboard (HTML) and its JSON API. Thin: selectors compute, these only shape for display.

Who sees what (decided here, enforced through `Access`):
- leaders: the "now" part (aggregates of both sectors) and the trends; the lists behind the figures only
  for the sectors of their citizen-level scope (a sector leader links into their own sector only);
- steering group members and administrators (superusers): the trends only, no "now" part, no lists;
- municipal/regional staff, peers and anyone else: 403 (their daily tool is the bed board; the dashboard
  is a leadership view). The API answers 404 for a house the user does not work in, 403 otherwise.

By concern: `views` (the page and the lists behind its figures), `api` (the JSON API), `now` (the leader's
"now" part), `trend_charts` (the leaders' monthly trend charts), `scope` (what the viewer's role shows) and
`labels` (Danish labels and colours). Import from here.
"""

from reporting.dashboard.api import DashboardSerializer, dashboard_api
from reporting.dashboard.labels import BED_COLOURS, MONTH_NAMES, WEEKDAYS, month_label, reason_label, sector_label
from reporting.dashboard.scope import DEFAULT_MONTHS, sees_now
from reporting.dashboard.views import LIST_TITLES, dashboard, dashboard_list

__all__ = [
    "BED_COLOURS", "DEFAULT_MONTHS", "LIST_TITLES", "MONTH_NAMES", "WEEKDAYS", "DashboardSerializer", "dashboard",
    "dashboard_api", "dashboard_list", "month_label", "reason_label", "sector_label", "sees_now",
]

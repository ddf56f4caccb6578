"""Aggregates over the beds app's data, for other apps' figures (reporting, dashboards).

They return plain values (counts, dicts, lists of dicts): no model instance, no name, no CPR leaves. One
module per resource:

- `stays`     stays: the report's stay tables, færdigbehandling, nights in windows, ORS at the start
- `requests`  requests for a stay
- `holders`   contract holders who used a bed
- `care`      the house's beds, goals for the stays, follow-up after a stay
- `compliance` whether the house kept its rules: stays beyond the frame, nights per month, færdigbehandling
              beyond 6 months, follow-up after a stay overdue, requests answered the same day
- `occupancy` occupied nights and hours per bed (on the bed of each of a stay's bed periods)
- `dashboard` the leader dashboard's "now" and monthly trends (imported as `beds.aggregates.dashboard`)
"""

from beds.aggregates.care import GOAL_RESULTS, active_beds, aftercare_counts, stay_goal_counts
from beds.aggregates.compliance import (
    aftercare_overdue_at,
    faerdigbehandling_beyond_limit,
    nights_per_month_overruns,
    request_answer_days,
    stays_by_frame,
)
from beds.aggregates.holders import holder_activity
from beds.aggregates.occupancy import occupancy_per_bed
from beds.aggregates.requests import request_counts, stays_from_requests
from beds.aggregates.stays import (
    CITIZENS_BY_STAYS,
    STAYS_BY_NIGHTS,
    USED_STATUSES,
    faerdigbehandling_figures,
    first_arrival,
    ors_at_stay_start,
    stay_choice_labels,
    stay_citizens_across_sectors,
    stay_nights_by_age_gender,
    stay_nights_in_windows,
    stay_table_figures,
    stays_by_arrival_month,
)

__all__ = [
    "first_arrival",
    "CITIZENS_BY_STAYS", "GOAL_RESULTS", "STAYS_BY_NIGHTS", "USED_STATUSES", "active_beds", "aftercare_counts",
    "aftercare_overdue_at", "faerdigbehandling_beyond_limit", "nights_per_month_overruns", "request_answer_days",
    "stays_by_frame",
    "faerdigbehandling_figures", "holder_activity", "occupancy_per_bed", "ors_at_stay_start", "request_counts",
    "stay_choice_labels",
    "stay_citizens_across_sectors", "stay_goal_counts", "stay_nights_by_age_gender", "stay_nights_in_windows",
    "stay_table_figures", "stays_by_arrival_month", "stays_from_requests",
]

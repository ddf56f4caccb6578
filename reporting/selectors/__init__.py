"""The evaluation report's reads, by concern:

- `tables`   every registered table for a house and a period, raw (inside the house only)
- `figures`  the same, suppressed for publishing with the house's rules in force (`report_figures`)
- `trends`   one more period's key tables for a trend column, and where the house's history begins

The tables themselves live in `reporting.tables` (one registry, one module per group of tables), their
figures in the owning apps' aggregates; the small-number rule in `reporting.disclosure`. All counting is done
with SQL aggregates (GROUP BY, FILTER, subqueries); nothing loops over stays in Python.

Periods and the table builders are re-exported here for callers that read one table.
"""

from reporting.selectors.figures import ReportFigures, report_data, report_figures, report_raw
from reporting.selectors.parallel import read_beside
from reporting.selectors.tables import drop_absent_sectors, report_tables
from reporting.selectors.trends import house_history_start, report_trend_figures, trend_tables_raw
from reporting.tables import Period, period_for, previous_quarter
from reporting.tables.activities import ACTIVITY_TABLES, table_activities
from reporting.tables.contracts import (
    contracts_apply,
    table_contracts,
    table_contracts_by_quarter_granted,
    table_diagnoses,
    table_holders_activity,
    table_holders_age_gender,
    table_municipal_services,
    table_referral_sources,
    table_treatment_responsibility,
)
from reporting.tables.house_rules import report_rules, table_aftercare, table_stay_goals, table_waiting_list
from reporting.tables.periods import REPORT_LANGUAGE, half_year, period_is_grid
from reporting.tables.stays import (
    table_faerdigbehandling,
    table_nights_age_gender,
    table_occupancy,
    table_requests,
    table_stays,
    table_stays_both_sectors,
    table_stays_per_month,
    table_stays_sector,
)

__all__ = [
    "ACTIVITY_TABLES", "REPORT_LANGUAGE", "Period", "ReportFigures", "contracts_apply", "drop_absent_sectors",
    "half_year", "house_history_start", "period_for", "period_is_grid", "previous_quarter", "read_beside",
    "report_data", "report_figures", "report_raw", "report_rules", "report_tables", "report_trend_figures",
    "table_activities", "table_aftercare", "table_contracts", "table_contracts_by_quarter_granted",
    "table_diagnoses", "table_faerdigbehandling", "table_holders_activity", "table_holders_age_gender",
    "table_municipal_services", "table_nights_age_gender", "table_occupancy", "table_referral_sources",
    "table_requests", "table_stay_goals", "table_stays", "table_stays_both_sectors", "table_stays_per_month",
    "table_stays_sector", "table_treatment_responsibility", "table_waiting_list", "trend_tables_raw",
]

"""How the report's tables are laid out for people (PDF and XLSX): Danish titles, one line of explanation,
definitions, row labels, and the comparison with the same period a year before.

The figures come already suppressed from `reporting.selectors.report_data`; nothing here computes them.
Titles, explanations, footnotes and sheet names are declared with each table in `reporting.tables`.

By concern: `cells` (labels, how a figure is written), `blocks` and `series` (the tables), `quality`,
`key_figures`, `rules` and `trends` (their pages).
"""

from reporting.report_layout.blocks import OWN_PLACE, changes_lines, report_blocks
from reporting.report_layout.cells import (
    HIDDEN,
    MONTH_NAMES,
    NA,
    STRUCTURAL,
    TEXT_KEYS,
    Block,
    cell_text,
    number,
    section_titles,
    sheet_names,
)
from reporting.report_layout.key_figures import KeyFigures, key_figure_names, key_figures_table
from reporting.report_layout.quality import UNKNOWN_WARN_PERCENT, data_quality_rows, data_quality_warnings
from reporting.report_layout.rules import RuleTable, rule_names, rule_text, rules_tables
from reporting.report_layout.series import MAX_COLUMNS, NOT_REPORTED_AS_NONE, SERIES_KEYS, WHOLE_YEAR_TABLES
from reporting.report_layout.trends import PERCENT_FIGURES, TrendTable, trend_tables

__all__ = [
    "Block",
    "HIDDEN",
    "KeyFigures",
    "MAX_COLUMNS",
    "MONTH_NAMES",
    "NA",
    "NOT_REPORTED_AS_NONE",
    "OWN_PLACE",
    "PERCENT_FIGURES",
    "RuleTable",
    "SERIES_KEYS",
    "STRUCTURAL",
    "TEXT_KEYS",
    "TrendTable",
    "UNKNOWN_WARN_PERCENT",
    "WHOLE_YEAR_TABLES",
    "cell_text",
    "changes_lines",
    "data_quality_rows",
    "data_quality_warnings",
    "key_figure_names",
    "key_figures_table",
    "number",
    "report_blocks",
    "rule_names",
    "rule_text",
    "rules_tables",
    "section_titles",
    "sheet_names",
    "trend_tables",
]

"""The report's figures as they may leave the house: every table of a house and a period, with the house's
rules in force, suppressed across all tables together with what the house published before
(`reporting.disclosure`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from psykiatrihus.models import House
from reporting.disclosure import Interval, Publication, disclose
from reporting.selectors.tables import drop_absent_sectors, report_tables
from reporting.tables import Period
from reporting.tables.house_rules import report_rules, rules_read_once


@dataclass
class ReportFigures:
    """A report's figures as they may leave the house (`data`), the publication to store with the run (what
    was printed and hidden, for the audit of later reports), and the audit of its hidden small cells."""

    data: dict
    publication: Publication
    intervals: list[Interval]


def report_raw(*, house: House, period: Period, progress: Callable[[int], None] | None = None
               ) -> tuple[dict, dict]:
    """Every table of the period raw (not suppressed), and the house's rules in force: what `report_figures`
    suppresses. Raw figures never leave the house."""
    with rules_read_once():
        raw = report_tables(house=house, period=period, progress=progress)
        rules = report_rules(house=house, period=period)
    return raw, rules


def report_figures(*, house: House, period: Period, suppress_below: int | None = None,
                   progress: Callable[[int], None] | None = None,
                   published: list[Publication] | None = None,
                   raw: tuple[dict, dict] | None = None) -> ReportFigures:
    """The report, suppressed across all its tables together with what was `published` before for the house
    (see `reporting.disclosure`); `raw` is `report_raw` of the same house and period when it was read
    already. Raises DisclosureError when a small number could not be protected."""
    below = house.small_number_threshold if suppress_below is None else suppress_below
    raw, rules = raw if raw is not None else report_raw(house=house, period=period, progress=progress)
    drop_absent_sectors(raw, served=set(rules))
    tables, publication, intervals = disclose(raw, below=below, start=period.start.isoformat(),
                                              end=period.end.isoformat(), published=published)
    data = {
        "house": house.slug,
        "house_name": house.name,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "suppress_below": below,
        "rules": rules,
        "tables": tables,
    }
    return ReportFigures(data=data, publication=publication, intervals=intervals)


def report_data(*, house: House, period: Period, suppress_below: int | None = None,
                progress: Callable[[int], None] | None = None,
                published: list[Publication] | None = None) -> dict:
    """The JSON report: `{"house", "period": {"start", "end"}, "tables": {...}}` (suppressed unless 0)."""
    return report_figures(house=house, period=period, suppress_below=suppress_below, progress=progress,
                          published=published).data

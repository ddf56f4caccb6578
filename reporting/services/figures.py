"""A report's figures and files: the period, the same period a year before and the trend columns, suppressed
and audited together with what the house published before (`report_figures`, and the publications they
add), what that was (`report_published`), and the files rendered from them (`report_files`). Shared by the
build of a run, its approval (files rendered again with the notes) and the command-line tools."""

from __future__ import annotations

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from psykiatrihus.models import House
from reporting.disclosure import Publication, relations_renewed
from reporting.key_figures import SECTORS, key_figures, source_paths
from reporting.models import ReportFormat, ReportPublication, ReportStatus
from reporting.report_files import render_json, render_pdf, render_xlsx
from reporting.selectors import (
    REPORT_LANGUAGE,
    Period,
    house_history_start,
    read_beside,
    report_raw,
    report_trend_figures,
    trend_tables_raw,
)
from reporting.selectors import report_figures as disclosed_figures
from reporting.trends import trend_periods, trends_table

FORMATS = tuple(f.value for f in ReportFormat)


def report_figures(*, house: House, period: Period, formats: list[str] | tuple[str, ...],
                   suppress_below: int | None = None, progress=None,
                   published: list[Publication] | None = None) -> dict:
    """The report's figures: `{"data": ..., "previous": ...}` (the same period a year before, for the PDF and
    XLSX only). What the files are rendered from, now and again when the report is approved. Labels in the
    report's language, not the language of whoever (or whichever thread) builds it. Suppressed figures are
    audited together with `published`; raises DisclosureError if a small number would show."""
    figures, _publications = _report_figures(house=house, period=period, formats=formats,
                                             suppress_below=suppress_below, progress=progress, published=published)
    return figures


def report_build_publications(*, house: House, period: Period, published: list[Publication]) -> list[Publication]:
    """Everything a suppressed build of `period` would publish and store, with the house's threshold: the
    period, the same period a year before and each extra trend column, in that order (the audit command's
    view of a build). Raises DisclosureError as the build would."""
    return _report_figures(house=house, period=period, formats=("json",), suppress_below=None, progress=None,
                           published=published)[1]


def _report_figures(*, house: House, period: Period, formats, suppress_below: int | None, progress,
                    published: list[Publication] | None = None) -> tuple[dict, list[Publication]]:
    """The figures and what they publish (the period, and the comparison year audited together with it)."""
    with translation.override(REPORT_LANGUAGE):
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise ValueError(_("Ukendt format: %(f)s") % {"f": ", ".join(sorted(unknown))})
        step = progress or (lambda _p: None)
        earlier = list(published or [])
        prior = period.previous_year()
        first_day = house_history_start(house=house)
        extra_periods = [p for p in trend_periods(period=period, first_day=first_day)
                         if (p.start, p.end) not in {(period.start, period.end), (prior.start, prior.end)}]
        # The year before and the trend columns are read beside the period's own tables, each on a connection
        # of its own (see reporting.selectors.parallel); suppression and its audit stay in order below.
        prior_read = read_beside(lambda: report_raw(house=house, period=prior))
        trends_read = read_beside(lambda: {(p.start, p.end): trend_tables_raw(house=house, period=p,
                                                                              paths=source_paths())
                                           for p in extra_periods})
        now = disclosed_figures(house=house, period=period, suppress_below=suppress_below,
                                progress=lambda p: step(int(p * 0.5)), published=earlier)
        publications = [now.publication]
        prior_raw = prior_read.result()
        # The same period a year before: the PDF/XLSX comparison columns and the key figures' "last year".
        before = disclosed_figures(house=house, period=prior, suppress_below=suppress_below,
                                   published=[*earlier, now.publication], raw=prior_raw)
        step(80)
        publications.append(before.publication)
        previous = before.data if set(formats) & {"pdf", "xlsx"} else None
        trends, trend_publications = _trend_figures(house=house, period=period, now=now, before=before,
                                                    published=[*earlier, *publications], first_day=first_day,
                                                    built=trends_read.result())
        publications.extend(trend_publications)
        step(90)
        # Made from the figures the periods publish (after suppression), so they add nothing more to audit.
        now.data["tables"] = {"key_figures": key_figures(data=now.data, previous=before.data),
                              **({"trends": trends} if trends else {}), **now.data["tables"]}
        if now.data["suppress_below"] <= 1:
            publications = []
        return {"data": now.data, "previous": previous}, publications


def _trend_figures(*, house: House, period: Period, now, before, published: list[Publication],
                   first_day: datetime.date | None, built: dict) -> tuple[dict | None, list[Publication]]:
    """`tables.trends` and the publications of its extra columns (see `reporting.trends`): the report's period
    and the year before are the report's own figures; every other column is suppressed on its own, together
    with what the house published for the same calendar year (nothing else can be combined with it). `built`
    holds the extra columns' raw tables by (start, end)."""
    periods = trend_periods(period=period, first_day=first_day)
    if not periods:
        return None, []
    below = now.data["suppress_below"]
    own = {(period.start, period.end): now.data}
    prior = period.previous_year()
    own[(prior.start, prior.end)] = before.data
    shown = {s for t in now.data["tables"].values() if isinstance(t, dict) for s in SECTORS if s in t}
    columns, extra = [], []
    for p in periods:
        data = own.get((p.start, p.end))
        if data is None:
            column = report_trend_figures(house=house, period=p, below=below, paths=source_paths(), sectors=shown,
                                          published=_combinable(p, [*published, *extra]),
                                          built=built.get((p.start, p.end)))
            extra.append(column.publication)
            data = column.data
        columns.append((p, data))
    return trends_table(columns=columns, first_day=first_day), extra


def _combinable(period: Period, publications: list[Publication]) -> list[Publication]:
    """The publications a figure of `period` can be combined with (`reporting.disclosure`): the same cells of
    the same period, and a half-year or year that contains it together with the quarters and half-years inside
    that (a year is the sum of its quarters). Nothing else shares a cell or a sum with it, so leaving the rest
    out of its audit changes no interval; it only spares the linear programs."""
    start, end = period.start.isoformat(), period.end.isoformat()
    containers = [pub for pub in publications if pub.start <= start and pub.end >= end]
    low = min([start, *[pub.start for pub in containers]])
    high = max([end, *[pub.end for pub in containers]])
    return [pub for pub in publications if pub.start >= low and pub.end <= high]


def report_published(*, house: House, period: Period, below: int, exclude_run: int | None = None
                     ) -> list[Publication]:
    """Everything published for the house (finished suppressed runs and the dashboard's quarters, same
    threshold) that a report of `period` could be combined with: the calendar years it touches, the year
    before (its comparison) and the years of its trend columns, oldest first."""
    from reporting.models import DashboardPublication

    periods = trend_periods(period=period, first_day=house_history_start(house=house))
    first_year = min([period.start.year - 1, *[p.start.year for p in periods]])
    years = {"period_end__year__gte": first_year, "period_start__year__lte": period.end.year}
    rows = (ReportPublication.objects.filter(house=house, suppress_below=below, run__status=ReportStatus.DONE,
                                             **years)
            .exclude(run_id=exclude_run).values_list("created_at", "figures"))
    shown = DashboardPublication.objects.filter(house=house, suppress_below=below, **years).values_list(
        "created_at", "figures")
    return [relations_renewed(Publication.from_json(figures))
            for _at, figures in sorted([*rows, *shown], key=lambda r: r[0])]


def report_files(*, figures: dict, formats: list[str] | tuple[str, ...], notes: dict | None = None,
                 progress=None) -> dict[str, bytes]:
    """The files by format from `report_figures`; `notes` (comments, approval, revision) go into the PDF/XLSX.
    Rendered in the report's language."""
    with translation.override(REPORT_LANGUAGE):
        return _report_files(figures=figures, formats=formats, notes=notes, progress=progress)


def _report_files(*, figures: dict, formats, notes: dict | None, progress) -> dict[str, bytes]:
    step = progress or (lambda _p: None)
    data, previous = figures["data"], figures.get("previous")
    files: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "json":
            files[fmt] = render_json(data=data, notes=notes)
        elif fmt == "xlsx":
            files[fmt] = render_xlsx(data=data, previous=previous, notes=notes)
        elif fmt == "pdf":
            files[fmt] = render_pdf(data=data, previous=previous, notes=notes)
        step(min(99, 80 + int(20 * len(files) / len(formats))))
    return files


def report_render(*, house: House, period: Period, formats: list[str] | tuple[str, ...],
                  suppress_below: int | None = None, progress=None) -> dict[str, bytes]:
    """The report's files as bytes, by format. The PDF and XLSX carry the same period a year before."""
    step = progress or (lambda _p: None)
    figures = report_figures(house=house, period=period, formats=formats, suppress_below=suppress_below,
                             progress=step)
    return report_files(figures=figures, formats=formats, progress=step)

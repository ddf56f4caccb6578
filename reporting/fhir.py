"""The reporting app's FHIR R4 resource: MeasureReport, the key figures of an approved report.

Only approved runs (frozen, suppressed) are published, to those who may see them on the report pages
(reporting.access.runs_visible); a figure hidden as "<5" or "–" has no measureScore, only its text, so FHIR
gives away nothing the PDF does not."""

from __future__ import annotations

from django.db.models import QuerySet

from psykiatrihus.fhir import FhirQuery, FhirType, instant, period, register_fhir_type, visible_union
from psykiatrihus.scoping import Access
from reporting.access import runs_visible
from reporting.models import ReportRun

MEASURE = "urn:psykiatrihus:measure:key-figures"
FIGURE_SYSTEM = "urn:psykiatrihus:key-figure"
SECTOR_DISPLAY = {"kommune": "Kommune", "region": "Region"}
# Without a key-figures table in the run, these figures of the stay and occupancy tables stand in.
FALLBACK = {"stays": ("stays", "unique_citizens", "nights"), "occupancy": ("occupancy",)}


def _runs(query: FhirQuery) -> QuerySet:
    return visible_union(ReportRun, [runs_visible(a).filter(approved_at__isnull=False)
                                     for a in query.accesses.values() if a.sees_reports]).select_related("house")


def _figures(tables: dict) -> list[tuple[str, str, object]]:
    """(sector, figure, value) of the run's key figures."""
    result = []
    key_figures = tables.get("key_figures")
    if isinstance(key_figures, dict):
        for sector, figures in key_figures.items():
            if isinstance(figures, dict):
                for name, value in figures.items():
                    result.append((sector, name, value.get("value") if isinstance(value, dict) else value))
        return result
    for table, names in FALLBACK.items():
        for sector, figures in (tables.get(table) or {}).items():
            if isinstance(figures, dict):
                result.extend((sector, name, figures.get(name)) for name in names if name in figures)
    return result


def _group(sector: str, name: str, value) -> dict:
    group = {"code": {"coding": [{"system": FIGURE_SYSTEM, "code": f"{sector}.{name}"}],
                      "text": f"{name} ({SECTOR_DISPLAY.get(sector, sector)})"}}
    if isinstance(value, bool) or value is None:
        return group
    if isinstance(value, (int, float)):
        group["measureScore"] = {"value": value}
    else:  # suppressed ("<5", "–") or a label: the text only
        group["code"]["text"] += f": {value}"
    return group


def _measure_report(run: ReportRun, access: Access) -> dict:
    data = (run.figures_data or {}).get("data") or {}
    groups = [_group(sector, name, value) for sector, name, value in _figures(data.get("tables") or {})]
    return {
        "resourceType": "MeasureReport", "id": str(run.pk), "status": "complete", "type": "summary",
        "measure": MEASURE, "date": instant(run.approved_at), "period": period(run.period_start, run.period_end),
        "reporter": {"display": run.house.name},
        "identifier": [{"system": "urn:psykiatrihus:report", "value": f"{run.house.slug}/{run.period_label}"
                                                                        f"/v{run.version}"}],
        "group": groups or None,
    }


def register() -> None:
    register_fhir_type(FhirType(
        name="MeasureReport", model_path="fhir.resources.R4B.measurereport.MeasureReport", queryset=_runs,
        resource=_measure_report, date_field="period_start", patient_field=None, citizen_attr=None,
        citizen_level=False,
        description="Nøgletal i godkendte rapporter (styregruppen og ledere); små tal skjult som i rapporten.",
    ))

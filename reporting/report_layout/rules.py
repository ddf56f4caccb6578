"""The house's rules in the period as tables, one per sector, a column per version."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from psykiatrihus.models import AdmissionRoute, FrameExtension, PostStayFollowUp
from reporting.report_layout.cells import sector_label


@dataclass
class RuleTable:
    """The rules of one sector in the period: one column per version, changed cells marked."""

    sector: str
    label: str
    bed_set: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # [label, (text, changed), (text, changed), ...]
    changes: list[str] = field(default_factory=list)  # one sentence per change inside the period


def _date(value: str) -> str:
    day = datetime.date.fromisoformat(value)
    return f"{day.day}.{day.month}.{day.year}"


def _version_heading(version: dict) -> str:
    start, until = version["valid_from"], version["until"]
    if start and until:
        return _("%(start)s–%(until)s") % {"start": _date(start), "until": _date(until)}
    if start:
        return _("Fra %(start)s") % {"start": _date(start)}
    if until:
        return _("Standardregler til %(until)s") % {"until": _date(until)}
    return _("Standardregler")


def _rule_names() -> dict[str, str]:
    return {
        "admission_routes": _("Adgang"),
        "stay_frame_nights": _("Opholdsramme"),
        "extension_by": _("Længere ophold besluttes af"),
        "max_nights_per_month": _("Højst nætter pr. måned"),
        "followup_interval_months": _("Opfølgning på kontrakt"),
        "stays_have_goals": _("Individuelle mål for opholdet"),
        "post_stay_followup": _("Opfølgning efter opholdet"),
    }


def _rule_text(key: str, version: dict) -> str:
    value = version[key]
    if key == "admission_routes":
        return ", ".join(str(AdmissionRoute(r).label) for r in value)
    if key == "stay_frame_nights":
        return _("%(n)s nætter") % {"n": value} if value != 1 else _("1 nat")
    if key == "extension_by":
        return str(FrameExtension(value).label)
    if key == "max_nights_per_month":
        return _("ingen grænse") if value is None else str(value)
    if key == "followup_interval_months":
        return _("hver %(n)s. måned") % {"n": value} if value != 1 else _("hver måned")
    if key == "stays_have_goals":
        return _("ja") if value else _("nej")
    if key == "post_stay_followup":
        if value == PostStayFollowUp.NONE:
            return _("nej")
        return _("%(kind)s, %(n)s dage efter afrejse") % {"kind": PostStayFollowUp(value).label,
                                                          "n": version["post_stay_followup_days"]}
    return str(value)


def rules_tables(*, rules: dict) -> list[RuleTable]:
    """The report's "Husets regler i perioden", one table per sector (from `report_data()["rules"]`)."""
    names = _rule_names()
    tables = []
    for sector in ("kommune", "region"):
        part = rules.get(sector)
        if not part:
            continue
        versions = part["versions"]
        beds = part["bed_set"]
        bed_set = _("%(n)s senge") % {"n": beds["beds"]} if beds["beds"] != 1 else _("1 seng")
        if beds["faerdigbehandling_beds"]:
            bed_set += _(" (heraf %(n)s kan være færdigbehandlingspladser)") % {"n": beds["faerdigbehandling_beds"]}
        table = RuleTable(sector=sector, label=sector_label(sector), bed_set=bed_set,
                          columns=[""] + [_version_heading(v) for v in versions])
        for key, name in names.items():
            table.rows.append([name, *[(_rule_text(key, v), key in v["changed"]) for v in versions]])
        for before, version in zip(versions, versions[1:], strict=False):
            for key in version["changed"]:
                table.changes.append(_("Fra %(date)s: %(rule)s ændret fra %(old)s til %(new)s.") % {
                    "date": _date(version["valid_from"]), "rule": names[key].lower(),
                    "old": _rule_text(key, before), "new": _rule_text(key, version)})
        tables.append(table)
    return tables


def rule_names() -> dict[str, str]:
    """The rules' Danish names, as the report's "Husets regler i perioden" writes them."""
    return _rule_names()


def rule_text(key: str, version: dict) -> str:
    """One rule of a version of the rules (`report_data()["rules"][sector]["versions"][i]`), as the report
    writes it."""
    return _rule_text(key, version)

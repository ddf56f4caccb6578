"""Labels, the Block a table is read as, and how a figure is written (Danish numbers, hidden and structural marks)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from activities.selectors import Offer  # the choice labels, through the owner's selectors
from beds.aggregates import stay_choice_labels
from contracts.aggregates import contract_choice_labels, municipal_services_labels
from contracts.questionnaire_selectors import instrument_names
from reporting.tables import TABLES

HIDDEN = "–"  # a figure hidden because a small number could be recovered from it


def sector_label(sector: str) -> str:
    return {"kommune": _("Kommune"), "region": _("Region")}.get(sector, sector)


def table_meta() -> dict[str, tuple[str, str, str]]:
    """key → (title, explanation, definition footnote), from the table registry. Table numbers refer to the
    2022 evaluation."""
    return {key: (str(t.title), str(t.explanation), str(t.footnote)) for key, t in TABLES.items()}


def section_titles() -> dict[str, str]:
    """The titles of the sections a leader comments on (the report as a whole, the rules, each table)."""
    titles = {key: meta[0] for key, meta in table_meta().items()}
    return {"summary": _("Rapporten som helhed"), "key_figures": _("Nøgletal"), "trends": _("Udvikling"),
            "rules": _("Husets regler i perioden"), **titles}


def sheet_names() -> dict[str, str]:
    """Short sheet names for the XLSX (at most 31 characters), from the table registry."""
    return {key: str(t.sheet) for key, t in TABLES.items()}


def row_labels() -> dict[str, str]:
    labels: dict[str, str] = {
        "stays": _("Ophold"),
        "unique_citizens": _("Unikke borgere"),
        "nights": _("Nætter"),
        "stays_per_citizen": _("Ophold pr. borger"),
        "nights_per_stay": _("Nætter pr. ophold"),
        "max_stays_one_citizen": _("Flest ophold for én borger"),
        "max_nights_one_citizen": _("Flest nætter for én borger"),
        "citizens_by_stays": _("Borgere med"),
        "stays_by_nights": _("Ophold på"),
        "1-2": _("1–2 ophold"), "3-9": _("3–9 ophold"), "10+": _("10+ ophold"),
        "0-1": _("0–1 nat"), "2": _("2 nætter"), "3": _("3 nætter"), "4": _("4 nætter"), "5+": _("5+ nætter"),
        "bed_nights_available": _("Tilgængelige sengenætter"),
        "bed_nights_occupied": _("Belagte sengenætter"),
        "percent": _("Belægning (%)"),
        "hours_available": _("Tilgængelige sengetimer"),
        "hours_occupied": _("Belagte sengetimer"),
        "hours_percent": _("Belægning i timer (%)"),
        "new": _("Nye kontrakter"),
        "active_at_start": _("Aktive ved periodens start"),
        "active_at_end": _("Aktive ved periodens slutning"),
        "ended": _("Afsluttede"),
        "active": _("Aktive (har brugt en plads)"),
        "inactive": _("Ikke aktive"),
        "total": _("I alt"),
        "under_20": _("Under 20 år"), "20-29": _("20–29 år"), "30-39": _("30–39 år"), "40-49": _("40–49 år"),
        "50-59": _("50–59 år"), "60-69": _("60–69 år"), "70+": _("70+ år"),
        "F": _("kvinder"), "M": _("mænd"),
        "diagnosis": _("Diagnose"),
        "comorbidity": _("Med psykiatrisk komorbiditet"),
        "unknown": _("Ukendt"),
        "requests": _("Henvendelser"),
        "booked": _("Førte til ophold"),
        "turned_away": _("Afvist"),
        "citizens": _("Borgere"),
        "outcomes": _("Udfald"),
        "turned_away_reasons": _("Afvist, årsag"),
        "withdrawn": _("Trukket tilbage"),
        "pending": _("Afventer"),
        "stays_with_request": _("heraf booket fra en henvendelse"),
        # did the house keep its rules (tables.compliance)
        "stays_by_frame": _("Ophold"), "within_frame": _("Inden for rammen"),
        "beyond_with_decision": _("Ud over rammen, med beslutning"),
        "beyond_without_decision": _("Ud over rammen, uden beslutning"),
        "stays_beyond_frame": _("Ophold ud over rammen i alt"),
        "nights_per_month_over_limit": _("Borger-måneder over grænsen for nætter"),
        "with_decision": _("Med beslutning"), "without_decision": _("Uden beslutning"),
        "faerdigbehandling_beyond_6_months": _("Færdigbehandling ud over 6 måneder"),
        "contracts_in_force_at_end": _("Kontrakter i kraft ved periodens slutning"),
        "followups_overdue_at_end": _("heraf med opfølgning over tid"),
        "aftercare_overdue_at_end": _("Opfølgninger efter ophold over tid ved periodens slutning"),
        "requests_answered": _("Henvendelser"), "same_day": _("Besvaret samme dag"),
        "later": _("Besvaret senere eller endnu ikke"),
        "answer_time_unknown": _("Svartidspunkt ikke registreret"),
        # activity tables (from activities.selectors)
        "by_year": "", "by_semester": "", "by_cohort": "", "by_date": "", "by_month": "", "by_offer": "",
        "totals": _("I alt"), "at_end": _("Ved periodens slutning"),
        "meetings": _("Netværksmøder"), "cross_sector": _("Med begge sektorer"),
        "months_reported": _("Måneder indberettet"), "days_reported": _("Dage indberettet"),
        "users": _("Brugere i alt"), "contract_holders": _("Borgere med kontrakt"),
        "citizens_in_both_sectors": _("Med ophold i begge sektorer"),
        "sleep": _("Søvnforløb"), "creative": _("Kreativt værksted"), "walk": _("Fælles gåtur"),
        "nada": _("NADA-café"), "recovery_school": _("Recoveryskole"), "social_health": _("Social Sundhed"),
        "contacts": _("Kontakter"), "contacts_per_citizen": _("Kontakter pr. borger"),
        "courses": _("Kurser"), "enrolled": _("Tilmeldte"), "attended": _("Fremmødte"),
        "courses_without_attendance": _("Kurser uden indberettet fremmøde"),
        "participants": _("Deltagere"), "completed": _("Uddannede"), "employed": _("I arbejde"),
        "other_education": _("Under anden uddannelse"), "in_practice": _("I/afventer praktik"),
        "in_person": _("Personligt fremmøde"), "phone": _("Telefonisk"), "per_day": _("Pr. dag"),
        "employees": _("Medarbejdere"), "fte": _("Årsværk"),
        "peers": _("Peer-medarbejdere"), "weekly_hours": _("Timer pr. uge"), "conversations": _("Peer-samtaler"),
        "kommune": _("Kommune"), "region": _("Region"), "trends": _("Udvikling"),
        # waiting list, goals and post-stay follow-up (issue 11)
        "placed": _("Fik seng fra ventelisten"), "median_days": _("Ventetid, median (dage)"),
        "mean_days": _("Ventetid, gennemsnit (dage)"), "waiting_at_end": _("Ventede ved periodens slutning"),
        "stays_ended_with_goals": _("Afsluttede ophold med mål"), "goals": _("Mål"),
        "achieved": _("Nået"), "partly": _("Delvist nået"), "not_achieved": _("Ikke nået"),
        "not_evaluated": _("Ikke evalueret"),
        "followups": _("Opfølgninger"), "done": _("Gennemført"), "not_reached": _("Ikke truffet"),
        "cancelled": _("Aflyst"), "open": _("Endnu ikke registreret"),
        # admissions before and after the contract (the mirror image)
        "with_admission_before": _("Indlagte borgere før"),
        "with_admission_after": _("Indlagte borgere efter"),
        "admissions_before": _("Indlæggelser før"), "admissions_after": _("Indlæggelser efter"),
        "bed_days_before": _("Sengedage før"), "bed_days_after": _("Sengedage efter"),
        "median_bed_days_before": _("Median sengedage før"),
        "median_bed_days_after": _("Median sengedage efter"),
        "not_yet_observable": _("Endnu ikke observerbare"),
        "house_nights_after": _("Nætter i huset efter"),
        # outcome questionnaires
        "citizens_two_scores": _("Borgere med mindst to scorer"), "mean_first": _("Første score, gennemsnit"),
        "mean_latest": _("Seneste score, gennemsnit"), "improved": _("Mærkbart bedre"),
        "worsened": _("Mærkbart dårligere"), "ors_at_stay_start": _("ORS ved opholdets start"),
        "stays_with_ors": _("Ophold med ORS"), "mean_ors": _("ORS, gennemsnit"),
    }
    # in this order: a value two choices share ("other") takes the label of the later one
    labels.update(contract_choice_labels())
    labels.update(stay_choice_labels())
    labels.update({c.value: str(c.label) for c in Offer})
    labels.update(municipal_services_labels())
    labels.update(instrument_names())
    labels["none"] = _("Ingen af delene")
    labels["unknown"] = _("Ukendt")
    return labels


@dataclass
class Block:
    """One table as people read it."""

    key: str
    title: str
    explanation: str
    footnote: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # [label, value, value, ...]; a value is int/float/str/None
    # For each value column, the column of the same sector a year before (the comparison).
    comparison: str = ""
    text_rows: list[list[str]] = field(default_factory=list)  # the rows formatted for reading
    chart: str = ""  # a data: URI with an SVG chart, if the table has one
    comment: str = ""  # the leader's comment on this section (approved reports)
    warnings: list[str] = field(default_factory=list)  # what the reader must know before using the figures
    series: bool = False  # an activity table: periods across, so no "year before" shading of columns
    wide: bool = False  # many columns: a smaller type in the PDF


# Descriptive leaves of the activity tables (not figures) and per-person detail kept out of the report.
TEXT_KEYS = frozenset({"label", "sector", "through", "on_date", "term", "online", "year", "by_peer"})


NA = ""  # the figure does not exist for that column (e.g. a year outside the period)


def flatten_figures(value, path=()) -> list[tuple[tuple, object]]:
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            if k in TEXT_KEYS:
                continue
            out.extend(flatten_figures(v, (*path, k)))
        return out
    return [(path, value)]


def row_label(path: tuple, labels: dict[str, str]) -> str:
    parts = [labels.get(str(p), term_text(str(p))) for p in path if p != "counts"]
    parts = [p for p in parts if p]
    if path and path[0] in ("citizens_by_stays", "stays_by_nights"):
        return " ".join(parts)
    return " · ".join(parts)


def term_text(key: str) -> str:
    """"2021-spring-online" → "forår 2021 (online)"; other keys unchanged."""
    for suffix, text in (("-spring", _("forår")), ("-autumn", _("efterår"))):
        if suffix in key:
            year, _sep, rest = key.partition(suffix)
            return f"{text.capitalize()} {year}" + (" (online)" if "online" in rest else "")
    return key


def value_at(value, path: tuple):
    for p in path:
        if not isinstance(value, dict):
            return None
        value = value.get(p)
    return value


MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december")


STRUCTURAL = "·"  # the figure cannot exist for that column (not a zero): explained in the footnote


def danish_day(day: str | datetime.date) -> str:
    value = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{value.day}.{value.month}.{value.year}"


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def number(value, decimals: int = 1) -> str:
    """Danish number format: 1.234 and 2,5; hidden figures as a dash; whole floats (hours) without ",0"."""
    if value is None:
        return HIDDEN
    if value == NA or value == STRUCTURAL:
        return value
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 100:
            return f"{int(value):,}".replace(",", ".")
        text = f"{value:,.{decimals}f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return str(value)


def cell_text(cell: dict, *, with_share: bool = True) -> str:
    text = number(cell["value"])
    if with_share and cell.get("share") is not None:
        text += f" ({number(cell['share'])} %)"
    return text

"""How the report's tables are laid out for people (PDF and XLSX): Danish titles, one line of explanation,
definitions, row labels, and the comparison with the same period a year before.

The figures come already suppressed from `reporting.selectors.report_data`; nothing here computes them.
Titles, explanations, footnotes and sheet names are declared with each table in `reporting.tables`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from activities.selectors import Offer  # the choice labels, through the owner's selectors
from beds.aggregates import stay_choice_labels
from contracts.aggregates import contract_choice_labels, municipal_services_labels
from contracts.questionnaire_selectors import instrument_names
from psykiatrihus.models import AdmissionRoute, FrameExtension, PostStayFollowUp
from reporting.key_figures import not_applicable
from reporting.tables import TABLES

HIDDEN = "–"  # a figure hidden because a small number could be recovered from it


def _sector_label(sector: str) -> str:
    return {"kommune": _("Kommune"), "region": _("Region")}.get(sector, sector)


def _table_meta() -> dict[str, tuple[str, str, str]]:
    """key → (title, explanation, definition footnote), from the table registry. Table numbers refer to the
    2022 evaluation."""
    return {key: (str(t.title), str(t.explanation), str(t.footnote)) for key, t in TABLES.items()}


def section_titles() -> dict[str, str]:
    """The titles of the sections a leader comments on (the report as a whole, the rules, each table)."""
    titles = {key: meta[0] for key, meta in _table_meta().items()}
    return {"summary": _("Rapporten som helhed"), "key_figures": _("Nøgletal"), "trends": _("Udvikling"),
            "rules": _("Husets regler i perioden"), **titles}


def sheet_names() -> dict[str, str]:
    """Short sheet names for the XLSX (at most 31 characters), from the table registry."""
    return {key: str(t.sheet) for key, t in TABLES.items()}


def _labels() -> dict[str, str]:
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


def _flatten(value, path=()) -> list[tuple[tuple, object]]:
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            if k in TEXT_KEYS:
                continue
            out.extend(_flatten(v, (*path, k)))
        return out
    return [(path, value)]


def _row_label(path: tuple, labels: dict[str, str]) -> str:
    parts = [labels.get(str(p), _term(str(p))) for p in path if p != "counts"]
    parts = [p for p in parts if p]
    if path and path[0] in ("citizens_by_stays", "stays_by_nights"):
        return " ".join(parts)
    return " · ".join(parts)


def _term(key: str) -> str:
    """"2021-spring-online" → "forår 2021 (online)"; other keys unchanged."""
    for suffix, text in (("-spring", _("forår")), ("-autumn", _("efterår"))):
        if suffix in key:
            year, _sep, rest = key.partition(suffix)
            return f"{text.capitalize()} {year}" + (" (online)" if "online" in rest else "")
    return key


def _share(path: tuple, section: dict) -> float | None:
    """The cell's share of its partition total, when both are shown."""
    stay_totals = {"citizens_by_stays": "unique_citizens", "stays_by_nights": "stays"}
    cell = _get(section, path)
    if not isinstance(cell, int) or isinstance(cell, bool):
        return None
    if len(path) == 2 and path[0] in stay_totals:
        total = section.get(stay_totals[path[0]])
    elif "counts" in path:
        parent = _get(section, path[: path.index("counts")])
        total = parent.get("total") if isinstance(parent, dict) else None
    else:
        return None
    if not isinstance(total, int) or total <= 0:
        return None
    return 100.0 * cell / total


def _get(value, path: tuple):
    for p in path:
        if not isinstance(value, dict):
            return None
        value = value.get(p)
    return value


def _value(section, path: tuple):
    """A figure of the section; a category a partition does not list is 0; anything else absent is NA."""
    if section is None:
        return NA
    value = section
    for i, p in enumerate(path):
        if not isinstance(value, dict):
            return NA
        if p not in value:
            return 0 if i > 0 and path[i - 1] == "counts" else NA
        value = value[p]
    return value


def _ordered(paths: list[tuple], *, sort_counts: bool = False) -> list[tuple]:
    """Rows in first-seen order (sorted if asked), each partition's total after all of its cells."""
    cells = [p for p in paths if p[-1] != "total"]
    if sort_counts:
        cells.sort()
    for total in (p for p in paths if p[-1] == "total"):
        prefix = total[:-1]
        last = max((i for i, p in enumerate(cells) if p[: len(prefix)] == prefix), default=len(cells) - 1)
        cells.insert(last + 1, total)
    return cells


MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december")


def _months_aligned(table: dict, previous: dict | None) -> tuple[dict, dict | None]:
    """Stays per month keyed by month name, so a month sits beside the same month a year before."""
    def rekey(source: dict, names: list[str]) -> dict:
        out = {}
        for sector, part in source.items():
            values = list(part["counts"].values())
            out[sector] = {**part, "counts": dict(zip(names, values, strict=False))}
        return out

    months = next(iter(table.values()))["counts"].keys() if table else []
    several_years = len({m[:4] for m in months}) > 1
    names = [f"{MONTH_NAMES[int(m[5:7]) - 1]} {m[:4]}" if several_years else MONTH_NAMES[int(m[5:7]) - 1]
             for m in months]
    return rekey(table, names), (rekey(previous, names) if previous else previous)


def report_blocks(*, data: dict, previous: dict | None) -> list[Block]:
    """Blocks for every table in `data["tables"]`, each value beside the same period a year before."""
    meta = _table_meta()
    labels = _labels()
    this_label = data["period"]["label"]
    prev_label = previous["period"]["label"] if previous else ""
    quality = data["tables"].get("data_quality") or {}
    blocks = []
    for key, table in data["tables"].items():
        if not isinstance(table, dict) or key in OWN_PLACE:
            continue
        title, explanation, footnote = meta.get(key, (labels.get(key, key.replace("_", " ").capitalize()), "", ""))
        prev_table = (previous or {}).get("tables", {}).get(key, {}) if previous else {}
        series = next((k for k in SERIES_KEYS if isinstance(table.get(k), dict)), None)
        if series is not None:
            block = _series_block(key=key, table=table, prev_table=prev_table or {}, series=series,
                                  data=data, previous=previous, meta=(title, explanation, footnote),
                                  labels=labels)
            block.warnings = data_quality_warnings(key, quality)
            blocks.append(block)
            continue
        if key == "stays_per_month":
            table, prev_table = _months_aligned(table, prev_table)
        sectors = [s for s in ("kommune", "region") if s in table] or [None]
        columns = [""]
        for sector in sectors:
            name = _sector_label(sector) if sector else ""
            columns.append(f"{name} {this_label}".strip())
            if previous:
                columns.append(f"{name} {prev_label}".strip())
        paths: list[tuple] = []
        for sector in sectors:
            for source in (table, prev_table):
                section = source.get(sector) if sector else source
                for path, _v in _flatten(section or {}):
                    if path not in paths:
                        paths.append(path)
        paths = _ordered(paths, sort_counts=key == "contracts_by_quarter_granted")
        block = Block(key=key, title=title, explanation=explanation, footnote=footnote, columns=columns)
        for path in paths:
            row: list = [_row_label(path, labels)]
            for sector in sectors:
                section = table.get(sector) if sector else table
                row.append({"value": _value(section, path), "share": _share(path, section or {})})
                if previous:
                    prev_section = prev_table.get(sector) if sector else prev_table
                    value = _value(prev_section, path)
                    if _after(path, previous["period"]["end"]):
                        value = STRUCTURAL  # granted after that period: not a zero, it could not exist
                    row.append({"value": value, "share": _share(path, prev_section or {})})
            block.rows.append(row)
        block.warnings = data_quality_warnings(key, quality)
        blocks.append(block)
    return blocks


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Tables the report shows in a place of their own: the Nøgletal page, and data quality as warnings beside the
# tables it concerns (and a sheet of its own in the XLSX).
OWN_PLACE = frozenset({"key_figures", "data_quality", "trends"})
UNKNOWN_WARN_PERCENT = 10  # an unknown share from this and up is worth a word beside the table


def _unknown_texts() -> dict[str, str]:
    return {
        "referral_sources": _("Henvisningsvej ukendt for %(n)s af %(of)s (%(p)s %%)"),
        "diagnoses": _("Diagnose ukendt for %(n)s af %(of)s (%(p)s %%)"),
        "treatment_responsibility": _("Behandlingsansvar ukendt for %(n)s af %(of)s (%(p)s %%)"),
        "municipal_services": _("Kommunale tilbud ukendt for %(n)s af %(of)s (%(p)s %%)"),
    }


def data_quality_warnings(key: str, quality: dict) -> list[str]:
    """Short Danish warnings beside table `key`, from the published data-quality figures (a share only where
    both its counts are printed, so a warning never shows what the tables hide)."""
    warnings: list[str] = []
    sectors = [s for s in ("kommune", "region") if isinstance(quality.get(s), dict)]
    texts = _unknown_texts()
    for sector in sectors:
        section = quality[sector]
        prefix = _sector_label(sector) + ": "
        entry = (section.get("unknown") or {}).get(key)
        if key in texts and isinstance(entry, dict) and _number(entry.get("percent")) \
                and entry["percent"] >= UNKNOWN_WARN_PERCENT:
            warnings.append(prefix + texts[key] % {"n": number(entry["unknown"]), "of": number(entry["of"]),
                                                   "p": number(round(entry["percent"]))})
        entry = section.get("stays_without_request")
        if key == "requests" and isinstance(entry, dict) and _count(entry.get("without_request")):
            share = f" ({number(round(entry['percent']))} %)" if _number(entry.get("percent")) else ""
            warnings.append(prefix + _("%(n)s af %(stays)s ophold%(share)s er booket uden en registreret "
                                       "henvendelse, så 'Førte til ophold' er for lavt og andelen afviste for "
                                       "høj.") % {"n": number(entry["without_request"]),
                                                 "stays": number(entry["stays"]), "share": share})
    months = ((quality.get("house") or {}).get("months_without_counts") or {}).get(key)
    if isinstance(months, dict) and _count(months.get("missing")):
        warnings.append(_("Intet indberettet for %(n)s af %(months)s måneder; tallene er for lave.") % {
            "n": number(months["missing"]), "months": number(months["months"])})
    return warnings


# --- activity tables: one row per figure, one column per period ------------------------------------------

SERIES_KEYS = ("by_year", "by_semester", "by_cohort", "by_date", "by_month")
STRUCTURAL = "·"  # the figure cannot exist for that column (not a zero): explained in the footnote
MAX_COLUMNS = 8  # a monthly series with its year before would not fit the page: then the period only
WHOLE_YEAR_TABLES = frozenset({"budget"})
# Figures an activity selector gives as None when nothing is reported (attendance of a semester not yet in);
# anywhere else None is a figure hidden by suppression ("–").
NOT_REPORTED_AS_NONE = {"recovery_school": {("attended",)}}  # figures for the whole calendar year whatever the period


def _danish(day: str | datetime.date) -> str:
    value = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{value.day}.{value.month}.{value.year}"


def _series_label(series: str, key: str, entry: dict, *, period: dict, one_year: bool, table_key: str,
                  short: bool = False) -> str:
    if series == "by_year":
        if one_year and table_key not in WHOLE_YEAR_TABLES:
            return period["label"]  # "1. kvartal 2022": the year's figures are those of the period
        return key
    if series == "by_month":
        year, month = key.split("-")
        name = MONTH_NAMES[int(month) - 1]
        return f"{name[:3]}. {year}" if short else f"{name} {year}"
    if series == "by_date":
        return _danish(key)
    return str(entry.get("label") or _term(key))


def _series_figures(entries: list[dict]) -> list[tuple]:
    """The figure paths of a series, in first-seen order (a sector's figures nested: kommune → employees)."""
    paths: list[tuple] = []
    for entry in entries:
        for path, _v in _flatten(entry or {}):
            if path not in paths:
                paths.append(path)
    # A sector not counted on one date (None) is no figure of its own: its figures are rows already.
    return [p for p in paths if not any(len(q) > len(p) and q[:len(p)] == p for q in paths)]


def _series_block(*, key: str, table: dict, prev_table: dict, series: str, data: dict, previous: dict | None,
                  meta: tuple[str, str, str], labels: dict) -> Block:
    """An activity table as the evaluation lays it out: figures down, periods across (the year before first),
    Danish dates and month names, and the period's total where the period holds several of them."""
    title, explanation, footnote = meta
    period = data["period"]
    one_year = period["start"][:4] == period["end"][:4]
    current = list(table[series].items())
    before = list((prev_table.get(series) or {}).items()) if previous else []
    if len(current) + len(before) > MAX_COLUMNS:
        before = []
    prev_period = previous["period"] if previous else period
    short = len(current) + len(before) > 6
    columns_data = [(
        _series_label(series, k, e, period=prev_period, one_year=prev_period["start"][:4] == prev_period["end"][:4],
                      table_key=key, short=short), e, True) for k, e in before if k not in dict(current)]
    columns_data += [(_series_label(series, k, e, period=period, one_year=one_year, table_key=key, short=short), e,
                      False) for k, e in current]
    paths = _series_figures([e for _label, e, _prev in columns_data])
    totals = table.get("totals") if isinstance(table.get("totals"), dict) else table
    with_total = len(current) > 1 and any(_get(totals, p) is not None and not isinstance(_get(totals, p), dict)
                                          for p in paths)
    at_end = table.get("at_end") if isinstance(table.get("at_end"), dict) else None
    columns = [""] + [label for label, _e, _p in columns_data]
    if with_total:
        columns.append(_("I alt %(period)s") % {"period": period["label"]})
    notes = [footnote] if footnote else []
    end_dates = sorted({v["on_date"] for v in (at_end or {}).values() if isinstance(v, dict) and v.get("on_date")})
    if at_end is not None:
        columns.append(_("Ved periodens slutning"))
        if end_dates:
            notes.append(_("Ved periodens slutning: optællingen %(dates)s (den første dag efter perioden, ellers "
                           "den seneste før dens slutning).") % {"dates": ", ".join(_danish(d) for d in end_dates)})
    if series in ("by_semester", "by_cohort") and not _semester_aligned(period):
        notes.append(_("Opgjort pr. semester: kolonnen viser hele semestret (forår = januar–juni, efterår = "
                       "juli–december), også den del, der ligger uden for perioden; den kan ikke sammenlignes "
                       "direkte med perioder af en anden længde."))
    if key in WHOLE_YEAR_TABLES and not (period["start"][5:] == "01-01" and period["end"][5:] == "12-31"):
        notes.append(_("Budgettet gælder hele året, også når rapporten dækker en kortere periode."))
    if not current:
        notes.append(_("Intet indberettet i perioden."))
    block = Block(key=key, title=title, explanation=explanation, footnote=" ".join(notes), columns=columns,
                  series=True, wide=len(columns) > 8)
    for path in paths:
        row: list = [_row_label(path, labels)]
        for _label, entry, _prev in columns_data:
            value = _get(entry, path)
            if value is None and key in NOT_REPORTED_AS_NONE and path in NOT_REPORTED_AS_NONE[key]:
                value = STRUCTURAL  # nothing reported yet, which is not a hidden figure
            row.append({"value": value if value is not None or _has_path(entry, path) else STRUCTURAL,
                        "share": None})
        if with_total:
            value = _get(totals, path)
            row.append({"value": value if not isinstance(value, dict) and (value is not None or
                                                                             _has_path(totals, path)) else NA,
                        "share": None})
        if at_end is not None:
            row.append({"value": _at_end_value(at_end, path), "share": None})
        block.rows.append(row)
    return block


def _after(path: tuple, end: str) -> bool:
    """Whether a row "2021 K1" (a quarter of grant) begins after the period ending on `end`."""
    last = str(path[-1]) if path else ""
    if len(last) != 7 or last[4:6] != " K" or not last[:4].isdigit() or last[6] not in "1234":
        return False
    first_month = 3 * (int(last[6]) - 1) + 1
    return f"{last[:4]}-{first_month:02d}-01" > end


def _has_path(value, path: tuple) -> bool:
    for p in path:
        if not isinstance(value, dict) or p not in value:
            return False
        value = value[p]
    return True


def _at_end_value(at_end: dict, path: tuple):
    """Staff at the period's end for a row "Kommune · Medarbejdere"; the total only where both sectors counted."""
    if len(path) != 2:
        return NA
    sector, figure = path
    if sector == "total":
        parts = [at_end.get(s) for s in ("kommune", "region")]
        values = [p.get(figure) for p in parts if isinstance(p, dict)]
        if len(values) == 2 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return round(sum(values), 2) if any(isinstance(v, float) for v in values) else sum(values)
        return NA
    entry = at_end.get(sector)
    return entry.get(figure, NA) if isinstance(entry, dict) else STRUCTURAL


def _semester_aligned(period: dict) -> bool:
    return period["start"][5:] in ("01-01", "07-01") and period["end"][5:] in ("06-30", "12-31")


def _key_figure_names() -> dict[str, str]:
    return {
        "stays": _("Ophold"), "unique_citizens": _("Unikke borgere"), "nights": _("Nætter"),
        "occupancy_percent": _("Belægning (%)"), "contracts_in_force": _("Kontrakter i kraft ved periodens slutning"),
        "new_contracts": _("Nye kontrakter"), "turned_away_percent": _("Afviste henvendelser (%)"),
        "followups_overdue": _("Opfølgninger over tid ved periodens slutning"),
    }


@dataclass
class KeyFigures:
    """The Nøgletal page: per sector a column for the period, the year before and the change."""

    columns: list[str]
    rows: list[list[str]]


def key_figures_table(*, data: dict, previous: dict | None) -> KeyFigures | None:
    figures = (data.get("tables") or {}).get("key_figures")
    if not figures:
        return None
    names = _key_figure_names()
    this_label = data["period"]["label"]
    prev_label = previous["period"]["label"] if previous else _("året før")
    sectors = [s for s in ("kommune", "region") if s in figures]
    columns = [""]
    for sector in sectors:
        columns += [f"{_sector_label(sector)} {this_label}", prev_label, _("Ændring")]
    keys = [k for k in names if any(k in figures[s] for s in sectors)]
    tables, before = data.get("tables") or {}, (previous or {}).get("tables") or {}
    rows = []
    for key in keys:
        row = [names[key]]
        for sector in sectors:
            cell = figures[sector].get(key)
            if cell is None:
                row += [STRUCTURAL, STRUCTURAL, ""]
                continue
            # "·" where the figure cannot exist (a share of nothing, no table that year), "–" only where hidden
            value = STRUCTURAL if not_applicable(tables=tables, key=key, sector=sector) else cell["value"]
            prior = "" if not previous else STRUCTURAL if not_applicable(tables=before, key=key, sector=sector) \
                else number(cell["previous"])
            change = cell["change"] if value != STRUCTURAL and prior != STRUCTURAL else None
            sign = "+" if _number(change) and change > 0 else ""
            row += [number(value), prior, f"{sign}{number(change)}" if change is not None else ""]
        rows.append(row)
    return KeyFigures(columns=columns, rows=rows)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def changes_lines(changes: list[dict]) -> list[str]:
    """A correction's changed figures, one readable line each: "Ophold · Kommune · Nætter: 120 → 123"."""
    meta, labels = _table_meta(), _labels()
    lines = []
    for change in changes:
        if "more" in change:
            lines.append(_("… og %(n)s ændrede tal mere.") % {"n": change["more"]})
            continue
        title = meta.get(change["table"], (labels.get(change["table"], change["table"]),))[0]
        path = tuple(change["path"])
        label = _row_label(path, labels) if path else ""
        lines.append(f"{title} · {label}: {number(change['old'])} → {number(change['new'])}")
    return lines


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


# --- the house's rules in the period (issue 11) ---------------------------------------------------------


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
        table = RuleTable(sector=sector, label=_sector_label(sector), bed_set=bed_set,
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


# --- data quality (tables.data_quality) ------------------------------------------------------------------


def data_quality_rows(*, data: dict) -> tuple[list[str], list[list]]:
    """The data-quality figures as one table for the XLSX: what, sector, count, of, share (%)."""
    quality = (data.get("tables") or {}).get("data_quality") or {}
    meta = _table_meta()
    columns = [_("Tabel"), _("Sektor"), _("Antal"), _("Af"), _("Andel (%)")]
    rows: list[list] = []
    for sector in ("kommune", "region"):
        section = quality.get(sector) or {}
        for table, entry in (section.get("unknown") or {}).items():
            rows.append([_("%(table)s: ukendt") % {"table": meta.get(table, (table,))[0]}, _sector_label(sector),
                         entry.get("unknown"), entry.get("of"), entry.get("percent")])
        entry = section.get("stays_without_request")
        if isinstance(entry, dict):
            rows.append([_("Ophold booket uden registreret henvendelse"), _sector_label(sector),
                         entry.get("without_request"), entry.get("stays"), entry.get("percent")])
    for table, entry in ((quality.get("house") or {}).get("months_without_counts") or {}).items():
        rows.append([_("%(table)s: måneder uden indberetning") % {"table": meta.get(table, (table,))[0]}, "",
                     entry.get("missing"), entry.get("months"), None if not entry.get("months") else
                     round(100.0 * entry["missing"] / entry["months"], 1)])
    return columns, rows


# --- Udvikling: the key figures over the years (or the last five quarters) -----------------------------------


@dataclass
class TrendTable:
    """The trend page: per sector one table (figures down, periods across, the oldest first), and one chart
    per figure with both sectors."""

    columns: list[str]
    # (sector, sector label, rows (figure key, [label, text, text, ...]))
    sectors: list[tuple[str, str, list[tuple[str, list[str]]]]]
    charts: list[dict] = field(default_factory=list)  # {"key", "title", "categories", "series": {sector: [...]}}
    footnote: str = ""
    wide: bool = False


PERCENT_FIGURES = frozenset({"occupancy_percent", "turned_away_percent"})


def trend_tables(*, data: dict) -> TrendTable | None:
    """The "Udvikling" page from `tables.trends` (None if the report has none). A figure a column has no table
    for is "·" (not a zero); a hidden one "–" or "<N", as everywhere."""
    from reporting.trends import trend_footnote

    trends = (data.get("tables") or {}).get("trends")
    if not trends or not trends.get("periods"):
        return None
    names = _key_figure_names()
    periods = trends["periods"]
    keys = [p["key"] for p in periods]
    columns = ["", *[p["label"] for p in periods]]
    sectors, charts = [], []
    present = [s for s in ("kommune", "region") if isinstance(trends.get(s), dict)]
    for sector in present:
        rows = []
        for name, label in names.items():
            values = trends[sector].get(name)
            if values is None:
                continue
            rows.append((name, [label, *[number(values[k]) if k in values else STRUCTURAL for k in keys]]))
        sectors.append((sector, _sector_label(sector), rows))
    for name, label in names.items():
        series = {s: [trends[s].get(name, {}).get(k) for k in keys] for s in present if name in trends[s]}
        if series:
            charts.append({"key": name, "title": label, "categories": [p["label"] for p in periods],
                           "series": series, "percent": name in PERCENT_FIGURES})
    return TrendTable(columns=columns, sectors=sectors, charts=charts, footnote=trend_footnote(table=trends),
                      wide=len(columns) > 8)


def rule_names() -> dict[str, str]:
    """The rules' Danish names, as the report's "Husets regler i perioden" writes them."""
    return _rule_names()


def rule_text(key: str, version: dict) -> str:
    """One rule of a version of the rules (`report_data()["rules"][sector]["versions"][i]`), as the report
    writes it."""
    return _rule_text(key, version)


def key_figure_names() -> dict[str, str]:
    """The key figures' Danish names, as the Nøgletal page writes them."""
    return _key_figure_names()

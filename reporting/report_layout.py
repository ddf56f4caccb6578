"""How the report's tables are laid out for people (PDF and XLSX): Danish titles, one line of explanation,
definitions, row labels, and the comparison with the same period a year before.

The figures come already suppressed from `reporting.selectors.report_data`; nothing here computes them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from beds.models import FaerdigbehandlingOutcome, TurnAwayReason
from contracts.models import DiagnosisGroup, EndReason, MunicipalServices, ReferralSource, TreatmentResponsibility
from psykiatrihus.models import AdmissionRoute, FrameExtension, PostStayFollowUp

HIDDEN = "–"  # a figure hidden because a small number could be recovered from it


def _sector_label(sector: str) -> str:
    return {"kommune": _("Kommune"), "region": _("Region")}.get(sector, sector)


def _table_meta() -> dict[str, tuple[str, str, str]]:
    """key → (title, explanation, definition footnote). Table numbers refer to the 2022 evaluation."""
    return {
        "stays": (
            _("Ophold i overnatningspladserne (tabel 13, 14, 18 og 19)"),
            _("Antal ophold, unikke borgere og nætter pr. sektor, og fordelingen på antal ophold og længde."),
            _("Et ophold tælles i perioden for ankomstdatoen. Nætter = afrejsedato − ankomstdato (et ophold, der "
              "slutter samme dag, er 0 nætter). Aflyste ophold og udeblivelser tælles ikke; "
              "færdigbehandlingspladser er opgjort for sig."),
        ),
        "occupancy": (
            _("Belægning"),
            _("Belagte sengenætter i forhold til tilgængelige sengenætter, og brug i timer."),
            _("Tilgængelige sengenætter = aktive senge × nætter i perioden minus spærrede nætter. Belægning i "
              "procent = belagte / tilgængelige sengenætter. Timer: tid med en borger i sengen."),
        ),
        "stays_both_sectors": (
            _("Borgere på tværs af sektorerne"),
            _("Unikke borgere med ophold i mindst én af sektorerne, og hvor mange der har haft ophold i begge."),
            _("Kun som samlet tal; ophold med ankomst i perioden."),
        ),
        "stays_per_month": (
            _("Ophold pr. måned"),
            _("Antal ophold pr. ankomstmåned og sektor."),
            _("Et ophold tælles i måneden for ankomstdatoen."),
        ),
        "contracts": (
            _("Brugerstyrede kontrakter (tabel 2)"),
            _("Nye kontrakter i perioden, aktive kontrakter ved periodens slutning og afsluttede kontrakter "
              "med årsag."),
            _("En kontrakt er aktiv fra bevillingsdatoen til og med dagen før afslutningsdatoen."),
        ),
        "contracts_by_quarter_granted": (
            _("Fortsat aktive kontrakter efter bevillingskvartal (tabel 3)"),
            _("Kontrakter, der er aktive ved periodens slutning, fordelt på det kvartal, de blev bevilget."),
            _("K1–K4: kvartal i bevillingsåret."),
        ),
        "holders_activity": (
            _("Aktive og ikke-aktive kontraktholdere (tabel 4)"),
            _("Borgere med kontrakt i perioden, som har brugt en overnatningsplads i sektoren i perioden, "
              "og borgere, som ikke har."),
            _("Aktiv = mindst ét ophold med ankomst i perioden i kontraktens sektor."),
        ),
        "holders_age_gender": (
            _("Alder og køn – kontraktholdere (tabel 5 og 10)"),
            _("Borgere med en aktiv kontrakt ved periodens slutning, efter alder og juridisk køn."),
            _("Alder ved periodens slutning; køn efter CPR-nummeret."),
        ),
        "nights_age_gender": (
            _("Overnatninger efter alder og køn (tabel 15)"),
            _("Nætter i ophold med ankomst i perioden, efter borgerens alder ved ankomst og køn."),
            _("Alder ved ankomst; køn efter CPR-nummeret."),
        ),
        "referral_sources": (
            _("Henvisningsvej (tabel 6 og 7)"),
            _("Hvordan borgere med kontrakt i perioden er kommet ind i huset."),
            _("Borgere med kontrakt på mindst én dag i perioden. 'Ukendt': ikke registreret."),
        ),
        "diagnoses": (
            _("Diagnoser og komorbiditet (tabel 8)"),
            _("Hoveddiagnosegruppe for borgere med regional kontrakt i perioden, og hvor mange der har "
              "psykiatrisk komorbiditet."),
            _("Regionale helbredsoplysninger, kun som samlede tal."),
        ),
        "treatment_responsibility": (
            _("Behandlingsansvar (tabel 9)"),
            _("Hvem der har behandlingsansvaret for borgere med regional kontrakt i perioden."),
            _("Som registreret på kontrakten."),
        ),
        "municipal_services": (
            _("Kommunale tilbud ved siden af (tabel 12)"),
            _("Om borgere med kontrakt i perioden har mestringsvejleder, Åben Fleksibel Rådgivning, begge "
              "eller ingen af delene."),
            _("Som registreret på kontrakten. 'Ukendt': ikke registreret."),
        ),
        "requests": (
            _("Henvendelser og afviste henvendelser"),
            _("Henvendelser om ophold i perioden, hvor mange der førte til ophold, og hvor mange der blev "
              "afvist, med årsag."),
            _("Huset skal kunne imødekomme en henvendelse samme dag; en afvist henvendelse registreres altid."),
        ),
        "open_dialogue": (
            _("Åben Dialog-netværksmøder (tabel 1)"),
            _("Antal netværksmøder i perioden, og hvor mange der havde mødeleder og reflektant fra begge sektorer."),
            _("Som indberettet pr. måned."),
        ),
        "house_offers": (
            _("Husets tilbud brugt af borgere med regional kontrakt (tabel 11)"),
            _("Borgere med regional kontrakt i perioden, som har deltaget i husets tilbud (navngivet fremmøde)."),
            _("En borger tælles én gang pr. tilbud; 'brugere i alt' tæller hver borger én gang."),
        ),
        "home_treatment": (
            _("Hjemmebehandlerteamet (tabel 20)"),
            _("Unikke borgere og kontakter i hjemmebehandlerteamet pr. år."),
            _("Unikke borgere lægges ikke sammen på tværs af år."),
        ),
        "recovery_school": (
            _("Recoveryskolens kurser (tabel 21)"),
            _("Kurser, tilmeldte og fremmødte pr. semester."),
            _("Fremmødte er tomt for et semester, hvor intet kursus har indberettet fremmøde."),
        ),
        "peer_education": (
            _("Peer-uddannelsesforløb (tabel 22)"),
            _("Deltagere og uddannede pr. hold, og hvad de uddannede er gået videre til."),
            _("Hold, hvis semester overlapper perioden."),
        ),
        "socialvagten": (
            _("Socialvagten (tabel 23)"),
            _("Henvendelser ved personligt fremmøde og telefonisk, i alt og pr. dag."),
            _("Pr. dag = henvendelser / dage med indberetning."),
        ),
        "staff": (
            _("Medarbejdere og årsværk (tabel 24)"),
            _("Medarbejdere og årsværk pr. sektor på de optalte datoer."),
            _("Uden vikarer, elever og studerende."),
        ),
        "peer_hours": (
            _("Peer-medarbejdertimer (tabel 25)"),
            _("Peer-medarbejdernes mulige timer i huset pr. uge, pr. måned, og peer-samtaler."),
            _("Ferie og sygdom er ikke fratrukket."),
        ),
        "budget": (
            _("Budget (tabel 26)"),
            _("Budget pr. sektor pr. år i hele kroner."),
            _("Fællesudgifter er fordelt efter samarbejdsaftalen."),
        ),
        "waiting_list": (
            _("Venteliste"),
            _("Visiterede borgere, der fik en seng fra ventelisten i perioden, hvor længe de ventede, og hvor "
              "mange der stadig ventede ved periodens slutning."),
            _("Ventetid = fra borgeren blev skrevet op, til opholdet begyndte, i dage. Tælles i perioden for "
              "ankomsten. Kun sektorer, hvis regler giver adgang ved visitation."),
        ),
        "stay_goals": (
            _("Mål for opholdene"),
            _("Individuelle mål aftalt ved opholdets start og evalueret med borgeren ved slutningen."),
            _("Ophold afsluttet i perioden (afrejsedato i perioden). Kun sektorer, hvis regler giver "
              "opholdene mål."),
        ),
        "aftercare": (
            _("Opfølgning efter ophold"),
            _("Tryghedsbesøg og tryghedsopkald efter opholdet: planlagt, gennemført og ikke truffet."),
            _("Opfølgninger planlagt til en dag i perioden. Kun sektorer, hvis regler har opfølgning efter "
              "opholdet."),
        ),
        "faerdigbehandling": (
            _("Færdigbehandlingspladser (tabel 16 og 17)"),
            _("Nætter på færdigbehandlingspladserne i perioden, antal borgere og udfald af afsluttede forløb."),
            _("Nætter i perioden er den del af forløbet, der ligger i perioden. Udfald for forløb afsluttet "
              "i perioden."),
        ),
    }


def sheet_names() -> dict[str, str]:
    """Short sheet names for the XLSX (at most 31 characters)."""
    return {
        "stays": _("Ophold"), "stays_both_sectors": _("På tværs af sektorer"), "occupancy": _("Belægning"),
        "stays_per_month": _("Ophold pr. måned"),
        "contracts": _("Kontrakter"), "contracts_by_quarter_granted": _("Kontrakter efter kvartal"),
        "holders_activity": _("Aktive kontraktholdere"), "holders_age_gender": _("Alder og køn"),
        "nights_age_gender": _("Nætter efter alder og køn"), "referral_sources": _("Henvisningsvej"),
        "diagnoses": _("Diagnoser"), "treatment_responsibility": _("Behandlingsansvar"),
        "municipal_services": _("Kommunale tilbud"), "requests": _("Henvendelser"),
        "faerdigbehandling": _("Færdigbehandling"), "open_dialogue": _("Åben Dialog"),
        "house_offers": _("Husets tilbud"), "home_treatment": _("Hjemmebehandling"),
        "recovery_school": _("Recoveryskolen"), "peer_education": _("Peer-uddannelse"),
        "socialvagten": _("Socialvagten"), "staff": _("Medarbejdere"), "peer_hours": _("Peer-timer"),
        "budget": _("Budget"),
        "waiting_list": _("Venteliste"), "stay_goals": _("Mål for opholdene"),
        "aftercare": _("Opfølgning efter ophold"),
    }


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
        "kommune": _("Kommune"), "region": _("Region"),
        # waiting list, goals and post-stay follow-up (issue 11)
        "placed": _("Fik seng fra ventelisten"), "median_days": _("Ventetid, median (dage)"),
        "mean_days": _("Ventetid, gennemsnit (dage)"), "waiting_at_end": _("Ventede ved periodens slutning"),
        "stays_ended_with_goals": _("Afsluttede ophold med mål"), "goals": _("Mål"),
        "achieved": _("Nået"), "partly": _("Delvist nået"), "not_achieved": _("Ikke nået"),
        "not_evaluated": _("Ikke evalueret"),
        "followups": _("Opfølgninger"), "done": _("Gennemført"), "not_reached": _("Ikke truffet"),
        "cancelled": _("Aflyst"), "open": _("Endnu ikke registreret"),
    }
    for choices in (ReferralSource, DiagnosisGroup, TreatmentResponsibility, EndReason, TurnAwayReason,
                    FaerdigbehandlingOutcome):
        labels.update({c.value: str(c.label) for c in choices})
    labels.update({c.value: str(c.label) for c in MunicipalServices})
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
    blocks = []
    for key, table in data["tables"].items():
        if not isinstance(table, dict):
            continue
        title, explanation, footnote = meta.get(key, (labels.get(key, key.replace("_", " ").capitalize()), "", ""))
        prev_table = (previous or {}).get("tables", {}).get(key, {}) if previous else {}
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
                    row.append({"value": _value(prev_section, path), "share": _share(path, prev_section or {})})
            block.rows.append(row)
        blocks.append(block)
    return blocks


def number(value, decimals: int = 1) -> str:
    """Danish number format: 1.234 and 2,5; hidden figures as a dash."""
    if value is None:
        return HIDDEN
    if value == NA:
        return NA
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
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

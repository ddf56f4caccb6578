"""Does it work? The mirror-image table (admissions before and after a contract) and the outcome
questionnaires. The figures are computed by the apps owning the citizen-level data (`contracts.aggregates`,
`beds.aggregates`); reporting only asks for them, per sector, and declares how suppression protects them."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beds.aggregates import ors_at_stay_start, stay_nights_in_windows
from contracts.aggregates import (
    MIRROR_KEYS,
    admissions_mirror,
    mirror_cohort_after_windows,
    questionnaire_outcomes,
)
from psykiatrihus.models import House
from reporting.tables.periods import Period
from reporting.tables.querysets import SECTORS
from reporting.tables.registry import Derived, Path, Table, register

MEDIANS = ("median_bed_days_before", "median_bed_days_after")


def table_admissions_mirror(*, house: House, period: Period) -> dict:
    """Per sector, the cohort whose first contract of the sector was granted in the period: psychiatric
    admissions and bed-days in the 365 days before the grant date and the 365 days from it, as of today."""
    today = timezone.localdate()
    return {sector: admissions_mirror(house=house, sector=sector, start=period.start, end=period.end, today=today)
            for sector in SECTORS}


def table_admissions_mirror_house_nights(*, house: House, period: Period) -> dict:
    """Beside the mirror image: the nights the same (observable) cohort used in the house's own beds, either
    sector, in its after-windows."""
    today = timezone.localdate()
    result = {}
    for sector in SECTORS:
        windows = mirror_cohort_after_windows(house=house, sector=sector, start=period.start, end=period.end,
                                              today=today)
        result[sector] = {"house_nights_after": stay_nights_in_windows(house=house, windows=windows)}
    return result


def _mirror_derived(key: str, data: dict) -> Iterator[Derived]:
    for sector in data:
        yield Derived((key, sector, "median_bed_days_before"),
                      ((key, sector, "citizens"), (key, sector, "bed_days_before")))
        yield Derived((key, sector, "median_bed_days_after"),
                      ((key, sector, "citizens"), (key, sector, "bed_days_after")))


def _mirror_flow(path: Path) -> bool:
    # A year's cohort is the union of its quarters' (a first contract is granted once), so every count adds up.
    return path[-1] in MIRROR_KEYS and path[-1] not in MEDIANS


register(Table(
    key="admissions_mirror",
    title=_("Psykiatriske indlæggelser før og efter kontrakten (spejlbillede)"),
    explanation=_("Borgere, hvis første kontrakt i sektoren blev bevilget i perioden: indlæggelser og "
        "sengedage i psykiatrien i de 365 dage før bevillingsdatoen (før) og de 365 dage fra den (efter)."),
    footnote=_("Indlæggelser tælles efter indlæggelsesdato; sengedage er nætterne i vinduet (indlagt dato ≤ nat "
        "< udskrevet dato), en igangværende indlæggelse til vinduets slutning. Medianer over alle borgere i "
        "kohorten, også dem uden indlæggelser. Borgere, hvis år efter kontrakten ikke er omme endnu, tælles "
        "kun under 'endnu ikke observerbare'. Regionens data, kun som samlede tal."),
    sheet=_("Spejlbillede"),
    build=table_admissions_mirror,
    derived=_mirror_derived,
    flow=_mirror_flow,
    uses_contracts=True,
))


register(Table(
    key="admissions_mirror_house_nights",
    title=_("Husets egne nætter for samme borgere"),
    explanation=_("Nætter i husets overnatningspladser (begge sektorer) i året fra bevillingsdatoen, for de "
        "observerbare borgere i spejlbilledet."),
    footnote=_("Nætter = afrejsedato − ankomstdato, kun nætter inden for året efter bevillingsdatoen."),
    sheet=_("Spejlbillede, husets nætter"),
    build=table_admissions_mirror_house_nights,
    flow=lambda path: path[-1] == "house_nights_after",
    uses_contracts=True,
))


def table_outcomes(*, house: House, period: Period) -> dict:
    """Per sector and instrument: citizens scored in the period and at least twice by its end, mean first and
    latest score, improved and worsened by at least the instrument's meaningful change; and FIT's ORS at the
    start of the period's stays."""
    return {sector: {**questionnaire_outcomes(house=house, sector=sector, start=period.start, end=period.end),
                     "ors_at_stay_start": ors_at_stay_start(house=house, sector=sector, start=period.start,
                                                            end=period.end)}
            for sector in SECTORS}


def _outcomes_derived(key: str, data: dict) -> Iterator[Derived]:
    for sector, section in data.items():
        for code in section:
            if code == "ors_at_stay_start":
                yield Derived((key, sector, code, "mean_ors"), ((key, sector, code, "stays_with_ors"),))
                continue
            for mean in ("mean_first", "mean_latest"):
                yield Derived((key, sector, code, mean), ((key, sector, code, "citizens_two_scores"),))


register(Table(
    key="outcomes",
    title=_("Spørgeskemaer: borgernes egen vurdering"),
    explanation=_("Pr. sektor og spørgeskema: borgere med en besvarelse i perioden og mindst to i alt, deres "
        "gennemsnitlige første og seneste score, og hvor mange der har det mærkbart bedre eller dårligere. "
        "Desuden ORS ved opholdenes start i perioden."),
    footnote=_("Første og seneste score til og med periodens slutning. Bedre/dårligere: en ændring på mindst "
        "skemaets betydende ændring (WHO-5: 10 point) i skemaets gode retning (WHO-5 op, GAD-7 ned)."),
    sheet=_("Spørgeskemaer"),
    build=table_outcomes,
    derived=_outcomes_derived,
))

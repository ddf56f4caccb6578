"""The activity tables (tables 1, 11 and 20–26 of the 2022 evaluation), from `activities.selectors`.

Each is optional: a selector the activities app does not offer (or offers with another signature) leaves its
table out of the report, never an error."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from activities import selectors as activity_selectors
from psykiatrihus.models import House
from reporting.tables.periods import Period
from reporting.tables.registry import TABLES, Derived, Relation, Table, register

logger = logging.getLogger(__name__)

def _activity_builder(name: str) -> Callable[..., dict | None]:
    def build(*, house: House, period: Period) -> dict | None:
        return getattr(activity_selectors, name)(house=house, start=period.start, end=period.end)

    build.__name__ = f"table_{name}"
    return build


def table_staff(*, house: House, period: Period) -> dict | None:
    """Table 24, with the staff "at the period's end" taken from a count dated the day after the period where
    there is one (staff are counted on 1 January and 1 July: the count of 1.1.2022 is the staff as 2021
    closes, where the latest count inside 2021 would be that of 1.1.2021)."""
    import datetime

    build = _activity_builder("staff_counts")
    figures = build(house=house, period=period)
    if figures is None:
        return None
    following = period.end + datetime.timedelta(days=1)
    after = build(house=house, period=Period(start=following, end=following, label=""))
    counted = ((after or {}).get("by_date") or {}).get(following.isoformat())
    if counted:
        at_end = dict(figures.get("at_end") or {})
        for sector, value in counted.items():
            if sector in at_end and isinstance(value, dict):
                at_end[sector] = {"on_date": following.isoformat(), **value}
        figures = {**figures, "at_end": at_end}
    return figures


def table_activities(*, house: House, period: Period) -> dict:
    """The activity tables, as the report builds them (a table whose selector answers None is left out)."""
    result: dict = {}
    for key in ACTIVITY_TABLES:
        value = TABLES[key].build(house=house, period=period)
        if value is not None:
            result[key] = value
    return result


# Figures of the activity tables that are not counts of people (calendar counts, money, hours): never hidden.
COHORT_FIELDS = ("participants", "completed", "employed", "other_education", "unknown", "in_practice")
ACTIVITY_NOT_COUNTS = frozenset({"year", "months_reported", "days_reported", "courses", "courses_without_attendance",
                                 "amount", "weekly_hours", "fte"})


# --- relations -------------------------------------------------------------------------------------------


def _sum_over(key: str, data: dict, group: str, fields: tuple[str, ...], top: tuple[str, ...] = ()):
    """`data[top][field]` (or `data[field]`) = the sum of `data[group][*][field]`."""
    for name in fields:
        parts = tuple((key, group, sub, name) for sub, item in (data.get(group) or {}).items()
                      if isinstance(item, dict) and name in item)
        if parts:
            yield Relation(total=(key, *top, name), parts=parts)


def _open_dialogue_relations(key: str, data: dict):
    yield from _sum_over(key, data, "by_year", ("meetings", "cross_sector"))


def _home_treatment_relations(key: str, data: dict):
    yield from _sum_over(key, data, "by_year", ("contacts",))


def _home_treatment_derived(key: str, data: dict):
    for year in data.get("by_year") or {}:
        yield Derived((key, "by_year", year, "contacts_per_citizen"),
                      ((key, "by_year", year, "contacts"), (key, "by_year", year, "unique_citizens")))


def _recovery_relations(key: str, data: dict):
    yield from _sum_over(key, data, "by_semester", ("enrolled", "attended"))


def _peer_education_relations(key: str, data: dict):
    yield from _sum_over(key, data, "by_cohort", COHORT_FIELDS, top=("totals",))


def _socialvagten_relations(key: str, data: dict):
    yield Relation(total=(key, "total"), parts=((key, "in_person"), (key, "phone")))
    for year in data.get("by_year") or {}:
        yield Relation(total=(key, "by_year", year, "total"),
                       parts=((key, "by_year", year, "in_person"), (key, "by_year", year, "phone")))
    yield from _sum_over(key, data, "by_year", ("total", "in_person", "phone"))


def _socialvagten_derived(key: str, data: dict):
    yield Derived((key, "per_day"), ((key, "total"),))
    for year in data.get("by_year") or {}:
        yield Derived((key, "by_year", year, "per_day"), ((key, "by_year", year, "total"),))


def _staff_relations(key: str, data: dict):
    for day, row in (data.get("by_date") or {}).items():
        parts = tuple((key, "by_date", day, s, "employees") for s in ("kommune", "region") if row.get(s))
        yield Relation(total=(key, "by_date", day, "total", "employees"), parts=parts)


def _peer_hours_relations(key: str, data: dict):
    yield Relation(total=(key, "conversations"),
                   parts=tuple((key, "by_month", m, "conversations") for m in data.get("by_month") or {}))


def _always(_path) -> bool:
    return True


# --- the registry ----------------------------------------------------------------------------------------


register(Table(
    key="open_dialogue",
    title=_("Åben Dialog-netværksmøder (tabel 1)"),
    explanation=_("Antal netværksmøder i perioden, og hvor mange der havde mødeleder og reflektant fra begge "
                  "sektorer."),
    footnote=_("Som indberettet pr. måned."),
    sheet=_("Åben Dialog"),
    build=_activity_builder("open_dialogue_meetings"),
    relations=_open_dialogue_relations,
    flow=_always,
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="house_offers",
    title=_("Husets tilbud brugt af borgere med regional kontrakt (tabel 11)"),
    explanation=_("Borgere med regional kontrakt i perioden, som har deltaget i husets tilbud (navngivet fremmøde)."),
    footnote=_("En borger tælles én gang pr. tilbud; 'brugere i alt' tæller hver borger én gang."),
    sheet=_("Husets tilbud"),
    build=_activity_builder("house_offers_used"),
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="home_treatment",
    title=_("Hjemmebehandlerteamet (tabel 20)"),
    explanation=_("Unikke borgere og kontakter i hjemmebehandlerteamet pr. år."),
    footnote=_("Unikke borgere lægges ikke sammen på tværs af år."),
    sheet=_("Hjemmebehandling"),
    build=_activity_builder("home_treatment_counts"),
    relations=_home_treatment_relations,
    derived=_home_treatment_derived,
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="recovery_school",
    title=_("Recoveryskolens kurser (tabel 21)"),
    explanation=_("Kurser, tilmeldte og fremmødte pr. semester."),
    footnote=_("Fremmødte er „·“ for et semester, hvor intet kursus har indberettet fremmøde."),
    sheet=_("Recoveryskolen"),
    build=_activity_builder("recovery_school_courses"),
    relations=_recovery_relations,
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="peer_education",
    title=_("Peer-uddannelsesforløb (tabel 22)"),
    explanation=_("Deltagere og uddannede pr. hold, og hvad de uddannede er gået videre til."),
    footnote=_("Hold, hvis semester overlapper perioden."),
    sheet=_("Peer-uddannelse"),
    build=_activity_builder("peer_education_cohorts"),
    relations=_peer_education_relations,
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="socialvagten",
    title=_("Socialvagten (tabel 23)"),
    explanation=_("Henvendelser ved personligt fremmøde og telefonisk, i alt og pr. dag."),
    footnote=_("Pr. dag = henvendelser / dage med indberetning."),
    sheet=_("Socialvagten"),
    build=_activity_builder("socialvagten_contacts"),
    relations=_socialvagten_relations,
    derived=_socialvagten_derived,
    flow=_always,
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="staff",
    title=_("Medarbejdere og årsværk (tabel 24)"),
    explanation=_("Medarbejdere og årsværk pr. sektor på de optalte datoer."),
    footnote=_("Uden vikarer, elever og studerende."),
    sheet=_("Medarbejdere"),
    build=table_staff,
    relations=_staff_relations,
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="peer_hours",
    title=_("Peer-medarbejdertimer (tabel 25)"),
    explanation=_("Peer-medarbejdernes mulige timer i huset pr. uge, pr. måned, og peer-samtaler."),
    footnote=_("Ferie og sygdom er ikke fratrukket."),
    sheet=_("Peer-timer"),
    build=_activity_builder("peer_hours"),
    relations=_peer_hours_relations,
    not_counts=ACTIVITY_NOT_COUNTS,
))


register(Table(
    key="budget",
    title=_("Budget (tabel 26)"),
    explanation=_("Budget pr. sektor pr. år i hele kroner."),
    footnote=_("Fællesudgifter er fordelt efter samarbejdsaftalen."),
    sheet=_("Budget"),
    build=_activity_builder("budget"),
    not_counts=frozenset({"kommune", "region", "total"}),  # kroner
))


# The activity tables' keys, in the report's order: those registered above.
ACTIVITY_TABLES: tuple[str, ...] = tuple(key for key, table in TABLES.items() if table.build.__module__ == __name__)

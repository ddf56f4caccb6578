"""The house's rules in force in the period, and the tables that exist only where the rules use them: the
waiting list, goals for the stays, and follow-up after a stay."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext_lazy as _

from beds.aggregates import GOAL_RESULTS, active_beds, aftercare_counts, stay_goal_counts
from psykiatrihus.models import House
from reporting.tables.periods import Period
from reporting.tables.querysets import SECTORS, counts_by, partition
from reporting.tables.registry import Derived, Path, Table, partition_relations, register

# The rule versions read once per report build: several tables ask which sectors use a rule, and the rules
# section states them (`rules_read_once`); outside a build every call reads them afresh.
_BUILD_VERSIONS: ContextVar[dict | None] = ContextVar("report_rule_versions", default=None)


@contextmanager
def rules_read_once() -> Iterator[None]:
    """Inside it, each (house, period)'s rule versions are read from the database once (a report build:
    the rules cannot be told apart from one table to the next). Nested uses share the outer one."""
    if _BUILD_VERSIONS.get() is not None:
        yield
        return
    token = _BUILD_VERSIONS.set({})
    try:
        yield
    finally:
        _BUILD_VERSIONS.reset(token)


def _versions_in_period(*, house: House, period: Period) -> dict[str, list]:
    """Per sector, the rule versions in force at some time in the period (oldest first), without the built-in
    default where it would only cover days before the house opened. One query (none when read already in
    this build)."""
    memo = _BUILD_VERSIONS.get()
    key = (house.pk, house.opened_on, period.start, period.end)
    if memo is not None and key in memo:
        return memo[key]
    result = _versions_read(house=house, period=period)
    if memo is not None:
        memo[key] = result
    return result


def _versions_read(*, house: House, period: Period) -> dict[str, list]:
    from psykiatrihus.policy import policy_versions

    result: dict[str, list] = {s: [] for s in SECTORS}
    for policy in policy_versions(house=house, start=period.start, end=period.end):
        result[policy.sector].append(policy)
    for sector, versions in result.items():
        if len(versions) > 1 and versions[0].is_default and house.opened_on is not None \
                and versions[1].valid_from is not None and versions[1].valid_from <= house.opened_on:
            result[sector] = versions[1:]
    return result


def sectors_using(*, house: House, period: Period, rule: Callable) -> list[str]:
    """The sectors whose rules at some time in the period use something (a waiting list, goals, ...)."""
    versions = _versions_in_period(house=house, period=period)
    return [s for s in SECTORS if any(rule(p) for p in versions[s])]


def _rules_shown(policy) -> dict:
    """The rules as the report states them (JSON-ready)."""
    follows = policy.plans_post_stay_followup
    return {
        "admission_routes": policy.admission_routes,
        "stay_frame_nights": policy.stay_frame_nights,
        "extension_by": policy.extension_by,
        "max_nights_per_month": policy.max_nights_per_month,
        "followup_interval_months": policy.followup_interval_months,
        "stays_have_goals": policy.stays_have_goals,
        "post_stay_followup": policy.post_stay_followup,
        "post_stay_followup_days": policy.post_stay_followup_days if follows else None,
    }


def report_rules(*, house: House, period: Period) -> dict:
    """The rules in force in the period, per sector that has beds or recorded rules: the house's bed set
    (active beds now) and every version with the date it took effect (`valid_from` None: the built-in
    default, in force since before the period), `until` the day before the next version (None: still in
    force at the period's end) and `changed`: the rules that differ from the version before. Two queries."""
    beds = active_beds(house=house)
    result: dict = {}
    for sector, versions in _versions_in_period(house=house, period=period).items():
        bed_set = {"beds": beds.get(sector, {}).get("beds", 0),
                   "faerdigbehandling_beds": beds.get(sector, {}).get("faerdigbehandling", 0)}
        if not bed_set["beds"] and all(v.is_default for v in versions):
            continue  # no beds and no rules of its own (e.g. a house with municipal beds only)
        rows: list[dict] = []
        for i, policy in enumerate(versions):
            following = versions[i + 1] if i + 1 < len(versions) else None
            shown = _rules_shown(policy)
            rows.append({
                "valid_from": policy.valid_from.isoformat() if policy.valid_from else None,
                "until": (following.valid_from - datetime.timedelta(days=1)).isoformat() if following else None,
                **shown,
                "changed": [k for k in shown if rows and rows[-1][k] != shown[k]],
            })
        result[sector] = {"bed_set": bed_set, "versions": rows}
    return result


# --- waiting list, goals and post-stay follow-up, where the house's rules use them (issue 11) ----------


def table_waiting_list(*, house: House, period: Period) -> dict | None:
    """For sectors admitting by visitation: citizens placed in a bed from the waiting list (arrival in the
    period), their mean and median wait in days, and how many were still waiting at the period's end.
    None (left out) when no sector's rules admit by visitation in the period."""
    from beds.selectors import waiting_figures

    sectors = sectors_using(house=house, period=period, rule=lambda p: p.admits_visitation)
    if not sectors:
        return None
    figures = waiting_figures(house=house, start=period.start, end=period.end)
    empty = {"placed": 0, "median_days": None, "mean_days": None, "waiting_at_end": 0}
    return {s: {k: figures.get(s, empty)[k] for k in empty} for s in sectors}


def table_stay_goals(*, house: House, period: Period) -> dict | None:
    """For sectors whose stays carry goals: stays ended in the period (checked out, departure date in it)
    with goals (`stays_ended_with_goals`), and their goals by evaluation. None when no sector's rules have
    goals in the period."""
    sectors = sectors_using(house=house, period=period, rule=lambda p: p.stays_have_goals)
    if not sectors:
        return None
    rows = stay_goal_counts(house=house, sectors=sectors, start=period.start, end=period.end)
    result = {}
    for sector in sectors:
        row = rows.get(sector, {})
        result[sector] = {"stays_ended_with_goals": row.get("stays", 0),
                          "goals": partition({key: row.get(key, 0) for key in GOAL_RESULTS})}
    return result


AFTERCARE_OUTCOMES = ("done", "not_reached", "cancelled", "open")


def table_aftercare(*, house: House, period: Period) -> dict | None:
    """For sectors that follow up after a stay: safety visits/calls planned for a day in the period, by what
    became of them (done, not reached, cancelled, `open`: still planned, not recorded). None when no sector's
    rules plan them."""
    sectors = sectors_using(house=house, period=period, rule=lambda p: p.plans_post_stay_followup)
    if not sectors:
        return None
    rows = aftercare_counts(house=house, sectors=sectors, start=period.start, end=period.end)
    return {s: {"followups": partition(counts_by([r for r in rows if r["sector"] == s], "status",
                                                AFTERCARE_OUTCOMES))} for s in sectors}


# --- relations -------------------------------------------------------------------------------------------


def _waiting_derived(key: str, data: dict):
    for sector in data:  # with one or two placed, the mean and median are their own waits
        for name in ("mean_days", "median_days"):
            yield Derived((key, sector, name), ((key, sector, "placed"),))


def _placed_flow(path: Path) -> bool:
    return path[-1] == "placed"


def _always(_path: Path) -> bool:
    return True


# --- the registry ----------------------------------------------------------------------------------------


register(Table(
    key="waiting_list",
    title=_("Venteliste"),
    explanation=_("Visiterede borgere, der fik en seng fra ventelisten i perioden, hvor længe de ventede, og hvor "
        "mange der stadig ventede ved periodens slutning."),
    footnote=_("Ventetid = fra borgeren blev skrevet op, til opholdet begyndte, i dage. Tælles i perioden for "
        "ankomsten. Kun sektorer, hvis regler giver adgang ved visitation."),
    sheet=_("Venteliste"),
    build=table_waiting_list,
    derived=_waiting_derived,
    flow=_placed_flow,
))


register(Table(
    key="stay_goals",
    title=_("Mål for opholdene"),
    explanation=_("Individuelle mål aftalt ved opholdets start og evalueret med borgeren ved slutningen."),
    footnote=_("Ophold afsluttet i perioden (afrejsedato i perioden). Kun sektorer, hvis regler giver "
        "opholdene mål."),
    sheet=_("Mål for opholdene"),
    build=table_stay_goals,
    relations=partition_relations,
    flow=_always,
))


register(Table(
    key="aftercare",
    title=_("Opfølgning efter ophold"),
    explanation=_("Tryghedsbesøg og tryghedsopkald efter opholdet: planlagt, gennemført og ikke truffet."),
    footnote=_("Opfølgninger planlagt til en dag i perioden. Kun sektorer, hvis regler har opfølgning efter "
        "opholdet."),
    sheet=_("Opfølgning efter ophold"),
    build=table_aftercare,
    relations=partition_relations,
    flow=_always,
))

"""Aggregates over the house's beds and the care around a stay (goals, follow-up after it), for the report's
rules and the tables that exist only where the rules use them."""

from __future__ import annotations

import datetime

from django.db.models import Count, DateField, ExpressionWrapper, F, Q

from beds.models import Bed, StayAftercare, StayGoal
from psykiatrihus.models import House

GOAL_RESULTS = ("achieved", "partly", "not_achieved", "not_evaluated")


def active_beds(*, house: House) -> dict[str, dict[str, int]]:
    """Per sector with active beds: `beds`, and `faerdigbehandling` (those that may be færdigbehandling
    beds). One query."""
    rows = (Bed.objects.filter(house=house, active=True).order_by().values("sector")
            .annotate(beds=Count("id"), faerdigbehandling=Count("id", filter=Q(may_be_faerdigbehandling=True))))
    return {r["sector"]: {"beds": r["beds"], "faerdigbehandling": r["faerdigbehandling"]} for r in rows}


def stay_goal_counts(*, house: House, sectors: list[str], start: datetime.date,
                     end: datetime.date) -> dict[str, dict[str, int]]:
    """Per sector (of `sectors`) with goals: stays checked out with departure in [start, end] that had goals
    (`stays`), and their goals by evaluation (`GOAL_RESULTS`; an unevaluated goal is `not_evaluated`). One
    query."""
    departure_date = ExpressionWrapper(F("stay__arrival_date") + F("stay__nights"), output_field=DateField())
    by_result = {key: Count("id", filter=Q(result="" if key == "not_evaluated" else key)) for key in GOAL_RESULTS}
    rows = (StayGoal.objects.filter(stay__house=house, stay__sector__in=sectors, stay__status="checked_out")
            .annotate(dep=departure_date).filter(dep__gte=start, dep__lte=end)
            .order_by().values("stay__sector").annotate(stays=Count("stay_id", distinct=True), **by_result))
    return {r["stay__sector"]: {k: r[k] for k in ("stays", *GOAL_RESULTS)} for r in rows}


def aftercare_counts(*, house: House, sectors: list[str], start: datetime.date, end: datetime.date) -> list[dict]:
    """Safety visits and calls after a stay planned for a day of [start, end]: rows `{"sector", "status",
    "n"}` (`status` "open" for one still planned). One query."""
    rows = (StayAftercare.objects.filter(stay__house=house, stay__sector__in=sectors, planned_on__gte=start,
                                         planned_on__lte=end)
            .order_by().values("stay__sector", "status").annotate(n=Count("id")))
    return [{"sector": r["stay__sector"], "status": "open" if r["status"] == "planned" else r["status"], "n": r["n"]}
            for r in rows]

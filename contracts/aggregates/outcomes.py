"""Outcome questionnaires, as figures: per instrument, citizens scored at least twice and how they changed."""

from __future__ import annotations

import datetime

from django.db import connection

from psykiatrihus.models import House

OUTCOME_KEYS = ("citizens_two_scores", "mean_first", "mean_latest", "improved", "worsened")

OUTCOMES_SQL = """
WITH scored AS (
    SELECT r.citizen_id, r.instrument_id, r.score,
        row_number() OVER (PARTITION BY r.citizen_id, r.instrument_id ORDER BY r.answered_on, r.id) AS from_first,
        row_number() OVER (PARTITION BY r.citizen_id, r.instrument_id
                           ORDER BY r.answered_on DESC, r.id DESC) AS from_latest,
        count(*) OVER (PARTITION BY r.citizen_id, r.instrument_id) AS n,
        bool_or(r.answered_on >= %(start)s) OVER (PARTITION BY r.citizen_id, r.instrument_id) AS in_period
    FROM contracts_questionnaireresponse r
    WHERE r.house_id = %(house)s AND r.sector = %(sector)s AND r.answered_on <= %(end)s
), per_citizen AS (
    SELECT citizen_id, instrument_id, max(score) FILTER (WHERE from_first = 1) AS first_score,
           max(score) FILTER (WHERE from_latest = 1) AS latest_score
    FROM scored WHERE n >= 2 AND in_period GROUP BY citizen_id, instrument_id
)
SELECT i.code, count(*), avg(p.first_score), avg(p.latest_score),
    count(*) FILTER (WHERE (p.latest_score - p.first_score) * (CASE WHEN i.higher_is_better THEN 1 ELSE -1 END)
                           >= i.meaningful_change),
    count(*) FILTER (WHERE (p.latest_score - p.first_score) * (CASE WHEN i.higher_is_better THEN 1 ELSE -1 END)
                           <= -i.meaningful_change)
FROM per_citizen p JOIN contracts_instrument i ON i.id = p.instrument_id
GROUP BY i.code
"""


def questionnaire_outcomes(*, house: House, sector: str, start: datetime.date,
                           end: datetime.date) -> dict[str, dict]:
    """Per instrument the house uses (or has responses for): citizens of the sector scored in the period and
    at least twice by its end; the mean of their first and of their latest score by then; how many changed
    by at least the instrument's meaningful change for the better and for the worse (direction per
    instrument: WHO-5 up, GAD-7 down). Means are None when nobody qualifies."""
    from contracts.models import HouseInstrument, QuestionnaireResponse

    codes = set(HouseInstrument.objects.filter(house=house).values_list("instrument__code", flat=True))
    codes |= set(QuestionnaireResponse.objects.filter(house=house, sector=sector, answered_on__lte=end)
                 .values_list("instrument__code", flat=True).distinct())
    result = {code: {"citizens_two_scores": 0, "mean_first": None, "mean_latest": None, "improved": 0,
                     "worsened": 0} for code in sorted(codes)}
    with connection.cursor() as cursor:
        cursor.execute(OUTCOMES_SQL, {"house": house.pk, "sector": sector, "start": start, "end": end})
        for code, n, mean_first, mean_latest, improved, worsened in cursor.fetchall():
            result[code] = {"citizens_two_scores": int(n), "mean_first": round(float(mean_first), 1),
                            "mean_latest": round(float(mean_latest), 1), "improved": int(improved),
                            "worsened": int(worsened)}
    return result

"""Did the house keep its rules? Stays longer than the frame in force (with and without a recorded decision),
nights-per-month overruns, færdigbehandling beyond 6 months, follow-ups overdue at the period's end, and
requests answered later than the same day. Counts from the owners' aggregates (`beds.aggregates`,
`contracts.aggregates`); the frame of each stay is decided by `beds.services.stay_frame_for`.

Registered first, so that the report shows it right after the house's rules. It must not import the other
table modules at import time (they register their tables when imported).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from beds.aggregates import (
    active_beds,
    aftercare_overdue_at,
    faerdigbehandling_beyond_limit,
    nights_per_month_overruns,
    request_answer_days,
    stays_by_frame,
)
from contracts.aggregates import contracts_in_force_exist, followups_overdue_at
from psykiatrihus.models import House
from reporting.tables.periods import Period
from reporting.tables.querysets import SECTORS, partition
from reporting.tables.registry import Path, Relation, Table, partition_relations, register, same

FRAME_KEYS = ("within_frame", "beyond_with_decision", "beyond_without_decision")
MONTH_KEYS = ("with_decision", "without_decision")
ANSWER_KEYS = ("same_day", "later", "answer_time_unknown")


def table_compliance(*, house: House, period: Period) -> dict:
    """Per sector:
    - `stays_by_frame`: ordinary stays arriving in the period within the frame in force for them and beyond it
      with and without a recorded decision (total: the stays of the stay table); `stays_beyond_frame`;
    - `nights_per_month_over_limit` (sectors whose rules set a limit): citizen-months over it;
    - `faerdigbehandling_beyond_6_months` (sectors with færdigbehandling beds or stays): stays past 6 months;
    - `contracts_in_force_at_end` and `followups_overdue_at_end` (where contracts are in force): contracts whose
      follow-up deadline had passed at the period's end without a follow-up;
    - `aftercare_overdue_at_end` (sectors whose rules plan a follow-up after a stay);
    - `requests_answered`: requests made in the period by whether they were answered the same day."""
    from reporting.tables.house_rules import sectors_using

    start, end = period.start, period.end
    frames = stays_by_frame(house=house, start=start, end=end)
    months = nights_per_month_overruns(house=house, start=start, end=end)
    fb = faerdigbehandling_beyond_limit(house=house, start=start, end=end)
    beds = active_beds(house=house)
    with_contracts = contracts_in_force_exist(house=house, start=start, end=end)
    followups = followups_overdue_at(house=house, day=end) if with_contracts else {}
    aftercare_sectors = sectors_using(house=house, period=period, rule=lambda p: p.plans_post_stay_followup)
    aftercare = aftercare_overdue_at(house=house, sectors=aftercare_sectors, day=end) if aftercare_sectors else {}
    answers = request_answer_days(house=house, start=start, end=end)
    result: dict = {}
    for sector in SECTORS:
        frame = frames.get(sector, {})
        section: dict = {
            "stays_by_frame": partition({k: frame.get(k, 0) for k in FRAME_KEYS}),
            "stays_beyond_frame": frame.get("beyond_with_decision", 0) + frame.get("beyond_without_decision", 0),
        }
        if sector in months:
            section["nights_per_month_over_limit"] = partition(dict(months[sector]))
        if sector in fb or beds.get(sector, {}).get("faerdigbehandling"):  # where it can happen at all
            section["faerdigbehandling_beyond_6_months"] = fb.get(sector, 0)
        if with_contracts:
            section["contracts_in_force_at_end"] = followups.get(sector, {}).get("in_force", 0)
            section["followups_overdue_at_end"] = followups.get(sector, {}).get("overdue", 0)
        if sector in aftercare:
            section["aftercare_overdue_at_end"] = aftercare[sector]
        section["requests_answered"] = partition({k: answers.get(sector, {}).get(k, 0) for k in ANSWER_KEYS})
        result[sector] = section
    return result


# --- relations -------------------------------------------------------------------------------------------


def _compliance_relations(key: str, data: dict) -> Iterator[Relation]:
    yield from partition_relations(key, data)
    for sector, section in data.items():
        # the same stays, requests and contracts as in the stay, request and contract tables
        yield same((key, sector, "stays_by_frame", "total"), ("stays", sector, "stays"))
        yield Relation(total=(key, sector, "stays_beyond_frame"),
                       parts=((key, sector, "stays_by_frame", "counts", "beyond_with_decision"),
                              (key, sector, "stays_by_frame", "counts", "beyond_without_decision")))
        yield same((key, sector, "requests_answered", "total"), ("requests", sector, "outcomes", "total"))
        if "contracts_in_force_at_end" in section:
            yield same((key, sector, "contracts_in_force_at_end"), ("contracts", sector, "active_at_end"))


def _compliance_flow(path: Path) -> bool:
    """Events in the period add up over periods; what stood at the period's end does not."""
    return not path[-1].endswith("_at_end")


register(Table(
    key="compliance",
    title=_("Overholdt huset sine regler?"),
    explanation=_("Ophold ud over den ramme, der gjaldt for dem, nætter pr. måned over grænsen, "
                  "færdigbehandling ud over 6 måneder, opfølgninger over tid ved periodens slutning og "
                  "henvendelser, der ikke blev besvaret samme dag."),
    footnote=_("Rammen for et ophold er den, der gjaldt på ankomstdatoen: husets regler, kontraktens individuelle "
               "ramme eller visitationsafgørelsens ramme. 'Med beslutning': en leder har godkendt det længere "
               "ophold med en begrundelse. Nætter pr. måned: borger-måneder, hvor nætterne i almindelige ophold "
               "med ankomst i måneden oversteg husets grænse. Færdigbehandling tælles i perioden, hvor de 6 "
               "måneder udløb. En opfølgning er over tid, når fristen er passeret ved periodens slutning, uden at "
               "opfølgningen er holdt. En henvendelse, der stadig afventer svar, er ikke besvaret samme dag."),
    sheet=_("Husets regler overholdt"),
    build=table_compliance,
    relations=_compliance_relations,
    flow=_compliance_flow,
))

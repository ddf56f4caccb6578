"""Reads of outcome questionnaires: the house's instruments, responses in scope, a citizen's trend."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from contracts.models import Citizen, HouseInstrument, Instrument, QuestionnaireResponse
from psykiatrihus.models import House
from psykiatrihus.scoping import Access


def house_instruments(*, house: House) -> list[HouseInstrument]:
    """The instruments the house uses, with their moments (active instruments only)."""
    return list(HouseInstrument.objects.filter(house=house, instrument__active=True)
                .select_related("instrument").order_by("instrument__name"))


def responses_visible(*, access: Access) -> QuerySet[QuestionnaireResponse]:
    """Responses the user may read: the sectors' own, plus consented citizens' across the wall."""
    return access.citizen_filter(QuestionnaireResponse.objects.select_related("instrument", "citizen", "house"))


def response_get(*, access: Access, pk: int) -> QuestionnaireResponse | None:
    return responses_visible(access=access).filter(pk=pk).first()


@dataclass(frozen=True)
class Trend:
    instrument: Instrument
    points: list[QuestionnaireResponse]

    @property
    def first(self) -> QuestionnaireResponse:
        return self.points[0]

    @property
    def latest(self) -> QuestionnaireResponse:
        return self.points[-1]

    @property
    def change(self) -> int:
        return self.latest.score - self.first.score

    @property
    def direction(self) -> str:
        """"better", "worse" or "same": a change of at least the instrument's meaningful change counts."""
        if len(self.points) < 2 or abs(self.change) < self.instrument.meaningful_change:
            return "same"
        return "better" if (self.change > 0) == self.instrument.higher_is_better else "worse"

    def bars(self) -> list[dict]:
        """The points as bars of a small server-drawn SVG chart (40 units high, 10 wide per point): the score
        in percent of the instrument's range, and the bar's geometry."""
        low, high = self.instrument.score_min, self.instrument.score_max
        bars = []
        for i, p in enumerate(self.points):
            percent = round(100 * (p.score - low) / (high - low))
            height = max(1, round(percent * 0.4))
            bars.append({"response": p, "percent": percent, "x": 10 * i + 1, "top": 40 - height, "height": height})
        return bars

    @property
    def width(self) -> int:
        return 10 * len(self.points)


def citizen_trends(*, access: Access, citizen: Citizen) -> list[Trend]:
    """The citizen's scores per instrument, oldest first, as far as the user may see them."""
    by_instrument: dict[int, Trend] = {}
    for response in responses_visible(access=access).filter(citizen=citizen).order_by("answered_on", "id"):
        trend = by_instrument.setdefault(response.instrument_id, Trend(response.instrument, []))
        trend.points.append(response)
    return sorted(by_instrument.values(), key=lambda t: t.instrument.name)


def instrument_names() -> dict[str, str]:
    """{code: name} of every instrument (row labels in the report)."""
    return dict(Instrument.objects.values_list("code", "name"))

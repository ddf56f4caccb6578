"""The same request judged by different houses' rules, and history by the rules valid at its date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beds.models import Bed
from beds.services import stay_book, stay_frame_for
from contracts.services import visitation_decide
from tests.houses.conftest import D, at, visited, with_contract

pytestmark = pytest.mark.django_db


def bed(house, label: str) -> Bed:
    return Bed.objects.get(house=house, label=label)


class TestSameRequestDifferentHouses:
    def test_ten_nights_refused_in_aarhus_without_reasoned_extension(self, aarhus, staff):
        citizen, _contract = with_contract(aarhus, "Anna", 1)
        with pytest.raises(ValidationError) as err:
            stay_book(house=aarhus, bed=bed(aarhus, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                      planned_departure=at(D(2024, 5, 11), 10), user=staff.aarhus_kommune)
        assert "3 nætter" in err.value.message_dict["extension_reason"][0]
        stay = stay_book(house=aarhus, bed=bed(aarhus, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                         planned_departure=at(D(2024, 5, 11), 10), user=staff.aarhus_leader,
                         extension_reason="Venter på bolig; aftalt med myndighedsrådgiver")
        assert stay.nights == 10 and stay.extension_by == staff.aarhus_leader

    def test_ten_nights_accepted_in_silkeborg(self, silkeborg, staff):
        citizen, decision = visited(silkeborg, "Bent", 2)
        stay = stay_book(house=silkeborg, bed=bed(silkeborg, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                         planned_departure=at(D(2024, 5, 11), 10), user=staff.sb_kommune)
        assert stay.nights == 10 and stay.visitation == decision and stay.contract is None
        assert stay.extension_by is None
        assert [g.text for g in stay.goals.all()] == ["Sove om natten", "Lægge en plan"]

    def test_self_request_without_visitation_refused_in_silkeborg(self, silkeborg, staff):
        citizen, _contract = with_contract(silkeborg, "Cille", 3)
        with pytest.raises(ValidationError) as err:
            stay_book(house=silkeborg, bed=bed(silkeborg, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                      planned_departure=at(D(2024, 5, 2), 10), user=staff.sb_kommune)
        assert "visitation" in err.value.message_dict["citizen"][0]

    def test_beyond_fourteen_days_needs_a_decision_not_a_leader(self, silkeborg, staff):
        citizen, _decision = visited(silkeborg, "Dan", 4)
        with pytest.raises(ValidationError) as err:
            stay_book(house=silkeborg, bed=bed(silkeborg, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                      planned_departure=at(D(2024, 5, 21), 10), user=staff.sb_leader, extension_reason="Særligt")
        assert "visitationsafgørelse" in err.value.message_dict["extension_reason"][0]
        longer = visitation_decide(
            house=silkeborg, citizen=citizen, sector="kommune", decided_on=D(2024, 4, 30), decided_by="Udvalget",
            granted_from=D(2024, 4, 30), granted_until=D(2024, 6, 30), purpose="Udslusning", goals="Bolig",
            stay_frame_nights=21, frame_reason="Venter på botilbud",
        )
        stay = stay_book(house=silkeborg, bed=bed(silkeborg, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                         planned_departure=at(D(2024, 5, 21), 10), user=staff.sb_kommune)
        assert stay.visitation == longer and stay.nights == 20

    def test_visitation_refused_where_house_does_not_visit(self, aarhus, staff):
        citizen, _contract = with_contract(aarhus, "Eva", 5)
        with pytest.raises(ValidationError) as err:
            visitation_decide(house=aarhus, citizen=citizen, sector="kommune", decided_on=D(2024, 1, 1),
                              decided_by="X", granted_from=D(2024, 1, 1), granted_until=D(2024, 2, 1), purpose="Y")
        assert "sector" in err.value.message_dict

    def test_unauthorised_cannot_book(self, silkeborg, staff):
        citizen, _decision = visited(silkeborg, "Finn", 6)
        for user in (staff.sb_peer, staff.sb_region, staff.aarhus_leader):
            with pytest.raises(PermissionDenied):
                stay_book(house=silkeborg, bed=bed(silkeborg, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                          planned_departure=at(D(2024, 5, 2), 10), user=user)


class TestHistoryByRulesOfItsDate:
    @pytest.mark.parametrize(("sector", "on_date", "frame"), [
        ("region", D(2020, 9, 30), 5), ("kommune", D(2020, 9, 30), 1),
        ("region", D(2020, 10, 1), 3), ("kommune", D(2020, 10, 1), 3),
    ])
    def test_frame_for_date(self, aarhus, sector, on_date, frame):
        assert stay_frame_for(house=aarhus, sector=sector, contract=None, on_date=on_date) == frame

    def test_stays_judged_by_arrival_date(self, aarhus, staff):
        bo, _c = with_contract(aarhus, "Bo", 7, sector="region")
        before = stay_book(house=aarhus, bed=bed(aarhus, "R1"), citizen=bo, arrival=at(D(2020, 9, 20)),
                           planned_departure=at(D(2020, 9, 25), 10), user=staff.aarhus_region)
        assert before.nights == 5 and before.extension_by is None
        # A stay arriving on the last day of the old rules keeps them, though it ends under the new ones.
        edge = stay_book(house=aarhus, bed=bed(aarhus, "R1"), citizen=bo, arrival=at(D(2020, 9, 30)),
                         planned_departure=at(D(2020, 10, 5), 10), user=staff.aarhus_region)
        assert edge.nights == 5
        with pytest.raises(ValidationError) as err:
            stay_book(house=aarhus, bed=bed(aarhus, "R1"), citizen=bo, arrival=at(D(2020, 10, 10)),
                      planned_departure=at(D(2020, 10, 15), 10), user=staff.aarhus_region)
        assert "3 nætter" in err.value.message_dict["extension_reason"][0]
        anna, _c = with_contract(aarhus, "Anna", 8)
        with pytest.raises(ValidationError):
            stay_book(house=aarhus, bed=bed(aarhus, "K1"), citizen=anna, arrival=at(D(2020, 9, 1)),
                      planned_departure=at(D(2020, 9, 3), 10), user=staff.aarhus_kommune)
        assert stay_book(house=aarhus, bed=bed(aarhus, "K1"), citizen=anna, arrival=at(D(2020, 11, 1)),
                         planned_departure=at(D(2020, 11, 3), 10), user=staff.aarhus_kommune).nights == 2

    def test_contract_frame_only_tightens(self, aarhus):
        _citizen, contract = with_contract(aarhus, "Gry", 9)
        contract.stay_frame_nights = 2
        assert stay_frame_for(house=aarhus, sector="kommune", contract=contract, on_date=D(2024, 1, 1)) == 2
        assert stay_frame_for(house=aarhus, sector="kommune", contract=contract, on_date=D(2020, 1, 1)) == 1


class TestNightsPerMonth:
    def test_one_night_a_month(self, house, staff):
        from psykiatrihus.services import house_policy_set

        house_policy_set(house=house, sector="kommune", valid_from=D(2024, 1, 1), max_nights_per_month=1)
        citizen, _c = with_contract(house, "Ida", 10)
        k1 = bed(house, "K1")
        stay_book(house=house, bed=k1, citizen=citizen, arrival=at(D(2024, 3, 2)),
                  planned_departure=at(D(2024, 3, 3), 10), user=staff.aarhus_kommune)
        # A second night in March: staff are asked for their reason, and with it a leader decides.
        with pytest.raises(ValidationError) as err:
            stay_book(house=house, bed=k1, citizen=citizen, arrival=at(D(2024, 3, 20)),
                      planned_departure=at(D(2024, 3, 21), 10), user=staff.aarhus_kommune)
        assert "1 nat pr. måned" in err.value.message_dict["extension_reason"][0]
        asked = stay_book(house=house, bed=k1, citizen=citizen, arrival=at(D(2024, 3, 20)),
                          planned_departure=at(D(2024, 3, 21), 10), user=staff.aarhus_kommune,
                          extension_reason="Krise i nat")
        assert (asked.extension_state, asked.extension_limit, asked.extension_frame_nights) == ("pending", "month", 0)
        assert stay_book(house=house, bed=k1, citizen=citizen, arrival=at(D(2024, 4, 2)),
                         planned_departure=at(D(2024, 4, 3), 10), user=staff.aarhus_kommune).nights == 1
        # The authority may agree to more: a leader's reasoned decision.
        extra = stay_book(house=house, bed=k1, citizen=citizen, arrival=at(D(2024, 4, 20)),
                          planned_departure=at(D(2024, 4, 21), 10), user=staff.aarhus_leader,
                          extension_reason="Aftalt med myndighed")
        assert extra.extension_by == staff.aarhus_leader and extra.extension_state == "approved"


class TestContractFollowUpInterval:
    def test_interval_from_policy(self, house, other_house):
        from psykiatrihus.services import house_policy_set

        house_policy_set(house=other_house, sector="kommune", valid_from=D(2018, 1, 1), followup_interval_months=6)
        _c, samsoe_contract = with_contract(other_house, "Jon", 11, granted_on=D(2024, 1, 31))
        _c, aarhus_contract = with_contract(house, "Kim", 12, granted_on=D(2024, 1, 31))
        _c, aarhus_regional = with_contract(house, "Lis", 13, sector="region", granted_on=D(2024, 1, 31))
        assert samsoe_contract.next_followup_due == D(2024, 7, 31)
        assert aarhus_contract.next_followup_due == D(2025, 1, 31)
        assert aarhus_regional.next_followup_due == datetime.date(2024, 7, 31)

"""Goals per stay, safety visits/calls after a stay, and the waiting list (Silkeborg's rules)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beds.models import Bed, WaitingStatus
from beds.selectors import aftercare_due, waiting_list, waiting_time
from beds.services import (
    BookingConflict,
    stay_aftercare_record,
    stay_book,
    stay_check_in,
    stay_check_out,
    stay_goal_evaluate,
    stay_goals_set,
    waiting_list_add,
    waiting_list_place_next,
    waiting_list_withdraw,
)
from psykiatrihus.scoping import access_for
from tests.houses.conftest import D, at, visited, with_contract

pytestmark = pytest.mark.django_db


def bed(house, label: str) -> Bed:
    return Bed.objects.get(house=house, label=label)


class TestGoalsAndAftercare:
    def test_goals_evaluated_before_check_out_then_aftercare_planned(self, silkeborg, staff):
        citizen, _d = visited(silkeborg, "Mona", 21)
        stay = stay_book(house=silkeborg, bed=bed(silkeborg, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                         planned_departure=at(D(2024, 5, 8), 10), user=staff.sb_kommune)
        stay_check_in(stay=stay, user=staff.sb_kommune, at=at(D(2024, 5, 1)))
        with pytest.raises(ValidationError) as err:
            stay_check_out(stay=stay, user=staff.sb_kommune, at=at(D(2024, 5, 8), 10))
        assert "goals" in err.value.message_dict
        first, second = stay.goals.all()
        stay_goal_evaluate(goal=first, result="achieved", user=staff.sb_kommune, note="Sover bedre")
        stay_goal_evaluate(goal=second, result="partly", user=staff.sb_kommune)
        with pytest.raises(ValidationError):
            stay_goal_evaluate(goal=second, result="maybe", user=staff.sb_kommune)
        stay_check_out(stay=stay, user=staff.sb_kommune, at=at(D(2024, 5, 8), 10))
        (aftercare,) = stay.aftercare.all()
        assert (aftercare.planned_kind, aftercare.planned_on) == ("visit_or_call", D(2024, 5, 11))
        due = aftercare_due(access=access_for(staff.sb_kommune, silkeborg), on_or_before=D(2024, 5, 11))
        assert list(due) == [aftercare]
        assert not aftercare_due(access=access_for(staff.sb_region, silkeborg), on_or_before=D(2024, 5, 11))
        with pytest.raises(ValidationError):
            stay_aftercare_record(aftercare=aftercare, user=staff.sb_kommune, done_on=D(2024, 5, 11))  # which kind?
        with pytest.raises(PermissionDenied):
            stay_aftercare_record(aftercare=aftercare, user=staff.sb_region, done_on=D(2024, 5, 11), kind="call")
        stay_aftercare_record(aftercare=aftercare, user=staff.sb_kommune, done_on=D(2024, 5, 11), kind="call",
                              note="Har det godt")
        aftercare.refresh_from_db()
        assert (aftercare.status, aftercare.done_kind) == ("done", "call")

    def test_decision_without_goals_refused_where_stays_have_goals(self, silkeborg, staff):
        with pytest.raises(ValidationError) as err:
            visited(silkeborg, "Nils", 22, goals="")
        assert "goals" in err.value.message_dict

    def test_goals_set_on_stay(self, silkeborg, staff):
        citizen, _d = visited(silkeborg, "Olga", 23)
        stay = stay_book(house=silkeborg, bed=bed(silkeborg, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                         planned_departure=at(D(2024, 5, 3), 10), user=staff.sb_kommune,
                         goals=["Finde ro", "Kontakt til søster"])
        assert [g.text for g in stay.goals.all()] == ["Finde ro", "Kontakt til søster"]
        stay_goals_set(stay=stay, goals=["Finde ro"], user=staff.sb_kommune)
        assert stay.goals.count() == 1
        with pytest.raises(ValidationError):
            stay_goals_set(stay=stay, goals=["  "], user=staff.sb_kommune)
        with pytest.raises(PermissionDenied):
            stay_goals_set(stay=stay, goals=["x"], user=staff.sb_peer)

    def test_aarhus_plans_no_aftercare_and_needs_no_goals(self, aarhus, staff):
        citizen, _c = with_contract(aarhus, "Per", 24)
        stay = stay_book(house=aarhus, bed=bed(aarhus, "K1"), citizen=citizen, arrival=at(D(2024, 5, 1)),
                         planned_departure=at(D(2024, 5, 3), 10), user=staff.aarhus_kommune)
        stay_check_in(stay=stay, user=staff.aarhus_kommune, at=at(D(2024, 5, 1)))
        stay_check_out(stay=stay, user=staff.aarhus_kommune, at=at(D(2024, 5, 3), 10))
        assert not stay.goals.exists() and not stay.aftercare.exists()


class TestWaitingList:
    @pytest.fixture
    def line(self, silkeborg, staff):
        """Three visited citizens, added out of order: Rie asked first (1 May 09:00), then Sif, then Tue."""
        rie, rie_d = visited(silkeborg, "Rie", 31)
        sif, sif_d = visited(silkeborg, "Sif", 32)
        tue, tue_d = visited(silkeborg, "Tue", 33)
        waiting_list_add(visitation=sif_d, user=staff.sb_kommune, requested_at=at(D(2024, 5, 1), 12),
                         requested_nights=7)
        waiting_list_add(visitation=tue_d, user=staff.sb_kommune, requested_at=at(D(2024, 5, 2), 8),
                         requested_nights=5)
        waiting_list_add(visitation=rie_d, user=staff.sb_kommune, requested_at=at(D(2024, 5, 1), 9),
                         requested_nights=10)
        return rie, sif, tue

    def test_fair_order_and_wait(self, line, silkeborg, staff, django_assert_max_num_queries):
        rie, sif, tue = line
        access = access_for(staff.sb_kommune, silkeborg)
        with django_assert_max_num_queries(1):
            items = waiting_list(access=access, now=at(D(2024, 5, 3), 9))
        assert [(i.entry.citizen.name, i.position) for i in items] == [("Rie", 1), ("Sif", 2), ("Tue", 3)]
        assert [i.waited_days for i in items] == [2.0, 1.9, 1.0]
        assert waiting_list(access=access_for(staff.sb_region, silkeborg)) == []
        assert waiting_list(access=access_for(staff.sb_peer, silkeborg)) == []

    def test_freed_bed_goes_to_first_in_one_action(self, line, silkeborg, staff):
        rie, sif, tue = line
        stay = waiting_list_place_next(bed=bed(silkeborg, "K2"), user=staff.sb_kommune, arrival=at(D(2024, 5, 4), 10))
        assert stay.citizen == rie and stay.nights == 10 and stay.visitation.citizen == rie
        assert stay.waiting_list_entry.status == WaitingStatus.PLACED
        remaining = waiting_list(access=access_for(staff.sb_kommune, silkeborg), now=at(D(2024, 5, 4), 10))
        assert [i.entry.citizen.name for i in remaining] == ["Sif", "Tue"]
        report = waiting_time(house=silkeborg, sector="kommune", start=D(2024, 5, 1), end=D(2024, 5, 31))
        assert report == {"placed": 1, "mean_days": 3.0, "median_days": 3.0, "max_days": 3.0}
        second = waiting_list_place_next(bed=bed(silkeborg, "K3"), user=staff.sb_kommune,
                                         arrival=at(D(2024, 5, 5), 12))
        assert second.citizen == sif
        report = waiting_time(house=silkeborg, sector=None, start=D(2024, 5, 1), end=D(2024, 5, 31))
        assert report == {"placed": 2, "mean_days": 3.5, "median_days": 3.5, "max_days": 4.0}

    def test_taken_bed_leaves_the_list_unchanged(self, line, silkeborg, staff):
        rie, sif, tue = line
        other, _d = visited(silkeborg, "Uffe", 34)
        stay_book(house=silkeborg, bed=bed(silkeborg, "K2"), citizen=other, arrival=at(D(2024, 5, 3)),
                  planned_departure=at(D(2024, 5, 10), 10), user=staff.sb_kommune)
        with pytest.raises(BookingConflict):
            waiting_list_place_next(bed=bed(silkeborg, "K2"), user=staff.sb_kommune, arrival=at(D(2024, 5, 4), 10))
        names = [i.entry.citizen.name for i in waiting_list(access=access_for(staff.sb_kommune, silkeborg))]
        assert names == ["Rie", "Sif", "Tue"]

    def test_one_entry_per_citizen_withdraw_and_rights(self, line, silkeborg, staff):
        rie, sif, tue = line
        entry = rie.waiting_list_entries.get()
        with pytest.raises(ValidationError):
            waiting_list_add(visitation=entry.visitation, user=staff.sb_kommune)
        with pytest.raises(PermissionDenied):
            waiting_list_add(visitation=entry.visitation, user=staff.sb_peer)
        with pytest.raises(PermissionDenied):
            waiting_list_place_next(bed=bed(silkeborg, "K2"), user=staff.sb_region)
        with pytest.raises(PermissionDenied):
            waiting_list_withdraw(entry=entry, user=staff.sb_region)
        waiting_list_withdraw(entry=entry, user=staff.sb_kommune)
        stay = waiting_list_place_next(bed=bed(silkeborg, "K2"), user=staff.sb_kommune, arrival=at(D(2024, 5, 4)))
        assert stay.citizen == sif
        assert waiting_list_place_next(bed=bed(silkeborg, "R1"), user=staff.sb_region) is None

"""The house's counts: no negatives, no future months, one entry per day/month, clear Danish errors."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.models import OpenDialogueMonth, SocialvagtenDay
from activities.services import (
    budget_record,
    home_treatment_record,
    open_dialogue_record,
    peer_cohort_record,
    peer_month_record,
    peer_worker_create,
    recovery_course_record,
    socialvagten_record,
    staff_count_record,
)


def _next_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@pytest.mark.django_db
class TestCounts:
    def test_month_is_normalised_and_duplicates_are_refused_in_danish(self, house):
        row = open_dialogue_record(house=house, month=datetime.date(2021, 3, 17), meetings=5, cross_sector=2)
        assert row.month == datetime.date(2021, 3, 1)
        with pytest.raises(ValidationError) as exc:
            open_dialogue_record(house=house, month=datetime.date(2021, 3, 1), meetings=6)
        assert exc.value.code == "duplicate"
        assert "allerede registreret" in str(exc.value) and "2021" in str(exc.value)
        replaced = open_dialogue_record(house=house, month=datetime.date(2021, 3, 1), meetings=6, replace=True)
        assert replaced.pk == row.pk and OpenDialogueMonth.objects.get().meetings == 6

    def test_negative_numbers_are_refused(self, house):
        with pytest.raises(ValidationError) as exc:
            open_dialogue_record(house=house, month=datetime.date(2021, 3, 1), meetings=-1)
        assert "negativt" in str(exc.value)
        with pytest.raises(ValidationError):
            socialvagten_record(house=house, day=datetime.date(2021, 3, 1), phone=-2, in_person=0)
        with pytest.raises(ValidationError):
            staff_count_record(house=house, sector="region", on_date=datetime.date(2021, 1, 1), employees=3,
                               fte=Decimal("-0.5"))
        with pytest.raises(ValidationError):
            budget_record(house=house, sector="kommune", year=2021, amount=-1)
        assert not SocialvagtenDay.objects.exists()

    def test_future_months_and_days_are_refused(self, house):
        with pytest.raises(ValidationError) as exc:
            open_dialogue_record(house=house, month=_next_month(), meetings=3)
        assert "fremtiden" in str(exc.value)
        with pytest.raises(ValidationError):
            home_treatment_record(house=house, month=_next_month(), contacts=10, citizens=3, citizens_new_in_year=1)
        with pytest.raises(ValidationError):
            socialvagten_record(house=house, day=timezone.localdate() + datetime.timedelta(days=1), phone=1,
                                in_person=0)
        this_month = open_dialogue_record(house=house, month=timezone.localdate(), meetings=0)
        assert this_month.meetings == 0

    def test_one_socialvagten_entry_per_day(self, house):
        day = datetime.date(2020, 5, 4)
        socialvagten_record(house=house, day=day, phone=20, in_person=1)
        with pytest.raises(ValidationError) as exc:
            socialvagten_record(house=house, day=day, phone=3, in_person=0)
        assert "allerede registreret henvendelser" in str(exc.value)

    def test_the_database_refuses_what_the_service_refuses(self, house):
        with pytest.raises(IntegrityError), transaction.atomic():
            OpenDialogueMonth.objects.create(house=house, month=datetime.date(2021, 3, 1), meetings=2, cross_sector=3)
        with pytest.raises(IntegrityError), transaction.atomic():
            OpenDialogueMonth.objects.create(house=house, month=datetime.date(2021, 3, 2), meetings=2)
        SocialvagtenDay.objects.create(house=house, day=datetime.date(2021, 3, 2), phone=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            SocialvagtenDay.objects.create(house=house, day=datetime.date(2021, 3, 2), phone=2)

    def test_home_treatment_parts_cannot_exceed_wholes(self, house):
        with pytest.raises(ValidationError):
            home_treatment_record(house=house, month=datetime.date(2021, 1, 1), contacts=10, citizens=4,
                                  citizens_new_in_year=5)
        with pytest.raises(ValidationError):
            home_treatment_record(house=house, month=datetime.date(2021, 1, 1), contacts=3, citizens=4,
                                  citizens_new_in_year=1)

    def test_staff_and_budget_once_per_sector_and_date_or_year(self, house):
        staff_count_record(house=house, sector="kommune", on_date=datetime.date(2021, 1, 1), employees=30,
                           fte=Decimal("22.8"))
        staff_count_record(house=house, sector="region", on_date=datetime.date(2021, 1, 1), employees=32,
                           fte=Decimal("26.5"))
        with pytest.raises(ValidationError) as exc:
            staff_count_record(house=house, sector="kommune", on_date=datetime.date(2021, 1, 1), employees=31,
                               fte=Decimal("23"))
        assert "Kommune" in str(exc.value)
        budget_record(house=house, sector="kommune", year=2022, amount=15334413)
        with pytest.raises(ValidationError):
            budget_record(house=house, sector="kommune", year=2022, amount=1)
        with pytest.raises(ValidationError):
            budget_record(house=house, sector="kommune", year=timezone.localdate().year + 2, amount=1)

    def test_peers_recovery_school_and_cohorts(self, house):
        peer = peer_worker_create(house=house, label="A", sector="kommune")
        with pytest.raises(ValidationError):
            peer_worker_create(house=house, label="A", sector="region")
        peer_month_record(peer=peer, month=datetime.date(2019, 3, 1), weekly_hours=Decimal("15"), conversations=4)
        with pytest.raises(ValidationError):
            peer_month_record(peer=peer, month=datetime.date(2019, 3, 9), weekly_hours=Decimal("25"))
        with pytest.raises(ValidationError):
            peer_month_record(peer=peer, month=datetime.date(2019, 4, 1), weekly_hours=Decimal("-1"))
        recovery_course_record(house=house, year=2019, term="spring", title="Håb", enrolled=20, attended=18)
        with pytest.raises(ValidationError) as exc:
            recovery_course_record(house=house, year=2019, term="spring", title="Angst", enrolled=10, attended=11)
        assert "flere fremmødte end tilmeldte" in str(exc.value)
        with pytest.raises(ValidationError):
            recovery_course_record(house=house, year=2019, term="spring", title="Håb", enrolled=5)
        peer_cohort_record(house=house, year=2019, term="spring", participants=8, completed=8, employed=5,
                           other_education=1, unknown=2)
        with pytest.raises(ValidationError):
            peer_cohort_record(house=house, year=2019, term="autumn", participants=8, completed=8, employed=5,
                               other_education=4)
        with pytest.raises(ValidationError):
            peer_cohort_record(house=house, year=2019, term="autumn", participants=8, completed=9)

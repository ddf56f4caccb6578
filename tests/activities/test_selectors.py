"""The evaluation tables' numbers against small hand-computed data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from activities import selectors
from activities.services import (
    activity_create,
    attendance_record,
    budget_record,
    enrolment_create,
    head_count_record,
    home_treatment_record,
    open_dialogue_record,
    peer_cohort_record,
    peer_month_record,
    peer_worker_create,
    recovery_course_record,
    session_create,
    socialvagten_record,
    staff_count_record,
)

D = datetime.date


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.django_db
class TestTables:
    def test_table_1_open_dialogue(self, house, other_house):
        open_dialogue_record(house=house, month=D(2019, 5, 1), meetings=3, cross_sector=1)
        open_dialogue_record(house=house, month=D(2019, 12, 1), meetings=4, cross_sector=4)
        open_dialogue_record(house=house, month=D(2020, 1, 1), meetings=6, cross_sector=2)
        open_dialogue_record(house=house, month=D(2020, 7, 1), meetings=9)  # outside the period
        open_dialogue_record(house=other_house, month=D(2019, 6, 1), meetings=50)  # another house
        result = selectors.open_dialogue_meetings(house=house, start=D(2019, 5, 15), end=D(2020, 6, 30))
        assert result == {
            "meetings": 13, "cross_sector": 7, "months_reported": 3,
            "by_year": {"2019": {"meetings": 7, "cross_sector": 5, "months_reported": 2},
                        "2020": {"meetings": 6, "cross_sector": 2, "months_reported": 1}},
        }

    def test_table_11_offers_used_by_regional_contract_holders(self, house, make_citizen):
        today = timezone.localdate()
        start = today.replace(day=1)
        r1 = make_citizen(house, "region", contract_on=D(2020, 1, 1))
        r2 = make_citizen(house, "region", contract_on=D(2020, 1, 1))
        k1 = make_citizen(house, "kommune", contract_on=D(2020, 1, 1))  # municipal only: not counted
        sleep = activity_create(house=house, name="Søvnforløb", kind="course", offer="sleep", sector="region", seats=8)
        creative = activity_create(house=house, name="Kreativt værksted", kind="open", offer="creative")
        for c in (r1, r2, k1):
            enrolment_create(activity=sleep, citizen=c)
        s1 = session_create(activity=sleep, starts_at=_at(today, 8))
        s2 = session_create(activity=sleep, starts_at=_at(today, 9))
        attendance_record(session=s1, citizen=r1)
        attendance_record(session=s2, citizen=r1)  # r1 twice: one user of the sleep course
        attendance_record(session=s1, citizen=r2, present=False)  # absent: not a user
        attendance_record(session=s1, citizen=k1)
        c1 = session_create(activity=creative, starts_at=_at(today, 12))
        head_count_record(session=c1, head_count=11)  # heads name nobody
        attendance_record(session=c1, citizen=r1)
        attendance_record(session=c1, citizen=r2)
        result = selectors.house_offers_used(house=house, start=start, end=today)
        assert result["by_offer"] == {"sleep": 1, "creative": 2, "walk": 0, "nada": 0, "recovery_school": 0,
                                      "social_health": 0}
        assert result["users"] == 2
        assert result["contract_holders"] == 2
        municipal = selectors.house_offers_used(house=house, start=start, end=today, sector="kommune")
        assert municipal["by_offer"]["sleep"] == 1 and municipal["users"] == 1

    def test_table_20_home_treatment(self, house):
        home_treatment_record(house=house, month=D(2021, 1, 1), contacts=100, citizens=40, citizens_new_in_year=40)
        home_treatment_record(house=house, month=D(2021, 2, 1), contacts=80, citizens=35, citizens_new_in_year=10)
        home_treatment_record(house=house, month=D(2022, 1, 1), contacts=30, citizens=12, citizens_new_in_year=12)
        result = selectors.home_treatment_counts(house=house, start=D(2021, 1, 1), end=D(2022, 4, 30))
        assert result == {
            "contacts": 210,
            "by_year": {
                "2021": {"unique_citizens": 50, "contacts": 180, "contacts_per_citizen": 3.6, "months_reported": 2,
                         "through": "2021-02"},
                "2022": {"unique_citizens": 12, "contacts": 30, "contacts_per_citizen": 2.5, "months_reported": 1,
                         "through": "2022-01"},
            },
        }

    def test_table_21_recovery_school(self, house):
        recovery_course_record(house=house, year=2021, term="spring", title="Håb", enrolled=30, attended=25)
        recovery_course_record(house=house, year=2021, term="spring", title="Søvn", enrolled=20)
        recovery_course_record(house=house, year=2021, term="spring", title="Håb", enrolled=12, attended=10,
                               online=True)
        recovery_course_record(house=house, year=2021, term="autumn", title="Håb", enrolled=40, attended=31)
        recovery_course_record(house=house, year=2022, term="spring", title="Håb", enrolled=99, attended=9)
        result = selectors.recovery_school_courses(house=house, start=D(2021, 1, 1), end=D(2021, 12, 31))
        assert list(result["by_semester"]) == ["2021-spring", "2021-spring-online", "2021-autumn"]
        assert result["by_semester"]["2021-spring"] == {
            "label": "Forår 2021", "year": 2021, "term": "spring", "online": False, "courses": 2, "enrolled": 50,
            "attended": 25, "courses_without_attendance": 1}
        assert result["by_semester"]["2021-spring-online"]["enrolled"] == 12
        assert (result["courses"], result["enrolled"], result["attended"]) == (4, 102, 66)
        q3 = selectors.recovery_school_courses(house=house, start=D(2021, 7, 1), end=D(2021, 9, 30))
        assert list(q3["by_semester"]) == ["2021-autumn"]

    def test_table_22_peer_education(self, house):
        peer_cohort_record(house=house, year=2019, term="spring", participants=8, completed=8, employed=5,
                           other_education=1, unknown=2)
        peer_cohort_record(house=house, year=2019, term="autumn", participants=8, completed=8, employed=4,
                           in_practice=4)
        peer_cohort_record(house=house, year=2020, term="spring", participants=8, completed=7)
        result = selectors.peer_education_cohorts(house=house, start=D(2019, 1, 1), end=D(2019, 12, 31))
        assert list(result["by_cohort"]) == ["2019-spring", "2019-autumn"]
        assert result["by_cohort"]["2019-autumn"]["label"] == "Efterår 2019"
        assert result["totals"] == {"participants": 16, "completed": 16, "employed": 9, "other_education": 1,
                                    "unknown": 2, "in_practice": 4}

    def test_table_23_socialvagten(self, house):
        socialvagten_record(house=house, day=D(2020, 12, 31), phone=20, in_person=1)
        socialvagten_record(house=house, day=D(2021, 1, 1), phone=17, in_person=0)
        socialvagten_record(house=house, day=D(2021, 1, 2), phone=25, in_person=2)
        result = selectors.socialvagten_contacts(house=house, start=D(2020, 1, 1), end=D(2021, 12, 31))
        assert result["by_year"]["2020"] == {"total": 21, "in_person": 1, "phone": 20, "days_reported": 1,
                                             "per_day": 21.0}
        assert result["by_year"]["2021"] == {"total": 44, "in_person": 2, "phone": 42, "days_reported": 2,
                                             "per_day": 22.0}
        assert (result["total"], result["days_reported"], result["per_day"]) == (65, 3, 21.7)

    def test_table_24_staff(self, house):
        staff_count_record(house=house, sector="kommune", on_date=D(2021, 1, 1), employees=30, fte=Decimal("22.8"))
        staff_count_record(house=house, sector="region", on_date=D(2021, 1, 1), employees=32, fte=Decimal("26.5"))
        staff_count_record(house=house, sector="kommune", on_date=D(2022, 1, 1), employees=30, fte=Decimal("21.8"))
        result = selectors.staff_counts(house=house, start=D(2021, 1, 1), end=D(2021, 12, 31))
        assert result["by_date"] == {"2021-01-01": {"kommune": {"employees": 30, "fte": 22.8},
                                                    "region": {"employees": 32, "fte": 26.5},
                                                    "total": {"employees": 62, "fte": 49.3}}}
        later = selectors.staff_counts(house=house, start=D(2022, 4, 1), end=D(2022, 6, 30))
        assert later["by_date"] == {}
        assert later["at_end"] == {"kommune": {"on_date": "2022-01-01", "employees": 30, "fte": 21.8},
                                   "region": {"on_date": "2021-01-01", "employees": 32, "fte": 26.5}}

    def test_table_25_peer_hours(self, house):
        a = peer_worker_create(house=house, label="A", sector="kommune")
        b = peer_worker_create(house=house, label="B", sector="region")
        peer_month_record(peer=a, month=D(2019, 3, 1), weekly_hours=Decimal("15"), conversations=3)
        peer_month_record(peer=b, month=D(2019, 3, 1), weekly_hours=Decimal("12"), conversations=5)
        peer_month_record(peer=a, month=D(2019, 4, 1), weekly_hours=Decimal("25"))
        peer_month_record(peer=b, month=D(2019, 4, 1), weekly_hours=Decimal("0"))
        result = selectors.peer_hours(house=house, start=D(2019, 1, 1), end=D(2019, 12, 31))
        assert result["by_month"] == {"2019-03": {"peers": 2, "weekly_hours": 27.0, "conversations": 8},
                                      "2019-04": {"peers": 1, "weekly_hours": 25.0, "conversations": 0}}
        assert result["by_peer"]["A"] == {"sector": "kommune", "months": {"2019-03": 15.0, "2019-04": 25.0}}
        assert result["conversations"] == 8

    def test_table_26_budget(self, house):
        budget_record(house=house, sector="kommune", year=2019, amount=14955799)
        budget_record(house=house, sector="region", year=2019, amount=11278000)
        budget_record(house=house, sector="kommune", year=2020, amount=15277000)
        result = selectors.budget(house=house, start=D(2019, 1, 1), end=D(2020, 12, 31))
        assert result == {"by_year": {"2019": {"kommune": 14955799, "region": 11278000, "total": 26233799},
                                      "2020": {"kommune": 15277000, "region": None, "total": 15277000}}}

    def test_reporting_finds_every_table(self, house):
        from reporting.selectors import ACTIVITY_TABLES, Period, table_activities

        open_dialogue_record(house=house, month=D(2021, 2, 1), meetings=7)
        tables = table_activities(house=house, period=Period(start=D(2021, 1, 1), end=D(2021, 3, 31), label="K1"))
        assert set(tables) == set(ACTIVITY_TABLES)
        assert tables["open_dialogue"]["meetings"] == 7

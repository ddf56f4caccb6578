"""House rules are versioned and read for a date; the default is Aarhus-like."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from psykiatrihus.models import HousePolicy
from psykiatrihus.policy import PolicyBook, policy_for, policy_versions
from psykiatrihus.services import house_policy_set
from tests.policy.conftest import FRAME_CHANGE, OPENED

pytestmark = pytest.mark.django_db


class TestDefault:
    def test_default_is_aarhus_like(self, house):
        kommune = policy_for(house=house, sector="kommune", on_date=datetime.date(2024, 1, 1))
        region = policy_for(house=house, sector="region", on_date=datetime.date(2024, 1, 1))
        assert kommune.is_default and region.is_default
        assert kommune.admission_routes == ["bsk"]
        assert region.admission_routes == ["bsk", "home_treatment"]
        assert (kommune.stay_frame_nights, region.stay_frame_nights) == (3, 3)
        assert (kommune.followup_interval_months, region.followup_interval_months) == (12, 6)
        assert kommune.extension_by == "leader"
        assert not kommune.stays_have_goals and not kommune.plans_post_stay_followup
        assert kommune.max_nights_per_month is None
        assert kommune.admits("bsk") and not kommune.admits("visitation")

    def test_default_follows_house_frame(self, other_house):
        other_house.default_stay_frame_nights = 14
        other_house.save()
        assert policy_for(house=other_house, sector="region", on_date=datetime.date(2024, 1, 1)).stay_frame_nights == 14


class TestVersions:
    @pytest.mark.parametrize(
        ("on_date", "kommune", "region"),
        [
            (datetime.date(2019, 2, 24), 3, 3),  # before the first version: the default
            (OPENED, 1, 5),
            (datetime.date(2020, 9, 30), 1, 5),
            (FRAME_CHANGE, 3, 3),
            (datetime.date(2026, 1, 1), 3, 3),
        ],
    )
    def test_rules_valid_at_date(self, aarhus_history, on_date, kommune, region):
        assert policy_for(house=aarhus_history, sector="kommune", on_date=on_date).stay_frame_nights == kommune
        assert policy_for(house=aarhus_history, sector="region", on_date=on_date).stay_frame_nights == region
        book = PolicyBook(house=aarhus_history)
        assert book.policy_for(sector="kommune", on_date=on_date).stay_frame_nights == kommune
        assert book.policy_for(sector="region", on_date=on_date).stay_frame_nights == region

    def test_versions_keep_unchanged_rules(self, aarhus_history):
        after = policy_for(house=aarhus_history, sector="region", on_date=FRAME_CHANGE)
        assert after.valid_from == FRAME_CHANGE
        assert after.followup_interval_months == 6
        assert after.admission_routes == ["bsk", "home_treatment"]

    def test_policy_book_reads_once(self, aarhus_history, django_assert_num_queries):
        with django_assert_num_queries(1):
            book = PolicyBook(house=aarhus_history)
            frames = [book.policy_for(sector="kommune", on_date=OPENED + datetime.timedelta(days=d)).stay_frame_nights
                      for d in range(0, 900, 30)]
        assert frames.count(1) == 20 and frames.count(3) == 10  # 30.09.2020 is day 583 after opening

    def test_versions_in_period(self, aarhus_history):
        year_2020 = policy_versions(house=aarhus_history, sector="kommune", start=datetime.date(2020, 1, 1),
                                    end=datetime.date(2020, 12, 31))
        assert [(p.valid_from, p.stay_frame_nights) for p in year_2020] == [(OPENED, 1), (FRAME_CHANGE, 3)]
        year_2021 = policy_versions(house=aarhus_history, start=datetime.date(2021, 1, 1),
                                    end=datetime.date(2021, 12, 31))
        assert [(p.sector, p.stay_frame_nights) for p in year_2021] == [("kommune", 3), ("region", 3)]
        year_2018 = policy_versions(house=aarhus_history, sector="region", start=datetime.date(2018, 1, 1),
                                    end=datetime.date(2019, 12, 31))
        assert [(p.is_default, p.stay_frame_nights) for p in year_2018] == [(True, 3), (False, 5)]

    def test_describe_in_danish(self, aarhus_history):
        text = policy_for(house=aarhus_history, sector="region", on_date=OPENED).describe()
        assert "ramme 5 nætter" in text and "hver 6. måned" in text and "25.02.2019" in text


class TestPolicySet:
    def test_idempotent(self, house):
        day = datetime.date(2024, 1, 1)
        version, written = house_policy_set(house=house, sector="kommune", valid_from=day, stay_frame_nights=3)
        assert written  # the first recorded version pins the default down
        again, written_again = house_policy_set(house=house, sector="kommune", valid_from=day, stay_frame_nights=3)
        assert (again.pk, written_again) == (version.pk, False)
        later, written_later = house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2025, 1, 1),
                                                stay_frame_nights=3)
        assert not written_later and later.pk == version.pk  # nothing changed: no new version
        assert HousePolicy.objects.filter(house=house).count() == 1

    def test_change_writes_version_and_same_day_updates(self, house, users):
        day = datetime.date(2024, 1, 1)
        house_policy_set(house=house, sector="kommune", valid_from=day, stay_frame_nights=3)
        v2, written = house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2024, 6, 1),
                                       admits_visitation=True, user=users["admin"])
        assert written and v2.created_by == users["admin"] and v2.stay_frame_nights == 3
        v2b, _ = house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2024, 6, 1),
                                  stay_frame_nights=14)
        assert v2b.pk == v2.pk and v2b.admits_visitation and v2b.stay_frame_nights == 14
        assert HousePolicy.objects.filter(house=house, sector="kommune").count() == 2
        # The other sector and the other house are untouched.
        assert policy_for(house=house, sector="region", on_date=datetime.date(2024, 7, 1)).is_default

    def test_no_route_refused(self, house):
        with pytest.raises(ValidationError) as err:
            house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2024, 1, 1), admits_bsk=False)
        assert "adgangsvej" in err.value.messages[0]
        assert not HousePolicy.objects.exists()

    def test_unknown_rule_refused(self, house):
        with pytest.raises(ValueError, match="unknown"):
            house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2024, 1, 1), frame=3)

    def test_database_refuses_duplicate_version_and_no_route(self, house):
        house_policy_set(house=house, sector="kommune", valid_from=datetime.date(2024, 1, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            HousePolicy.objects.create(house=house, sector="kommune", valid_from=datetime.date(2024, 1, 1),
                                       stay_frame_nights=3)
        with pytest.raises(IntegrityError), transaction.atomic():
            HousePolicy.objects.create(house=house, sector="region", valid_from=datetime.date(2024, 1, 1),
                                       stay_frame_nights=3, admits_bsk=False)

    def test_houses_have_their_own_rules(self, house, other_house):
        day = datetime.date(2024, 1, 1)
        house_policy_set(house=other_house, sector="kommune", valid_from=day, admits_bsk=False,
                         admits_visitation=True, stay_frame_nights=14, extension_by="visitation")
        silkeborg = policy_for(house=other_house, sector="kommune", on_date=day)
        aarhus = policy_for(house=house, sector="kommune", on_date=day)
        assert silkeborg.admission_routes == ["visitation"] and silkeborg.stay_frame_nights == 14
        assert aarhus.admission_routes == ["bsk"] and aarhus.stay_frame_nights == 3

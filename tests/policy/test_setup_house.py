"""`setup_house` writes a version of the rules only when something changes."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psykiatrihus.models import House, HousePolicy
from psykiatrihus.policy import policy_for

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 1)


def setup(*args: str) -> str:
    out = StringIO()
    call_command("setup_house", "--slug", "silkeborg", "--name", "Psykiatriens Hus Silkeborg",
                 "--municipal-beds", "4", "--regional-beds", "6", "--policy-from", DAY.isoformat(), *args, stdout=out)
    return out.getvalue()


class TestSetupHouse:
    def test_whole_house_options(self):
        out = setup("--stay-frame-nights", "14", "--admission", "visitation", "--stay-goals", "ja",
                    "--post-stay-followup", "visit_or_call", "--extension-by", "visitation")
        house = House.objects.get(slug="silkeborg")
        assert house.default_stay_frame_nights == 14
        for sector in ("kommune", "region"):
            policy = policy_for(house=house, sector=sector, on_date=DAY)
            assert policy.stay_frame_nights == 14 and policy.stays_have_goals
            assert policy.admits_visitation and not policy.admits_bsk
            assert policy.post_stay_followup == "visit_or_call" and policy.extension_by == "visitation"
        assert out.count("Nye regler") == 2
        assert house.beds.filter(active=True).count() == 10

    def test_idempotent(self):
        args = ("--stay-frame-nights", "14", "--admission", "kommune=visitation,region=both")
        setup(*args)
        out = setup(*args)
        assert "Nye regler" not in out
        assert HousePolicy.objects.count() == 2

    def test_per_sector(self):
        setup("--admission", "kommune=visitation", "--admission", "region=both", "--stay-frame-nights", "region=5",
              "--max-nights-per-month", "kommune=1", "--followup-months", "region=3")
        house = House.objects.get(slug="silkeborg")
        kommune = policy_for(house=house, sector="kommune", on_date=DAY)
        region = policy_for(house=house, sector="region", on_date=DAY)
        assert kommune.admission_routes == ["visitation"] and kommune.max_nights_per_month == 1
        assert region.admission_routes == ["bsk", "visitation", "home_treatment"]
        assert (region.stay_frame_nights, region.followup_interval_months) == (5, 3)
        assert kommune.stay_frame_nights == 3 and house.default_stay_frame_nights == 3

    def test_no_policy_options_write_nothing(self):
        setup()
        assert not HousePolicy.objects.exists()

    @pytest.mark.parametrize("args", [
        ("--admission", "anonym"),
        ("--admission", "by=bsk"),
        ("--stay-frame-nights", "-1"),
        ("--stay-goals", "måske"),
        ("--policy-from", "01.03.2024"),
    ])
    def test_bad_values_are_command_errors(self, args):
        with pytest.raises(CommandError):
            setup(*args)
        assert not HousePolicy.objects.exists()

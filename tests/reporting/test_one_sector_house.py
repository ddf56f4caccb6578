"""A house with one sector only (Samsø: a single municipal bed) gets no regional columns of zeros in its
report; a two-sector house keeps both, and a sector with figures is never dropped.

Hand-computed: Samsø-like house, one municipal bed K1, one citizen with a municipal contract from
1.1.2024 and two checked-out stays in Q1 2024 (3–5 Jan, 2 nights; 10–11 Feb, 1 night): municipal stays 2,
nights 3 (suppression off, threshold 0)."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from beds.models import Bed
from beds.services import stay_book, stay_check_in, stay_check_out
from contracts.services import citizen_create, contract_create
from psykiatrihus.models import Role
from psykiatrihus.services import house_setup
from reporting.report_files import render_xlsx
from reporting.selectors import period_for, report_data
from tests.beds.conftest import at, cpr_for

pytestmark = pytest.mark.django_db
Q1_2024 = period_for(year=2024, quarter=1)


@pytest.fixture
def samsoe(db):
    return house_setup(slug="samsoe", name="Samsø Sundheds- og Akuthus", municipal_beds=1, regional_beds=0,
                       faerdigbehandling_beds=0)


def _two_stays(house, staff):
    citizen = citizen_create(house=house, sector="kommune", name="Jon", cpr=cpr_for(datetime.date(1980, 6, 1), 21))
    contract_create(house=house, citizen=citizen, sector="kommune", granted_on=datetime.date(2024, 1, 1))
    k1 = Bed.objects.get(house=house, label="K1")
    for arrive, leave in (("2024-01-03", "2024-01-05"), ("2024-02-10", "2024-02-11")):
        stay = stay_book(house=house, bed=k1, citizen=citizen, arrival=at(arrive),
                         planned_departure=at(leave, 10), user=staff)
        stay_check_in(stay=stay, user=staff, at=at(arrive))
        stay_check_out(stay=stay, user=staff, at=at(leave, 10))


class TestOneSectorHouse:
    def test_no_regional_columns_for_a_house_without_region(self, samsoe, make_member):
        _two_stays(samsoe, make_member(samsoe, Role.MUNICIPAL_STAFF, "kommune", username="s-k"))
        data = report_data(house=samsoe, period=Q1_2024, suppress_below=0)
        assert list(data["rules"]) == ["kommune"]
        assert data["tables"]["stays"]["kommune"]["stays"] == 2 and data["tables"]["stays"]["kommune"]["nights"] == 3
        assert not any("region" in t for t in data["tables"].values() if isinstance(t, dict))
        book = load_workbook(BytesIO(render_xlsx(data=data, previous=None)))
        cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
        assert f"Kommune {Q1_2024.label}" in cells  # the column headers of every table
        assert f"Region {Q1_2024.label}" not in cells

    def test_two_sector_house_keeps_both_even_when_one_is_empty(self, house, make_member):
        _two_stays(house, make_member(house, Role.MUNICIPAL_STAFF, "kommune", username="a-k"))
        data = report_data(house=house, period=Q1_2024, suppress_below=0)
        assert set(data["tables"]["stays"]) >= {"kommune", "region"}
        assert data["tables"]["stays"]["region"]["stays"] == 0

    def test_staff_without_report_access_are_refused(self, samsoe, client, make_member):
        """Staff see no reports page at all (reports are for leaders and the steering group)."""
        client.force_login(make_member(samsoe, Role.MUNICIPAL_STAFF, "kommune", username="s-staff"))
        assert client.get("/rapporter/").status_code == 403

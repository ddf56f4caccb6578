"""Each table against the hand-computed data set in conftest.py."""

from __future__ import annotations

import datetime

import pytest

from reporting import selectors as s
from reporting.disclosure import report_suppress

pytestmark = pytest.mark.django_db

Y2021 = s.period_for(year=2021)


def test_periods():
    q1 = s.period_for(year=2021, quarter=1)
    assert (q1.start, q1.end) == (datetime.date(2021, 1, 1), datetime.date(2021, 3, 31))
    q4 = s.period_for(year=2020, quarter=4)
    assert q4.end == datetime.date(2020, 12, 31)
    assert Y2021.previous_year().start == datetime.date(2020, 1, 1)
    assert s.previous_quarter(today=datetime.date(2022, 1, 1)) == s.period_for(year=2021, quarter=4)
    assert s.previous_quarter(today=datetime.date(2022, 4, 1)) == s.period_for(year=2022, quarter=1)
    with pytest.raises(ValueError):
        s.period_for(year=2021, quarter=5)
    with pytest.raises(ValueError):
        s.period_for(year=2021, start=datetime.date(2021, 2, 1), end=datetime.date(2021, 1, 1))


def test_stay_table_year(dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        table = s.table_stays(house=dataset.house, period=Y2021)
    assert table["kommune"] == {
        "stays": 5, "unique_citizens": 2, "nights": 11, "stays_per_citizen": 2.5, "nights_per_stay": 2.2,
        "max_stays_one_citizen": 3, "max_nights_one_citizen": 8,
        "citizens_by_stays": {"1-2": 1, "3-9": 1, "10+": 0},
        "stays_by_nights": {"0-1": 2, "2": 1, "3": 1, "4": 0, "5+": 1},
    }
    assert table["region"] == {
        "stays": 2, "unique_citizens": 2, "nights": 4, "stays_per_citizen": 1.0, "nights_per_stay": 2.0,
        "max_stays_one_citizen": 1, "max_nights_one_citizen": 3,
        "citizens_by_stays": {"1-2": 2, "3-9": 0, "10+": 0},
        "stays_by_nights": {"0-1": 1, "2": 0, "3": 1, "4": 0, "5+": 0},
    }


def test_stay_table_year_boundary_and_quarter(dataset):
    y2020 = s.table_stays(house=dataset.house, period=s.period_for(year=2020))
    # B's stay from 30 Dec 2020 to 2 Jan 2021 belongs to 2020 (arrival), with all its 3 nights.
    assert (y2020["kommune"]["stays"], y2020["kommune"]["nights"]) == (1, 3)
    assert y2020["region"]["stays"] == 0 and y2020["region"]["nights_per_stay"] is None
    q1 = s.table_stays(house=dataset.house, period=s.period_for(year=2021, quarter=1))
    assert (q1["kommune"]["stays"], q1["kommune"]["unique_citizens"], q1["kommune"]["nights"]) == (2, 1, 1)
    assert q1["kommune"]["stays_by_nights"]["0-1"] == 2  # the 0-night stay counts in 0-1
    q4 = s.table_stays(house=dataset.house, period=s.period_for(year=2021, quarter=4))
    assert q4["region"]["stays"] == 1 and q4["kommune"]["nights"] == 2


def test_stays_per_month(dataset):
    table = s.table_stays_per_month(house=dataset.house, period=Y2021)
    assert table["kommune"]["counts"]["2021-01"] == 1
    assert table["kommune"]["counts"]["2021-12"] == 1
    assert table["kommune"]["total"] == 5
    assert table["region"]["counts"]["2021-02"] == 1 and len(table["region"]["counts"]) == 12


def test_contracts(dataset):
    table = s.table_contracts(house=dataset.house, period=Y2021)
    assert table["kommune"]["new"] == 0 and table["kommune"]["active_at_end"] == 1
    assert table["kommune"]["ended"]["total"] == 1 and table["kommune"]["ended"]["counts"]["not_needed"] == 1
    assert table["region"]["new"] == 2 and table["region"]["active_at_end"] == 2
    assert table["region"]["ended"]["counts"]["too_ill"] == 1


def test_contracts_by_quarter_granted(dataset):
    table = s.table_contracts_by_quarter_granted(house=dataset.house, period=Y2021)
    assert table["kommune"]["counts"] == {"2020 K1": 1}
    assert table["region"]["counts"] == {"2021 K1": 1, "2021 K4": 1}


def test_holders_activity(dataset):
    table = s.table_holders_activity(house=dataset.house, period=Y2021)
    assert table["kommune"] == {"counts": {"active": 2, "inactive": 0}, "total": 2}
    assert table["region"] == {"counts": {"active": 2, "inactive": 1}, "total": 3}


def test_age_gender_profiles(dataset):
    holders = s.table_holders_age_gender(house=dataset.house, period=Y2021)
    assert holders["kommune"]["total"] == 1 and holders["kommune"]["counts"]["30-39"]["F"] == 1
    assert holders["region"]["counts"]["under_20"]["F"] == 1  # C is 18 on 31 Dec 2021
    assert holders["region"]["counts"]["30-39"]["F"] == 1 and holders["region"]["total"] == 2
    nights = s.table_nights_age_gender(house=dataset.house, period=Y2021)
    assert nights["kommune"]["counts"]["30-39"]["F"] == 3
    assert nights["kommune"]["counts"]["60-69"]["M"] == 8
    assert nights["kommune"]["total"] == 11
    assert nights["region"]["counts"]["under_20"]["F"] == 1 and nights["region"]["counts"]["30-39"]["F"] == 3


def test_referral_diagnoses_responsibility_services(dataset):
    ref = s.table_referral_sources(house=dataset.house, period=Y2021)
    assert ref["kommune"]["counts"]["selvhenvender"] == 1 and ref["kommune"]["counts"]["mestringsvejleder"] == 1
    assert ref["kommune"]["total"] == 2
    assert ref["region"]["counts"]["klinik"] == 1 and ref["region"]["counts"]["akut_psykiatri"] == 1
    assert ref["region"]["total"] == 3
    diag = s.table_diagnoses(house=dataset.house, period=Y2021)["region"]
    assert diag["diagnosis"]["counts"]["DF3"] == 1 and diag["diagnosis"]["total"] == 3
    assert diag["comorbidity"]["counts"]["DF4"] == 1 and diag["comorbidity"]["total"] == 2
    resp = s.table_treatment_responsibility(house=dataset.house, period=Y2021)["region"]
    assert resp["counts"] == {"clinic": 1, "house": 1, "unknown": 1}
    services = s.table_municipal_services(house=dataset.house, period=Y2021)
    assert services["kommune"]["counts"]["mestringsvejleder"] == 1 and services["kommune"]["counts"]["none"] == 1
    assert "region" not in services  # recorded on municipal contracts only: no column of 100 % unknown


def test_suppression_of_stay_table(dataset):
    data = s.report_data(house=dataset.house, period=Y2021)  # house threshold 5
    k = data["tables"]["stays"]["kommune"]
    assert data["suppress_below"] == 5
    assert k["stays_by_nights"] == {"0-1": "<5", "2": "<5", "3": "<5", "4": 0, "5+": "<5"}
    # 5 stays in four small buckets: the 5 (printed twice: here and under stays per month) would pin them
    assert k["stays"] is None and data["tables"]["stays_per_month"]["kommune"]["total"] is None
    assert k["stays_per_citizen"] is None and k["nights_per_stay"] is None
    # the 11 nights would pin three of them: each hidden length is at least 1, so 2 + 3 + 5 (five or more) = 10
    # of the 11 nights, and none of the 2-, 3- and 5+-night counts could be 2; so the nights are hidden too
    assert k["nights"] is None and data["tables"]["nights_age_gender"]["kommune"]["total"] is None
    assert k["max_nights_one_citizen"] == 8 and k["max_stays_one_citizen"] == "<5"
    raw = s.report_data(house=dataset.house, period=Y2021, suppress_below=0)
    assert raw["tables"]["stays"]["kommune"]["stays"] == 5


def test_whole_report_audit_protects_every_small_cell(dataset):
    figures = s.report_figures(house=dataset.house, period=Y2021)
    small = [i for i in figures.intervals]
    assert len(small) > 20
    assert all(i.protected and i.high - i.low + 1 >= 3 for i in small)
    assert all(figures.publication.values[p] > 0 for p in figures.publication.hidden)


def test_other_house_sees_nothing(dataset, other_house):
    table = s.table_stays(house=other_house, period=Y2021)
    assert table["kommune"]["stays"] == 0 and table["region"]["unique_citizens"] == 0


def test_activity_tables_are_included_and_suppressed(dataset):
    from activities.services import budget_record, open_dialogue_record, socialvagten_record

    house = dataset.house
    socialvagten_record(house=house, day=datetime.date(2021, 3, 1), phone=20, in_person=2)
    socialvagten_record(house=house, day=datetime.date(2021, 3, 2), phone=10, in_person=0)
    open_dialogue_record(house=house, month=datetime.date(2021, 5, 1), meetings=7, cross_sector=3)
    budget_record(house=house, sector="kommune", year=2021, amount=13446412)
    raw = s.report_tables(house=house, period=Y2021)
    assert raw["socialvagten"]["total"] == 32 and raw["socialvagten"]["per_day"] == 16.0
    assert raw["open_dialogue"]["meetings"] == 7
    assert raw["budget"]["by_year"]["2021"]["kommune"] == 13446412
    shown = report_suppress(raw, below=5)
    # 2 in-person contacts are suppressed; 32 − 30 would give them away, so the phone contacts (a part, the
    # cheaper of the two) are hidden too, here and in the year's row; the total and its daily average stay
    assert shown["socialvagten"]["in_person"] == "<5"
    assert shown["socialvagten"]["phone"] is None and shown["socialvagten"]["by_year"]["2021"]["phone"] is None
    assert shown["socialvagten"]["total"] == 32 and shown["socialvagten"]["per_day"] == 16.0
    assert shown["socialvagten"]["days_reported"] == 2
    assert shown["open_dialogue"]["meetings"] == 7 and shown["open_dialogue"]["cross_sector"] == "<5"
    assert shown["budget"]["by_year"]["2021"]["kommune"] == 13446412


def test_citizens_across_sectors_and_previous_labels(dataset):
    both = s.table_stays_both_sectors(house=dataset.house, period=Y2021)
    assert both == {"unique_citizens": 3, "citizens_in_both_sectors": 1}  # A used both sectors
    assert report_suppress({"stays_both_sectors": both}, below=5)["stays_both_sectors"] == {
        "unique_citizens": "<5", "citizens_in_both_sectors": "<5"}
    q = s.period_for(year=2021, quarter=3)
    assert q.previous_year().label == "3. kvartal 2020"
    r = s.period_for(year=2021, start=datetime.date(2021, 1, 1), end=datetime.date(2021, 3, 31))
    assert r.previous_year().label == "01.01.2020–31.03.2020"


def test_period_labels_are_made_in_the_report_language():
    """A report ordered by someone reading English (or built after a request that left English active) still
    says "3. kvartal": labels are made in the report's language, never the ambient one."""
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("%(q)s. kvartal %(y)s") == "Q%(q)s %(y)s"  # English really is active
        q = s.period_for(year=2021, quarter=3)
        assert q.label == "3. kvartal 2021" and q.previous_year().label == "3. kvartal 2020"
        assert s.previous_quarter(today=datetime.date(2022, 1, 1)).label == "4. kvartal 2021"


def test_occupancy_from_beds(dataset):
    occ = s.table_occupancy(house=dataset.house, period=Y2021)
    # 8 beds × 365 nights; occupied nights inside 2021: 1 (B's stay from 2020) + 1 + 0 + 3 + 5 + 1 (A, 31 Dec)
    assert occ["kommune"]["bed_nights_available"] == 2920 and occ["kommune"]["bed_nights_occupied"] == 11
    assert occ["kommune"]["percent"] == 0.4
    # hours: 34 + 20 + 6 + 68 + 116 + 10
    assert occ["kommune"]["hours_occupied"] == 254.0 and occ["kommune"]["hours_available"] == 8 * 8760
    assert occ["region"]["bed_nights_occupied"] == 4
    shown = report_suppress({"occupancy": occ}, below=5)["occupancy"]
    assert shown["kommune"]["bed_nights_occupied"] == 11
    assert shown["region"]["bed_nights_occupied"] == "<5" and shown["region"]["percent"] is None
    assert shown["region"]["hours_occupied"] is None and shown["region"]["bed_nights_available"] == 2920


def test_requests_and_turned_away(dataset):
    from beds.models import Bed
    from beds.services import stay_book, stay_request_record, stay_request_turn_away, stay_request_withdraw

    from .conftest import at

    house, user = dataset.house, dataset.leader

    def request(sector, when, citizen=None):
        return stay_request_record(house=house, sector=sector, channel="phone", user=user, citizen=citizen,
                                   requested_at=when)

    stay_request_turn_away(stay_request=request("kommune", at("2021-02-01")), reason="no_bed", user=user)
    stay_request_turn_away(stay_request=request("kommune", at("2021-02-02")), reason="not_eligible", user=user)
    stay_request_withdraw(stay_request=request("kommune", at("2021-03-01")), user=user)
    request("region", at("2021-07-01"))
    booked = request("region", at("2021-07-10", 9), citizen=dataset.a)
    stay_book(house=house, bed=Bed.objects.get(house=house, label="R2"), citizen=dataset.a,
              arrival=at("2021-07-10", 14), planned_departure=at("2021-07-11", 10), user=user, request=booked)
    # 23:30 on New Year's Eve (local time) belongs to 2020, not 2021
    stay_request_turn_away(stay_request=request("kommune", at("2020-12-31", 23).replace(minute=30)),
                           reason="no_bed", user=user)
    table = s.table_requests(house=house, period=Y2021)
    assert table["kommune"]["outcomes"] == {
        "counts": {"booked": 0, "turned_away": 2, "withdrawn": 1, "pending": 0}, "total": 3}
    assert table["kommune"]["turned_away_reasons"]["counts"] == {
        "no_bed": 1, "not_eligible": 1, "no_contract": 0, "other": 0}
    assert table["region"]["outcomes"]["counts"]["booked"] == 1 and table["region"]["outcomes"]["total"] == 2
    y2020 = s.table_requests(house=house, period=s.period_for(year=2020))
    assert y2020["kommune"]["turned_away_reasons"]["counts"]["no_bed"] == 1


def test_faerdigbehandling(dataset):
    from contracts.services import citizen_create, contract_create

    from .conftest import cpr_for, stay_add

    house = dataset.house
    e = citizen_create(house=house, sector="kommune", name="Erik", cpr=cpr_for(datetime.date(1975, 6, 6), 5, False))
    contract_create(house=house, citizen=e, sector="kommune", granted_on=datetime.date(2021, 1, 1))
    stay_add(house=house, user=dataset.leader, citizen=e, sector="kommune", arrival="2021-11-15",
             departure="2022-02-10", bed_label="K8", kind="faerdigbehandling",
             fb_decided_on=datetime.date(2021, 11, 10), fb_ward="Afsnit P1", fb_case_worker="Rådgiver",
             fb_house_contact="Leder", check_out={"fb_outcome": "botilbud_107", "fb_stays_attached": True})
    y2021 = s.table_faerdigbehandling(house=house, period=Y2021)["kommune"]
    assert (y2021["nights"], y2021["citizens"], y2021["outcomes"]["total"]) == (47, 1, 0)  # 15 Nov → 1 Jan
    q1 = s.table_faerdigbehandling(house=house, period=s.period_for(year=2022, quarter=1))["kommune"]
    assert (q1["nights"], q1["citizens"]) == (40, 1)  # 1 Jan → 10 Feb
    assert q1["outcomes"]["counts"]["botilbud_107"] == 1
    # the færdigbehandling stay stays out of the ordinary stay table
    assert s.table_stays(house=house, period=Y2021)["kommune"]["stays"] == 5

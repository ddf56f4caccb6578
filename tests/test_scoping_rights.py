"""The named rights on `Access` (psykiatrihus.scoping): one table per role, and the two visibility rules
(records: sector or consent; citizens: registered by / contract in a sector, or consent)."""

from __future__ import annotations

import datetime

import pytest

from contracts.services import citizen_create, consent_give, consent_withdraw, contract_create
from psykiatrihus.scoping import NO_ACCESS, access_for

pytestmark = pytest.mark.django_db

# role -> expected value of each house-wide right
RIGHTS = ["is_member", "sees_citizens", "can_book", "sees_board", "sees_dashboard", "sees_dashboard_now",
          "sees_reports", "may_see_raw_figures", "sees_audit_log", "offers_two_factor", "may_create_activity",
          "compares_houses", "sees_small_live_counts"]
EXPECTED = {
    #              member citiz  book   board  dash   now    reps   raw    audit  2fa    activity compare live
    "kommune":     (True, True, True, True, False, False, False, False, False, False, True, False, False),
    "region":      (True, True, True, True, False, False, False, False, False, False, True, False, False),
    "peer":        (True, False, False, True, False, False, False, False, False, False, False, False, False),
    "leder":       (True, True, True, True, True, True, True, True, True, True, True, False, True),
    "styregruppe": (True, False, False, False, True, False, True, False, False, False, False, True, False),
    "admin":       (True, False, False, False, False, False, True, False, True, True, False, True, False),
    "outsider":    (False, False, False, False, False, False, False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_house_wide_rights_per_role(who, users, house):
    access = access_for(users[who], house)
    assert {r: getattr(access, r) for r in RIGHTS} == dict(zip(RIGHTS, EXPECTED[who], strict=True))


def test_no_access_and_anonymous_have_no_right(house):
    from django.contrib.auth.models import AnonymousUser

    for access in (NO_ACCESS, access_for(AnonymousUser(), house)):
        assert not any(getattr(access, r) for r in RIGHTS)
        assert not access.may_book("kommune") and not access.may_see_record(sector="kommune", citizen_id=1)


def test_superuser_sees_reports_and_log_but_no_citizen(house):
    from psykiatrihus.services import user_create

    su = user_create(username="root", password="korrekt-hest-batteri-42", is_superuser=True)
    access = access_for(su, house)
    assert access.sees_reports and access.sees_audit_log and access.sees_admin and access.may_see_raw_figures
    assert not access.sees_citizens and not access.sees_board and not access.may_book("region")


def test_sector_rights(users, house):
    kommune, region, leder = (access_for(users[k], house) for k in ("kommune", "region", "leder"))
    assert kommune.may_book("kommune") and not kommune.may_book("region")
    assert region.may_book("region") and not region.may_book("kommune")
    assert leder.may_book("kommune") and leder.may_book("region")
    assert region.sees_health_data("region") and not kommune.sees_health_data("region")
    assert not region.sees_health_data("kommune")  # municipal records carry no health data
    assert kommune.may_enter_counts({"kommune"}) and not kommune.may_enter_counts({"region"})
    assert not kommune.may_enter_counts(set()) and leder.may_enter_counts(set())
    assert access_for(users["peer"], house).sees_aggregates("region")


def test_records_of_another_house_are_refused(users, house, other_house):
    from beds.models import Bed

    kommune = access_for(users["kommune"], house)
    own_bed = Bed.objects.filter(house=house, sector="kommune").first()
    far_bed = Bed.objects.filter(house=other_house, sector="kommune").first()
    assert kommune.may_book(own_bed) and not kommune.may_book(far_bed)


@pytest.fixture
def people(house):
    """A municipal and a regional citizen, each with a contract of their own sector only."""
    today = datetime.date.today()
    karl = citizen_create(house=house, sector="kommune", name="Karl Kommunal", cpr="0101901234")
    rita = citizen_create(house=house, sector="region", name="Rita Regional", cpr="0202801234")
    contract_create(house=house, citizen=karl, sector="kommune", granted_on=today)
    rita_contract = contract_create(house=house, citizen=rita, sector="region", granted_on=today)
    return karl, rita, rita_contract


def _fresh(user, house):
    return access_for(user, house)  # the consent sets are cached per Access


def test_visible_citizen_is_sector_or_consent(users, house, people):
    from contracts.models import Citizen

    karl, rita, rita_contract = people
    kommune = access_for(users["kommune"], house)
    assert kommune.may_see_citizen(karl) and not kommune.may_see_citizen(rita)
    assert set(kommune.visible_citizens(Citizen.objects.all())) == {karl}
    assert not kommune.may_see_record(sector="region", citizen_id=rita.pk)
    assert not kommune.may_edit_contract(rita_contract)
    for who in ("peer", "styregruppe", "admin", "outsider"):
        assert not access_for(users[who], house).may_see_citizen(karl)

    consent = consent_give(citizen=rita, to_sector="kommune", scope="contract")
    kommune = _fresh(users["kommune"], house)
    assert kommune.may_see_citizen(rita) and kommune.may_see_record(sector="region", citizen_id=rita.pk)
    assert set(kommune.visible_citizens(Citizen.objects.all())) == {karl, rita}
    assert not kommune.may_edit_contract(rita_contract)  # consent gives reading only
    assert not kommune.sees_health_data("region", citizen_id=rita.pk)  # scope without health data
    assert not access_for(users["peer"], house).may_see_citizen(rita)

    consent_withdraw(consent=consent)
    kommune = _fresh(users["kommune"], house)
    assert not kommune.may_see_citizen(rita) and not kommune.may_see_record(sector="region", citizen_id=rita.pk)


def test_health_data_crosses_only_with_a_health_consent(users, house, people):
    _karl, rita, _c = people
    consent_give(citizen=rita, to_sector="kommune", scope="contract_and_health")
    kommune = access_for(users["kommune"], house)
    assert kommune.sees_health_data("region", citizen_id=rita.pk)
    assert not kommune.sees_health_data("region", citizen_id=rita.pk + 1000)


def test_a_consent_in_one_house_opens_nothing_in_another(users, house, other_house, people, make_member):
    karl, _rita, _c = people
    consent_give(citizen=karl, to_sector="region", scope="contract")
    far = make_member(other_house, "regional_staff", "region", username="region-far")
    access = access_for(far, other_house)
    assert not access.may_see_citizen(karl) and not access.may_see_record(sector="kommune", citizen_id=karl.pk)


def test_board_names_follow_the_record_rule(users, house, people):
    from types import SimpleNamespace

    karl, rita, _c = people
    stay_of = lambda c, s: SimpleNamespace(sector=s, citizen_id=c.pk, house_id=house.pk)  # noqa: E731
    kommune = access_for(users["kommune"], house)
    assert kommune.sees_board_names(stay_of(karl, "kommune"))
    assert not kommune.sees_board_names(stay_of(rita, "region"))
    # a regional stay of a citizen the municipality also knows is still a regional record
    assert not kommune.sees_board_names(stay_of(karl, "region"))
    assert not access_for(users["peer"], house).sees_board_names(stay_of(karl, "kommune"))
    consent_give(citizen=rita, to_sector="kommune", scope="contract")
    assert access_for(users["kommune"], house).sees_board_names(stay_of(rita, "region"))


def test_rights_ask_at_most_one_query_for_consents(users, house, people, django_assert_num_queries):
    _karl, rita, _c = people
    kommune = access_for(users["kommune"], house)
    with django_assert_num_queries(1):
        for _ in range(50):
            kommune.may_see_record(sector="region", citizen_id=rita.pk)


def test_leaders_of_a_sector_decide_its_longer_stays(users, house, make_member):
    """`may_decide_extension`: approving or declining a stay beyond the frame is a leader's, of the stay's sector."""
    from psykiatrihus.models import Role

    kommune_leader = access_for(make_member(house, Role.LEADER, "kommune", username="kl"), house)
    assert kommune_leader.may_decide_extension("kommune") and not kommune_leader.may_decide_extension("region")
    assert access_for(users["leder"], house).may_decide_extension("region")
    for who in ("kommune", "region", "peer", "styregruppe", "admin", "outsider"):
        access = access_for(users[who], house)
        assert not access.decides_extensions and not any(access.may_decide_extension(s) for s in ("kommune", "region"))
    assert kommune_leader.decides_extensions and not NO_ACCESS.decides_extensions


def test_small_live_counts_for_leaders_of_one_sector_too(house, make_member):
    """A leader of one sector has no raw report figures, but sees today's live counts of the house as counted
    (the "now" part shows them to every leader); the steering group sees 1 to N-1 as "<N"."""
    from psykiatrihus.models import Role
    from psykiatrihus.services import user_create

    kommune_leader = access_for(make_member(house, Role.LEADER, "kommune", username="kl-live"), house)
    assert kommune_leader.sees_small_live_counts and not kommune_leader.may_see_raw_figures
    su = user_create(username="root-live", password="korrekt-hest-batteri-42", is_superuser=True)
    assert access_for(su, house).sees_small_live_counts

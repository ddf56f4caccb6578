"""The contracts services check the acting user's right themselves (Access), whatever view or endpoint calls."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from contracts import services

pytestmark = pytest.mark.django_db


def test_only_the_owning_sector_changes_a_contract_or_consents(users, house):
    today = datetime.date.today()
    rita = services.citizen_create(house=house, sector="region", name="Rita", cpr="0202801234")
    contract = services.contract_create(house=house, citizen=rita, sector="region", granted_on=today,
                                        user=users["region"])
    for call in (lambda: services.contract_pause(contract=contract, user=users["kommune"]),
                 lambda: services.contract_end(contract=contract, ended_on=today, reason="not_needed",
                                               user=users["kommune"]),
                 lambda: services.followup_record(contract=contract, held_on=today, user=users["peer"]),
                 lambda: services.consent_give(citizen=rita, to_sector="kommune", user=users["kommune"]),
                 lambda: services.contract_create(house=house, citizen=rita, sector="region", granted_on=today,
                                                  user=users["kommune"])):
        with pytest.raises(PermissionDenied):
            call()
    contract.refresh_from_db()
    assert contract.status == "active" and not rita.consents.exists()
    consent = services.consent_give(citizen=rita, to_sector="kommune", user=users["region"])
    with pytest.raises(PermissionDenied):  # the consent lets the municipality read, never manage
        services.consent_withdraw(consent=consent, user=users["kommune"])
    services.contract_pause(contract=contract, user=users["leder"])
    contract.refresh_from_db()
    assert contract.status == "paused"

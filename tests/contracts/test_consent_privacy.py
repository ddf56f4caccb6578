"""Consent across the wall (guardian grants), CPR never in a database dump, nothing in the admin."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pgserver
import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection

from contracts import models as contract_models
from contracts import services
from contracts.models import CitizenGroupObjectPermission, Consent
from contracts.selectors import citizen_get, contract_get, contracts_visible, health_citizen_ids
from psykiatrihus.models import AuditEvent
from psykiatrihus.scoping import access_for

from .conftest import D, cpr_for


@pytest.mark.django_db
class TestConsent:
    def _kommune(self, users, house):
        return access_for(users["kommune"], house)

    def test_limited_consent_opens_contract_not_health(self, world, users, house):
        before = self._kommune(users, house)
        assert contract_get(access=before, pk=world.bo_r.pk) is None
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract",
                                        given_on=D(2022, 3, 1), user=users["region"])
        grant = CitizenGroupObjectPermission.objects.get(content_object=world.bo)
        assert grant.group.name == "aarhus:kommune"
        assert grant.permission.codename == "view_citizen_across_wall"
        access = self._kommune(users, house)
        assert contract_get(access=access, pk=world.bo_r.pk) == world.bo_r
        assert citizen_get(access=access, pk=world.bo.pk) == world.bo
        assert health_citizen_ids(access=access) == set()
        # Regional staff see nothing new: the consent goes one way only.
        region = access_for(users["region"], house)
        assert set(contracts_visible(access=region)) == {world.bo_r, world.carl_r}
        assert consent.withdrawn_on is None
        assert AuditEvent.objects.filter(object_type="contracts.consent", action="create",
                                         citizen_id=world.bo.pk).count() == 1

    def test_full_scope_opens_health_then_withdrawal_closes_everything(self, world, users, house):
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract_and_health",
                                        given_on=D(2022, 3, 1), user=users["region"])
        assert health_citizen_ids(access=self._kommune(users, house)) == {world.bo.pk}
        services.consent_withdraw(consent=consent, withdrawn_on=D(2022, 4, 1), user=users["region"])
        access = self._kommune(users, house)
        assert contract_get(access=access, pk=world.bo_r.pk) is None
        assert citizen_get(access=access, pk=world.bo.pk) is None
        assert health_citizen_ids(access=access) == set()
        assert not CitizenGroupObjectPermission.objects.filter(content_object=world.bo).exists()
        with pytest.raises(ValidationError) as exc:
            services.consent_withdraw(consent=consent, user=users["region"])
        assert "already_withdrawn" in services.error_codes(exc.value)

    def test_scope_change_replaces_the_open_consent(self, world, users, house):
        first = services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract",
                                      given_on=D(2022, 3, 1), user=users["region"])
        services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract_and_health",
                              given_on=D(2022, 5, 1), user=users["region"])
        first.refresh_from_db()
        assert first.withdrawn_on == D(2022, 5, 1)
        assert Consent.objects.filter(citizen=world.bo, withdrawn_on__isnull=True).get().scope == "contract_and_health"
        assert health_citizen_ids(access=self._kommune(users, house)) == {world.bo.pk}
        assert CitizenGroupObjectPermission.objects.filter(content_object=world.bo).count() == 1

    def test_consent_in_one_house_opens_nothing_in_another(self, world, users, house, other_house, make_member):
        services.consent_give(citizen=world.stranger, to_sector="region", given_on=D(2022, 3, 1))
        region_there = make_member(other_house, "regional_staff", "region", username="region-silkeborg")
        assert contract_get(access=access_for(region_there, other_house), pk=world.stranger_k.pk) == world.stranger_k
        assert contract_get(access=access_for(users["region"], house), pk=world.stranger_k.pk) is None

    def test_peer_and_steering_see_nothing_even_with_consent(self, world, users, house):
        services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract_and_health",
                              given_on=D(2022, 3, 1))
        for role in ("peer", "styregruppe", "admin", "outsider"):
            access = access_for(users[role], house)
            assert list(contracts_visible(access=access)) == [], role
            assert citizen_get(access=access, pk=world.bo.pk) is None

    def test_bad_consent_input(self, world, users):
        with pytest.raises(ValidationError) as exc:
            services.consent_give(citizen=world.bo, to_sector="stat", scope="alt")
        assert set(exc.value.message_dict) == {"to_sector", "scope"}


@pytest.mark.django_db
class TestNoCitizenDataInAdmin:
    def test_no_contracts_model_is_registered(self):
        for model in (contract_models.Citizen, contract_models.Contract, contract_models.FollowUp,
                      contract_models.Consent, contract_models.ContractEvent, contract_models.HomeTreatmentCourse,
                      contract_models.CitizenGroupObjectPermission):
            assert not admin.site.is_registered(model), model

    def test_superuser_admin_has_no_citizen_pages(self, world, client):
        from psykiatrihus.services import user_create

        root = user_create(username="root", password="korrekt-hest-batteri-42", is_superuser=True)
        client.force_login(root)
        for model in ("citizen", "contract", "consent", "followup", "admission", "questionnaireresponse"):
            assert client.get(f"/admin/contracts/{model}/").status_code == 404, model
        index = client.get("/admin/").content.decode()
        # The app shows only its configuration (questionnaire instruments), never a personal model.
        assert "/admin/contracts/citizen/" not in index and "Anna" not in index
        assert "/admin/contracts/instrument/" in index


PG_BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"


@pytest.mark.django_db(transaction=True)
def test_cpr_digits_are_not_in_a_database_dump(house, users, client_for):
    """Create citizens through the service and the API (incl. a CPR search), commit, dump, grep."""
    cprs = [cpr_for(D(1991, 12, 24), 5, True), cpr_for(D(1958, 7, 14), 6, False), cpr_for(D(2001, 3, 9), 7, True)]
    services.citizen_create(house=house, sector="kommune", name="Dump Testesen", cpr=cprs[0], user=users["kommune"])
    c = client_for("region")
    r = c.post("/api/v1/contracts/", {"name": "Dump Regionsen", "cpr": f"{cprs[1][:6]}-{cprs[1][6:]}",
                                      "granted_on": "2022-01-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    bad = c.post("/api/v1/citizens/", {"name": "Fejl", "cpr": cprs[2][:9] + "x"}, content_type="application/json")
    assert bad.status_code == 400
    services.citizen_create(house=house, sector="region", name="Ung Dump", cpr=cprs[2])
    assert c.post("/api/v1/citizens/search/", {"q": cprs[1]}, content_type="application/json").json()["count"] == 1

    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    cmd = [str(PG_BIN / "pg_dump"), "--no-owner", "-d", settings["NAME"], "-U", settings["USER"] or "postgres"]
    host = settings.get("HOST") or settings.get("OPTIONS", {}).get("host")
    if host:
        cmd += ["-h", host]
    if settings.get("PORT"):
        cmd += ["-p", str(settings["PORT"])]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    dump = result.stdout
    assert "Dump Testesen" in dump  # the dump really holds the data
    for cpr in cprs:
        assert cpr not in dump
        assert f"{cpr[:6]}-{cpr[6:]}" not in dump


@pytest.mark.django_db
def test_followup_interval_follows_the_house_policy(house, users):
    """A house that follows up municipal contracts every 3 months gets that, from the rule's date on."""
    from psykiatrihus.services import house_policy_set

    house_policy_set(house=house, sector="kommune", valid_from=D(2021, 1, 1), followup_interval_months=3)
    citizen = services.citizen_create(house=house, sector="kommune", name="Politik Test",
                                      cpr=cpr_for(D(1980, 3, 3), 30, True))
    before = services.contract_create(house=house, citizen=citizen, sector="kommune", granted_on=D(2020, 6, 1))
    assert before.next_followup_due == D(2021, 6, 1)  # the default (yearly) was in force on the grant date
    followup = services.followup_record(contract=before, held_on=D(2021, 2, 10), user=users["kommune"])
    assert followup.next_due == D(2021, 5, 10)


def test_demo_data_is_plausible_and_idempotent(demo_db):
    """The contracts app's part of the demo (its contracts are the imported ones; the bed board's demo adds
    a few of its own), and a second run of it changes nothing."""
    import io

    from contracts import demo
    from contracts.models import Citizen, Contract, FollowUp
    from psykiatrihus.models import House

    house = House.objects.get(slug="aarhus")
    contracts = Contract.objects.filter(house=house, imported=True)
    assert contracts.filter(sector="kommune").count() == demo.MUNICIPAL_CONTRACTS
    assert contracts.filter(sector="region").count() == demo.REGIONAL_CONTRACTS
    assert not contracts.filter(granted_on__lt=demo.OPENED).exists()
    assert not contracts.filter(granted_on__gt=demo.LAST_GRANT).exists()
    assert contracts.filter(status="ended").exclude(end_reason="").count() == contracts.filter(status="ended").count()
    assert contracts.filter(end_reason="not_needed").count() > contracts.filter(end_reason="died").count()
    assert not contracts.filter(sector="kommune").exclude(diagnosis_group="").exists()
    assert FollowUp.objects.filter(contract__in=contracts).count() > 500
    before = (Citizen.objects.count(), Contract.objects.count(), FollowUp.objects.count())
    out = io.StringIO()
    demo.seed(house=house, stdout=out)
    assert (Citizen.objects.count(), Contract.objects.count(), FollowUp.objects.count()) == before
    assert "findes allerede" in out.getvalue()

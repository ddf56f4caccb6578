"""The Danish pages behind the sector wall: role matrix, forms with Danish errors, audit, query bounds."""

from __future__ import annotations

import pytest

from contracts import services
from contracts.models import Consent, Contract, ContractStatus, FollowUp
from psykiatrihus.models import AuditEvent

from .conftest import D, cpr_for

pytestmark = pytest.mark.django_db

STAFF = {"kommune": {"anna", "carl"}, "region": {"bo", "carl"}, "leder": {"anna", "bo", "carl"}}
CONTRACTS = {"kommune": {"anna_k", "carl_k"}, "region": {"bo_r", "carl_r"},
             "leder": {"anna_k", "bo_r", "carl_k", "carl_r"}}
NAMES = {"anna": "Anna Andersen", "bo": "Bo Bertelsen", "carl": "Carl Christensen", "stranger": "Stine Fremmed"}
ALL_ROLES = ["kommune", "region", "peer", "leder", "styregruppe", "admin", "outsider"]


class TestPageMatrix:
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_citizen_list(self, world, client_for, role):
        response = client_for(role).get("/borgere/")
        if role not in STAFF:
            assert response.status_code == 403
            assert not any(name in response.content.decode() for name in NAMES.values())
            return
        body = response.content.decode()
        assert response.status_code == 200
        for key, name in NAMES.items():
            assert (name in body) == (key in STAFF[role]), (role, key)

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_citizen_and_contract_pages(self, world, client_for, role):
        c = client_for(role)
        for key in NAMES:
            status = c.get(f"/borgere/{getattr(world, key).pk}/").status_code
            assert status == (200 if key in STAFF.get(role, set()) else 403 if role not in STAFF else 404), (role, key)
        for key in ["anna_k", "bo_r", "carl_k", "carl_r", "stranger_k"]:
            contract = getattr(world, key)
            for url in [f"/borgere/kontrakt/{contract.pk}/", f"/borgere/kontrakt/{contract.pk}/afslut/"]:
                status = c.get(url).status_code
                expected = 200 if key in CONTRACTS.get(role, set()) else 403 if role not in STAFF else 404
                assert status == expected, (role, key, url)

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_followup_list(self, world, client_for, role):
        response = client_for(role).get("/borgere/opfoelgninger/")
        if role not in STAFF:
            assert response.status_code == 403
            return
        body = response.content.decode()
        for key, name in NAMES.items():
            assert (name in body) == (key in STAFF[role]), (role, key)
        assert "overskred" in body

    def test_navigation_links_only_for_citizen_roles(self, world, client_for):
        assert 'href="/borgere/"' in client_for("kommune").get("/").content.decode()
        assert 'href="/borgere/opfoelgninger/"' in client_for("leder").get("/").content.decode()
        for role in ("peer", "styregruppe", "admin"):
            assert 'href="/borgere/"' not in client_for(role).get("/").content.decode()


class TestHealthAndCprOnPages:
    def test_health_fields_follow_consent_scope(self, world, client_for, users):
        url = f"/borgere/kontrakt/{world.bo_r.pk}/"
        assert "DF3 Affektive lidelser" in client_for("region").get(url).content.decode()
        assert client_for("kommune").get(url).status_code == 404
        consent = services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract",
                                        given_on=D(2022, 1, 1), user=users["region"])
        body = client_for("kommune").get(url).content.decode()
        assert "Bo Bertelsen" in body and "Diagnosegruppe" not in body and "DF3" not in body
        assert "Ret kontrakt" not in body  # reading only across the wall
        services.consent_withdraw(consent=consent, user=users["region"])
        services.consent_give(citizen=world.bo, to_sector="kommune", scope="contract_and_health",
                              given_on=D(2022, 2, 1), user=users["region"])
        assert "DF3 Affektive lidelser" in client_for("kommune").get(url).content.decode()

    def test_cpr_full_for_own_sector_masked_across(self, world, client_for, users):
        services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1), user=users["region"])
        body = client_for("kommune").get("/borgere/").content.decode()
        anna, bo = world.cprs["anna"], world.cprs["bo"]
        assert f"{anna[:6]}-{anna[6:]}" in body
        assert f"{bo[:6]}-xxxx" in body and bo[6:] not in body
        detail = client_for("kommune").get(f"/borgere/{world.bo.pk}/").content.decode()
        assert f"{bo[:6]}-xxxx" in detail and f"{bo[:6]}-{bo[6:]}" not in detail

    def test_search_by_name_and_cpr_is_scoped(self, world, client_for):
        c = client_for("region")
        body = c.get("/borgere/", {"q": "chris"}).content.decode()
        assert "Carl Christensen" in body and "Bo Bertelsen" not in body
        body = c.post("/borgere/", {"q": world.cprs["bo"]}).content.decode()
        assert "Bo Bertelsen" in body and "Carl Christensen" not in body
        body = c.post("/borgere/", {"q": world.cprs["anna"]}).content.decode()
        assert "Anna" not in body and "Ingen borgere matcher" in body

    def test_cpr_in_the_address_is_refused_not_searched(self, world, client_for):
        body = client_for("region").get("/borgere/", {"q": world.cprs["bo"]}).content.decode()
        assert "CPR-numre må ikke stå i en adresse" in body
        assert not AuditEvent.objects.filter(username="region", action="search").exists()


class TestForms:
    def _post(self, client, **overrides):
        data = {"name": "Dorte Dahl", "cpr": cpr_for(D(1984, 9, 9), 11, True), "sector": "kommune",
                "granted_on": "2022-03-03", "referral_source": "botilbud", "resident_in_municipality": "on",
                "elig_self_reliant": "on", "crisis_what_helps": "Gåture"}
        data.update(overrides)
        return client.post("/borgere/ny/", data)

    def test_create_citizen_and_contract_in_one_step(self, house, client_for):
        response = self._post(client_for("kommune"))
        assert response.status_code == 302
        contract = Contract.objects.get(citizen__name="Dorte Dahl")
        assert response["Location"] == f"/borgere/kontrakt/{contract.pk}/"
        assert (contract.sector, contract.status, contract.referral_source) == ("kommune", "active", "botilbud")
        assert contract.resident_in_municipality is True and contract.eligibility["self_reliant"] is True
        assert contract.next_followup_due == D(2023, 3, 3)
        page = client_for("kommune").get(response["Location"]).content.decode()
        assert "Gåture" in page and "Bevilget" in page and "3. marts 2022" in page

    def test_invalid_cpr_is_a_danish_field_error(self, house, client_for):
        response = self._post(client_for("kommune"), cpr="3113991234")
        body = response.content.decode()
        assert response.status_code == 200
        assert "Ugyldigt CPR-nummer" in body and 'id="id_cpr-errors"' in body
        assert Contract.objects.count() == 0

    def test_duplicate_active_contract_is_a_danish_error(self, world, client_for):
        response = self._post(client_for("kommune"), cpr=world.cprs["anna"], name="Anna")
        assert response.status_code == 200
        assert "Borgeren har allerede en aktiv kontrakt i denne sektor." in response.content.decode()
        assert Contract.objects.filter(citizen=world.anna).count() == 1

    def test_under_18_municipal_is_refused(self, house, client_for):
        response = self._post(client_for("kommune"), cpr=cpr_for(D(2006, 1, 1), 3, False))
        assert "fyldt 18 år" in response.content.decode()

    def test_municipal_form_has_no_health_fields(self, house, client_for):
        body = client_for("kommune").get("/borgere/ny/").content.decode()
        assert "Diagnosegruppe" not in body and "Bosat i kommunen" in body
        body = client_for("region").get("/borgere/ny/").content.decode()
        assert "Diagnosegruppe" in body and "Bosat i kommunen" not in body

    def test_end_contract_then_end_again(self, world, client_for):
        c = client_for("kommune")
        url = f"/borgere/kontrakt/{world.anna_k.pk}/afslut/"
        response = c.post(url, {"ended_on": "2022-06-30", "end_reason": "other", "reason_text": ""})
        assert "Beskriv årsagen" in response.content.decode()
        response = c.post(url, {"ended_on": "2020-01-01", "end_reason": "moved"})
        assert "før bevillingsdatoen" in response.content.decode()
        assert c.post(url, {"ended_on": "2022-06-30", "end_reason": "moved"}).status_code == 302
        world.anna_k.refresh_from_db()
        assert (world.anna_k.status, world.anna_k.ended_on, world.anna_k.end_reason) == ("ended", D(2022, 6, 30),
                                                                                          "moved")
        response = c.post(url, {"ended_on": "2022-07-30", "end_reason": "moved"})
        assert response.status_code == 200
        assert "Kontrakten er allerede afsluttet." in response.content.decode()
        page = c.get(f"/borgere/kontrakt/{world.anna_k.pk}/").content.decode()
        assert "Fraflyttet" in page and "30. juni 2022" in page

    def test_pause_resume_followup_and_timeline(self, world, client_for):
        c = client_for("region")
        base = f"/borgere/kontrakt/{world.bo_r.pk}/"
        assert c.post(base + "pause/", {"note": "Indlagt"}).status_code == 302
        assert Contract.objects.get(pk=world.bo_r.pk).status == ContractStatus.PAUSED
        c.post(base + "pause/", {"resume": "1"})
        assert Contract.objects.get(pk=world.bo_r.pk).status == ContractStatus.ACTIVE
        r = c.post(base + "opfoelgning/", {"held_on": "2022-01-15", "participants": "Bo og kontaktperson",
                                           "outcome": "Fortsætter", "elig_not_suicidal": "on"})
        assert r.status_code == 302
        f = FollowUp.objects.get(contract=world.bo_r)
        assert f.next_due == D(2022, 7, 15) and f.eligibility["not_suicidal"] is True
        page = c.get(base).content.decode()
        for text in ("Bevilget", "Sat på pause", "Genoptaget", "Opfølgning", "Indlagt", "15. juli 2022"):
            assert text in page, text

    def test_kommune_cannot_end_a_consented_regional_contract(self, world, client_for, users):
        services.consent_give(citizen=world.bo, to_sector="kommune", given_on=D(2022, 1, 1), user=users["region"])
        r = client_for("kommune").post(f"/borgere/kontrakt/{world.bo_r.pk}/afslut/",
                                       {"ended_on": "2022-06-30", "end_reason": "moved"})
        assert r.status_code == 403
        assert Contract.objects.get(pk=world.bo_r.pk).status == "active"


class TestConsentForm:
    def test_give_and_withdraw_through_the_pages(self, world, client_for):
        c = client_for("region")
        form = c.get(f"/borgere/{world.bo.pk}/samtykke/").content.decode()
        assert 'value="kommune"' in form and 'value="region"' not in form
        r = c.post(f"/borgere/{world.bo.pk}/samtykke/", {"to_sector": "kommune", "scope": "contract",
                                                          "given_on": "2022-04-01"})
        assert r.status_code == 302
        consent = Consent.objects.get(citizen=world.bo)
        assert client_for("kommune").get(f"/borgere/kontrakt/{world.bo_r.pk}/").status_code == 200
        # The receiving sector may not withdraw on the citizen's behalf: only the owning sector records it.
        assert client_for("kommune").get(f"/borgere/{world.bo.pk}/samtykke/").status_code == 403
        r = c.post(f"/borgere/samtykke/{consent.pk}/tilbagekald/")
        assert r.status_code == 302
        consent.refresh_from_db()
        assert consent.withdrawn_on is not None
        assert client_for("kommune").get(f"/borgere/kontrakt/{world.bo_r.pk}/").status_code == 404

    def test_consent_future_date_is_a_field_error(self, world, client_for):
        import datetime

        from django.utils import timezone

        next_month = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
        r = client_for("region").post(f"/borgere/{world.bo.pk}/samtykke/", {"to_sector": "kommune",
                                                                           "scope": "contract",
                                                                           "given_on": next_month})
        assert r.status_code == 200 and "fremtiden" in r.content.decode()
        # Year 2099 is outside the date window: a field error too, before the service is asked.
        r = client_for("region").post(f"/borgere/{world.bo.pk}/samtykke/", {"to_sector": "kommune",
                                                                           "scope": "contract",
                                                                           "given_on": "2099-01-01"})
        assert r.status_code == 200 and "Datoen skal ligge mellem" in r.content.decode()
        assert not Consent.objects.exists()

    def test_outsider_and_peer_cannot_reach_consent(self, world, client_for):
        for role in ("peer", "styregruppe", "admin", "outsider"):
            assert client_for(role).get(f"/borgere/{world.bo.pk}/samtykke/").status_code == 403


class TestAuditAndQueries:
    def test_page_reads_are_audited(self, world, client_for):
        c = client_for("leder")
        c.get(f"/borgere/kontrakt/{world.carl_r.pk}/")
        c.get(f"/borgere/{world.anna.pk}/")
        c.post("/borgere/", {"q": world.cprs["bo"]})
        events = AuditEvent.objects.filter(username="leder")
        assert events.filter(action="read", object_type="contracts.contract", object_id=str(world.carl_r.pk),
                             citizen_id=world.carl.pk).count() == 1
        assert events.filter(action="read", object_type="contracts.citizen", citizen_id=world.anna.pk).count() == 1
        search = events.get(action="search")
        assert search.detail == "søgning på cpr"
        assert events.filter(action="read", object_type="contracts.citizen", citizen_id=world.bo.pk).count() == 1

    def test_list_pages_have_bounded_queries(self, world, house, client_for, django_assert_max_num_queries):
        for i in range(25):
            citizen = services.citizen_create(house=house, sector="kommune", name=f"Borger {i:02d}",
                                              cpr=cpr_for(D(1960 + i, 2, 2), 40 + i, i % 2 == 1))
            services.contract_create(house=house, citizen=citizen, sector="kommune", granted_on=D(2021, 5, 5))
        c = client_for("kommune")
        with django_assert_max_num_queries(16):
            body = c.get("/borgere/").content.decode()
        assert "Borger 24" in body
        with django_assert_max_num_queries(16):
            body = c.get("/borgere/opfoelgninger/").content.decode()
        assert "Borger 24" in body

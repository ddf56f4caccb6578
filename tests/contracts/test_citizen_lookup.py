"""Type-ahead "find the citizen" (booking and request panels): the text is posted, never put in a URL; name,
birth date or a full CPR number find citizens the user may see; two "Anders Jensen" are told apart by birth
date and contract sector; every search and every citizen shown is audited; no CPR in a log line."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.urls import reverse

from contracts.services import citizen_create, consent_give, contract_create, contract_end
from psykiatrihus.models import AuditEvent

pytestmark = pytest.mark.django_db

LOOKUP = reverse("contracts:citizen_lookup")
CPR_KOMMUNE = "1203850013"  # Anders Jensen, born 12.03.1985, municipal contract
CPR_REGION = "0107900015"  # Anders Jensen, born 01.07.1990, regional contract
CPR_BOTH = "0202020027"  # Anders Jensen, born 02.02.1902, municipal contract ended, regional active


@pytest.fixture
def anders(house):
    d = datetime.date
    k = citizen_create(house=house, sector="kommune", name="Anders Jensen", cpr=CPR_KOMMUNE)
    r = citizen_create(house=house, sector="region", name="Anders Jensen", cpr=CPR_REGION)
    b = citizen_create(house=house, sector="region", name="Anders Bo Jensen", cpr=CPR_BOTH)
    contract_create(house=house, citizen=k, sector="kommune", granted_on=d(2024, 1, 1))
    contract_create(house=house, citizen=r, sector="region", granted_on=d(2024, 1, 1))
    ended = contract_create(house=house, citizen=b, sector="kommune", granted_on=d(2023, 1, 1))
    contract_end(contract=ended, ended_on=d(2023, 6, 30), reason="not_needed")
    contract_create(house=house, citizen=b, sector="region", granted_on=d(2024, 1, 1))
    return k, r, b


def lookup(client, q: str, field: str = "q"):
    return client.post(LOOKUP, {field: q, "field": field}, HTTP_HX_REQUEST="true")


def options(html: str) -> list[tuple[str, str]]:
    """(citizen id, the option's text without tags) of each match."""
    found = re.findall(r'<button type="button" class="lookup-option" data-citizen="(\d+)"[^>]*>(.*?)</button>',
                       html, re.S)
    return [(pk, " ".join(re.sub(r"<[^>]+>", " ", text).split())) for pk, text in found]


class TestFind:
    def test_namesakes_are_told_apart_by_birth_date_and_contract_sector(self, client_for, anders):
        k, r, b = anders
        found = options(lookup(client_for("leder"), "anders jensen").content.decode())
        assert found == [
            (str(b.pk), "Anders Bo Jensen født 02.02.1902 Region · aktiv Kommune · afsluttet"),
            (str(k.pk), "Anders Jensen født 12.03.1985 Kommune · aktiv"),
            (str(r.pk), "Anders Jensen født 01.07.1990 Region · aktiv"),
        ]

    def test_words_in_any_order_and_with_a_birth_date(self, client_for, anders):
        k, r, b = anders
        client = client_for("leder")
        assert [pk for pk, _ in options(lookup(client, "jensen and").content.decode())] == [
            str(b.pk), str(k.pk), str(r.pk)]
        assert [pk for pk, _ in options(lookup(client, "anders 12.03.1985").content.decode())] == [str(k.pk)]

    @pytest.mark.parametrize("text", ["12.03.1985", "12-3-1985", "12/03/85", "12031985", "120385"])
    def test_by_birth_date(self, client_for, anders, text):
        k, _r, _b = anders
        assert [pk for pk, _ in options(lookup(client_for("leder"), text).content.decode())] == [str(k.pk)]

    @pytest.mark.parametrize("text", ["120385-0013", "1203850013", "12 03 85 0013"])
    def test_by_a_full_cpr_number_which_is_not_echoed(self, client_for, anders, text):
        k, _r, _b = anders
        html = lookup(client_for("leder"), text, field="cpr").content.decode()
        assert [pk for pk, _ in options(html)] == [str(k.pk)]
        assert "0013" not in html and text not in html

    def test_too_little_or_nothing_finds_nobody(self, client_for, anders):
        client = client_for("leder")
        assert options(lookup(client, "a").content.decode()) == []
        assert lookup(client, "").content.decode().strip() == ""
        assert "Ingen borgere fundet" in lookup(client, "Zacharias").content.decode()
        assert options(lookup(client, "31.02.1985").content.decode()) == []  # no such day: nobody, no 500

    def test_more_than_ten_says_so(self, client_for, house):
        for i in range(12):
            c = citizen_create(house=house, sector="kommune", name=f"Mette Hansen {i:02d}",
                               cpr=f"0101{70 + i:02d}00{10 + i}")
            contract_create(house=house, citizen=c, sector="kommune", granted_on=datetime.date(2024, 1, 1))
        html = lookup(client_for("kommune"), "mette").content.decode()
        assert len(options(html)) == 10 and "Flere end 10 borgere passer" in html

    def test_a_huge_text_is_cut_not_refused(self, client_for, anders):
        response = lookup(client_for("leder"), "x" * 100_000)
        assert response.status_code == 200 and options(response.content.decode()) == []


class TestWall:
    def test_only_citizens_the_user_may_see(self, client_for, anders):
        k, r, b = anders
        assert [pk for pk, _ in options(lookup(client_for("kommune"), "anders").content.decode())] == [
            str(b.pk), str(k.pk)]  # b: registered by the region, but holds an (ended) municipal contract
        html = lookup(client_for("region"), "anders jensen").content.decode()
        assert [pk for pk, _ in options(html)] == [str(b.pk), str(r.pk)]
        assert "12.03.1985" not in html
        # A CPR of a citizen behind the wall finds nothing, exactly like an unknown one.
        hidden = lookup(client_for("region"), "120385-0013", field="cpr").content.decode()
        unknown = lookup(client_for("region"), "120385-0021", field="cpr").content.decode()
        assert hidden == unknown and "Ingen borgere fundet" in hidden

    def test_the_other_sectors_contract_shows_once_consent_opens_the_wall(self, client_for, anders):
        k, _r, _b = anders
        assert options(lookup(client_for("region"), "12.03.1985").content.decode()) == []
        consent_give(citizen=k, to_sector="region", given_on=datetime.date(2024, 2, 1))
        assert options(lookup(client_for("region"), "12.03.1985").content.decode()) == [
            (str(k.pk), "Anders Jensen født 12.03.1985 Kommune · aktiv")]

    def test_unauthorised_users_are_refused(self, client_for, anders):
        for key in ("outsider", "peer", "styregruppe", "admin"):
            assert lookup(client_for(key), "anders").status_code in (302, 403), key
        assert not AuditEvent.objects.filter(action="search").exists()

    def test_never_by_get(self, client_for, anders):
        response = client_for("leder").get(LOOKUP, {"q": "anders"})
        assert response.status_code == 405
        assert not AuditEvent.objects.filter(action="search").exists()


class TestAuditAndLogs:
    def test_each_search_and_each_citizen_shown_is_audited_without_the_text(self, client_for, anders):
        k, r, b = anders
        client = client_for("leder")
        lookup(client, "120385-0013", field="cpr")
        lookup(client, "anders jensen")
        lookup(client, "01.07.1990")
        searches = list(AuditEvent.objects.filter(action="search").order_by("id").values_list("detail", flat=True))
        assert searches == ["typeahead: søgning på cpr", "typeahead: søgning på navn",
                            "typeahead: søgning på fødselsdato"]
        reads = AuditEvent.objects.filter(action="read", detail="typeahead: borgervalg")
        assert sorted(reads.values_list("citizen_id", flat=True)) == sorted([k.pk, k.pk, r.pk, b.pk, r.pk])
        assert not AuditEvent.objects.filter(detail__contains="0013").exists()
        assert not AuditEvent.objects.filter(detail__icontains="anders").exists()

    def test_no_cpr_in_any_log_line(self, client_for, anders, caplog):
        client = client_for("leder")
        with caplog.at_level(logging.DEBUG):
            lookup(client, "120385-0013", field="cpr")
            client.get(LOOKUP + "?q=120385-0013")  # refused (405): the access log still has no CPR
        text = "\n".join(r.getMessage() for r in caplog.records)
        assert caplog.records  # the refused GET was logged (django.request), without its query
        assert "0013" not in text and "1203850013" not in text


class TestPanels:
    def test_booking_and_request_panels_post_the_text_never_put_it_in_a_url(self, client_for, house, anders):
        from beds.models import Bed

        client = client_for("kommune")
        k1 = Bed.objects.get(house=house, label="K1")
        for url in (reverse("beds:book") + f"?seng={k1.pk}&nat=2024-02-10", reverse("beds:request_new")):
            html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
            picker = html.split("data-citizen-picker", 1)[1].split("picker-results", 1)[0]
            assert f'hx-post="{LOOKUP}"' in picker and "hx-get" not in picker
            assert "delay:300ms" in picker  # debounced


class TestApiSearch:
    """`POST /api/v1/citizens/search/` searches as the type-ahead does: birth date, words in any order."""

    def test_birth_date_and_namesakes_in_the_posted_search(self, client_for, anders):
        k, r, b = anders
        client = client_for("leder")
        response = client.post("/api/v1/citizens/search/", {"q": "12.03.1985"}, content_type="application/json")
        assert [row["id"] for row in response.json()["results"]] == [k.pk]
        rows = client.post("/api/v1/citizens/search/", {"q": "jensen anders"},
                           content_type="application/json").json()["results"]
        assert [(row["id"], row["birth_date"], [(c["sector"], c["status"]) for c in row["contracts"]])
                for row in rows] == [
            (b.pk, "1902-02-02", [("region", "active"), ("kommune", "ended")]),
            (k.pk, "1985-03-12", [("kommune", "active")]),
            (r.pk, "1990-07-01", [("region", "active")])]
        assert list(AuditEvent.objects.filter(action="search").order_by("id").values_list("detail", flat=True)) == [
            "api søgning på fødselsdato", "api søgning på navn"]
        kommune = client_for("kommune").post("/api/v1/citizens/search/", {"q": "01.07.1990"},
                                             content_type="application/json")
        assert kommune.json()["results"] == []  # the regional namesake stays behind the wall

"""Requests for a stay (henvendelser) in the browser: record one in the board's side panel, today's open
requests under the board, and Book / Afvis / Trukket tilbage beside each; the sector wall, audited names,
Danish errors beside the fields and a query bound on the list."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beds.models import StayRequest
from beds.services import bed_block, stay_request_record
from psykiatrihus.models import AuditEvent
from tests.beds.conftest import bed, cpr_for

pytestmark = pytest.mark.django_db

NEW = reverse("beds:request_new")
LIST = reverse("beds:requests")
BOOK = reverse("beds:book")


def htmx(client, method: str, url: str, data=None, **headers):
    return getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true", **headers)


def errors_beside(html: str, field_id: str) -> str:
    """The text of the error list right after the field (`<id>-errors`), '' when there is none."""
    marker = f'id="{field_id}-errors"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def kommune_request(house, users, people):
    return stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                               citizen=people.anna, requested_nights=2, note="ringede kl. 9")


@pytest.fixture
def region_request(house, users, people):
    return stay_request_record(house=house, sector="region", channel="in_person", user=users["region"],
                               citizen=people.bo, requested_nights=1)


class TestRecordRequest:
    def test_unauthorised_users_are_refused(self, client_for):
        for key in ("outsider", "peer", "styregruppe", "admin"):
            assert client_for(key).get(NEW).status_code == 403, key
            assert htmx(client_for(key), "post", NEW, {"sector": "kommune", "channel": "phone",
                                                       "requested_nights": 1}).status_code == 403, key
        assert not StayRequest.objects.exists()

    def test_panel_offers_only_the_users_booking_sectors(self, client_for):
        html = htmx(client_for("kommune"), "get", NEW).content.decode()
        assert 'value="kommune"' in html and 'value="region"' not in html
        assert "Ny henvendelse" in html and "Find borger (navn, fødselsdato eller CPR-nummer)" in html
        html = htmx(client_for("leder"), "get", NEW).content.decode()
        assert 'value="kommune"' in html and 'value="region"' in html

    def test_record_with_citizen_found_by_a_posted_cpr(self, client_for, users, people):
        client = client_for("kommune")
        cpr = cpr_for(datetime.date(1990, 5, 10), 2)
        response = htmx(client, "post", NEW, {"action": "search", "q": f"{cpr[:6]}-{cpr[6:]}", "sector": "kommune",
                                              "channel": "phone", "requested_nights": "2"})
        html = response.content.decode()
        assert response.status_code == 200 and "1 borger fundet" in html
        assert f'<option value="{people.anna.pk}" selected>Anna · 10.05.1990 · Kommune</option>' in html
        assert cpr not in html and f"{cpr[:6]}-{cpr[6:]}" not in html  # the CPR typed is not echoed back
        assert AuditEvent.objects.filter(action="search", detail="henvendelse: søgning på cpr").count() == 1
        assert AuditEvent.objects.filter(action="read", citizen_id=people.anna.pk,
                                         detail="henvendelse: borgervalg").exists()
        response = htmx(client, "post", NEW, {"action": "save", "sector": "kommune", "channel": "phone",
                                              "citizen": people.anna.pk, "requested_nights": "2", "note": "ringede"})
        assert response.status_code == 200 and response["HX-Trigger"] == "boardChanged"
        assert "Henvendelsen er registreret (Kommune, telefon)." in response.content.decode()
        req = StayRequest.objects.get()
        assert (req.sector, req.channel, req.citizen, req.requested_nights, req.outcome, req.created_by) == (
            "kommune", "phone", people.anna, 2, "pending", users["kommune"])

    def test_record_without_citizen(self, client_for):
        response = htmx(client_for("kommune"), "post", NEW, {"sector": "kommune", "channel": "staff",
                                                             "citizen": "", "requested_nights": "1"})
        assert response.status_code == 200 and response["HX-Trigger"] == "boardChanged"
        assert StayRequest.objects.get().citizen is None

    def test_danish_errors_beside_the_fields(self, client_for):
        response = htmx(client_for("kommune"), "post", NEW, {"action": "save", "sector": "kommune", "channel": "",
                                                             "requested_nights": "0", "note": "x" * 501})
        html = response.content.decode()
        assert response.status_code == 200 and "HX-Trigger" not in response
        assert "Vælg hvordan borgeren henvendte sig." in errors_beside(html, "id_channel")
        assert "Angiv mindst én nat." in errors_beside(html, "id_requested_nights")
        assert "Noten må højst være 500 tegn." in errors_beside(html, "id_note")
        assert errors_beside(html, "id_sector") == ""
        assert not StayRequest.objects.exists()

    def test_panel_in_english(self, client_for):
        from django.utils import translation

        with translation.override("en"):
            html = htmx(client_for("kommune"), "get", NEW, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "New enquiry" in html and "Record enquiry" in html
        assert "Find citizen (name, birth date or CPR number)" in html

    def test_wrong_sector_is_refused_beside_the_sector(self, client_for):
        response = htmx(client_for("kommune"), "post", NEW, {"sector": "region", "channel": "phone",
                                                             "requested_nights": "1"})
        assert "Du kan kun registrere henvendelser i din egen sektor." in errors_beside(
            response.content.decode(), "id_sector")
        assert not StayRequest.objects.exists()

    def test_citizen_behind_the_wall_cannot_be_searched_or_chosen(self, client_for, people):
        client = client_for("kommune")
        html = htmx(client, "post", NEW, {"action": "search", "q": "Bo", "sector": "kommune"}).content.decode()
        assert "Ingen borgere fundet" in html and f'value="{people.bo.pk}"' not in html
        response = htmx(client, "post", NEW, {"sector": "kommune", "channel": "phone", "citizen": people.bo.pk,
                                              "requested_nights": "1"})
        assert "Vælg en borger fra søgningen." in errors_beside(response.content.decode(), "id_citizen")
        assert not StayRequest.objects.exists()
        assert not AuditEvent.objects.filter(citizen_id=people.bo.pk).exists()


class TestOpenRequestsList:
    def test_unauthorised_users_are_refused(self, client_for, kommune_request):
        for key in ("outsider", "peer", "styregruppe"):
            assert client_for(key).get(LIST).status_code == 403, key
        assert "Åbne henvendelser" not in client_for("peer").get(reverse("beds:board")).content.decode()

    def test_board_lists_the_weeks_open_requests_per_own_sector(self, client_for, house, users, people,
                                                                kommune_request, region_request):
        """An unanswered call from two days ago is still open (shown with its date); one from eight days ago
        is stale and left to the API."""
        two_days = timezone.localtime() - datetime.timedelta(days=2)
        recent = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                                     citizen=people.erik, requested_at=two_days)
        old = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"],
                                  citizen=people.dorte, requested_at=timezone.now() - datetime.timedelta(days=8))
        html = client_for("kommune").get(reverse("beds:board")).content.decode()
        assert "Åbne henvendelser" in html and f'id="request-{kommune_request.pk}"' in html
        assert "Anna" in html and "Telefon" in html and "ringede kl. 9" in html
        assert f'id="request-{region_request.pk}"' not in html and ">Bo<" not in html  # wall
        assert f'id="request-{recent.pk}"' in html and "Erik" in html
        assert f"{two_days.day}. " in html.split(f'id="request-{recent.pk}"')[1].split("</strong>")[0]
        assert f'id="request-{old.pk}"' not in html and "Dorte" not in html  # stale
        assert f"{BOOK}?henvendelse={kommune_request.pk}" in html
        assert AuditEvent.objects.filter(action="read", citizen_id=people.anna.pk,
                                         detail="åbne henvendelser").count() == 1
        assert not AuditEvent.objects.filter(citizen_id=people.bo.pk, user=users["kommune"]).exists()
        html = client_for("region").get(LIST).content.decode()
        assert f'id="request-{region_request.pk}"' in html and "Anna" not in html

    def test_leader_sees_both_sectors_and_closed_requests_leave_the_list(self, client_for, kommune_request,
                                                                         region_request, users):
        from beds.services import stay_request_withdraw

        html = client_for("leder").get(LIST).content.decode()
        assert f'id="request-{kommune_request.pk}"' in html and f'id="request-{region_request.pk}"' in html
        stay_request_withdraw(stay_request=region_request, user=users["region"])
        html = client_for("leder").get(LIST).content.decode()
        assert f'id="request-{region_request.pk}"' not in html

    def test_query_count_does_not_grow_with_requests(self, client_for, house, users, people,
                                                     django_assert_max_num_queries):
        for i in range(12):
            stay_request_record(house=house, sector="kommune" if i % 2 else "region", channel="phone",
                                user=users["leder"], citizen=people.erik if i % 3 else None)
        client = client_for("leder")
        client.get(LIST)  # the session now holds the menu's rules (see test_navigation)
        # session, user, houses, access, the requests (citizen joined), which of their citizens the user may see,
        # one audit insert, session save (in a savepoint and its release under the test's transaction) --
        # whatever the number of requests
        with django_assert_max_num_queries(10):
            response = client.get(LIST)
        assert response.content.decode().count('class="request-item"') == 12


class TestBookFromRequest:
    def test_book_opens_prefilled_and_links_the_stay(self, client_for, house, users, people, kommune_request):
        client = client_for("kommune")
        response = htmx(client, "get", BOOK, {"henvendelse": kommune_request.pk})
        html = response.content.decode()
        k1 = bed(house, "K1")
        assert response.status_code == 200 and "Book seng K1" in html
        assert f'name="henvendelse" value="{kommune_request.pk}"' in html
        assert "<strong>Anna</strong>" in html and 'name="cpr"' not in html  # the citizen comes from the request
        today = timezone.localdate()
        assert f'value="{today + datetime.timedelta(days=2):%Y-%m-%d}T10:00"' in html  # two nights wished
        assert "K2" in html  # other free beds offered
        arrival = timezone.localtime().replace(second=0, microsecond=0)
        response = htmx(client, "post", BOOK, {
            "henvendelse": kommune_request.pk, "seng": k1.pk, "nat": today.isoformat(),
            "arrival": arrival.strftime("%Y-%m-%dT%H:%M"),
            "planned_departure": f"{today + datetime.timedelta(days=2):%Y-%m-%d}T10:00", "kind": "ordinary"})
        assert response.status_code == 200, response.content.decode()
        assert "Henvendelsen er markeret som booket." in response.content.decode()
        kommune_request.refresh_from_db()
        assert kommune_request.outcome == "booked"
        assert kommune_request.stay is not None and kommune_request.stay.bed == k1
        assert kommune_request.stay.citizen == people.anna and kommune_request.stay.nights == 2
        # gone from the open list; booking it again is refused
        assert f'id="request-{kommune_request.pk}"' not in client.get(LIST).content.decode()
        again = htmx(client, "get", BOOK, {"henvendelse": kommune_request.pk})
        assert "Henvendelsen er allerede afsluttet." in again.content.decode()

    def test_unknown_citizen_is_booked_by_cpr(self, client_for, house, users, people):
        req = stay_request_record(house=house, sector="kommune", channel="phone", user=users["kommune"])
        client = client_for("kommune")
        html = htmx(client, "get", BOOK, {"henvendelse": req.pk}).content.decode()
        assert 'name="cpr"' in html
        today = timezone.localdate()
        response = htmx(client, "post", BOOK, {
            "henvendelse": req.pk, "seng": bed(house, "K3").pk, "nat": today.isoformat(),
            "cpr": cpr_for(datetime.date(1975, 4, 4), 7), "arrival": f"{today:%Y-%m-%d}T14:00",
            "planned_departure": f"{today + datetime.timedelta(days=1):%Y-%m-%d}T10:00", "kind": "ordinary"})
        assert response.status_code == 200 and response["HX-Trigger"] == "boardChanged"
        req.refresh_from_db()
        assert req.outcome == "booked" and req.citizen == people.erik and req.stay.bed.label == "K3"

    def test_wrong_sector_and_unauthorised_cannot_book_a_request(self, client_for, kommune_request):
        assert htmx(client_for("region"), "get", BOOK, {"henvendelse": kommune_request.pk}).status_code == 404
        assert htmx(client_for("peer"), "get", BOOK, {"henvendelse": kommune_request.pk}).status_code == 404
        assert client_for("outsider").get(BOOK, {"henvendelse": kommune_request.pk}).status_code == 403
        kommune_request.refresh_from_db()
        assert kommune_request.outcome == "pending"

    def test_request_cannot_be_booked_on_the_other_sectors_bed(self, client_for, house, kommune_request):
        response = htmx(client_for("leder"), "get", BOOK, {"henvendelse": kommune_request.pk,
                                                           "seng": bed(house, "R1").pk})
        assert "Henvendelsen gælder sektoren Kommune." in response.content.decode()

    def test_no_free_bed_offers_turning_away_with_that_reason(self, client_for, house, users, kommune_request):
        now = timezone.now()
        for label in ("K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"):
            bed_block(bed=bed(house, label), start=now - datetime.timedelta(hours=1),
                      end=now + datetime.timedelta(days=2), user=users["leder"], reason="maintenance")
        html = htmx(client_for("kommune"), "get", BOOK, {"henvendelse": kommune_request.pk}).content.decode()
        assert "Ingen seng i sektoren Kommune er ledig det næste døgn." in html
        assert '<option value="no_bed" selected>Ingen ledig seng</option>' in html


class TestTurnAwayAndWithdraw:
    def test_unauthorised_and_wrong_sector_are_refused(self, client_for, kommune_request):
        url = reverse("beds:request_turn_away", args=[kommune_request.pk])
        withdraw = reverse("beds:request_withdraw", args=[kommune_request.pk])
        assert client_for("outsider").post(url, {"reason": "no_bed"}).status_code == 403
        assert client_for("peer").post(url, {"reason": "no_bed"}).status_code == 403
        assert htmx(client_for("region"), "post", url, {"reason": "no_bed"}).status_code == 404
        assert htmx(client_for("region"), "post", withdraw).status_code == 404
        assert htmx(client_for("region"), "get", url).status_code == 404
        kommune_request.refresh_from_db()
        assert kommune_request.outcome == "pending"

    def test_turn_away_with_reason_reaches_the_report(self, client_for, house, kommune_request):
        from reporting.selectors import Period, table_requests

        client = client_for("kommune")
        url = reverse("beds:request_turn_away", args=[kommune_request.pk])
        html = htmx(client, "get", url).content.decode()
        assert "Afvis henvendelse" in html and "Anna" in html
        response = htmx(client, "post", url, {"reason": "no_bed", "note": "alle senge optaget"})
        assert response["HX-Trigger"] == "boardChanged"
        assert "Henvendelsen er afvist: ingen ledig seng." in response.content.decode()
        kommune_request.refresh_from_db()
        assert (kommune_request.outcome, kommune_request.turn_away_reason) == ("turned_away", "no_bed")
        today = timezone.localdate()
        table = table_requests(house=house, period=Period(start=today, end=today, label="i dag"))
        assert table["kommune"]["turned_away_reasons"]["counts"]["no_bed"] == 1
        assert table["kommune"]["outcomes"]["counts"]["turned_away"] == 1
        assert table["region"]["outcomes"]["total"] == 0
        again = htmx(client, "post", url, {"reason": "no_bed"})
        assert "Henvendelsen er allerede afsluttet." in again.content.decode()

    def test_danish_errors_beside_the_fields(self, client_for, kommune_request):
        url = reverse("beds:request_turn_away", args=[kommune_request.pk])
        client = client_for("kommune")
        html = htmx(client, "post", url, {"reason": ""}).content.decode()
        assert "Vælg hvorfor henvendelsen afvises." in errors_beside(html, "id_reason")
        kommune_request.note = ""
        kommune_request.save(update_fields=["note"])
        html = htmx(client, "post", url, {"reason": "other", "note": " "}).content.decode()
        assert "Beskriv årsagen." in errors_beside(html, "id_note")
        kommune_request.refresh_from_db()
        assert kommune_request.outcome == "pending"

    def test_withdraw(self, client_for, kommune_request):
        client = client_for("kommune")
        response = htmx(client, "post", reverse("beds:request_withdraw", args=[kommune_request.pk]))
        assert response["HX-Trigger"] == "boardChanged"
        assert "Henvendelsen er markeret som trukket tilbage." in response.content.decode()
        kommune_request.refresh_from_db()
        assert kommune_request.outcome == "withdrawn"
        response = client.post(reverse("beds:request_withdraw", args=[kommune_request.pk]))
        assert "Henvendelsen er allerede afsluttet." in response.content.decode()


class TestStayBookGuardsTheRequest:
    """`stay_book(request=...)` (UI and API) books only a pending request of the bed's sector, once."""

    def _book(self, house, users, citizen, label, stay_request):
        from beds.services import stay_book

        now = timezone.now()
        return stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=now,
                         planned_departure=now + datetime.timedelta(days=1), user=users["leder"],
                         request=stay_request)

    def test_unauthorised_user_cannot_book_the_request(self, house, users, people, kommune_request):
        from django.core.exceptions import PermissionDenied

        from beds.services import stay_book

        now = timezone.now()
        with pytest.raises(PermissionDenied):
            stay_book(house=house, bed=bed(house, "K1"), citizen=people.anna, arrival=now,
                      planned_departure=now + datetime.timedelta(days=1), user=users["peer"],
                      request=kommune_request)
        kommune_request.refresh_from_db()
        assert kommune_request.outcome == "pending"

    def test_a_request_is_booked_once_even_from_a_stale_copy(self, house, users, people, kommune_request):
        from django.core.exceptions import ValidationError

        from beds.models import Stay

        stale = StayRequest.objects.get(pk=kommune_request.pk)
        self._book(house, users, people.anna, "K1", kommune_request)
        with pytest.raises(ValidationError) as exc:
            self._book(house, users, people.erik, "K2", stale)  # a colleague's screen still shows it open
        assert exc.value.message_dict["request"] == ["Henvendelsen er allerede afsluttet."]
        assert Stay.objects.count() == 1  # the second stay was rolled back with the refusal
        kommune_request.refresh_from_db()
        assert kommune_request.stay.citizen == people.anna

    def test_request_of_the_other_sector_is_refused(self, house, users, people, region_request):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as exc:
            self._book(house, users, people.erik, "K1", region_request)
        assert exc.value.message_dict["request"] == ["Henvendelsen gælder en anden sektor end sengen."]
        region_request.refresh_from_db()
        assert region_request.outcome == "pending"

"""Moving a guest to another bed mid-stay: one stay, its bed periods as history, PostgreSQL judging both beds,
nights and hours counted on the bed the guest lay in."""

from __future__ import annotations

import datetime
import importlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from beds.aggregates import occupancy_per_bed
from beds.models import BedBlock, Stay, StayBedPeriod
from beds.move_services import stay_move
from beds.night_selectors import bed_nights
from beds.period_selectors import stay_bed_history, stay_move_targets
from beds.selectors import occupancy
from beds.services import BookingConflict, bed_block, stay_book, stay_cancel, stay_check_in, stay_check_out
from psykiatrihus.models import AuditEvent
from tests.beds.conftest import at, bed

pytestmark = pytest.mark.django_db

D = datetime.date


def book(house, user, citizen, label, arrival, departure):
    return stay_book(house=house, bed=bed(house, label), citizen=citizen, arrival=arrival,
                     planned_departure=departure, user=user)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def moved(house, users, people):
    """Erik: K3 from 1.2 14:00 (checked in then), moved to K5 on 2.2 09:30, planned departure 4.2 10:00."""
    staff = users["kommune"]
    stay = book(house, staff, people.erik, "K3", at("2024-02-01", 14), at("2024-02-04", 10))
    stay_check_in(stay=stay, user=staff, at=at("2024-02-01", 14))
    return stay_move(actor=staff, stay=stay, bed=bed(house, "K5"), at=at("2024-02-02", 9, 30))


class TestMove:
    def test_one_stay_two_periods_the_history_and_the_audit(self, house, users, moved):
        moved.refresh_from_db()
        assert (moved.bed.label, moved.status, moved.nights) == ("K5", "checked_in", 3)
        periods = list(StayBedPeriod.objects.filter(stay=moved).order_by("id"))
        assert [(p.bed.label, p.starts_at, p.ends_at, p.holds) for p in periods] == [
            ("K3", None, at("2024-02-02", 9, 30), True), ("K5", at("2024-02-02", 9, 30), None, True)]
        assert periods[0].during.lower == at("2024-02-01", 14) and periods[0].during.upper == at("2024-02-02", 9, 30)
        assert periods[1].during.upper == at("2024-02-04", 10) and periods[1].presence.upper is None
        history = stay_bed_history(stay=moved)
        assert [(h.bed_label, h.start, h.end, h.current) for h in history] == [
            ("K3", at("2024-02-01", 14), at("2024-02-02", 9, 30), False),
            ("K5", at("2024-02-02", 9, 30), at("2024-02-04", 10), True)]
        event = AuditEvent.objects.filter(object_id=str(moved.pk), detail__startswith="move").get()
        assert event.detail == "move K3 -> K5 at 2024-02-02T09:30+01:00"

    def test_board_old_bed_up_to_the_move_new_bed_after(self, house, moved):
        data = bed_nights(house=house, start=D(2024, 1, 31), days=5, now=at("2024-02-02", 12))
        k3, k5 = (next(b for b in data.beds if b.label == label) for label in ("K3", "K5"))
        assert [c.state for c in data.by_bed[k3.pk]] == ["free", "occupied", "free", "free", "free"]
        assert [c.state for c in data.by_bed[k5.pk]] == ["free", "free", "occupied", "occupied", "free"]
        assert [c.starts_here for c in data.by_bed[k5.pk]][2:4] == [True, False]
        assert data.by_bed[k3.pk][1].stay.pk == data.by_bed[k5.pk][2].stay.pk == moved.pk

    def test_occupancy_per_bed_hand_worked_and_the_sector_unchanged(self, house, users, moved):
        """Nights 1.2, 2.2, 3.2: 1.2 on K3 (the move is on 2.2), 2.2 and 3.2 on K5. Hours in [1.2, 4.2 00:00):
        K3 14:00 → 09:30 = 19.5, K5 2.2 09:30 → 4.2 00:00 = 38.5; the sector 58.0 as without the move."""
        per_bed = {row["bed"]: row for row in occupancy_per_bed(house=house, start=D(2024, 2, 1), end=D(2024, 2, 3))}
        assert (per_bed["K3"]["nights_occupied"], per_bed["K3"]["hours_occupied"]) == (1, 19.5)
        assert (per_bed["K5"]["nights_occupied"], per_bed["K5"]["hours_occupied"]) == (2, 38.5)
        assert sum(r["nights_occupied"] for r in per_bed.values()) == 3
        assert all(r["nights_occupied"] == 0 for label, r in per_bed.items() if label not in ("K3", "K5"))
        sector = occupancy(house=house, sector="kommune", start=D(2024, 2, 1), end=D(2024, 2, 3))
        assert (sector["bed_nights_occupied"], sector["hours_occupied"]) == (3, 58.0)
        assert occupancy(house=house, sector="region", start=D(2024, 2, 1), end=D(2024, 2, 3))[
            "bed_nights_occupied"] == 0
        # Checked out on 3.2 at 11:00: K5 keeps 2.2 only; the last night is gone from the bed and the sector.
        stay_check_out(stay=moved, user=users["kommune"], at=at("2024-02-03", 11))
        per_bed = {row["bed"]: row for row in occupancy_per_bed(house=house, start=D(2024, 2, 1), end=D(2024, 2, 3))}
        assert (per_bed["K3"]["nights_occupied"], per_bed["K5"]["nights_occupied"]) == (1, 1)
        assert per_bed["K5"]["hours_occupied"] == 25.5
        assert occupancy(house=house, sector="kommune", start=D(2024, 2, 1), end=D(2024, 2, 3))[
            "bed_nights_occupied"] == 2

    def test_two_moves_the_same_day_tile_the_nights(self, house, users, moved):
        stay_move(actor=users["kommune"], stay=moved, bed=bed(house, "K6"), at=at("2024-02-02", 20))
        per_bed = {r["bed"]: r["nights_occupied"]
                   for r in occupancy_per_bed(house=house, start=D(2024, 2, 1), end=D(2024, 2, 3))}
        assert (per_bed["K3"], per_bed["K5"], per_bed["K6"]) == (1, 0, 2)
        assert [h.bed_label for h in stay_bed_history(stay=moved)] == ["K3", "K5", "K6"]

    def test_a_booked_stay_moves_as_a_whole(self, house, users, people):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K3", at("2024-02-01", 14), at("2024-02-03", 10))
        stay_move(actor=staff, stay=stay, bed=bed(house, "K4"))
        assert list(StayBedPeriod.objects.filter(stay=stay).values_list("bed__label", "starts_at")) == [("K4", None)]
        assert Stay.objects.get(pk=stay.pk).bed.label == "K4"
        book(house, staff, people.anna, "K3", at("2024-02-01", 14), at("2024-02-03", 10))  # K3 is free again


class TestBothBedsHold:
    def test_new_bed_taken_from_the_move_and_old_bed_free_after_it(self, house, users, people, moved):
        staff = users["kommune"]
        with pytest.raises(BookingConflict) as refused:
            book(house, staff, people.anna, "K5", at("2024-02-03", 14), at("2024-02-04", 9))
        assert refused.value.code == "bed_taken"
        with pytest.raises(BookingConflict) as refused:
            book(house, staff, people.anna, "K3", at("2024-02-01", 20), at("2024-02-02", 9))
        assert refused.value.code == "bed_taken"
        # The old bed from the move on: booked and checked in while Erik is still in the house (on K5).
        anna = book(house, staff, people.anna, "K3", at("2024-02-02", 14), at("2024-02-04", 10))
        stay_check_in(stay=anna, user=staff, at=at("2024-02-02", 10))
        # Before the move K5 was free: a booking there that ended before it stays valid.
        book(house, staff, people.dorte, "K5", at("2024-01-30", 14), at("2024-02-01", 10))

    def test_straight_in_sql(self, house, moved):
        k5, k3 = bed(house, "K5"), bed(house, "K3")
        other = Stay.objects.exclude(pk=moved.pk).first()
        with connection.cursor() as cursor:
            with pytest.raises(IntegrityError, match="stay_bed_no_overlap"), transaction.atomic():
                cursor.execute("INSERT INTO beds_staybedperiod (stay_id, bed_id, during, holds) VALUES "
                               "(%s, %s, tstzrange('2024-02-03 12:00+01', '2024-02-05 10:00+01'), true)",
                               [other.pk if other else moved.pk, k5.pk])
            with pytest.raises(IntegrityError, match="stay_bed_one_guest_present"), transaction.atomic():
                cursor.execute("INSERT INTO beds_staybedperiod (stay_id, bed_id, during, presence, holds) VALUES "
                               "(%s, %s, 'empty', tstzrange('2024-02-01 20:00+01', NULL), false)",
                               [moved.pk, k3.pk])
            # A move put after the stay's end is refused at the stay's next write (the trigger).
            with pytest.raises(IntegrityError, match="stay_move_within_stay"), transaction.atomic():
                cursor.execute("UPDATE beds_staybedperiod SET starts_at = '2024-02-05 12:00+01' "
                               "WHERE stay_id = %s AND starts_at IS NOT NULL", [moved.pk])
                cursor.execute("UPDATE beds_stay SET status = status, bed_id = bed_id, "
                               "checked_in_at = checked_in_at - interval '1 minute' WHERE id = %s", [moved.pk])
            # A stay deleted in SQL takes its periods with it.
            cursor.execute("DELETE FROM beds_stay WHERE id = %s", [moved.pk])
        assert not StayBedPeriod.objects.filter(stay_id=moved.pk).exists()

    def test_cancel_frees_both_beds_and_undo_is_judged_on_both(self, house, users, people):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K3", at("2024-02-01", 14), at("2024-02-03", 10))
        stay_move(actor=staff, stay=stay, bed=bed(house, "K4"))
        stay_cancel(stay=stay, user=staff)
        assert not StayBedPeriod.objects.filter(stay=stay, holds=True).exists()

    def test_new_bed_with_a_guest_still_checked_in_is_refused(self, house, users, people):
        staff = users["kommune"]
        anna = book(house, staff, people.anna, "K5", at("2024-01-31", 14), at("2024-02-02", 9))
        stay_check_in(stay=anna, user=staff, at=at("2024-01-31", 14))  # not checked out at 09:00
        erik = book(house, staff, people.erik, "K3", at("2024-02-01", 14), at("2024-02-04", 10))
        stay_check_in(stay=erik, user=staff, at=at("2024-02-01", 14))
        with pytest.raises(BookingConflict) as refused:
            stay_move(actor=staff, stay=erik, bed=bed(house, "K5"), at=at("2024-02-02", 9, 30))
        assert refused.value.code == "bed_still_occupied" and "K5" in refused.value.message
        assert [b.label for b in stay_move_targets(stay=erik, at=at("2024-02-02", 9, 30))] == [
            "K1", "K2", "K4", "K6", "K7", "K8"]
        assert Stay.objects.get(pk=erik.pk).bed.label == "K3"


class TestRules:
    def test_across_sectors_is_refused(self, house, users, moved):
        with pytest.raises(BookingConflict) as refused:
            stay_move(actor=users["leder"], stay=moved, bed=bed(house, "R1"), at=at("2024-02-03", 9))
        assert refused.value.code == "other_sector" and "R1" in refused.value.message

    @pytest.mark.parametrize("when, key, text", [
        (("2024-02-02", 9, 30), "at", "seneste flytning"),
        (("2024-02-01", 13), "at", "seneste flytning"),
        (("2024-02-04", 11), "at", "planlagte afrejse"),
    ])
    def test_move_time_within_the_stay(self, house, users, moved, when, key, text):
        with pytest.raises(ValidationError) as refused:
            stay_move(actor=users["kommune"], stay=moved, bed=bed(house, "K6"), at=at(*when))
        assert text in refused.value.message_dict[key][0]

    def test_not_in_the_future_and_not_after_check_in(self, house, users, people):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K3", at("2024-02-01", 14), at("2024-02-04", 10))
        stay_check_in(stay=stay, user=staff, at=at("2024-02-01", 15))
        with pytest.raises(ValidationError, match="indskrivningen"):
            stay_move(actor=staff, stay=stay, bed=bed(house, "K6"), at=at("2024-02-01", 14, 30))
        future = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
        stay.planned_departure = future + datetime.timedelta(days=1)
        with pytest.raises(ValidationError, match="fremtiden"):
            stay_move(actor=staff, stay=stay, bed=bed(house, "K6"), at=future)

    def test_same_bed_inactive_bed_blocked_bed_and_a_checked_out_stay(self, house, users, moved):
        staff = users["kommune"]
        with pytest.raises(ValidationError, match="allerede på K5"):
            stay_move(actor=staff, stay=moved, bed=bed(house, "K5"), at=at("2024-02-03", 9))
        bed_block(bed=bed(house, "K6"), start=at("2024-02-03", 12), end=at("2024-02-05", 12), user=staff)
        with pytest.raises(BookingConflict) as refused:
            stay_move(actor=staff, stay=moved, bed=bed(house, "K6"), at=at("2024-02-03", 9))
        assert refused.value.code == "bed_blocked" and BedBlock.objects.count() == 1
        stay_check_out(stay=moved, user=staff, at=at("2024-02-03", 10))
        with pytest.raises(ValidationError, match="Kun et booket eller indskrevet"):
            stay_move(actor=staff, stay=moved, bed=bed(house, "K7"), at=at("2024-02-03", 9))

    def test_check_out_before_the_move_is_refused_with_the_move_named(self, house, users, moved):
        with pytest.raises(ValidationError) as refused:
            stay_check_out(stay=moved, user=users["kommune"], at=at("2024-02-02", 9))
        assert "flytningen til K5" in refused.value.message_dict["at"][0]

    def test_other_sector_staff_may_not(self, house, users, moved):
        with pytest.raises(PermissionDenied):
            stay_move(actor=users["region"], stay=moved, bed=bed(house, "K6"), at=at("2024-02-03", 9))
        with pytest.raises(PermissionDenied):
            stay_move(actor=users["outsider"], stay=moved, bed=bed(house, "K6"), at=at("2024-02-03", 9))
        assert Stay.objects.get(pk=moved.pk).bed.label == "K5"


class TestApi:
    def test_move_answers_the_stay_with_its_periods(self, house, users, people):
        staff = users["kommune"]
        stay = book(house, staff, people.erik, "K3", at("2024-02-01", 14), at("2024-02-04", 10))
        stay_check_in(stay=stay, user=staff, at=at("2024-02-01", 14))
        r = api(staff).post(f"/api/v1/stays/{stay.pk}/move/", {"bed": "k5", "at": "2024-02-02T09:30:00+01:00"},
                            format="json")
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["bed"] == "K5"
        assert [(p["bed"], p["current"]) for p in body["bed_periods"]] == [("K3", False), ("K5", True)]
        assert datetime.datetime.fromisoformat(body["bed_periods"][1]["start"]) == at("2024-02-02", 9, 30)
        detail = api(staff).get(f"/api/v1/stays/{stay.pk}/").json()
        assert [(p["bed"], p["current"]) for p in detail["bed_periods"]] == [("K3", False), ("K5", True)]
        assert datetime.datetime.fromisoformat(detail["bed_periods"][0]["end"]) == at("2024-02-02", 9, 30)

    def test_errors(self, house, users, people, moved):
        staff = users["kommune"]
        client = api(staff)
        url = f"/api/v1/stays/{moved.pk}/move/"
        r = client.post(url, {"bed": "R1", "at": "2024-02-03T09:00:00+01:00"}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "other_sector")
        r = client.post(url, {"bed": "X9", "at": "2024-02-03T09:00:00+01:00"}, format="json")
        assert r.status_code == 400 and "bed" in r.json()
        r = client.post(url, {"bed": "K6", "at": "9999-12-31T09:00:00+01:00"}, format="json")
        assert r.status_code == 400 and "at" in r.json()
        r = client.post(url, {"bed": "K6", "at": "2024-02-01T09:00:00+01:00"}, format="json")
        assert r.status_code == 400 and "at" in r.json()
        anna = book(house, staff, people.anna, "K6", at("2024-02-03", 14), at("2024-02-05", 10))
        r = client.post(url, {"bed": "K6", "at": "2024-02-03T09:00:00+01:00"}, format="json")
        assert (r.status_code, r.json()["code"]) == (409, "bed_taken") and "K6" in r.json()["detail"]
        # A stay the user may not see answers exactly like one that does not exist.
        unseen = api(users["region"]).post(url, {"bed": "K6"}, format="json")
        missing = api(users["region"]).post("/api/v1/stays/999999/move/", {"bed": "K6"}, format="json")
        assert unseen.status_code == missing.status_code == 404 and unseen.json() == missing.json()
        assert Stay.objects.get(pk=moved.pk).bed.label == "K5" and anna.bed.label == "K6"


@pytest.mark.django_db(transaction=True)
def test_two_moves_into_the_same_bed_at_once_one_wins(house, users, people):
    staff = users["kommune"]
    stays = []
    for citizen, label in ((people.erik, "K3"), (people.dorte, "K4")):
        stay = book(house, staff, citizen, label, at("2024-01-20", 14), at("2024-01-23", 10))
        stay_check_in(stay=stay, user=staff, at=at("2024-01-20", 14))
        stays.append(stay)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def worker(stay) -> None:
        try:
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(staff)
            barrier.wait()
            r = client.post(f"/api/v1/stays/{stay.pk}/move/", {"bed": "K7", "at": "2024-01-21T10:00:00+01:00"},
                            format="json")
            codes.append(r.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(s,)) for s in stays]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    assert StayBedPeriod.objects.filter(bed__label="K7", holds=True).count() == 1
    assert sorted(Stay.objects.values_list("bed__label", flat=True)) in (["K3", "K7"], ["K4", "K7"])


def test_migration_backfill_makes_one_period_per_stay(house, users, people):
    """The migration's SQL, on stays whose periods are gone: one period on the stay's bed, the whole stay."""
    staff = users["kommune"]
    booked = book(house, staff, people.erik, "K3", at("2024-02-01", 14), at("2024-02-03", 10))
    present = book(house, staff, people.anna, "K1", at("2024-02-01", 14), at("2024-02-02", 10))
    stay_check_in(stay=present, user=staff, at=at("2024-02-01", 15))
    cancelled = book(house, staff, people.dorte, "K2", at("2024-02-01", 14), at("2024-02-02", 10))
    stay_cancel(stay=cancelled, user=staff)
    expected = sorted(StayBedPeriod.objects.values_list("stay_id", "bed_id", "during", "presence", "holds"))
    migration = importlib.import_module("beds.migrations.0011_stay_bed_periods")
    backfill = migration.BACKFILL_SQL.split("DO $$")[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM beds_staybedperiod")
        cursor.execute(backfill)
    assert sorted(StayBedPeriod.objects.values_list("stay_id", "bed_id", "during", "presence", "holds")) == expected
    assert len(expected) == 3 and {b.pk for b in (booked, present, cancelled)} == {e[0] for e in expected}


class TestStayPanel:
    def test_panel_offers_free_beds_moves_and_shows_the_history(self, house, users, people, client_for):
        """Free beds are offered from now: the stay is around the real clock here."""
        staff = users["kommune"]
        now = timezone.localtime().replace(second=0, microsecond=0)
        came, moving = now - datetime.timedelta(hours=20), now - datetime.timedelta(hours=1)
        tomorrow = (now + datetime.timedelta(days=1)).date().isoformat()
        stay = book(house, staff, people.erik, "K3", came, at(tomorrow, 10))
        stay_check_in(stay=stay, user=staff, at=came)
        day_after = (now + datetime.timedelta(days=2)).date().isoformat()
        book(house, staff, people.anna, "K2", at(tomorrow, 9), at(day_after, 10))  # K2 is taken before Erik leaves
        client = client_for("kommune")
        html = client.get(f"/senge/ophold/{stay.pk}/", HTTP_HX_REQUEST="true").content.decode()
        assert "Flyt til anden seng" in html
        options = html.split('name="bed"')[1].split("</select>")[0]
        assert ">K5<" in options and ">K2<" not in options and ">K3<" not in options and ">R1<" not in options
        k5 = bed(house, "K5")
        r = client.post(f"/senge/ophold/{stay.pk}/move/", {"bed": k5.pk, "at": moving.strftime("%Y-%m-%dT%H:%M")},
                        HTTP_HX_REQUEST="true")
        assert r.status_code == 200 and "flyttet fra K3 til K5" in r.content.decode()
        assert r["HX-Trigger"] == "boardChanged"
        html = client.get(f"/senge/ophold/{stay.pk}/", HTTP_HX_REQUEST="true").content.decode()
        history = html.split('class="bed-history">')[1].split("</dd>")[0]
        assert f"<strong>K3</strong> {came:%-d.%-m. %H:%M}" in history
        assert f"<strong>K5</strong> {moving:%-d.%-m. %H:%M}" in history

    def test_a_refused_move_stays_in_the_panel_with_the_reason(self, house, users, people, client_for, moved):
        book(house, users["kommune"], people.anna, "K6", at("2024-02-03", 14), at("2024-02-05", 10))
        client = client_for("kommune")
        r = client.post(f"/senge/ophold/{moved.pk}/move/", {"bed": bed(house, "K6").pk, "at": "2024-02-03T09:00"},
                        HTTP_HX_REQUEST="true")
        html = r.content.decode()
        assert r.status_code == 200 and "K6 er booket til en anden" in html and "stay-move\" open" in html
        r = client.post(f"/senge/ophold/{moved.pk}/move/", {"bed": bed(house, "K7").pk, "at": "2024-02-01T09:00"},
                        HTTP_HX_REQUEST="true")
        assert "Flytningen skal ligge efter" in r.content.decode()
        r = client.post(f"/senge/ophold/{moved.pk}/move/", {"bed": bed(house, "R1").pk}, HTTP_HX_REQUEST="true")
        assert "Marker en gyldig valgmulighed" in r.content.decode()  # R1 is not a bed of the stay's sector
        assert Stay.objects.get(pk=moved.pk).bed.label == "K5"

    def test_other_sector_staff_get_404(self, house, users, client_for, moved):
        r = client_for("region").post(f"/senge/ophold/{moved.pk}/move/", {"bed": bed(house, "K6").pk})
        assert r.status_code == 404 and Stay.objects.get(pk=moved.pk).bed.label == "K5"

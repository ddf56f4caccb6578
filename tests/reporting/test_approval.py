"""Comment and approve: a leader comments per section and approves; only then does the steering group see the
report (and get an e-mail); an approved report is frozen, in the services and in the database; a correction is
the next version, marked revised, with what changed."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse

from psykiatrihus.models import Role
from psykiatrihus.scoping import access_for
from reporting.access import runs_visible
from reporting.models import ReportComment, ReportRun
from reporting.selectors import period_for
from reporting.services import (
    ReportConflict,
    report_comments_set,
    report_run_approve,
    report_run_build,
    report_run_request,
)
from tests.reporting.conftest import stay_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, house):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The hand-made data set is tiny: with the threshold 2 only the ones are hidden, so figures stay readable.
    house.small_number_threshold = 2
    house.save(update_fields=["small_number_threshold"])


def _built(house, user, formats=("json",), year=2021, quarter=None, **kw):
    run = report_run_request(house=house, period=period_for(year=year, quarter=quarter), formats=list(formats),
                             user=user, enqueue=False, **kw)
    return report_run_build(run_id=run.pk)


def _json(run) -> dict:
    with default_storage.open(run.files["json"], "rb") as f:
        return json.loads(f.read())


@pytest.fixture
def steering_members(house, make_member):
    from psykiatrihus.services import user_create

    with_mail = make_member(house, Role.STEERING, "", username="sg-mette")
    with_mail.email = "mette@example.dk"
    with_mail.save()
    make_member(house, Role.STEERING, "", username="sg-uden-mail")  # no address: not mailed
    gone = make_member(house, Role.STEERING, "", username="sg-gone")
    gone.email, gone.is_active = "gone@example.dk", False
    gone.save()
    user_create(username="elsewhere", password="x" * 12, email="elsewhere@example.dk")
    return with_mail


class TestApprove:
    def test_comments_and_approval_go_into_the_files_and_freeze_the_run(self, dataset, users, steering_members,
                                                                         django_capture_on_commit_callbacks):
        leader = users["leder"]
        run = _built(dataset.house, leader, formats=("json",))
        steering = access_for(users["styregruppe"], dataset.house)
        assert not runs_visible(steering).filter(pk=run.pk).exists()  # a draft: the steering group sees nothing
        report_comments_set(run=run, comments={"stays": "Flere korte ophold end året før."}, user=leader)
        with django_capture_on_commit_callbacks(execute=True):
            run = report_run_approve(run=run, user=leader, comments={"summary": "Et godt år for huset.",
                                                                     "stays": "Flere korte ophold."})
        assert (run.version, run.revises, run.changes) == (1, None, [])
        assert run.approved_by == leader and run.is_approved
        assert runs_visible(steering).filter(pk=run.pk).exists()
        data = _json(run)
        assert data["comments"] == {"stays": "Flere korte ophold.", "summary": "Et godt år for huset."}
        assert data["approval"]["version"] == 1 and data["approval"]["by"] == "leder"
        assert data["tables"]["stays"]["kommune"]["nights"] == 11  # the figures themselves are the built ones
        # Rendered again from the stored figures in the order they were built (jsonb would sort the keys).
        assert list(data["tables"])[:4] == ["key_figures", "trends", "compliance", "stays"]
        assert list(data["tables"]["nights_age_gender"]["kommune"]["counts"]) == [
            "under_20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+"]
        # One mail, to the steering member with an active account and an address; a link, no figures.
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["mette@example.dk"]
        assert "2021" in message.subject and "Psykiatriens Hus i Aarhus" in message.subject
        assert reverse("reporting:report_detail", args=[run.pk]) in message.body

    def test_an_approved_report_is_frozen(self, dataset, users):
        leader = users["leder"]
        run = report_run_approve(run=_built(dataset.house, leader), user=leader, comments={"summary": "Godkendt."})
        files = dict(run.files)
        with pytest.raises(ReportConflict) as caught:
            report_comments_set(run=run, comments={"summary": "Ændret bagefter"}, user=leader)
        assert caught.value.code == "approved"
        with pytest.raises(ReportConflict):
            report_run_approve(run=run, user=leader)
        assert report_run_build(run_id=run.pk).files == files  # never built again
        # The database refuses it too, whatever code tries.
        for change in ({"files": {}}, {"status": "pending"}, {"figures": ""}, {"period_end": run.period_start}):
            with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
                ReportRun.objects.filter(pk=run.pk).update(**change)
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            ReportComment.objects.filter(run=run).update(text="Skrevet om")
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            ReportComment.objects.create(run=run, section="stays", text="Ny")
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            ReportRun.objects.filter(pk=run.pk).delete()
        run.refresh_from_db()
        assert run.files == files and run.comments.get().text == "Godkendt."
        ReportRun.objects.filter(pk=run.pk).update(progress=100)  # what does not matter is still allowed

    def test_only_finished_suppressed_runs_are_approved(self, dataset, users):
        leader = users["leder"]
        queued = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["json"],
                                    user=leader, enqueue=False)
        with pytest.raises(ReportConflict) as caught:
            report_run_approve(run=queued, user=leader)
        assert caught.value.code == "not_done"
        raw = _built(dataset.house, leader, suppress_below=0)
        with pytest.raises(ReportConflict) as caught:
            report_run_approve(run=raw, user=leader)
        assert caught.value.code == "raw"
        assert not ReportRun.objects.filter(approved_at__isnull=False).exists()

    def test_comment_input_is_checked(self, dataset, users):
        leader = users["leder"]
        run = _built(dataset.house, leader)
        with pytest.raises(ValidationError) as caught:
            report_comments_set(run=run, comments={"summary": "x" * 100_000, "nowhere": "y", "stays": "ok"},
                                user=leader)
        assert set(caught.value.message_dict) == {"summary", "nowhere"}
        assert "Højst 4000 tegn" in caught.value.message_dict["summary"][0]
        assert not ReportComment.objects.exists()  # nothing half-saved
        report_comments_set(run=run, comments={"stays": "  Først  "}, user=leader)
        report_comments_set(run=run, comments={"stays": ""}, user=leader)  # empty removes it
        assert not ReportComment.objects.exists()


class TestRevision:
    def test_a_correction_is_the_next_version_with_what_changed(self, dataset, users):
        leader = users["leder"]
        first = report_run_approve(run=_built(dataset.house, leader), user=leader)
        # A late registration: one more municipal stay in 2021.
        stay_add(house=dataset.house, user=dataset.leader, citizen=dataset.b, sector="kommune",
                 arrival="2021-06-02", departure="2021-06-03", bed_label="K2")
        second = _built(dataset.house, leader, formats=("json", "pdf"))
        assert second.version is None and not second.is_revision  # a draft until approved
        second = report_run_approve(run=second, user=leader, comments={"summary": "Rettet efter sen registrering."})
        assert (second.version, second.revises_id) == (2, first.pk)
        changed = {(c["table"], tuple(c["path"])): (c["old"], c["new"]) for c in second.changes}
        assert changed[("stays", ("kommune", "nights"))] == (11, 12)
        assert ("stays", ("region", "nights")) not in changed
        assert _json(second)["revision"]["revises_version"] == 1
        assert second.files["pdf"].endswith("-v2.pdf")
        if shutil.which("pdftotext"):
            with default_storage.open(second.files["pdf"], "rb") as f:
                pdf = f.read()
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
            assert "Revideret: version 2, erstatter version 1" in text
            assert "Rettet efter sen registrering." in text
            assert "11 → 12" in text


class TestPages:
    def test_leader_comments_then_approves_on_the_page(self, dataset, users, client_for):
        run = _built(dataset.house, users["leder"])
        url = reverse("reporting:report_detail", args=[run.pk])
        leader = client_for("leder")
        page = leader.get(url).content.decode()
        assert 'name="comment-summary"' in page and 'name="comment-stays"' in page
        response = leader.post(url, {"comment-summary": "x" * 4001, "save": "1"})
        assert response.status_code == 200 and "Højst 4000 tegn" in response.content.decode()
        leader.post(url, {"comment-stays": "Kommentar til opholdene", "save": "1"})
        assert run.comments.get().text == "Kommentar til opholdene"
        assert client_for("styregruppe").get(url).status_code == 404  # a draft
        assert client_for("styregruppe").post(url, {"approve": "1"}).status_code == 404
        assert client_for("admin").post(url, {"approve": "1"}).status_code == 403  # sees it, may not approve
        assert client_for("kommune").get(url).status_code == 403
        leader.post(url, {"comment-stays": "Kommentar til opholdene", "approve": "1"})
        run.refresh_from_db()
        assert run.is_approved
        page = client_for("styregruppe").get(url).content.decode()
        assert "Kommentar til opholdene" in page and "Hent JSON" in page and "<textarea" not in page

    def test_steering_orders_and_waits_for_approval(self, house, users, client_for):
        steering = client_for("styregruppe")
        response = steering.post(reverse("reporting:report_list"),
                                 {"kind": "year", "year": "2021", "formats": ["json"]}, follow=True)
        assert "når ledelsen har godkendt den" in response.content.decode()
        run = ReportRun.objects.get()
        report_run_build(run_id=run.pk)
        page = steering.get(reverse("reporting:report_list")).content.decode()
        assert f'id="run-{run.pk}"' in page and "Afventer ledelsens godkendelse" in page and "Hent JSON" not in page
        assert steering.get(reverse("reporting:report_download", args=[run.pk, "json"])).status_code == 404


def test_only_a_leader_approves_or_comments(dataset, users):
    """The service asks `reporting.access.may_approve` itself, as the page and the API do."""
    run = _built(dataset.house, users["leder"])
    for who in ("admin", "styregruppe", "kommune", "outsider"):
        with pytest.raises(PermissionDenied):
            report_run_approve(run=run, user=users[who])
        with pytest.raises(PermissionDenied):
            report_comments_set(run=run, comments={"summary": "Nej"}, user=users[who])
    run.refresh_from_db()
    assert not run.is_approved and not run.comments.exists()

"""The leader's part of a finished run: comments by section, the approval for the steering group (a
numbered version, a revision with what changed, the files rendered once more with the notes and frozen)
and the e-mail that tells the steering group."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from psykiatrihus.services import audit_log
from reporting.models import ReportRun, ReportStatus
from reporting.selectors import REPORT_LANGUAGE
from reporting.services.figures import report_files
from reporting.services.runs import _files_store

logger = logging.getLogger(__name__)

COMMENT_MAX = 4000
SUMMARY = "summary"  # the comment on the report as a whole (shown first)


class ReportConflict(Exception):
    """The run is not in a state that allows the change (already approved, not finished, raw figures)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def report_sections(*, run: ReportRun) -> list[str]:
    """The sections a leader may comment on: the report as a whole, the rules, then every table shown (data
    quality is no section: its warnings stand beside the tables they concern)."""
    tables = ((run.figures_data or {}).get("data") or {}).get("tables") or {}
    shown = [k for k, v in tables.items() if isinstance(v, dict) and k != "data_quality"]
    return [SUMMARY, *[k for k in shown if k == "key_figures"], "rules", *[k for k in shown if k != "key_figures"]]


def _commentable(run: ReportRun, user) -> None:
    from django.core.exceptions import PermissionDenied

    from psykiatrihus.scoping import access_for
    from reporting.access import may_approve

    if not may_approve(access_for(user, run.house)):
        raise PermissionDenied(_("Kun en leder kan kommentere og godkende rapporten."))
    if run.is_approved:
        raise ReportConflict(_("Rapporten er godkendt og kan ikke ændres. Bestil en ny version for at rette den."),
                             code="approved")
    if run.status != ReportStatus.DONE or not run.figures:
        raise ReportConflict(_("Rapporten er ikke færdig endnu."), code="not_done")
    if run.suppress_below < 2:
        raise ReportConflict(_("En rapport med rå tal er kun til intern brug og kan ikke godkendes til "
                               "styregruppen."), code="raw")


def _comments_clean(*, run: ReportRun, comments: dict) -> dict[str, str]:
    """Comments by section, stripped; raises django ValidationError (per section) on bad input."""
    from django.core.exceptions import ValidationError

    if not isinstance(comments, dict):
        raise ValidationError({"comments": [_("Kommentarer angives pr. afsnit.")]})
    allowed = set(report_sections(run=run))
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for section, text in comments.items():
        if section not in allowed:
            errors[str(section)[:64]] = [_("Rapporten har ikke dette afsnit.")]
            continue
        if not isinstance(text, str):
            errors[section] = [_("En kommentar er en tekst.")]
            continue
        text = text.replace("\x00", "").strip()
        if len(text) > COMMENT_MAX:
            errors[section] = [_("Højst %(n)s tegn (%(m)s skrevet).") % {"n": COMMENT_MAX, "m": len(text)}]
            continue
        clean[section] = text
    if errors:
        raise ValidationError(errors)
    return clean


def report_comments_set(*, run: ReportRun, comments: dict, user) -> ReportRun:
    """Save the leader's comments by section (an empty text removes the section's comment)."""
    from reporting.models import ReportComment

    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("house").get(pk=run.pk)
        _commentable(run, user)
        for section, text in _comments_clean(run=run, comments=comments).items():
            if text:
                ReportComment.objects.update_or_create(run=run, section=section,
                                                       defaults={"text": text, "author": user})
            else:
                ReportComment.objects.filter(run=run, section=section).delete()
        audit_log(user=user, action="update", obj=run, house=run.house,
                  detail=f"kommentarer til rapport {run.period_label}: {', '.join(sorted(comments)) or '-'}")
    return run


def report_comments(*, run: ReportRun) -> dict[str, str]:
    return dict(run.comments.order_by("id").values_list("section", "text"))


def _approval_notes(*, run: ReportRun, comments: dict[str, str], user, at, previous: ReportRun | None,
                    changes: list[dict]) -> dict:
    name = user.get_full_name() or user.get_username()
    notes = {"comments": comments, "approval": {"at": timezone.localtime(at).date().isoformat(), "by": name,
                                                "version": run.version}}
    if previous is not None:
        notes["revision"] = {"version": run.version, "revises_version": previous.version,
                             "revises_approved": timezone.localtime(previous.approved_at).date().isoformat(),
                             "changes": changes}
    return notes


def report_run_approve(*, run: ReportRun, user, comments: dict | None = None) -> ReportRun:
    """Approve a finished, suppressed run for the steering group: save the comments, number it (a later
    approval of the same period is a revision with what changed), render its files once more with the
    comments and the approval, freeze it, and tell the steering group by e-mail once committed."""
    from reporting.report_revisions import figures_changed

    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("house").get(pk=run.pk)
        _commentable(run, user)
        if comments:
            report_comments_set(run=run, comments=comments, user=user)
        # Lock the period's approved versions: two approvals of the same period get consecutive numbers.
        approved = list(ReportRun.objects.select_for_update().filter(
            house=run.house, period_start=run.period_start, period_end=run.period_end, approved_at__isnull=False,
        ).order_by("-version"))
        previous = approved[0] if approved else None
        run.version = (previous.version + 1) if previous else 1
        run.revises = previous
        figures = run.figures_data
        run.changes = figures_changed(old=previous.figures_data["data"], new=figures["data"]) if previous else []
        now = timezone.now()
        notes = _approval_notes(run=run, comments=report_comments(run=run), user=user, at=now, previous=previous,
                                changes=run.changes)
        files = report_files(figures=figures, formats=run.formats, notes=notes)
        run.files = _files_store(run=run, files=files)
        run.approved_at, run.approved_by = now, user
        run.save(update_fields=["version", "revises", "changes", "files", "approved_at", "approved_by"])
        audit_log(user=user, action="update", obj=run, house=run.house,
                  detail=f"rapport {run.period_label} godkendt (version {run.version})")
        transaction.on_commit(lambda: report_run_notify_approved(run_id=run.pk))
    return run


def report_run_notify_approved(*, run_id: int) -> int:
    """E-mail the house's steering group that a report is approved (no figures, no names: a link). Returns the
    number of recipients; a mail server that cannot be reached is logged, never undoes the approval."""
    with translation.override(REPORT_LANGUAGE):
        return _notify_approved(run=ReportRun.objects.select_related("house").get(pk=run_id))


def _notify_approved(*, run: ReportRun) -> int:
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.urls import reverse

    from psykiatrihus.models import Membership, Role

    run_id = run.pk
    recipients = sorted(set(Membership.objects.filter(
        house=run.house, role=Role.STEERING, active=True, user__is_active=True,
    ).exclude(user__email="").values_list("user__email", flat=True)))
    if not recipients:
        return 0
    subject = _("Evalueringsrapport godkendt: %(house)s, %(period)s") % {"house": run.house.name,
                                                                          "period": run.period_label}
    if run.is_revision:
        subject += " " + _("(revideret, version %(v)s)") % {"v": run.version}
    link = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("reporting:report_detail", args=[run.pk])
    body = _("Ledelsen har godkendt evalueringsrapporten for %(period)s for %(house)s.\n\n"
             "Rapporten kan hentes her (log ind først): %(link)s\n") % {
        "period": run.period_label, "house": run.house.name, "link": link}
    if run.is_revision:
        body += "\n" + _("Den erstatter version %(v)s; hvad der er ændret, står forrest i rapporten.\n") % {
            "v": run.version - 1}
    sender = settings.DEFAULT_FROM_EMAIL
    try:
        send_mass_mail([(subject, body, sender, [to]) for to in recipients], fail_silently=False)
    except Exception as exc:  # a mail server down must not turn the approval into an error page
        logger.warning("approval mail for report run %s not sent: %s", run_id, type(exc).__name__)
        return 0
    return len(recipients)

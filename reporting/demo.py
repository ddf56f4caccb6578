"""Demo: last quarter's evaluation report for Aarhus and Silkeborg, built and approved by each house's leader, so
the steering group reads them and "Husene side om side" (/rapporter/huse/) has both houses' figures for the
period it opens on. Built through the services the quarterly beat and the leader use; idempotent (a house that
has last quarter's scheduled report already is left alone)."""

from __future__ import annotations

from psykiatrihus.models import House

# house slug -> the leader who approves its report
APPROVERS = {"aarhus": "leder", "silkeborg": "leder-silkeborg"}


def seed(*, house: House, stdout) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from reporting.comparison import comparison_period, default_period
    from reporting.models import ReportRun, ReportStatus
    from reporting.services import FORMATS, report_run_approve, report_run_build, report_run_request

    year, part = default_period(today=timezone.localdate())
    period = comparison_period(year=year, part=part)
    users = get_user_model().objects
    for slug, username in APPROVERS.items():
        target = House.objects.filter(slug=slug).first()
        leader = users.filter(username=username).first()
        if target is None or leader is None:
            continue
        if ReportRun.objects.filter(house=target, period_start=period.start, period_end=period.end,
                                    scheduled=True).exists():
            continue
        run = report_run_request(house=target, period=period, formats=list(FORMATS), scheduled=True, enqueue=False)
        run = report_run_build(run_id=run.pk)
        if run.status != ReportStatus.DONE:
            stdout.write(f"Rapport {period.label} for {target.name} blev ikke færdig: {run.error}")
            continue
        report_run_approve(run=run, user=leader, comments={
            "summary": "Kvartalets tal er gennemgået i ledelsen og sendes til styregruppen. (Demodata.)"})
        stdout.write(f"Rapport {period.label} for {target.name}: godkendt af {username}.")

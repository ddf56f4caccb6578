"""Benchmark 5: a year PDF for one house, and the Celery beat run building last quarter's reports for all
houses with two workers on the embedded Redis.

Floors (same run): for the PDF, WeasyPrint rendering a one-page Danish document (the engine's fixed cost);
for the beat run, the ideal time = houses × (one house's quarter report, all formats, built in-process)
÷ 2 workers.

The PDF is timed `--times` times after a warm-up; the figure is the best run (on a shared machine the
others measure the neighbours), with the median, this process's CPU seconds per PDF (what load cannot
inflate much) and the load average beside it. `--pdf-only` skips the beat run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--timeout", type=int, default=900, help="give up on the beat run after this many seconds")
    parser.add_argument("--times", type=int, default=3, help="timed year PDFs (after one warm-up)")
    parser.add_argument("--pdf-only", action="store_true", help="the year PDF and the audit only (no beat run)")
    args = parser.parse_args(argv)
    common.django_setup()
    import os

    import weasyprint
    from django.conf import settings
    from django.utils import timezone

    from beds.models import Stay
    from psykiatrihus import embedded
    from psykiatrihus.celery import app
    from psykiatrihus.models import House
    from reporting.models import ReportRun
    from reporting.selectors import period_for, previous_quarter
    from reporting.services import FORMATS, report_figures, report_files, report_render

    report = common.Report("report_pdfs", "5. Year PDF for one house; quarterly beat run for all houses")
    houses = House.objects.filter(active=True).count()
    one = House.objects.get(slug=common.house_slug(1))
    today = timezone.localdate()
    year = period_for(year=today.year - 1)
    quarter = previous_quarter(today=today)
    report.data_size(stays=Stay.objects.count(), houses=houses, year=year.label, quarter=quarter.label,
                     house_year_stays=Stay.objects.filter(house=one, arrival_date__gte=year.start,
                                                          arrival_date__lte=year.end).count())

    def trivial_pdf():
        weasyprint.HTML(string="<h1>Evalueringsrapport</h1><p>Æ Ø Å – side 1</p>").write_pdf()

    floor = common.repeat(trivial_pdf, times=5, warmup=1)
    cpu: list[float] = []
    phases: list[tuple[float, float]] = []  # (figures, files) seconds of each run

    def year_pdf():
        started, started_cpu = time.perf_counter(), time.process_time()
        figures = report_figures(house=one, period=year, formats=["pdf"])  # what report_render does, in two
        built = time.perf_counter()
        report_files(figures=figures, formats=["pdf"])
        cpu.append(time.process_time() - started_cpu)
        phases.append((built - started, time.perf_counter() - built))

    pdf = common.repeat(year_pdf, times=args.times, warmup=1)
    cpu, phases = cpu[1:], phases[1:]  # not the warm-up
    best = min(range(len(pdf)), key=pdf.__getitem__)
    load = os.getloadavg()[0]
    report.figure("year PDF, one house (report_render pdf)",
                  f"best {min(pdf):.2f} s = figures {phases[best][0]:.2f} s + PDF {phases[best][1]:.2f} s "
                  f"(median {common.median(pdf):.2f} s of {len(pdf)}; CPU {min(cpu):.2f} s; load {load:.1f}; "
                  f"target ≤ 3 s {'met' if min(pdf) <= 3.0 else 'MISSED'})",
                  floor_label="one-page WeasyPrint PDF, best", floor=common.ms(min(floor)),
                  ratio=min(pdf) / min(floor),
                  raw={"pdf": pdf, "cpu": cpu, "phases": phases, "floor": floor, "load": load})

    # The disclosure audit alone for the same house-year: suppression of the whole report (primary and
    # complementary cells) and the linear program per hidden cell, beside the year PDF's build time.
    from reporting.disclosure import disclose
    from reporting.selectors import report_tables

    raw_tables = report_tables(house=one, period=year)
    audits: list[int] = []

    def audit_year():
        _shown, publication, intervals = disclose(raw_tables, below=one.small_number_threshold,
                                                  start=year.start.isoformat(), end=year.end.isoformat())
        audits[:] = [len(publication.values), len(publication.hidden), len(intervals)]

    audit = common.repeat(audit_year, times=2, warmup=0)
    cells, hidden, small = audits
    report.figure(f"disclosure audit, one house-year ({cells} cells, {hidden} hidden, {small} small audited)",
                  f"median {common.median(audit):.2f} s", floor_label="the year PDF's build (above)",
                  floor=f"{min(pdf):.2f} s", ratio=common.median(audit) / min(pdf),
                  raw={"audit": audit, "pdf": pdf, "cells": cells, "hidden": hidden, "small": small})

    if args.pdf_only:
        report.save()
        return 0
    one_quarter = common.repeat(lambda: report_render(house=one, period=quarter, formats=list(FORMATS)),
                                times=1, warmup=0)[0]

    # The beat run: the scheduled task, two workers, embedded Redis.
    ReportRun.objects.filter(scheduled=True, period_start=quarter.start, period_end=quarter.end).delete()
    redis = None
    workers: list[subprocess.Popen] = []
    if not settings.CELERY_BROKER_URL.startswith("redis+socket://") or "bench" not in settings.CELERY_BROKER_URL:
        raise SystemExit("refusing to run: the broker is not the bench's embedded Redis")
    try:
        redis = embedded.redis_start(settings.EMBEDDED_REDIS_SOCKET)
        app.control.purge()
        for n in range(args.workers):
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "psykiatrihus", "worker", "-l", "warning",
                 "--concurrency", "1", "-n", f"bench{n + 1}@%h", "--without-gossip", "--without-mingle"],
                cwd=common.ROOT, env=common.bench_env()))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            if len(replies) >= args.workers:
                break
        started = time.perf_counter()
        app.send_task("reporting.tasks.report_runs_quarterly_task")
        deadline = time.monotonic() + args.timeout
        done = failed = 0
        last_print = 0.0
        while time.monotonic() < deadline:
            runs = ReportRun.objects.filter(scheduled=True, period_start=quarter.start, period_end=quarter.end)
            total = runs.count()
            done = runs.filter(status="done").count()
            failed = runs.filter(status="failed").count()
            if total >= houses and done + failed >= total:
                break
            if time.monotonic() - last_print > 30:
                print(f"  … {done}/{houses} reports done, {failed} failed", flush=True)
                last_print = time.monotonic()
            time.sleep(0.5)
        wall = time.perf_counter() - started
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
                w.wait()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
    ideal = houses * one_quarter / args.workers
    complete = done == houses and failed == 0
    report.figure(f"beat run: last quarter for all {houses} houses ({', '.join(FORMATS)}), {args.workers} workers",
                  f"{wall:.0f} s, {done} done, {failed} failed" + ("" if complete else " (INCOMPLETE)"),
                  floor_label=f"{houses} × one house in-process ({one_quarter:.2f} s) ÷ {args.workers}",
                  floor=f"{ideal:.0f} s", ratio=wall / ideal if ideal else None,
                  raw={"wall": wall, "done": done, "failed": failed, "one_house_s": one_quarter})
    report.save()
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())

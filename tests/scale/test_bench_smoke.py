"""`make bench` is not run in CI, so its harness is kept honest here at a tiny size: one house, a few weeks.

The national-load script must import through the project's bulk import and write its figures; the stay-table
script compares the reporting selector with a hand-written SQL query on the generated data and exits 1 on
any mismatch (so this also checks the stay table against an independent computation)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_harness_runs_at_tiny_size(tmp_path):
    data = tmp_path / "bench-smoke"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL",
                                                             "DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME")}
    env.update(PSYKIATRIHUS_DATA_DIR=str(data), BENCH_HOUSES="1", BENCH_YEARS="0.6")
    proc = subprocess.run([sys.executable, "bench/run_all.py", "--only", "national_load,report_tables"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    load = json.loads((data / "results" / "national_load.json").read_text())
    assert load["size"]["houses"] == 1 and load["size"]["stays"] > 500  # 16 beds × ~7 months, ~3 nights each
    assert load["rows"][0]["raw"]["rows"] == load["size"]["stays"]
    tables = json.loads((data / "results" / "report_tables.json").read_text())
    assert not any("MISMATCH" in n for n in tables["notes"])
    assert tables["size"]["quarter_stays_one_house"] > 0
    summary = (data / "results" / "summary.md").read_text()
    assert "| 1. National data set" in summary and "Machine:" in summary

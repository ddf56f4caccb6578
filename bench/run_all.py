"""`make bench`: every benchmark in order on one national data set, then a summary (Markdown) of the figures.

    python bench/run_all.py [--houses N] [--years Y] [--keep] [--only name,name]

The data set lives in its own embedded PostgreSQL under `.data/bench` (PSYKIATRIHUS_DATA_DIR); the dev
database is never touched. The scripts run as separate processes; this process keeps the database server
up (and warm) between them. The summary is written to `.data/bench/results/summary.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

SCRIPTS = ["national_load", "web_latency", "booking_contention", "report_tables", "report_pdfs"]


def summary_markdown(total_seconds: float, exit_codes: dict[str, int]) -> str:
    m = common.machine()
    lines = [
        f"Machine: {m['nproc']} cores (`nproc`), {m['memory']} RAM (`free -h`), {m['cpu']}, "
        f"load average at the end {m['load_1min']}; Python {m['python']}, PostgreSQL 16 (embedded).",
        f"`make bench` took {total_seconds / 60:.1f} min.",
        "",
        "| Benchmark | Data | Figure | Floor | Ratio |",
        "|---|---|---|---|---|",
    ]
    for name in SCRIPTS:
        path = common.results_dir() / f"{name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        size = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in data["size"].items()
                         if k not in ("requests_per_client", "gunicorn_workers", "attempts"))
        for i, row in enumerate(data["rows"]):
            ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}×"
            if row.get("target") is not None:
                ratio += f" (≤ {row['target']:g}×: {'OK' if row['ok'] else 'missed'})"
            lines.append(f"| {data['title'] if i == 0 else ''} | {size if i == 0 else ''} | {row['label']}: "
                         f"{row['value']} | {row['floor_label']} {row['floor']} | {ratio} |")
        if exit_codes.get(name):
            lines.append(f"| | | exit code {exit_codes[name]} | | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, help="houses in the data set (default 100)")
    parser.add_argument("--years", type=float, help="years of history (default 5)")
    parser.add_argument("--keep", action="store_true", help="reuse the existing bench data set (skip the load)")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    args = parser.parse_args(argv)
    if args.houses:
        os.environ["BENCH_HOUSES"] = str(args.houses)
    if args.years:
        os.environ["BENCH_YEARS"] = str(args.years)
    env = common.bench_env()
    chosen = [s for s in SCRIPTS if not args.only or s in args.only.split(",")]
    if args.keep and "national_load" in chosen:
        chosen.remove("national_load")

    import pgserver  # keep the bench database server up between the scripts

    pg_dir = common.data_dir() / "pg"
    pg_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pg_dir, cleanup_mode="stop")
    started = time.perf_counter()
    codes: dict[str, int] = {}
    if "national_load" not in chosen:  # a kept data set still needs the newest schema
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=common.ROOT, env=env, check=True)
    for old in common.results_dir().glob("*.json"):
        if old.stem in chosen:
            old.unlink()
    for name in chosen:
        proc = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=common.ROOT, env=env, timeout=1800,
                              check=False)
        codes[name] = proc.returncode
        if name == "national_load" and proc.returncode != 0:
            print("the data set did not load; stopping", flush=True)
            break
    total = time.perf_counter() - started
    text = summary_markdown(total, codes)
    (common.results_dir() / "summary.md").write_text(text)
    print("\n" + text, flush=True)
    del server
    return 1 if any(codes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

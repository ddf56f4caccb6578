"""Shared helpers for the benchmarks: environment, Django setup, timing, statistics, results, servers.

Every benchmark runs against its own embedded PostgreSQL under `.data/bench` (never the dev database),
with production-like settings (DEBUG off). Load is generated only against 127.0.0.1, in bounded loops.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_ENV = {
    "PSYKIATRIHUS_DATA_DIR": str(ROOT / ".data" / "bench"),
    "DJANGO_SETTINGS_MODULE": "psykiatrihus.settings",
    # Production-like: no debug query log, compressed static files, no SSL redirect on loopback.
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "PERSONAL_DATA_KEY": "bench-only-personal-data-key-" + "y" * 20,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "ERROR",  # 409s from the contention bench are expected; errors still show
    "BENCH_HOUSES": "100",
    "BENCH_YEARS": "5",
}
PREFIX = "bench-"  # house slugs: bench-001 … bench-100
PASSWORD = "bench-password-not-secret-42"


def bench_env() -> dict[str, str]:
    """Defaults for every benchmark variable, overridable from the caller's environment."""
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    return dict(os.environ)


def data_dir() -> Path:
    return Path(bench_env()["PSYKIATRIHUS_DATA_DIR"])


def results_dir() -> Path:
    path = data_dir() / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


def houses_wanted() -> int:
    return int(bench_env()["BENCH_HOUSES"])


def years_wanted() -> float:
    return float(bench_env()["BENCH_YEARS"])


def django_setup() -> None:
    bench_env()
    import django

    django.setup()


def house_slug(i: int) -> str:
    return f"{PREFIX}{i:03d}"


# --- timing ----------------------------------------------------------------------------------------


@contextmanager
def timed(into: dict, key: str):
    started = time.perf_counter()
    yield
    into[key] = time.perf_counter() - started


def repeat(fn: Callable[[], object], *, times: int, warmup: int = 2) -> list[float]:
    """Wall-clock seconds of `times` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def compare(a: Callable[[], object], b: Callable[[], object], *, times: int, warmup: int = 2
            ) -> tuple[list[float], list[float]]:
    """Interleaved timings of `a` and `b` (a, b, a, b, …) so that a noisy, shared machine hurts both alike."""
    for _ in range(warmup):
        a()
        b()
    sa, sb = [], []
    for _ in range(times):
        for fn, into in ((a, sa), (b, sb)):
            started = time.perf_counter()
            fn()
            into.append(time.perf_counter() - started)
    return sa, sb


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def p95(samples: list[float]) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --- reporting the figures -------------------------------------------------------------------------


class Report:
    """Collects `size`, figures and ratios of one benchmark; prints them and saves JSON for run_all."""

    def __init__(self, name: str, title: str):
        self.name, self.title = name, title
        self.size: dict[str, object] = {}
        self.rows: list[dict] = []
        self.notes: list[str] = []
        self.started = time.perf_counter()
        print(f"\n=== {title} ===", flush=True)

    def data_size(self, **size) -> None:
        self.size.update(size)
        print("  data: " + ", ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in size.items()),
              flush=True)

    def figure(self, label: str, value: str, *, floor_label: str = "", floor: str = "", ratio: float | None = None,
               target: float | None = None, raw: dict | None = None) -> None:
        ok = None if target is None or ratio is None else ratio <= target
        row = {"label": label, "value": value, "floor_label": floor_label, "floor": floor,
               "ratio": None if ratio is None else round(ratio, 2), "target": target, "ok": ok, "raw": raw or {}}
        self.rows.append(row)
        text = f"  {label}: {value}"
        if ratio is not None:
            text += f" | floor ({floor_label}): {floor} | ratio {ratio:.2f}×"
            if target is not None:
                text += f" (target ≤ {target:g}× {'OK' if ok else 'MISSED'})"
        print(text, flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def save(self) -> None:
        elapsed = time.perf_counter() - self.started
        payload = {"name": self.name, "title": self.title, "size": self.size, "rows": self.rows,
                   "notes": self.notes, "seconds": round(elapsed, 1),
                   "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
        (results_dir() / f"{self.name}.json").write_text(json.dumps(payload, indent=2, default=str))
        print(f"  ({elapsed:.0f} s)", flush=True)


def machine() -> dict[str, str]:
    """The machine the figures came from (nproc, memory, CPU model)."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.splitlines()[1]
        total = mem.split()[1]
    except (OSError, IndexError):
        total = "?"
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return {"nproc": str(os.cpu_count()), "memory": total, "cpu": cpu, "load_1min": f"{load:.1f}",
            "python": platform.python_version()}


# --- servers on loopback ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException as exc:
            last = exc
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not answer within {timeout:.0f} s: {last}")


@contextmanager
def gunicorn(*, workers: int = 4):
    """A real gunicorn (sync workers) from the venv on 127.0.0.1, stopped (by its own pid) on exit."""
    # DEBUG is off (production-like), so static files come from the manifest: collect them first.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=bench_env(),
                   check=True)
    port = free_port()
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "psykiatrihus.wsgi", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", "sync", "--timeout", "120", "--log-level", "warning",
           "--preload"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=bench_env())
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_clients(*, clients: int, requests_each: int, make_request: Callable[[object, int, int], int]
                ) -> tuple[list[float], dict[int, int], float]:
    """`clients` threads, each with its own HTTP session, each making exactly `requests_each` requests
    (bounded: the loop stops by itself). Returns (latencies, status counts, wall seconds)."""
    import threading

    import requests

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(n: int) -> None:
        session = requests.Session()
        mine, codes = [], []
        barrier.wait()
        for i in range(requests_each):
            started = time.perf_counter()
            codes.append(make_request(session, n, i))
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            for code in codes:
                statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return latencies, statuses, time.perf_counter() - started

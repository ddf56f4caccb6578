"""`make run`: web + Celery worker + beat (+ embedded Redis) in one foreground process group.

Ctrl-C stops them all, each with its children (the worker's pool), and then the embedded PostgreSQL, which
runs in a session of its own and so would not get the Ctrl-C (unless another live process still uses it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def processes_stop(procs: list[subprocess.Popen], timeout: float = 15.0) -> None:
    """SIGTERM to each process, then SIGKILL to whatever of it and its children is left after `timeout`."""
    import psutil  # a dependency of pgserver

    trees = {}
    for proc in procs:
        try:
            trees[proc.pid] = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            trees[proc.pid] = []
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for children in trees.values():
        _gone, alive = psutil.wait_procs(children, timeout=max(0.1, deadline - time.monotonic()))
        for child in alive:
            child.kill()


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psykiatrihus.settings")
    import django

    django.setup()
    from django.conf import settings

    from psykiatrihus import embedded
    from psykiatrihus.demo import DEMO_PASSWORD, demo_logins

    port = os.environ.get("PORT", "8000")
    py = sys.executable
    procs: list[tuple[str, subprocess.Popen]] = []
    if not os.environ.get("CELERY_BROKER_URL"):
        redis = embedded.redis_start(settings.EMBEDDED_REDIS_SOCKET)
        if redis is not None:
            procs.append(("redis", redis))
    commands = {
        "web": [py, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [py, "-m", "celery", "-A", "psykiatrihus", "worker", "-l", "warning", "--concurrency", "2"],
        "beat": [py, "-m", "celery", "-A", "psykiatrihus", "beat", "-l", "warning",
                 "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")],
    }
    for name, cmd in commands.items():
        procs.append((name, subprocess.Popen(cmd)))

    print("\n  Psykiatrihus kører på http://127.0.0.1:%s/" % port)
    print("  Demologins (adgangskode '%s'):" % DEMO_PASSWORD)
    for username, who in demo_logins():
        print(f"    {username:<17} {who}")
    print("  Stop med Ctrl-C.\n", flush=True)

    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, proc in procs:
                if proc.poll() is not None:
                    print(f"{name} stoppede (kode {proc.returncode}); stopper resten.", flush=True)
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        processes_stop([proc for _name, proc in reversed(procs)])
        if settings.EMBEDDED and embedded.postgres_stop_if_unused():
            print("PostgreSQL (indlejret) er stoppet.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

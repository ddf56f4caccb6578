"""`make run`: web + Celery worker + beat (+ embedded Redis) in one foreground process group.

Ctrl-C stops them all. The embedded PostgreSQL stays up while this process holds its handle.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psykiatrihus.settings")
    import django

    django.setup()
    from django.conf import settings

    from psykiatrihus import embedded
    from psykiatrihus.demo import DEMO_PASSWORD, DEMO_USERS

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
    for username, first, last, role, _sector in DEMO_USERS:
        print(f"    {username:<12} {first} {last} – {role.label}")
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
        for _name, proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for _name, proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The embedded Redis keeps its queue across a restart (append-only file, as in production)."""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
import time
from pathlib import Path

import redis

from psykiatrihus.celery import app
from psykiatrihus.embedded import redis_command, redis_start
from reporting.tasks import report_run_build_task


def test_a_queued_report_survives_a_killed_redis():
    directory = Path(tempfile.mkdtemp(prefix="rq-", dir="/tmp"))  # unix socket paths are short
    sock = directory / "redis.sock"
    assert "--appendonly" in (cmd := redis_command(sock)) and cmd[cmd.index("--appendonly") + 1] == "yes"
    proc = redis_start(sock)
    again = None
    try:
        with app.connection_for_write(f"redis+socket://{sock}") as conn:
            report_run_build_task.apply_async(args=[4242], connection=conn)
        assert redis.Redis(unix_socket_path=str(sock)).llen("celery") == 1
        time.sleep(1.5)  # appendfsync everysec: what was queued a second ago is on disk
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        again = redis_start(sock)
        assert again is not None  # a new server process, not the old one answering
        (message,) = redis.Redis(unix_socket_path=str(sock)).lrange("celery", 0, -1)
        body = json.loads(message)
        assert body["headers"]["task"] == "reporting.tasks.report_run_build_task"
        assert body["headers"]["argsrepr"] == "[4242]"
    finally:
        for p in (proc, again):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)

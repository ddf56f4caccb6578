"""Backups: the database (pg_dump custom format) and MEDIA_ROOT (report files) in one tar file, and the way
back into an empty database. Used by `manage.py backup` / `manage.py restore` (`make backup`, `make restore`).

The PostgreSQL client programs come from the pgserver wheel (PostgreSQL 16, the same major version as
production), so a backup works on any machine with the project installed; PG_BIN_DIR overrides them. The
CPR numbers in a dump are encrypted with PERSONAL_DATA_KEY: a backup is useless without that key (see
docs/operations.md), and the key is never written into the backup.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

DUMP_NAME = "database.pgdump"
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (no traceback for the operator)."""


def pg_tool(name: str) -> str:
    """Path of a PostgreSQL client program (pg_dump, pg_restore, psql)."""
    if os.environ.get("PG_BIN_DIR"):
        return str(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        bundled = Path(POSTGRES_BIN_PATH) / name
        if bundled.exists():
            return str(bundled)
    except ImportError:  # pragma: no cover - pgserver is a dependency
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} findes ikke (installér PostgreSQL-klienten eller sæt PG_BIN_DIR).")
    return found


def libpq_connection(db: dict) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for a PostgreSQL client, from a Django DATABASES entry
    (the password goes in the environment, never on the command line)."""
    options = db.get("OPTIONS") or {}
    host = db.get("HOST") or options.get("host") or ""
    args = ["--dbname", db["NAME"]]
    if host:
        args += ["--host", str(host)]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} fejlede: {result.stderr.strip()[-2000:]}")


def database_dump(*, db: dict, path: Path) -> None:
    """pg_dump in custom format (compressed; pg_restore can restore single tables from it)."""
    args, env = libpq_connection(db)
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(path), *args],
         env, "pg_dump")


def database_is_empty(*, db: dict) -> bool:
    """True when the database has no tables of its own (only then does a restore go ahead)."""
    args, env = libpq_connection(db)
    sql = ("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
           "AND n.nspname NOT LIKE 'pg_toast%'")
    result = subprocess.run([pg_tool("psql"), "--no-psqlrc", "--tuples-only", "--no-align", "--command", sql, *args],
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"Databasen kunne ikke nås: {result.stderr.strip()[-500:]}")
    return result.stdout.strip() == "0"


def database_restore(*, db: dict, path: Path) -> None:
    """pg_restore into an empty database; stops at the first error (a half-restored database is no backup)."""
    if not database_is_empty(db=db):
        raise BackupError(f"Databasen {db['NAME']} er ikke tom. Gendan kun i en tom database "
                          "(opret en ny, eller drop den gamle først).")
    args, env = libpq_connection(db)
    _run([pg_tool("pg_restore"), "--exit-on-error", "--no-owner", "--no-privileges", "--single-transaction",
          *args, str(path)], env, "pg_restore")


def backup_create(*, db: dict, media_root: Path, output: Path) -> Path:
    """One tar file: manifest.json, database.pgdump and media/… (the report files). Returns its path."""
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    target = output / f"psykiatrihus-{stamp}.tar"
    with tempfile.TemporaryDirectory(prefix="backup-") as tmp:
        dump = Path(tmp) / DUMP_NAME
        database_dump(db=db, path=dump)
        partial = target.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            manifest = {"created_at": stamp, "database": db["NAME"], "format": "pg_dump custom",
                        "media_files": 0}
            media_files = [p for p in sorted(media_root.rglob("*")) if p.is_file()] if media_root.exists() else []
            manifest["media_files"] = len(media_files)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DUMP_NAME)
            for file in media_files:
                tar.add(file, arcname=MEDIA_PREFIX + file.relative_to(media_root).as_posix())
        partial.rename(target)  # a file named .tar is always complete
    return target


def backup_restore(*, file: Path, db: dict, media_root: Path) -> dict:
    """The database into an empty database, then the media files into MEDIA_ROOT. Returns the manifest."""
    if not file.is_file():
        raise BackupError(f"Filen {file} findes ikke.")
    try:
        tar = tarfile.open(file, "r")
    except tarfile.TarError as exc:
        raise BackupError(f"{file} er ikke en backup fra `make backup` ({exc}).") from exc
    with tar, tempfile.TemporaryDirectory(prefix="restore-") as tmp:
        names = tar.getnames()
        if DUMP_NAME not in names or MANIFEST_NAME not in names:
            raise BackupError(f"{file} er ikke en backup fra `make backup` (mangler {DUMP_NAME}).")
        manifest = json.loads(tar.extractfile(MANIFEST_NAME).read())
        tar.extract(DUMP_NAME, tmp, filter="data")
        database_restore(db=db, path=Path(tmp) / DUMP_NAME)
        media = [m for m in tar.getmembers() if m.name.startswith(MEDIA_PREFIX) and m.isfile()]
        media_root.mkdir(parents=True, exist_ok=True)
        for member in media:
            member.name = member.name[len(MEDIA_PREFIX):]
            tar.extract(member, media_root, filter="data")  # "data" refuses absolute paths and ../
    return manifest

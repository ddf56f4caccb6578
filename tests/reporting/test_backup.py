"""`manage.py backup` and `manage.py restore` (make backup / make restore): a dump restored into a fresh
database has the same rows in every table, the same report figures and the same report files; a database
that is not empty is refused."""

from __future__ import annotations

import contextlib
import io
import tarfile
from pathlib import Path

import dj_database_url
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from psykiatrihus.models import House
from reporting.selectors import period_for, report_data
from reporting.services import report_run_build, report_run_request

pytestmark = [pytest.mark.timeout_sensitive, pytest.mark.django_db(transaction=True)]


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


@contextlib.contextmanager
def _connected_to(name: str):
    """This process's Django connection pointed at database `name` on the same server for a while."""
    connection.close()
    saved = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


@pytest.fixture
def fresh_database():
    name = f"restore_{connection.settings_dict['NAME']}"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    yield name, f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@/{name}?host={host}"
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_a_fresh_database(dataset, settings, tmp_path, fresh_database):
    name, url = fresh_database
    settings.MEDIA_ROOT = str(tmp_path / "media")
    run = report_run_request(house=dataset.house, period=period_for(year=2021), formats=["json"],
                             suppress_below=0, enqueue=False)
    run = report_run_build(run_id=run.pk)
    report_file = Path(settings.MEDIA_ROOT) / run.files["json"]
    counts = _row_counts()
    figures = report_data(house=dataset.house, period=period_for(year=2021))
    assert counts["beds_stay"] == 8 and counts["contracts_citizen"] == 4  # the hand-worked data set is there

    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    backup = Path(out.getvalue().strip())
    assert backup.parent == tmp_path / "backups" and backup.suffix == ".tar"
    with tarfile.open(backup) as tar:
        names = tar.getnames()
    assert {"manifest.json", "database.pgdump", f"media/{run.files['json']}"} <= set(names)

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command("restore", str(backup), database_url=url, media_root=str(restored_media), stdout=out)
    assert "1 rapportfiler" in out.getvalue()
    assert (restored_media / run.files["json"]).read_bytes() == report_file.read_bytes()
    with _connected_to(name):
        assert _row_counts() == counts
        house = House.objects.get(slug=dataset.house.slug)
        assert report_data(house=house, period=period_for(year=2021)) == figures
        assert figures["tables"]["stays"]["kommune"]["max_nights_one_citizen"] == 8  # as test_tables.py has it
        verified = io.StringIO()
        call_command("audit_verify", stdout=verified)  # the audit log's hash chains came through whole
        assert "kæden er hel" in verified.getvalue()

    # Restoring over data is refused; the database keeps what it had.
    with pytest.raises(CommandError, match="ikke tom"):
        call_command("restore", str(backup), database_url=url, media_root=str(restored_media))
    with pytest.raises(CommandError, match="ikke en backup"):
        (tmp_path / "junk.tar").write_bytes(b"not a tar file")
        call_command("restore", str(tmp_path / "junk.tar"), database_url=url)
    assert dj_database_url.parse(url)["NAME"] == name

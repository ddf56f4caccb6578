"""`python manage.py restore FILE [--database-url URL]` (`make restore FILE=…`): a backup into an empty
database (the configured one, or URL), and its report files into MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from psykiatrihus.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Gendan en backup fra `manage.py backup` i en tom database og læg rapportfilerne i MEDIA_ROOT. "
            "Nægter at skrive i en database, der allerede har tabeller.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="backupfilen (psykiatrihus-ÅÅÅÅMMDD-TTMMSS.tar)")
        parser.add_argument("--database-url", help="gendan i denne database i stedet for den konfigurerede")
        parser.add_argument("--media-root", help="læg rapportfilerne her i stedet for i MEDIA_ROOT")

    def handle(self, *args, file: str, database_url: str | None = None, media_root: str | None = None,
               **options):
        db = dj_database_url.parse(database_url) if database_url else connection.settings_dict
        connection.close()  # the restore runs in pg_restore, not on this connection
        try:
            manifest = backup_restore(file=Path(file), db=db, media_root=Path(media_root or settings.MEDIA_ROOT))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Gendannet: backup fra {manifest['created_at']} (UTC), {manifest['media_files']} "
                          f"rapportfiler. Kør `manage.py migrate` hvis koden er nyere end backuppen.")

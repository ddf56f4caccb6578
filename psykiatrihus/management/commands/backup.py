"""`python manage.py backup [--output DIR]` (`make backup`): the database and MEDIA_ROOT in one tar file."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from psykiatrihus.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Tag en backup af databasen (pg_dump, custom format) og MEDIA_ROOT i én tar-fil. "
            "PERSONAL_DATA_KEY kommer ikke med: opbevar nøglen for sig (se docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.DATA_DIR / "backups"),
                            help="mappe til backupfilen (standard: .data/backups)")

    def handle(self, *args, output: str, **options):
        try:
            path = backup_create(db=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT),
                                 output=Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(path))

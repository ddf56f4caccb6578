"""`PERSONAL_DATA_KEY=<new> PERSONAL_DATA_KEY_OLD=<old> python manage.py personal_data_key_rotate`:
re-encrypt every CPR number under the new key (see docs/operations.md). The keys come from the environment,
never the command line, so they do not end up in the shell history or the process list."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from contracts.services import citizens_reencrypt


class Command(BaseCommand):
    help = ("Kryptér alle CPR-numre igen med en ny nøgle. Den nye nøgle er PERSONAL_DATA_KEY, den gamle "
            "PERSONAL_DATA_KEY_OLD (begge i miljøet). Stop web og worker først; alt eller intet ændres.")

    def handle(self, *args, **options):
        old_key = os.environ.get("PERSONAL_DATA_KEY_OLD", "")
        if len(old_key) < 32:
            raise CommandError("Sæt PERSONAL_DATA_KEY_OLD til den gamle nøgle (mindst 32 tegn) og "
                               "PERSONAL_DATA_KEY til den nye.")
        try:
            counts = citizens_reencrypt(old_key=old_key)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{counts['reencrypted']} CPR-numre krypteret med den nye nøgle; "
                          f"{counts['already_new']} var det allerede.")

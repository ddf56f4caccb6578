"""`python manage.py audit_verify [--house aarhus]`: walk the audit log's hash chains, name the first broken link."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from psykiatrihus.audit_chain import chain_verify
from psykiatrihus.models import House


class Command(BaseCommand):
    help = ("Kontrollér logbogens hash-kæder (ét hus, eller alle huse og hændelserne uden hus) og navngiv det "
            "første brudte led. Afslutter med fejl, hvis en kæde er brudt.")

    def add_arguments(self, parser):
        parser.add_argument("--house", help="husets kortnavn, fx aarhus (uden: alle kæder)")

    def handle(self, *args, house: str | None = None, **options):
        if house:
            target = House.objects.filter(slug=house).first()
            if target is None:
                raise CommandError(f"Ukendt hus: {house}")
            results = [chain_verify(house=target)]
        else:
            results = [chain_verify(house=h) for h in House.objects.order_by("slug")]
            results.append(chain_verify(house=None, no_house=True))
        broken = [r for r in results if not r.ok]
        for r in results:
            name = r.chain or "(uden hus)"
            if r.ok:
                self.stdout.write(f"{name}: {r.events} hændelser, kæden er hel. Seneste hash: {r.head or '-'}")
            else:
                self.stderr.write(f"{name}: kæden er brudt ved hændelse id={r.broken_id} (nr. {r.broken_seq}): "
                                  f"{r.reason}. {r.events} hændelser før den er i orden.")
        if broken:
            raise CommandError(f"{len(broken)} kæde(r) er brudt.")

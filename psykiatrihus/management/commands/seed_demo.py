import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from psykiatrihus.demo import DEMO_PASSWORD, DEMO_USERS, seed_kernel

# Each app may ship `<app>/demo.py` with `seed(house, stdout)`; order follows the dependencies.
APP_DEMOS = ["contracts", "beds", "activities", "reporting"]


class Command(BaseCommand):
    help = "Byg demohuset og én demobruger pr. rolle (idempotent)."

    def handle(self, *args, **opts):
        with transaction.atomic():
            house = seed_kernel()
        for app in APP_DEMOS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(house=house, stdout=self.stdout)
        from psykiatrihus.demo_houses import seed_other_houses

        with transaction.atomic():
            others = seed_other_houses(password=DEMO_PASSWORD, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demohus klar: {house.name} ({house.slug})"))
        self.stdout.write("Andre huse: %s (vikar arbejder i to huse)" % ", ".join(h.name for h in others))
        self.stdout.write("Demologins (adgangskode '%s'): %s" % (DEMO_PASSWORD, ", ".join(u[0] for u in DEMO_USERS)))

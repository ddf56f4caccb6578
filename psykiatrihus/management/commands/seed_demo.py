from django.core.management.base import BaseCommand
from django.db import transaction

from psykiatrihus.demo import DEMO_PASSWORD, DEMO_USERS, demo_seeds, seed_kernel


class Command(BaseCommand):
    help = "Byg demohuset og én demobruger pr. rolle (idempotent)."

    def handle(self, *args, **opts):
        with transaction.atomic():
            house = seed_kernel()
        for _name, seed in demo_seeds():  # registered by the apps (psykiatrihus.demo.demo_register)
            with transaction.atomic():
                seed(house=house, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demohus klar: {house.name} ({house.slug})"))
        self.stdout.write("Demologins (adgangskode '%s'): %s" % (DEMO_PASSWORD, ", ".join(u[0] for u in DEMO_USERS)))

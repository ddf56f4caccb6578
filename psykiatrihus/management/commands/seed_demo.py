from django.core.management.base import BaseCommand
from django.db import transaction

from psykiatrihus.demo import DEMO_PASSWORD, demo_logins, demo_seeds, seed_kernel


class Command(BaseCommand):
    help = "Byg demohuset og én demobruger pr. rolle (idempotent)."

    def handle(self, *args, **opts):
        with transaction.atomic():
            house = seed_kernel()
        for _name, seed in demo_seeds():  # registered by the apps (psykiatrihus.demo.demo_register)
            with transaction.atomic():
                seed(house=house, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demohus klar: {house.name} ({house.slug})"))
        logins = ", ".join(username for username, _who in demo_logins())
        self.stdout.write("Demologins (adgangskode '%s'): %s" % (DEMO_PASSWORD, logins))

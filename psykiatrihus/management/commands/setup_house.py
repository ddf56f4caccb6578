from django.core.management.base import BaseCommand, CommandError

from psykiatrihus.services import house_setup


class Command(BaseCommand):
    help = "Opret eller opdater et hus med senge K1..Kn og R1..Rn (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--municipal-beds", type=int, default=8)
        parser.add_argument("--regional-beds", type=int, default=8)
        parser.add_argument("--faerdigbehandling-beds", type=int, default=0)
        parser.add_argument("--stay-frame-nights", type=int, default=None)

    def handle(self, *args, **opts):
        for key in ("municipal_beds", "regional_beds", "faerdigbehandling_beds"):
            if opts[key] < 0:
                raise CommandError(f"--{key.replace('_', '-')} kan ikke være negativ")
        try:
            house = house_setup(
                slug=opts["slug"],
                name=opts["name"],
                municipal_beds=opts["municipal_beds"],
                regional_beds=opts["regional_beds"],
                faerdigbehandling_beds=opts["faerdigbehandling_beds"],
                stay_frame_nights=opts["stay_frame_nights"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        beds = house.beds.filter(active=True).count()
        self.stdout.write(self.style.SUCCESS(f"Hus {house.slug}: {house.name}, {beds} aktive senge"))

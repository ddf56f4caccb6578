import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from psykiatrihus.models import FrameExtension, PostStayFollowUp, Sector
from psykiatrihus.services import house_policy_set, house_setup

SECTORS = [str(Sector.KOMMUNE), str(Sector.REGION)]
ADMISSION = {"bsk": (True, False), "visitation": (False, True), "both": (True, True)}
YES_NO = {"ja": True, "yes": True, "1": True, "true": True, "nej": False, "no": False, "0": False, "false": False}


def per_sector(values: list[str] | None, option: str) -> dict[str, str]:
    """`N` applies to both sectors, `kommune=N` to one; repeatable and comma-separable."""
    result: dict[str, str] = {}
    for value in values or []:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if "=" in part:
                sector, _, val = part.partition("=")
                if sector.strip() not in SECTORS:
                    raise CommandError(f"{option}: ukendt sektor '{sector}' (brug kommune= eller region=)")
                result[sector.strip()] = val.strip()
            else:
                result.update(dict.fromkeys(SECTORS, part))
    return result


class Command(BaseCommand):
    help = ("Opret eller opdater et hus med senge K1..Kn og R1..Rn og husets regler (idempotent: en ny "
            "version af reglerne skrives kun, når noget ændres). Regler gives for begge sektorer (`3`) "
            "eller pr. sektor (`kommune=visitation`).")

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--municipality", default="")
        parser.add_argument("--municipal-beds", type=int, default=8)
        parser.add_argument("--regional-beds", type=int, default=8)
        parser.add_argument("--faerdigbehandling-beds", type=int, default=0)
        parser.add_argument("--stay-frame-nights", action="append", metavar="N|SEKTOR=N",
                            help="opholdsramme i nætter")
        parser.add_argument("--admission", action="append", metavar="bsk|visitation|both",
                            help="adgangsvej (hjemmebehandling ændres ikke herved)")
        parser.add_argument("--home-treatment", action="append", metavar="ja|nej",
                            help="aktivt hjemmebehandlingsforløb giver adgang")
        parser.add_argument("--extension-by", action="append", metavar="leader|visitation")
        parser.add_argument("--followup-months", action="append", metavar="N|SEKTOR=N")
        parser.add_argument("--stay-goals", action="append", metavar="ja|nej")
        parser.add_argument("--post-stay-followup", action="append", metavar="none|visit|call|visit_or_call")
        parser.add_argument("--max-nights-per-month", action="append", metavar="N|none")
        parser.add_argument("--policy-from", default=None, help="reglerne gælder fra (ÅÅÅÅ-MM-DD; standard i dag)")

    def rules_from_options(self, opts) -> dict[str, dict]:
        rules: dict[str, dict] = {s: {} for s in SECTORS}

        def each(option: str, key: str, convert):
            for sector, value in per_sector(opts[key], option).items():
                try:
                    converted = convert(value.lower())
                except (KeyError, ValueError) as exc:
                    raise CommandError(f"{option}: ugyldig værdi '{value}'") from exc
                if isinstance(converted, dict):
                    rules[sector].update(converted)
                else:
                    rules[sector][key] = converted

        def nonneg(value: str) -> int:
            n = int(value)
            if n < 0:
                raise ValueError(value)
            return n

        each("--stay-frame-nights", "stay_frame_nights", nonneg)
        each("--admission", "admission",
             lambda v: dict(zip(("admits_bsk", "admits_visitation"), ADMISSION[v], strict=True)))
        each("--home-treatment", "home_treatment", lambda v: {"admits_home_treatment": YES_NO[v]})
        each("--extension-by", "extension_by", lambda v: str(FrameExtension(v)))
        each("--followup-months", "followup_months", lambda v: {"followup_interval_months": nonneg(v)})
        each("--stay-goals", "stay_goals", lambda v: {"stays_have_goals": YES_NO[v]})
        each("--post-stay-followup", "post_stay_followup", lambda v: str(PostStayFollowUp(v)))
        each("--max-nights-per-month", "max_nights_per_month",
             lambda v: None if v in ("none", "ingen", "") else nonneg(v))
        return {sector: r for sector, r in rules.items() if r}

    def handle(self, *args, **opts):
        for key in ("municipal_beds", "regional_beds", "faerdigbehandling_beds"):
            if opts[key] < 0:
                raise CommandError(f"--{key.replace('_', '-')} kan ikke være negativ")
        rules = self.rules_from_options(opts)
        try:
            valid_from = (datetime.date.fromisoformat(opts["policy_from"]) if opts["policy_from"]
                          else timezone.localdate())
        except ValueError as exc:
            raise CommandError("--policy-from: skriv datoen som ÅÅÅÅ-MM-DD") from exc
        frames = [rules.get(s, {}).get("stay_frame_nights") for s in SECTORS]
        whole_house_frame = frames[0] if frames[0] is not None and frames[0] == frames[1] else None
        try:
            house = house_setup(
                slug=opts["slug"],
                name=opts["name"],
                municipal_beds=opts["municipal_beds"],
                regional_beds=opts["regional_beds"],
                faerdigbehandling_beds=opts["faerdigbehandling_beds"],
                # The house-wide default frame follows a frame given for the whole house.
                stay_frame_nights=whole_house_frame,
                municipality=opts["municipality"],
            )
            for sector, sector_rules in rules.items():
                _version, written = house_policy_set(house=house, sector=sector, valid_from=valid_from,
                                                     note="setup_house", **sector_rules)
                if written:
                    self.stdout.write(f"Nye regler for {Sector(sector).label.lower()} fra {valid_from:%d.%m.%Y}")
        except (ValueError, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        beds = house.beds.filter(active=True).count()
        self.stdout.write(self.style.SUCCESS(f"Hus {house.slug}: {house.name}, {beds} aktive senge"))

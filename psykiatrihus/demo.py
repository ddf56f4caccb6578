"""Demo house and one user per role (password `demo`, demo only). Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from psykiatrihus.models import House, Role
from psykiatrihus.services import house_setup, membership_grant, user_create

DEMO_PASSWORD = "demo"

DEMO_USERS = [
    # username, first, last, role, sector
    ("kommune", "Karen", "Kommunesen", Role.MUNICIPAL_STAFF, "kommune"),
    ("region", "Rasmus", "Regionsen", Role.REGIONAL_STAFF, "region"),
    ("peer", "Pia", "Peersen", Role.PEER, ""),
    ("leder", "Lene", "Ledersen", Role.LEADER, ""),
    ("styregruppe", "Søren", "Styregaard", Role.STEERING, ""),
    ("admin", "Anders", "Admin", Role.ADMIN, ""),
]


def demo_logins() -> list[tuple[str, str]]:
    """One line per user with an active membership: who to log in as, in the seeded database (the kernel's own
    users and those the apps' seeds added for other houses, e.g. a steering member for two houses)."""
    from psykiatrihus.models import Membership

    lines: dict[str, tuple[str, list[str]]] = {}
    for m in (Membership.objects.filter(active=True, user__is_active=True, house__active=True)
              .select_related("user", "house").order_by("user__date_joined", "user__pk", "house__name", "role")):
        name, roles = lines.setdefault(m.user.username, (m.user.get_full_name(), []))
        roles.append(f"{Role(m.role).label}, {m.house.name}")
    return [(username, f"{name} – {'; '.join(roles)}") for username, (name, roles) in lines.items()]


def seed_kernel() -> House:
    house = house_setup(
        slug="aarhus", name="Psykiatriens Hus i Aarhus", municipal_beds=8, regional_beds=8,
        faerdigbehandling_beds=2, municipality="Aarhus",
    )
    if house.opened_on is None or house.region != "Region Midtjylland":
        import datetime

        House.objects.filter(pk=house.pk).update(opened_on=datetime.date(2019, 2, 25), region="Region Midtjylland")
        house.refresh_from_db()
    for username, first, last, role, sector in DEMO_USERS:
        user = user_create(username=username, password=DEMO_PASSWORD, first_name=first, last_name=last,
                           is_superuser=(role == Role.ADMIN))
        membership_grant(user=user, house=house, role=role, sector=sector)
    return house


# Apps add their demo data by registering `seed(house=, stdout=)` in AppConfig.ready (the kernel knows no
# app); `seed_demo` runs them in `order` after the kernel's house and users, each in its own transaction.
_demo_seeds: dict[str, tuple[int, Callable]] = {}


def demo_register(*, name: str, seed: Callable, order: int) -> None:
    _demo_seeds[name] = (order, seed)


def demo_seeds() -> list[tuple[str, Callable]]:
    return [(name, seed) for name, (_order, seed) in sorted(_demo_seeds.items(), key=lambda kv: (kv[1][0], kv[0]))]

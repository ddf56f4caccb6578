"""Writes of the shared kernel. Every state change of houses, memberships and the audit log goes here."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from psykiatrihus.models import AuditAction, AuditEvent, House, HousePolicy, Membership, Role, Sector
from psykiatrihus.scoping import group_name


def house_groups_ensure(*, house: House) -> dict[str, Group]:
    """Groups per house and sector (`aarhus:kommune`) and per house-wide role (`aarhus:leader`). They carry no
    house permissions: rights come from memberships (psykiatrihus.scoping); a sector's group is what a consent
    grants its object permission on a citizen to (contracts)."""
    groups: dict[str, Group] = {}
    for key in [Sector.KOMMUNE, Sector.REGION, *[r.value for r in Role]]:
        group, _ = Group.objects.get_or_create(name=group_name(house, str(key)))
        groups[str(key)] = group
    return groups


# The parts of a house that apps own (beds: its beds) are set up by hooks those apps register in their
# AppConfig.ready: the kernel knows no app.
HouseSetupHook = Callable[..., None]
_house_setup_hooks: list[HouseSetupHook] = []


def house_setup_hook_register(hook: HouseSetupHook) -> None:
    """`hook(house=, municipal_beds=, regional_beds=, faerdigbehandling_beds=)` runs inside `house_setup`."""
    if hook not in _house_setup_hooks:
        _house_setup_hooks.append(hook)


@transaction.atomic
def house_setup(
    *,
    slug: str,
    name: str,
    municipal_beds: int,
    regional_beds: int,
    faerdigbehandling_beds: int = 0,
    stay_frame_nights: int | None = None,
    municipality: str = "",
) -> House:
    """Create or update a house and its beds idempotently (K1..Kn, R1..Rn; the last N municipal
    beds may serve as færdigbehandlingspladser)."""
    if faerdigbehandling_beds > municipal_beds:
        raise ValueError("faerdigbehandling_beds cannot exceed municipal_beds")
    defaults = {"name": name}
    if municipality:
        defaults["municipality"] = municipality
    if stay_frame_nights is not None:
        defaults["default_stay_frame_nights"] = stay_frame_nights
    house, _ = House.objects.update_or_create(slug=slug, defaults=defaults)
    house_groups_ensure(house=house)
    if not _house_setup_hooks and (municipal_beds or regional_beds):
        raise ImproperlyConfigured("No app registered a house set-up hook for the beds (is 'beds' installed?).")
    for hook in _house_setup_hooks:
        hook(house=house, municipal_beds=municipal_beds, regional_beds=regional_beds,
             faerdigbehandling_beds=faerdigbehandling_beds)
    return house


@transaction.atomic
def membership_grant(*, user, house: House, role: str, sector: str = "") -> Membership:
    """Give a user a role in a house and put them in the house's groups."""
    role = Role(role)
    if role in (Role.MUNICIPAL_STAFF, Role.REGIONAL_STAFF):
        sector = {Role.MUNICIPAL_STAFF: Sector.KOMMUNE, Role.REGIONAL_STAFF: Sector.REGION}[role]
    membership, _ = Membership.objects.update_or_create(
        user=user, house=house, role=role, defaults={"sector": str(sector or ""), "active": True}
    )
    groups = house_groups_ensure(house=house)
    user.groups.add(groups[str(role)])
    if sector:
        user.groups.add(groups[str(sector)])
    return membership


def user_create(*, username: str, password: str, first_name: str = "", last_name: str = "",
                email: str = "", is_superuser: bool = False):
    """Create or update a user (idempotent on username)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name, "email": email}
    )
    changed = created
    if is_superuser and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        changed = True
    if created or not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.save()
    return user


def audit_log(
    *,
    user,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    house: House | None = None,
    citizen_id: int | None = None,
    detail: str = "",
    path: str = "",
) -> AuditEvent:
    """Record who did what to which object. Never pass CPR numbers in `detail` or `path`."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        house=house,
        action=AuditAction(action),
        object_type=object_type,
        object_id=str(object_id),
        citizen_id=citizen_id,
        detail=detail[:500],
        path=path[:300],
    )


def audit_log_many(*, user, action: str, objects, house: House | None = None, detail: str = "",
                   citizen_attr: str | None = None, once_per: datetime.timedelta | None = None) -> None:
    """One audit row per object in a single INSERT (list pages read many records at once).

    `once_per`: for screens that refresh themselves (the bed board polls every 20 s), the same user reading
    the same record with the same detail again within the window is the same read and writes no new row.
    Without it a national installation would write ~20M rows a day of identical board refreshes; with it
    the log still holds every record each user had on screen, at most `once_per` apart. `citizen_attr` may be
    dotted (`"contract.citizen_id"`)."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    objects = list(objects)
    if once_per is not None and authenticated and objects:
        seen = set(AuditEvent.objects.filter(
            user_id=user.pk, at__gte=timezone.now() - once_per, action=action, detail=detail[:500],
            object_type__in={o._meta.label_lower for o in objects},
            object_id__in=[str(o.pk) for o in objects],
        ).values_list("object_type", "object_id"))
        objects = [o for o in objects if (o._meta.label_lower, str(o.pk)) not in seen]
    citizen_of = operator.attrgetter(citizen_attr) if citizen_attr else None  # dotted: "contract.citizen_id"
    rows = [
        AuditEvent(
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "",
            house=house,
            action=AuditAction(action),
            object_type=o._meta.label_lower,
            object_id=str(o.pk),
            citizen_id=citizen_of(o) if citizen_of else None,
            detail=detail[:500],
        )
        for o in objects
    ]
    if rows:
        AuditEvent.objects.bulk_create(rows)


@transaction.atomic
def house_policy_set(*, house: House, sector: str, valid_from: datetime.date, user=None, note: str = "",
                     **rules) -> tuple[HousePolicy | None, bool]:
    """Record the rules of a sector from `valid_from`, starting from those in force that day and changing
    only the given `rules` (names of `psykiatrihus.policy.RULE_FIELDS`).

    Idempotent: writes a version only when something changes, or when the house has recorded no rules
    yet (the built-in default follows `House.default_stay_frame_nights`, so a change is pinned down).
    Returns (the version in force from `valid_from`, whether anything was written)."""
    from psykiatrihus.policy import RULE_FIELDS, policy_for

    unknown = set(rules) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy rules: {sorted(unknown)}")
    sector = Sector(sector)
    # Lock the house row so two concurrent changes of the same house's rules are serialised.
    House.objects.select_for_update().filter(pk=house.pk).first()
    current = policy_for(house=house, sector=sector, on_date=valid_from)
    wanted = {**current.rules(), **{k: v for k, v in rules.items()}}
    if not (wanted["admits_bsk"] or wanted["admits_visitation"] or wanted["admits_home_treatment"]):
        raise ValidationError(_("Vælg mindst én adgangsvej."), code="no_route")
    if wanted["followup_interval_months"] < 1:
        raise ValidationError(_("Opfølgningsintervallet skal være mindst 1 måned."), code="followup")
    if not current.is_default and wanted == current.rules():
        return HousePolicy.objects.get(pk=current.version_id), False
    version, created = HousePolicy.objects.update_or_create(
        house=house, sector=sector, valid_from=valid_from,
        defaults={**wanted, "note": note[:500],
                  "created_by": user if user is not None and user.is_authenticated else None},
    )
    if user is not None:
        audit_log(user=user, action="create" if created else "update", obj=version, house=house,
                  detail=f"regler for {sector} fra {valid_from.isoformat()}")
    return version, True

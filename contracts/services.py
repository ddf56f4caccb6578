"""Writes for citizens, contracts, follow-ups and consents. Every state change goes through here.

Errors are Django `ValidationError`s with Danish messages and a `code`; the API maps the codes in
`CONFLICT_CODES` to 409 and the rest to 400, forms show them beside the field.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from contracts.cpr import cpr_birth_date, cpr_clean, cpr_gender
from contracts.models import (
    ELIGIBILITY_ITEMS,
    REFERRAL_SOURCES_BY_SECTOR,
    Citizen,
    Consent,
    ConsentScope,
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractStatus,
    EndReason,
    FollowUp,
    HomeTreatmentCourse,
)
from psykiatrihus import crypto
from psykiatrihus.dates import add_months  # noqa: F401 (re-exported for callers)
from psykiatrihus.models import House, Sector
from psykiatrihus.scoping import access_for, group_name
from psykiatrihus.services import audit_log

FOLLOWUP_INTERVAL_MONTHS = {Sector.KOMMUNE: 12, Sector.REGION: 6}
CONSENT_PERM = "contracts.view_citizen_across_wall"
# Error codes that mean "the record's state forbids this now" (HTTP 409), not "bad input" (400).
CONFLICT_CODES = {"duplicate", "duplicate_cpr", "already_ended", "not_active", "not_paused", "contract_ended",
                  "already_withdrawn"}
HEALTH_FIELDS = ("diagnosis_group", "psychiatric_comorbidity", "treatment_responsibility")
MUNICIPAL_FIELDS = ("municipal_services", "resident_in_municipality")
# Fields `contract_update` may change (sector-specific ones only on their own sector).
UPDATABLE_FIELDS = ("referral_source", "stay_frame_nights", "review_on", "next_followup_due", "eligibility",
                    "crisis_what_helps", "crisis_warning_signs", "crisis_who_to_call", *HEALTH_FIELDS,
                    *MUNICIPAL_FIELDS)
ADULT_AGE = 18



def _require(user, house: House, allowed, message: str) -> None:
    """The acting user's right, asked of `Access` (psykiatrihus.scoping) like beds' services do: services called
    by a person check it themselves, whatever view or endpoint called them (no user: the system, e.g. imports)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    if not allowed(access_for(user, house)):
        raise PermissionDenied(message)


def _owns_citizen(access, citizen: Citizen) -> bool:
    """One of the user's sectors owns the citizen's record (registered by it, or a contract there)."""
    sectors = {citizen.registered_by_sector, *Contract.objects.filter(citizen=citizen).values_list("sector", flat=True)}
    return any(access.may_see_sector(sector) for sector in sectors)


EDIT_CONTRACT = gettext_lazy("Kun kontraktens egen sektor kan ændre den.")

def followup_next_due(*, sector: str, since: datetime.date, house: House | None = None) -> datetime.date:
    """The next follow-up: the house's rule for the sector on that date (psykiatrihus.policy), by default
    municipal contracts yearly and regional every 6 months."""
    if house is not None:
        from psykiatrihus.policy import policy_for

        months = policy_for(house=house, sector=sector, on_date=since).followup_interval_months
    else:
        months = FOLLOWUP_INTERVAL_MONTHS[Sector(sector)]
    return add_months(since, months)


def _today() -> datetime.date:
    return timezone.localdate()


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligibility_clean(value) -> dict[str, bool]:
    """Keep only the known checklist items, as booleans (missing items count as not checked)."""
    value = value or {}
    if not isinstance(value, dict):
        raise ValidationError({"eligibility": _("Egnethed skal angives som afkrydsninger.")}, code="invalid")
    unknown = set(value) - {k for k, _label in ELIGIBILITY_ITEMS}
    if unknown:
        raise ValidationError({"eligibility": _("Ukendt punkt i egnethedslisten.")}, code="invalid")
    return {k: bool(value.get(k, False)) for k, _label in ELIGIBILITY_ITEMS}


def _sector_fields_check(*, sector: str, fields: dict, house: House) -> None:
    """Regional health data only on regional contracts, municipal facts only on municipal ones."""
    errors: dict[str, str] = {}
    wrong = MUNICIPAL_FIELDS if sector == Sector.REGION else HEALTH_FIELDS
    for name in wrong:
        if fields.get(name) not in (None, ""):
            errors[name] = (_("Kun på regionale kontrakter.") if name in HEALTH_FIELDS
                            else _("Kun på kommunale kontrakter."))
    source = fields.get("referral_source")
    if source and source not in REFERRAL_SOURCES_BY_SECTOR[Sector(sector)]:
        errors["referral_source"] = _("Henvisningsvejen hører ikke til sektoren.")
    frame = fields.get("stay_frame_nights")
    if frame is not None and frame > house.default_stay_frame_nights:
        errors["stay_frame_nights"] = _("Den individuelle ramme kan kun være strammere end husets "
                                        "(%(n)s nætter).") % {"n": house.default_stay_frame_nights}
    if errors:
        raise ValidationError(errors, code="invalid")


def _event(*, contract: Contract, kind: str, on: datetime.date, user=None, note: str = "") -> ContractEvent:
    by = user if user is not None and getattr(user, "is_authenticated", False) else None
    return ContractEvent.objects.create(contract=contract, kind=kind, on=on, note=note[:500], by=by)


def _locked(contract: Contract) -> Contract:
    """Re-read the contract under a row lock so concurrent state changes serialise."""
    return Contract.objects.select_for_update().get(pk=contract.pk)


def citizens_reencrypt(*, old_key: str, new_key: str | None = None) -> dict[str, int]:
    """Key rotation: every CPR number decrypted with `old_key`, encrypted and hashed again with `new_key`
    (PERSONAL_DATA_KEY unless given), all in one transaction: either every citizen moves to the new key or
    none does. Rows already under the new key (a second run) are left alone; a row that opens with neither
    key stops the rotation before anything is written, so a wrong old key changes nothing."""
    new_key = new_key or settings.PERSONAL_DATA_KEY
    if old_key == new_key:
        raise ValueError("Den gamle og den nye nøgle er ens.")
    counts = {"reencrypted": 0, "already_new": 0}
    with transaction.atomic():
        rows = list(Citizen.objects.select_for_update().order_by("pk").values_list("pk", "cpr_encrypted"))
        changes = []
        for pk, token in rows:
            try:
                digits = crypto.decrypt(token, key=old_key)
            except crypto.InvalidToken:
                try:
                    crypto.decrypt(token, key=new_key)
                except crypto.InvalidToken:
                    raise ValueError(f"Borger id={pk} kan hverken åbnes med den gamle eller den nye nøgle; "
                                     "intet er ændret.") from None
                counts["already_new"] += 1
                continue
            changes.append(Citizen(pk=pk, cpr_encrypted=crypto.encrypt(digits, key=new_key),
                                   cpr_hash=crypto.lookup_hash(digits, key=new_key)))
        Citizen.objects.bulk_update(changes, ["cpr_encrypted", "cpr_hash"], batch_size=1000)
        counts["reencrypted"] = len(changes)
    return counts


def citizen_create(*, house: House, sector: str, name: str, cpr: str, phone: str = "", next_of_kin: str = "",
                   user=None, imported: bool = False) -> Citizen:
    """Create a citizen; a CPR number already known raises ValidationError on `cpr`."""
    digits = _cpr_field(cpr)
    if not name.strip():
        raise ValidationError({"name": _("Skriv borgerens navn.")})
    try:
        with transaction.atomic():
            citizen = Citizen.objects.create(
                house=house,
                registered_by_sector=Sector(sector),
                name=name.strip(),
                cpr_encrypted=crypto.encrypt(digits),
                cpr_hash=crypto.lookup_hash(digits),
                birth_date=cpr_birth_date(digits),
                gender=cpr_gender(digits),
                phone=phone,
                next_of_kin=next_of_kin,
                imported=imported,
            )
    except IntegrityError as exc:
        raise ValidationError({"cpr": ValidationError(_("Der findes allerede en borger med dette CPR-nummer."),
                                                      code="duplicate_cpr")}) from exc
    if user is not None:
        audit_log(user=user, action="create", obj=citizen, house=house, citizen_id=citizen.pk)
    return citizen


def _cpr_field(cpr: str) -> str:
    try:
        return cpr_clean(cpr)
    except ValidationError as exc:
        raise ValidationError({"cpr": exc}) from None


def error_codes(exc: ValidationError) -> set[str]:
    """All `code`s in a (possibly field-keyed) ValidationError; the API maps some of them to 409."""
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors if e.code}
    return {e.code for e in exc.error_list if e.code}


@transaction.atomic
def citizen_contract_create(*, house: House, sector: str, name: str, cpr: str, granted_on: datetime.date,
                            phone: str = "", next_of_kin: str = "", user=None, **contract_fields) -> Contract:
    """The "new contract" flow: register the citizen (or reuse the house's record with the same CPR,
    e.g. one registered by the other sector) and grant the contract, all or nothing."""
    from contracts.selectors import citizen_by_cpr

    digits = _cpr_field(cpr)
    citizen = citizen_by_cpr(digits=digits, house=house)
    if citizen is None:
        citizen = citizen_create(house=house, sector=sector, name=name, cpr=digits, phone=phone,
                                 next_of_kin=next_of_kin, user=user)
    return contract_create(house=house, citizen=citizen, sector=sector, granted_on=granted_on, user=user,
                           **contract_fields)


def contract_create(*, house: House, citizen: Citizen, sector: str, granted_on: datetime.date, user=None,
                    referral_source: str = "", stay_frame_nights: int | None = None, imported: bool = False,
                    **fields) -> Contract:
    """Grant a BSK. A second open contract in the same sector raises ValidationError (code `duplicate`).

    Municipal contracts need an adult citizen (18+ on the grant date) who is not recorded as living
    outside the municipality; sector-specific fields are refused on the other sector."""
    _require(user, house, lambda a: a.may_see_sector(sector), _("Du kan kun give kontrakter i din egen sektor."))
    sector = Sector(sector)
    if citizen.house_id != house.pk:
        raise ValidationError(_("Borgeren hører ikke til dette hus."), code="invalid")
    _sector_fields_check(sector=sector, house=house,
                         fields={**fields, "referral_source": referral_source, "stay_frame_nights": stay_frame_nights})
    if sector == Sector.KOMMUNE:
        if _age_on(citizen.birth_date, granted_on) < ADULT_AGE:
            raise ValidationError({"granted_on": _("En kommunal kontrakt kræver, at borgeren er fyldt 18 år.")},
                                  code="too_young")
        if fields.get("resident_in_municipality") is False:
            raise ValidationError({"resident_in_municipality": _("En kommunal kontrakt kræver bopæl i kommunen.")},
                                  code="not_resident")
    if "eligibility" in fields:
        fields["eligibility"] = eligibility_clean(fields["eligibility"])
    next_due = fields.pop("next_followup_due", None) or followup_next_due(sector=sector, since=granted_on,
                                                                            house=house)
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                house=house, citizen=citizen, sector=sector, granted_on=granted_on,
                referral_source=referral_source, stay_frame_nights=stay_frame_nights, imported=imported,
                next_followup_due=next_due,
                created_by=user if user is not None and user.is_authenticated else None,
                status=ContractStatus.ACTIVE, **fields,
            )
            _event(contract=contract, kind=ContractEventKind.GRANTED, on=granted_on, user=user)
    except IntegrityError as exc:
        if "contract_one_open_per_sector" in str(exc):
            raise ValidationError(_("Borgeren har allerede en aktiv kontrakt i denne sektor."),
                                  code="duplicate") from exc
        raise
    if user is not None:
        audit_log(user=user, action="create", obj=contract, house=house, citizen_id=citizen.pk)
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, user=None, **fields) -> Contract:
    """Change the contract's content (not its status: pause/resume/end have their own services)."""
    _require(user, contract.house, lambda a: a.may_edit_contract(contract), EDIT_CONTRACT)
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Feltet kan ikke ændres: %(f)s") % {"f": ", ".join(sorted(unknown))}, code="invalid")
    contract = _locked(contract)
    if contract.status == ContractStatus.ENDED:
        raise ValidationError(_("Kontrakten er afsluttet og kan ikke ændres."), code="contract_ended")
    _sector_fields_check(sector=contract.sector, house=contract.house, fields=fields)
    if "eligibility" in fields:
        fields["eligibility"] = eligibility_clean(fields["eligibility"])
    changed = [name for name, value in fields.items() if getattr(contract, name) != value]
    for name in changed:
        setattr(contract, name, fields[name])
    if changed:
        contract.save(update_fields=changed)
        labels = ", ".join(str(Contract._meta.get_field(n).verbose_name) for n in changed)
        _event(contract=contract, kind=ContractEventKind.UPDATED, on=_today(), user=user, note=labels)
        if user is not None:
            # Field names only: values may be health data.
            audit_log(user=user, action="update", obj=contract, house=contract.house,
                      citizen_id=contract.citizen_id, detail=",".join(changed))
    return contract


@transaction.atomic
def contract_pause(*, contract: Contract, user=None, on: datetime.date | None = None, note: str = "") -> Contract:
    """A paused contract gives no right to a bed until resumed (e.g. during an admission)."""
    _require(user, contract.house, lambda a: a.may_edit_contract(contract), EDIT_CONTRACT)
    contract = _locked(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise ValidationError(_("Kun en aktiv kontrakt kan sættes på pause."), code="not_active")
    contract.status = ContractStatus.PAUSED
    contract.save(update_fields=["status"])
    _event(contract=contract, kind=ContractEventKind.PAUSED, on=on or _today(), user=user, note=note)
    if user is not None:
        audit_log(user=user, action="update", obj=contract, house=contract.house, citizen_id=contract.citizen_id,
                  detail="pause")
    return contract


@transaction.atomic
def contract_resume(*, contract: Contract, user=None, on: datetime.date | None = None, note: str = "") -> Contract:
    _require(user, contract.house, lambda a: a.may_edit_contract(contract), EDIT_CONTRACT)
    contract = _locked(contract)
    if contract.status != ContractStatus.PAUSED:
        raise ValidationError(_("Kun en kontrakt på pause kan genoptages."), code="not_paused")
    contract.status = ContractStatus.ACTIVE
    contract.save(update_fields=["status"])
    _event(contract=contract, kind=ContractEventKind.RESUMED, on=on or _today(), user=user, note=note)
    if user is not None:
        audit_log(user=user, action="update", obj=contract, house=contract.house, citizen_id=contract.citizen_id,
                  detail="resume")
    return contract


@transaction.atomic
def contract_end(*, contract: Contract, ended_on: datetime.date, reason: str, reason_text: str = "",
                 user=None) -> Contract:
    """End a contract with one of the domain's reasons ("Andet" needs a text). Ending twice is a conflict."""
    _require(user, contract.house, lambda a: a.may_edit_contract(contract), EDIT_CONTRACT)
    contract = _locked(contract)
    if contract.status == ContractStatus.ENDED:
        raise ValidationError(_("Kontrakten er allerede afsluttet."), code="already_ended")
    errors: dict[str, str] = {}
    if reason not in EndReason.values:
        errors["reason"] = _("Vælg en afslutningsårsag.")
    elif reason == EndReason.OTHER and not reason_text.strip():
        errors["reason_text"] = _("Beskriv årsagen, når du vælger ”Andet”.")
    if ended_on is None:
        errors["ended_on"] = _("Angiv slutdatoen.")
    elif ended_on < contract.granted_on:
        errors["ended_on"] = _("Slutdatoen kan ikke ligge før bevillingsdatoen (%(d)s).") % {
            "d": contract.granted_on.strftime("%d-%m-%Y")}
    if errors:
        raise ValidationError(errors, code="invalid")
    contract.status = ContractStatus.ENDED
    contract.ended_on = ended_on
    contract.end_reason = reason
    contract.end_reason_text = reason_text.strip()[:500]
    contract.save(update_fields=["status", "ended_on", "end_reason", "end_reason_text"])
    _event(contract=contract, kind=ContractEventKind.ENDED, on=ended_on, user=user,
           note=str(EndReason(reason).label))
    if user is not None:
        audit_log(user=user, action="update", obj=contract, house=contract.house, citizen_id=contract.citizen_id,
                  detail="end")
    return contract


@transaction.atomic
def followup_record(*, contract: Contract, held_on: datetime.date, participants: str = "", outcome: str = "",
                    eligibility: dict | None = None, user=None) -> FollowUp:
    """Record a follow-up meeting; the next one is due a sector interval after it (kommune 12, region 6 months)."""
    _require(user, contract.house, lambda a: a.may_edit_contract(contract), EDIT_CONTRACT)
    contract = _locked(contract)
    if contract.status == ContractStatus.ENDED:
        raise ValidationError(_("Kontrakten er afsluttet; der kan ikke registreres opfølgning."),
                              code="contract_ended")
    if held_on is None:
        raise ValidationError({"held_on": _("Angiv mødedatoen.")}, code="invalid")
    if held_on < contract.granted_on:
        raise ValidationError({"held_on": _("Mødet kan ikke ligge før bevillingsdatoen.")}, code="invalid")
    if held_on > _today():
        raise ValidationError({"held_on": _("Mødet kan ikke ligge i fremtiden.")}, code="invalid")
    next_due = followup_next_due(sector=contract.sector, since=held_on, house=contract.house)
    followup = FollowUp.objects.create(
        contract=contract, held_on=held_on, participants=participants.strip()[:500], outcome=outcome.strip(),
        eligibility=eligibility_clean(eligibility), next_due=next_due,
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    latest = contract.followups.order_by("-held_on", "-id").values_list("next_due", flat=True).first()
    contract.next_followup_due = latest
    contract.save(update_fields=["next_followup_due"])
    _event(contract=contract, kind=ContractEventKind.FOLLOWUP, on=held_on, user=user)
    if user is not None:
        audit_log(user=user, action="create", obj=followup, house=contract.house, citizen_id=contract.citizen_id)
    return followup


def _consent_group(*, house: House, sector: str) -> Group:
    group, _created = Group.objects.get_or_create(name=group_name(house, Sector(sector)))
    return group


@transaction.atomic
def consent_give(*, citizen: Citizen, to_sector: str, scope: str = ConsentScope.CONTRACT,
                 given_on: datetime.date | None = None, note: str = "", user=None) -> Consent:
    """Record the citizen's consent that staff of `to_sector` may see their records across the wall.

    Grants `view_citizen_across_wall` on the citizen to the group `<house>:<to_sector>` (what
    `Access.citizen_filter` honours). Health data crosses only with scope `contract_and_health`.
    An open consent to the same sector is replaced (a scope change is withdraw + give)."""
    _require(user, citizen.house, lambda a: _owns_citizen(a, citizen),
             _("Kun borgerens egen sektor kan registrere samtykke."))
    errors: dict[str, str] = {}
    if to_sector not in Sector.values:
        errors["to_sector"] = _("Vælg den sektor, der må se oplysningerne.")
    if scope not in ConsentScope.values:
        errors["scope"] = _("Vælg samtykkets omfang.")
    given_on = given_on or _today()
    if given_on > _today():
        errors["given_on"] = _("Samtykket kan ikke være givet i fremtiden.")
    if errors:
        raise ValidationError(errors, code="invalid")
    Citizen.objects.select_for_update().filter(pk=citizen.pk).first()
    for open_consent in Consent.objects.filter(citizen=citizen, house=citizen.house, to_sector=to_sector,
                                               withdrawn_on__isnull=True):
        open_consent.withdrawn_on = max(given_on, open_consent.given_on)
        open_consent.save(update_fields=["withdrawn_on"])
    consent = Consent.objects.create(
        citizen=citizen, house=citizen.house, to_sector=to_sector, scope=scope, given_on=given_on,
        note=note.strip()[:500],
        recorded_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    assign_perm(CONSENT_PERM, _consent_group(house=citizen.house, sector=to_sector), citizen)
    if user is not None:
        audit_log(user=user, action="create", obj=consent, house=citizen.house, citizen_id=citizen.pk,
                  detail=f"to={to_sector} scope={scope}")
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: datetime.date | None = None, user=None) -> Consent:
    """Withdraw a consent; the other sector loses sight of the citizen at once."""
    _require(user, consent.house, lambda a: _owns_citizen(a, consent.citizen),
             _("Kun borgerens egen sektor kan tilbagekalde samtykke."))
    consent = Consent.objects.select_for_update().select_related("citizen", "house").get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Samtykket er allerede tilbagekaldt."), code="already_withdrawn")
    withdrawn_on = withdrawn_on or _today()
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("Tilbagekaldelsen kan ikke ligge før samtykket.")}, code="invalid")
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    remove_perm(CONSENT_PERM, _consent_group(house=consent.house, sector=consent.to_sector), consent.citizen)
    if user is not None:
        audit_log(user=user, action="update", obj=consent, house=consent.house, citizen_id=consent.citizen_id,
                  detail="withdraw")
    return consent


def home_treatment_start(*, house: House, citizen: Citizen, started_on: datetime.date,
                         ended_on: datetime.date | None = None, user=None) -> HomeTreatmentCourse:
    course = HomeTreatmentCourse.objects.create(house=house, citizen=citizen, started_on=started_on,
                                                ended_on=ended_on)
    if user is not None:
        audit_log(user=user, action="create", obj=course, house=house, citizen_id=citizen.pk)
    return course


def visitation_decide(*, house: House, citizen: Citizen, sector: str, decided_on: datetime.date, decided_by: str,
                      granted_from: datetime.date, granted_until: datetime.date, purpose: str, goals: str = "",
                      stay_frame_nights: int | None = None, frame_reason: str = "", user=None):
    """Record a visitation decision. Refused where the house's rules do not admit by visitation."""
    _require(user, house, lambda a: a.may_see_sector(sector), _("Du kan kun visitere i din egen sektor."))
    from contracts.models import VisitationDecision
    from psykiatrihus.policy import policy_for

    errors: dict[str, str] = {}
    policy = policy_for(house=house, sector=sector, on_date=granted_from)
    if not policy.admits_visitation:
        errors["sector"] = _("Huset optager ikke ved visitation i denne sektor.")
    if getattr(citizen, "house_id", house.pk) != house.pk:
        errors["citizen"] = _("Borgeren findes ikke i huset.")
    if not decided_by.strip():
        errors["decided_by"] = _("Skriv hvem der har truffet afgørelsen.")
    if not purpose.strip():
        errors["purpose"] = _("Skriv formålet med opholdet.")
    if granted_until < granted_from:
        errors["granted_until"] = _("Perioden skal slutte efter den starter.")
    if policy.stays_have_goals and not goals.strip():
        errors["goals"] = _("Huset arbejder med individuelle mål. Skriv mindst ét mål.")
    if stay_frame_nights is not None and stay_frame_nights > policy.stay_frame_nights and not frame_reason.strip():
        errors["frame_reason"] = _("En ramme ud over husets %(n)s nætter kræver en begrundelse.") % {
            "n": policy.stay_frame_nights}
    if errors:
        raise ValidationError(errors)
    decision = VisitationDecision.objects.create(
        house=house, citizen=citizen, sector=Sector(sector), decided_on=decided_on, decided_by=decided_by.strip(),
        granted_from=granted_from, granted_until=granted_until, purpose=purpose.strip(), goals=goals.strip(),
        stay_frame_nights=stay_frame_nights, frame_reason=frame_reason.strip() if stay_frame_nights else "",
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if user is not None:
        audit_log(user=user, action="create", obj=decision, house=house, citizen_id=citizen.pk)
    return decision


def admissions_import(*, house: House, rows, user=None):
    """Import the region's export of psychiatric admissions, all or nothing (`contracts.admission_import`).

    Rows are dicts with `cpr, admitted, discharged` and optional `ward, line`. Raises AdmissionsImportError
    listing every bad line (line and column, never a value); nothing is written then. Re-importing replaces
    the known admissions' discharge and ward and changes nothing else."""
    from contracts import admission_import

    return admission_import.run(house=house, rows=rows, user=user)

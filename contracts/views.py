"""Danish pages for citizens, contracts, follow-ups and consents. Thin: selectors read, services write.

Roles without citizen-level data (peer, steering group, administrator) get 403 on every page here; a
record outside the user's scope is 404. Every page that shows citizen data writes an audit row.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import questionnaire_selectors as qselectors
from contracts import selectors, services
from contracts.forms import (
    CitizenContractForm,
    ConsentForm,
    ContractContentForm,
    ContractEndForm,
    FollowUpForm,
    VisitationForm,
    add_service_error,
)
from contracts.models import ELIGIBILITY_ITEMS, Contract, ContractStatus
from psykiatrihus.models import Sector
from psykiatrihus.sections import sections_render
from psykiatrihus.services import audit_log, audit_log_many

PAGE_SIZE = 50


def _access(request):
    access = request.access
    if not access.sees_citizens:
        raise PermissionDenied
    return access


def _contract(request, pk: int, *, edit: bool = False) -> tuple[Contract, object]:
    access = _access(request)
    contract = selectors.contract_get(access=access, pk=pk)
    if contract is None:
        raise Http404
    if edit and not selectors.contract_may_edit(access=access, contract=contract):
        raise PermissionDenied
    return contract, access


def _audit_form_read(request, *, detail: str, contract=None, citizen=None) -> None:
    """A form page shows the record it changes (name, the contract's content): a read, audited like the detail
    page. Only when the page is drawn; a saved form is logged by its service."""
    obj = contract or citizen
    audit_log(user=request.user, action="read", obj=obj, house=request.access.house,
              citizen_id=contract.citizen_id if contract else citizen.pk, detail=detail)


def citizen_list(request):
    """Search by name or exact CPR; the result list holds only citizens the user may see."""
    access = _access(request)
    if request.method == "POST":
        query = request.POST.get("q", "").strip()
    else:
        query = request.GET.get("q", "").strip()
        if selectors.cpr_lookup_digits(query):
            # A CPR number never travels in a URL (proxies and browser history keep them): the form posts it.
            messages.error(request, _("Søg på CPR-nummer via søgefeltet. CPR-numre må ikke stå i en adresse."))
            query = ""
    page = Paginator(selectors.citizen_search(access=access, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"citizen": c, "cpr": selectors.citizen_cpr_display(citizen=c)} for c in page]
    if query:
        kind = "cpr" if selectors.cpr_lookup_digits(query) else "navn"
        audit_log(user=request.user, action="search", object_type="contracts.citizen", house=access.house,
                  detail=f"søgning på {kind}")
    audit_log_many(user=request.user, action="read", objects=page, house=access.house, citizen_attr="pk",
                   detail="borgerliste")
    return render(request, "contracts/citizen_list.html", {"page": page, "rows": rows, "query": query})


@require_POST
def citizen_lookup(request):
    """Type-ahead on the booking and request panels: the text is posted (a CPR never travels in a URL), the
    matches are citizens the user may see, told apart by birth date and contract sector and status. Each
    search is audited by what it searched by (never the text), and the citizens shown as read."""
    access = _access(request)
    field = request.POST.get("field", "q")
    query = str(request.POST.get(field if field in ("q", "cpr") else "q", "")).strip()[:100]
    found = selectors.citizen_lookup(access=access, query=query)
    shown = found[:selectors.LOOKUP_LIMIT]
    if query:
        audit_log(user=request.user, action="search", object_type="contracts.citizen", house=access.house,
                  detail="typeahead: søgning på " + selectors.citizen_lookup_kind(query))
    if shown:
        audit_log_many(user=request.user, action="read", objects=shown, house=access.house, citizen_attr="pk",
                       detail="typeahead: borgervalg")
    return render(request, "contracts/_citizen_lookup.html", {
        "citizens": shown, "more": len(found) > len(shown), "query": query, "limit": selectors.LOOKUP_LIMIT,
    })


def citizen_create(request):
    """Register a citizen and grant a contract in one step (a known CPR reuses the house's record)."""
    access = _access(request)
    sectors = access.citizen_sectors
    health = access.sees_health(Sector.REGION)
    form = CitizenContractForm(request.POST or None, sectors=sectors, health=health)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contract = services.citizen_contract_create(
                house=access.house, sector=d["sector"], name=d["name"], cpr=d["cpr"], phone=d["phone"],
                next_of_kin=d["next_of_kin"], granted_on=d["granted_on"], user=request.user,
                **form.content_for(d["sector"]),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Kontrakten er oprettet."))
            return redirect("contracts:contract_detail", pk=contract.pk)
    return render(request, "contracts/citizen_form.html", {"form": form, "Sector": Sector})


def citizen_detail(request, pk: int):
    access = _access(request)
    citizen = selectors.citizen_get(access=access, pk=pk)
    if citizen is None:
        raise Http404
    audit_log(user=request.user, action="read", obj=citizen, house=access.house, citizen_id=citizen.pk)
    consents = list(selectors.consents_for(citizen=citizen))
    visitation_sectors = _visitation_sectors(access)
    decisions = list(selectors.visitations_visible(access=access).filter(citizen=citizen)
                     .order_by("-granted_from", "-id"))
    admissions = selectors.admissions_for(access=access, citizen=citizen)
    trends = qselectors.citizen_trends(access=access, citizen=citizen)
    own_sectors = selectors.consent_own_sectors(access=access, citizen=citizen)
    if trends:
        audit_log(user=request.user, action="read", object_type="contracts.questionnaireresponse",
                  house=access.house, citizen_id=citizen.pk,
                  detail=f"{sum(len(t.points) for t in trends)} besvarelser på borgersiden")
    if admissions:
        audit_log(user=request.user, action="read", object_type="contracts.admission", house=access.house,
                  citizen_id=citizen.pk, detail=f"{len(admissions)} indlæggelser på borgersiden")
    followups = list(selectors.followups_visible(access=access).filter(contract__citizen=citizen)
                     .order_by("-held_on", "-id"))
    if followups:
        audit_log_many(user=request.user, action="read", objects=followups, house=access.house,
                       citizen_attr="contract.citizen_id", detail="borgerens forløb")
    today = timezone.localdate()
    return render(request, "contracts/citizen_detail.html", {
        "followups": followups, "overdue": [k for k in citizen.visible_contracts if selectors.followup_overdue(
            contract=k, today=today)],
        # What the other apps record about the citizen (stays, requests, activities): they contribute their
        # sections, so contracts knows no stays.
        "sections": sections_render(page="citizen", request=request, citizen=citizen),
        "citizen": citizen, "cpr": selectors.citizen_cpr_display(citizen=citizen),
        "contracts": citizen.visible_contracts, "consents": consents,
        "may_consent": bool(own_sectors),
        "decisions": decisions, "may_decide": bool(visitation_sectors),
        "show_decisions": bool(decisions or visitation_sectors), "today": today,
        "admissions": admissions, "trends": trends,
        "instruments": qselectors.house_instruments(house=access.house) if own_sectors else [],
    })


def _visitation_sectors(access) -> set[str]:
    """The user's sectors whose rules (valid today) admit by visitation."""
    from psykiatrihus.policy import policy_for

    today = timezone.localdate()
    return {s for s in access.citizen_sectors
            if policy_for(house=access.house, sector=s, on_date=today).admits_visitation}


def visitation_create(request, pk: int):
    """Record a visitation decision for a citizen (houses whose rules admit by visitation)."""
    access = _access(request)
    citizen = selectors.citizen_get(access=access, pk=pk)
    if citizen is None:
        raise Http404
    sectors = _visitation_sectors(access)
    if not sectors:
        raise PermissionDenied
    form = VisitationForm(request.POST or None, sectors=sectors)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.visitation_decide(house=access.house, citizen=citizen, user=request.user, **d)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Visitationsafgørelsen er registreret."))
            return redirect("contracts:citizen_detail", pk=pk)
    _audit_form_read(request, citizen=citizen, detail="visitationsformular")
    return render(request, "contracts/visitation_form.html", {"form": form, "citizen": citizen})


def contract_detail(request, pk: int):
    contract, access = _contract(request, pk)
    audit_log(user=request.user, action="read", obj=contract, house=access.house, citizen_id=contract.citizen_id)
    health_ids = selectors.health_citizen_ids(access=access)
    eligibility = [(label, contract.eligibility.get(key)) for key, label in ELIGIBILITY_ITEMS]
    return render(request, "contracts/contract_detail.html", {
        "contract": contract, "citizen": contract.citizen,
        "show_health": selectors.health_visible(access=access, contract=contract, health_ids=health_ids),
        "may_edit": selectors.contract_may_edit(access=access, contract=contract),
        "timeline": selectors.contract_timeline(contract=contract),
        "followups": contract.followups.all(),
        "overdue": selectors.followup_overdue(contract=contract, today=timezone.localdate()),
        "sections": sections_render(page="contract", request=request, contract=contract),
        "eligibility": eligibility if contract.eligibility else [],
        "Status": ContractStatus,
    })


def contract_edit(request, pk: int):
    contract, access = _contract(request, pk, edit=True)
    if contract.status == ContractStatus.ENDED:
        messages.error(request, _("Kontrakten er afsluttet og kan ikke ændres."))
        return redirect("contracts:contract_detail", pk=pk)
    health = access.sees_health(contract.sector)
    initial = {name: getattr(contract, name) for name in services.UPDATABLE_FIELDS if name != "eligibility"}
    initial["psychiatric_comorbidity"] = {True: "yes", False: "no"}.get(contract.psychiatric_comorbidity, "")
    initial.update({f"elig_{k}": v for k, v in (contract.eligibility or {}).items()})
    form = ContractContentForm(request.POST or None, initial=initial, sectors={contract.sector}, health=health)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(contract=contract, user=request.user, **form.content_for(contract.sector))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Kontrakten er opdateret."))
            return redirect("contracts:contract_detail", pk=pk)
    _audit_form_read(request, contract=contract, detail="kontrakt redigeres")
    return render(request, "contracts/contract_edit.html", {"form": form, "contract": contract})


def contract_end(request, pk: int):
    contract, access = _contract(request, pk, edit=True)
    form = ContractEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_end(contract=contract, ended_on=form.cleaned_data["ended_on"],
                                  reason=form.cleaned_data["end_reason"],
                                  reason_text=form.cleaned_data["reason_text"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Kontrakten er afsluttet."))
            return redirect("contracts:contract_detail", pk=pk)
    _audit_form_read(request, contract=contract, detail="kontrakt afsluttes")
    return render(request, "contracts/contract_end.html", {"form": form, "contract": contract})


@require_POST
def contract_pause(request, pk: int):
    contract, access = _contract(request, pk, edit=True)
    service = services.contract_resume if request.POST.get("resume") else services.contract_pause
    try:
        service(contract=contract, user=request.user, note=request.POST.get("note", "")[:500])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kontrakten er genoptaget.") if request.POST.get("resume")
                         else _("Kontrakten er sat på pause."))
    return redirect("contracts:contract_detail", pk=pk)


def followup_create(request, pk: int):
    contract, access = _contract(request, pk, edit=True)
    form = FollowUpForm(request.POST or None,
                        initial={f"elig_{k}": v for k, v in (contract.eligibility or {}).items()})
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_record(contract=contract, held_on=form.cleaned_data["held_on"],
                                     participants=form.cleaned_data["participants"],
                                     outcome=form.cleaned_data["outcome"], eligibility=form.eligibility(),
                                     user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Opfølgningen er registreret."))
            return redirect("contracts:contract_detail", pk=pk)
    _audit_form_read(request, contract=contract, detail="opfølgningsformular")
    return render(request, "contracts/followup_form.html", {"form": form, "contract": contract})


def followup_list(request):
    """The work list: overdue and soon-due follow-ups of the user's own sectors, per sector."""
    access = _access(request)
    today = timezone.localdate()
    sector = request.GET.get("sector") if request.GET.get("sector") in Sector.values else None
    contracts = list(selectors.followup_work_list(access=access, today=today, sector=sector))
    audit_log_many(user=request.user, action="read", objects=contracts, house=access.house,
                   citizen_attr="citizen_id", detail="opfølgningsliste")
    items = selectors.due_items(contracts=contracts, today=today)
    groups = [(label, [i for i in items if i.contract.sector == value])
              for value, label in Sector.choices if value in access.citizen_sectors and (not sector or sector == value)]
    return render(request, "contracts/followup_list.html", {
        "groups": groups, "today": today, "within": selectors.SOON_DUE_DAYS, "sector": sector,
        "overdue_count": sum(1 for i in items if i.overdue),
    })


def consent_create(request, pk: int):
    """Record the citizen's consent to let the other sector see their records (own-sector staff only)."""
    access = _access(request)
    citizen = selectors.citizen_get(access=access, pk=pk)
    if citizen is None:
        raise Http404
    own = selectors.consent_own_sectors(access=access, citizen=citizen)
    if not own:
        raise PermissionDenied
    to_sectors = selectors.consent_target_sectors(own=own)
    form = ConsentForm(request.POST or None, to_sectors=to_sectors)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_give(citizen=citizen, to_sector=form.cleaned_data["to_sector"],
                                  scope=form.cleaned_data["scope"], given_on=form.cleaned_data["given_on"],
                                  note=form.cleaned_data["note"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Samtykket er registreret."))
            return redirect("contracts:citizen_detail", pk=pk)
    _audit_form_read(request, citizen=citizen, detail="samtykkeformular")
    return render(request, "contracts/consent_form.html", {"form": form, "citizen": citizen})


@require_POST
def consent_withdraw(request, pk: int):
    access = _access(request)
    consent = selectors.consent_get(access=access, pk=pk)
    if consent is None:
        raise Http404
    citizen = selectors.citizen_get(access=access, pk=consent.citizen_id)
    if not selectors.consent_own_sectors(access=access, citizen=citizen):
        # The receiving sector reads across the wall; only the owning sector records a withdrawal.
        raise PermissionDenied
    try:
        services.consent_withdraw(consent=consent, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Samtykket er tilbagekaldt."))
    return redirect("contracts:citizen_detail", pk=consent.citizen_id)

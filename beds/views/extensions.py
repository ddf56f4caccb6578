"""A leader's decision on stays booked beyond the frame, from the dashboard's "Afventer leders godkendelse"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beds import selectors
from beds.extension_selectors import awaiting_decision_counts, stays_awaiting_decision, user_display
from beds.extension_services import ExtensionConflict, stay_extension_approve, stay_extension_decline
from beds.forms import ExtensionDecisionForm
from beds.models import StayStatus
from beds.views._common import _member
from psykiatrihus.models import Sector
from psykiatrihus.services import audit_log_many


def pending_context(request, *, sectors: list[str], forms: dict | None = None, message: str = "",
                    error: str = "") -> dict:
    """The part's rows (names only where the leader may see the record; every name shown is an audited read)."""
    access = request.access
    sectors = [s for s in Sector.values if s in sectors]
    stays = list(stays_awaiting_decision(access=access, sectors=sectors))
    audit_log_many(user=request.user, action="read", objects=stays, house=access.house,
                   detail="afventer leders godkendelse", citizen_attr="citizen_id")
    forms = forms or {}
    rows = [{"stay": stay, "name": stay.citizen.name if access.sees_board_names(stay) else "–",
             "sector_label": Sector(stay.sector).label, "booked_by": user_display(stay.created_by) or "–",
             "form": forms.get(stay.pk) or ExtensionDecisionForm(auto_id=f"ext{stay.pk}_%s")} for stay in stays]
    undecided = [s for s in sectors if not access.may_decide_extension(s) and access.sees_aggregates(s)]
    counts = awaiting_decision_counts(house=access.house, sectors=undecided) if undecided else {}
    return {"rows": rows, "sectors": sectors, "message": message, "error": error,
            "others": [{"label": Sector(s).label, "n": n} for s, n in counts.items() if n],
            "next": request.POST.get("next") or request.get_full_path()}


def _sectors(request) -> list[str]:
    return [s for s in request.POST.getlist("sektor") if s in Sector.values] or list(Sector.values)


@require_POST
def stay_extension_decide(request, pk: int):
    """Approve, or decline with a note. HTMX answers the part again (the message, or the note's error beside
    it); without JavaScript a decision goes back to the page it came from."""
    house, access = _member(request)
    if not access.decides_extensions:
        raise PermissionDenied
    stay = selectors.stays_visible(access=access).filter(pk=pk).first() if 0 < pk < 2**62 else None
    if stay is None:
        raise Http404  # a stay the leader may not see answers like a missing one
    form = ExtensionDecisionForm(request.POST, auto_id=f"ext{stay.pk}_%s")
    message = error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                stay = stay_extension_approve(stay=stay, user=request.user, note=data["note"])
                message = _("Godkendt: %(name)s bliver på %(bed)s til %(to)s.")
            else:
                stay = stay_extension_decline(stay=stay, user=request.user, note=data["note"])
                message = _("Afvist: Opholdet for %(name)s på %(bed)s er afkortet til %(to)s. Personalet ser "
                            "begrundelsen.")
                if stay.status == StayStatus.CANCELLED:  # nothing remained of the month's nights
                    message = _("Afvist: Opholdet for %(name)s på %(bed)s er aflyst, da månedens nætter var "
                                "brugt. Personalet ser begrundelsen.")
            message = message % {"name": stay.citizen.name, "bed": stay.bed.label,
                                 "to": timezone.localtime(stay.planned_departure).strftime("%d.%m.%Y %H:%M")}
            form = None
        except ValidationError as exc:
            for key, errors in getattr(exc, "message_dict", {"note": exc.messages}).items():
                form.add_error(key if key in form.fields else None, errors)
        except ExtensionConflict as exc:
            error, form = exc.message, None
    if not request.htmx and not (form is not None and form.errors):
        (messages.success if message else messages.error)(request, message or error)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return redirect(target)
    context = pending_context(request, sectors=_sectors(request), forms={stay.pk: form} if form else {},
                              message=message, error=error)
    template = "beds/_extensions_pending.html" if request.htmx else "beds/extensions_pending.html"
    return render(request, template, context, status=200 if request.htmx else 400)

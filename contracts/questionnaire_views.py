"""Danish pages for outcome questionnaires: record a response on the citizen's page (staff of a sector that
owns the citizen's record). The citizen page shows the scores as a small trend (`citizen_detail`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contracts import questionnaire_services as qservices
from contracts import selectors
from contracts.forms import QuestionnaireForm, add_service_error
from psykiatrihus.services import audit_log


def questionnaire_record(request, pk: int, code: str):
    """The questionnaire `code` for citizen `pk`, in one of the user's sectors owning the record."""
    access = request.access
    if not access.sees_citizens:
        raise PermissionDenied
    citizen = selectors.citizen_get(access=access, pk=pk)
    if citizen is None:
        raise Http404
    chosen = qservices.house_instrument_for(house=access.house, code=code)
    if chosen is None:
        raise Http404
    sectors = selectors.consent_own_sectors(access=access, citizen=citizen)
    if not sectors:
        raise PermissionDenied  # across the wall by consent: reading only
    form = QuestionnaireForm(request.POST or None, instrument=chosen.instrument, moments=chosen.moments,
                             sectors=sectors)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            qservices.questionnaire_response_record(
                house=access.house, citizen=citizen, instrument_code=code, moment=d["moment"],
                answers=form.answers(), sector=d["sector"], answered_on=d["answered_on"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Besvarelsen er gemt."))
            return redirect("contracts:citizen_detail", pk=pk)
    audit_log(user=request.user, action="read", obj=citizen, house=access.house, citizen_id=citizen.pk,
              detail="spørgeskemaformular")  # the page names the citizen
    return render(request, "contracts/questionnaire_form.html", {"form": form, "citizen": citizen,
                                                                 "instrument": chosen.instrument})

"""Follow-up after a stay (safety visits/calls): the list and recording one."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beds import selectors, services
from beds.forms import (
    AftercareRecordForm,
)
from beds.views._common import _citizen_member, _form_errors
from beds.views.stays import _stay_panel_context
from psykiatrihus.services import audit_log_many


def _aftercare_context(request, house, access, *, record_forms=None) -> dict:
    today = timezone.localdate()
    items = list(selectors.aftercare_due(access=access, on_or_before=today + datetime.timedelta(days=AFTERCARE_DAYS)))
    audit_log_many(user=request.user, action="read", objects=[a.stay for a in items], house=house,
                   detail="opfølgning efter ophold", citizen_attr="citizen_id")
    record_forms = record_forms or {}
    for item in items:
        item.form = record_forms.get(item.pk) or AftercareRecordForm(initial={"done_on": today},
                                                                     auto_id=f"a{item.pk}_%s")
        item.may_record = access.may_book(item.stay)
        item.overdue = item.planned_on < today
    return {"items": items, "today": today, "within": AFTERCARE_DAYS}


AFTERCARE_DAYS = 7


def aftercare_list(request):
    """Opfølgning efter ophold: planned safety visits/calls due within a week, in the user's sectors."""
    house, access = _citizen_member(request)
    return render(request, "beds/aftercare_list.html", _aftercare_context(request, house, access))


@require_POST
def aftercare_record(request, pk: int):
    """Record a safety visit/call (from the stay panel with HTMX, or from the follow-up list)."""
    house, access = _citizen_member(request)
    aftercare = selectors.aftercare_get(access=access, pk=pk)
    if aftercare is None:
        raise Http404
    if not access.may_book(aftercare.stay):
        raise PermissionDenied
    form = AftercareRecordForm(request.POST, auto_id=f"a{pk}_%s")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.stay_aftercare_record(aftercare=aftercare, user=request.user, done_on=d["done_on"],
                                           kind=d["kind"], reached=d["reached"], note=d["note"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            message = _("Opfølgningen efter opholdet er registreret.")
            if request.htmx:
                return render(request, "beds/_stay.html", _stay_panel_context(request, aftercare.stay,
                                                                               panel_message=message))
            messages.success(request, message)
            return redirect("beds:aftercare_list")
    if request.htmx:
        return render(request, "beds/_stay.html", _stay_panel_context(request, aftercare.stay,
                                                                       record_forms={pk: form}))
    return render(request, "beds/aftercare_list.html", _aftercare_context(request, house, access,
                                                                          record_forms={pk: form}))

"""Helpers shared by the bed views: who may see the house, how a change answers."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

BOARD_DAYS = 14
POLL_SECONDS = 20
# The board and the request list refresh themselves; the same names on the same user's screen within this
# window are one read in the audit log (psykiatrihus.services.audit_log_many, `once_per`).
SAME_READ_WINDOW = datetime.timedelta(minutes=15)


def _member(request):
    access = request.access
    if request.house is None or not access.is_member:
        raise PermissionDenied
    return request.house, access


def _done(request, message: str):
    """After a change: HTMX gets the panel with the message and a `boardChanged` event; others a redirect."""
    if request.htmx:
        response = render(request, "beds/_panel_message.html", {"message": message})
        response["HX-Trigger"] = "boardChanged"
        return response
    messages.success(request, message)
    return redirect("beds:board")


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _board_member(request):
    """The bed board and what opens from it: who the menu shows it to (`Access.sees_board`); others 403."""
    house, access = _member(request)
    if not access.sees_board:
        raise PermissionDenied
    return house, access


def _citizen_member(request):
    """Pages with citizen names: staff and leaders of a sector; others 403."""
    house, access = _member(request)
    if not access.sees_citizens:
        raise PermissionDenied
    return house, access

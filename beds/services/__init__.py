"""Writes for beds and stays, one module per resource. Booking rules live here and only here (UI, API and import
call them).

Double booking is refused by PostgreSQL (exclusion constraints on `Stay.period`), never by a Python check
alone: `stay_book` inserts and translates a constraint violation into `BookingConflict`. Row locks are taken in
`beds.locks` only, in its fixed order. Callers import from `beds.services`; the modules are its parts.
"""

from beds.models import HOLDING_STATUSES
from beds.services.aftercare import stay_aftercare_record
from beds.services.beds import bed_block, beds_ensure
from beds.services.booking import FAERDIGBEHANDLING_MAX_MONTHS, stay_book
from beds.services.conflicts import CONSTRAINT_CODES, BookingConflict, _conflict_from, conflict_message
from beds.services.goals import stay_goal_evaluate, stay_goals_set, stay_questionnaire_record
from beds.services.history_import import ImportResult, StaysImportError, import_key_for, stays_import
from beds.services.requests import stay_request_record, stay_request_turn_away, stay_request_withdraw
from beds.services.rules import _moment, local_date, stay_frame_for
from beds.services.stays import (
    EARLY_CHECK_IN,
    UNDO_WINDOW,
    stay_cancel,
    stay_cancel_undo,
    stay_cancel_undoable,
    stay_check_in,
    stay_check_out,
)
from beds.services.waiting import waiting_list_add, waiting_list_place_next, waiting_list_withdraw
from psykiatrihus.dates import add_months

__all__ = [
    "CONSTRAINT_CODES", "EARLY_CHECK_IN", "FAERDIGBEHANDLING_MAX_MONTHS", "HOLDING_STATUSES", "UNDO_WINDOW",
    "BookingConflict", "ImportResult", "StaysImportError", "_conflict_from", "_moment", "add_months", "bed_block",
    "beds_ensure", "conflict_message", "import_key_for", "local_date", "stay_aftercare_record", "stay_book",
    "stay_cancel", "stay_cancel_undo", "stay_cancel_undoable", "stay_check_in", "stay_check_out", "stay_frame_for",
    "stay_goal_evaluate", "stay_goals_set", "stay_questionnaire_record", "stay_request_record",
    "stay_request_turn_away", "stay_request_withdraw", "stays_import", "waiting_list_add", "waiting_list_place_next",
    "waiting_list_withdraw",
]

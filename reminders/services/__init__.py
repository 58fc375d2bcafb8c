"""Writes of the reminders app, one module per thing written: ``selection`` (the day's reminders),
``call_list`` (the day's call list) and ``calls`` (a call started, its outcome, a contact flag
cleared). Callers use the names here."""

from reminders.services.call_list import CallListSummary, call_list_build
from reminders.services.calls import (
    CALL_PERMISSION,
    call_outcome_record,
    call_start,
    contact_flag_clear,
)
from reminders.services.selection import SelectSummary, reminder_drafts, reminders_select

__all__ = [
    "CALL_PERMISSION",
    "CallListSummary",
    "SelectSummary",
    "call_list_build",
    "call_outcome_record",
    "call_start",
    "contact_flag_clear",
    "reminder_drafts",
    "reminders_select",
]

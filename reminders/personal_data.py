"""What the reminders app holds about a person, for their data rights (privacy puts the apps together):
the calls Support made to them (when, the outcome, the note, a promise given on the call), the day's
call list entries that named them, and the contact flags raised on them.

Export: those rows. Erase: the notes (the staff's words about them) are emptied; what is left says only
that a call was made and how it ended, which the guardrails count (3 a day) and the loan's history
explains. The staff member on each call is not named in the export."""

from typing import TYPE_CHECKING

from core.personal_data import Table, values_table
from reminders.models import CallAttempt, CallListEntry, ContactFlag

if TYPE_CHECKING:
    from accounts.models import User


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """One query per table."""
    return (
        values_table(
            "reminder_calls",
            CallAttempt.objects.filter(borrower__user=user).order_by("started_at", "id"),
            (
                "started_at",
                "ended_at",
                "local_day",
                "time_zone",
                "outcome",
                "note",
                "promise_amount",
                "promise_pay_by",
                "entry__loan__reference",
            ),
        ),
        values_table(
            "reminder_call_list",
            CallListEntry.objects.filter(borrower__user=user).order_by("business_date", "id"),
            ("business_date", "loan__reference", "priority", "priority_parts", "days_past_due", "amount_due"),
        ),
        values_table(
            "reminder_contact_flags",
            ContactFlag.objects.filter(borrower__user=user).order_by("set_at", "id"),
            ("kind", "set_at", "note", "cleared_at", "clear_note"),
        ),
    )


def erase(*, user: "User") -> dict[str, int]:
    """The notes staff wrote about them (calls and flags)."""
    calls = CallAttempt.objects.filter(borrower__user=user).exclude(note="").update(note="")
    flags = ContactFlag.objects.filter(borrower__user=user).update(note="", clear_note="")
    return {"reminder_call_notes": calls, "reminder_flag_notes": flags}

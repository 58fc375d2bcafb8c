"""What hardship holds about a person, for their data rights (privacy puts the apps together).

Export: their applications, the loans each was for, the statement, the messages, the offers, the events
and the evidence they sent (its name, type, size and when; the file itself is theirs to download from the
application). Erase: what is only about their situation — the statement, their words, the messages and
the documents — goes. What explains a restructuring in the ledger (the application's reference, status,
dates, loans and offers) is kept with the loans under the retention hold.
"""

from typing import TYPE_CHECKING

from core.personal_data import Table, values_table
from hardship.models import (
    Application,
    ApplicationEvent,
    ApplicationLoan,
    Evidence,
    Message,
    Offer,
    StatementLine,
)

if TYPE_CHECKING:
    from accounts.models import User


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """One query per table."""
    return (
        values_table(
            "hardship_applications",
            Application.objects.filter(user=user).order_by("created_at", "id"),
            (
                "reference",
                "status",
                "reason",
                "reason_text",
                "duration",
                "chosen_terms",
                "staff_to_propose",
                "submitted_at",
                "decided_at",
                "answer_due_on",
                "breathing_space_through",
                "information_due_on",
                "offer_expires_on",
                "rejection_reasons",
                "rejection_note",
                "created_at",
            ),
        ),
        values_table(
            "hardship_application_loans",
            ApplicationLoan.objects.filter(application__user=user).order_by("id"),
            ("application__reference", "loan__reference", "is_open"),
        ),
        values_table(
            "hardship_statement_lines",
            StatementLine.objects.filter(application__user=user).order_by("id"),
            ("application__reference", "section", "category", "amount", "note"),
        ),
        values_table(
            "hardship_messages",
            Message.objects.filter(application__user=user).order_by("created_at", "id"),
            ("application__reference", "from_staff", "body", "created_at"),
        ),
        values_table(
            "hardship_offers",
            Offer.objects.filter(application__user=user).order_by("made_at", "id"),
            ("application__reference", "terms", "given_up", "note", "status", "made_at", "approved_at"),
        ),
        values_table(
            "hardship_events",
            ApplicationEvent.objects.filter(application__user=user).order_by("at", "id"),
            ("application__reference", "action", "from_status", "to_status", "note", "at"),
        ),
        values_table(
            "hardship_evidence",
            Evidence.objects.filter(application__user=user).order_by("uploaded_at", "id"),
            ("application__reference", "original_name", "content_type", "size", "uploaded_at"),
        ),
    )


def erase(*, user: "User") -> dict[str, int]:
    """The statement, the documents (files too), the messages' texts and the borrower's own words."""
    documents = list(Evidence.objects.filter(application__user=user))
    for item in documents:
        item.file.delete(save=False)
    Evidence.objects.filter(pk__in=[d.pk for d in documents]).delete()
    lines = StatementLine.objects.filter(application__user=user).delete()[0]
    messages = Message.objects.filter(application__user=user).update(body="")
    Application.objects.filter(user=user).update(reason_text="", rejection_note="")
    return {
        "hardship_documents": len(documents),
        "hardship_statement_lines": lines,
        "hardship_messages": messages,
    }

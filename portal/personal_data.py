"""What portal holds about a person, for their data rights (privacy puts the apps together): their
messages to Support. Erasing keeps each row (a record that something was said, and when) and erases
its texts."""

from typing import TYPE_CHECKING

from django.db.models import Case, Value, When

from core.personal_data import Table, values_table
from portal.models import SupportMessage

if TYPE_CHECKING:
    from accounts.models import User

ERASED_TEXT = "—"  # what an erased message text reads (the column may not be empty once answered)


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """One query."""
    return (
        values_table(
            "support_messages",
            SupportMessage.objects.filter(user=user).order_by("sent_at", "id"),
            (
                "id",
                "topic",
                "loan__reference",
                "body",
                "status",
                "sent_at",
                "reply",
                "answered_at",
                "closed_at",
            ),
        ),
    )


def erase(*, user: "User") -> dict[str, int]:
    """The texts of the person's messages and of our answers to them; an unanswered reply stays empty."""
    return {
        "support_messages": SupportMessage.objects.filter(user=user).update(
            body=ERASED_TEXT, reply=Case(When(reply="", then=Value("")), default=Value(ERASED_TEXT))
        )
    }

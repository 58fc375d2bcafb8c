"""What notifications holds about a person, for their data rights (privacy puts the apps together): the
log of mails sent to their address. Exported without the subject of a mail that carried a sign-in
secret; erased by emptying recipients and contents (a mail still queued is then never sent)."""

from typing import TYPE_CHECKING

from core.personal_data import Table, table
from notifications.models import OutboundEmail

if TYPE_CHECKING:
    from accounts.models import User


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """One query."""
    rows = [
        {**mail, "subject": "" if mail["carries_secret"] else mail["subject"]}
        for mail in OutboundEmail.objects.filter(to__icontains=user.email).values(
            "kind", "subject", "carries_secret", "status", "created_at", "sent_at"
        )
    ]
    return (table("mails", ("kind", "subject", "status", "created_at", "sent_at"), rows),)


def erase(*, email: str) -> dict[str, int]:
    """The mails to this address: recipients and contents erased; a queued one is marked failed."""
    mails = OutboundEmail.objects.filter(to__icontains=email)
    erased = {"to": [], "subject": "", "body_text": "", "body_html": ""}
    queued = mails.filter(status=OutboundEmail.Status.QUEUED).update(
        **erased, status=OutboundEmail.Status.FAILED, last_error="erased: account deleted"
    )
    return {"mails": queued + mails.exclude(status=OutboundEmail.Status.QUEUED).update(**erased)}

"""What notifications holds about a person, for their data rights (privacy puts the apps together): the
log of mails sent to their address. Exported without the subject of a mail that carried a sign-in
secret; erased by emptying recipients and contents (a mail still queued is then never sent)."""

from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from core.personal_data import Table, table
from notifications.models import OutboundEmail

if TYPE_CHECKING:
    from accounts.models import User


def _mails_to(email: str) -> "QuerySet[OutboundEmail]":
    """The mails with this address among their recipients: exactly, ignoring case. The database narrows
    by substring (o@anxin.example is inside demo@anxin.example), then each recipient is compared whole,
    so one person's export or erasure never takes in another's mail. One query."""
    wanted = email.strip().lower()
    candidates = OutboundEmail.objects.filter(to__icontains=wanted).values_list("pk", "to")
    ids = [
        pk
        for pk, to in candidates
        if any(parseaddr(str(address))[1].lower() == wanted for address in to or [])
    ]
    return OutboundEmail.objects.filter(pk__in=ids)


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """Two queries."""
    rows = [
        {**mail, "subject": "" if mail["carries_secret"] else mail["subject"]}
        for mail in _mails_to(user.email).values(
            "kind", "subject", "carries_secret", "status", "created_at", "sent_at"
        )
    ]
    return (table("mails", ("kind", "subject", "status", "created_at", "sent_at"), rows),)


def erase(*, email: str) -> dict[str, int]:
    """The mails to this address: recipients and contents erased; a queued one is marked failed."""
    mails = _mails_to(email)
    erased = {"to": [], "subject": "", "body_text": "", "body_html": ""}
    # The sent ones first: a queued one, once marked failed, would otherwise be counted twice.
    done = mails.exclude(status=OutboundEmail.Status.QUEUED).update(**erased)
    queued = mails.filter(status=OutboundEmail.Status.QUEUED).update(
        **erased, status=OutboundEmail.Status.FAILED, last_error="erased: account deleted"
    )
    return {"mails": done + queued}

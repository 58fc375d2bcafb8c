"""What notifications holds about a person, for their data rights (privacy puts the apps together): the
log of mails sent to their address, the messages sent to them on every channel, and their message
settings. Mails are exported without the subject of one that carried a sign-in secret; erased by
emptying recipients and contents (a mail still queued is then never sent). Messages are erased the same
way: address, subject, text and link emptied, one still waiting cancelled; what is left (channel,
template, status, times) says only that a message was sent when the contact rules allowed, not what it
said or where it went.

`export_tables` / `erase` are the mails (as before); `message_tables` / `messages_erase` the messages and
message settings, for privacy.export and privacy.services_deletion to add beside them."""

from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.db.models import Case, QuerySet, Value, When

from core.personal_data import Table, table
from notifications.models import ContactPreference, Message, OutboundEmail

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


MESSAGE_COLUMNS = (
    "channel",
    "purpose",
    "template",
    "topic",
    "language",
    "to",
    "subject",
    "body",
    "link",
    "time_zone",
    "status",
    "status_reason",
    "attempts",
    "created_at",
    "send_after",
    "queued_at",
    "sent_at",
    "delivered_at",
    "read_at",
)
SETTINGS_COLUMNS = ("sms", "email", "updated_at")
# What an erased message's address becomes: a sent SMS or mail must keep one (a database check).
ERASED_ADDRESS = "[erased]"


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """The mails. Two queries."""
    rows = [
        {**mail, "subject": "" if mail["carries_secret"] else mail["subject"]}
        for mail in _mails_to(user.email).values(
            "kind", "subject", "carries_secret", "status", "created_at", "sent_at"
        )
    ]
    return (table("mails", ("kind", "subject", "status", "created_at", "sent_at"), rows),)


def message_tables(*, user: "User") -> tuple[Table, ...]:
    """The messages sent (or held back) on every channel, and the message settings. Two queries."""
    messages = Message.objects.filter(user=user).order_by("created_at", "pk").values(*MESSAGE_COLUMNS)
    settings = ContactPreference.objects.filter(user=user).values(*SETTINGS_COLUMNS)
    return (
        table("messages", MESSAGE_COLUMNS, messages),
        table("message_settings", SETTINGS_COLUMNS, settings),
    )


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


def messages_erase(*, user: "User") -> dict[str, int]:
    """The person's messages: address and contents erased, those still waiting cancelled (never sent);
    their message settings deleted."""
    mine = Message.objects.filter(user=user)
    contents = {"subject": "", "body": "", "link": "", "last_error": ""}
    addressed = (
        mine.exclude(status__in=(Message.Status.SCHEDULED, Message.Status.QUEUED))
        .exclude(channel=Message.Channel.IN_APP)
        .update(**contents, to=Case(When(to="", then=Value("")), default=Value(ERASED_ADDRESS)))
    )
    in_app = (
        mine.exclude(status__in=(Message.Status.SCHEDULED, Message.Status.QUEUED))
        .filter(channel=Message.Channel.IN_APP)
        .update(**contents)
    )
    # The waiting ones last: once cancelled they would otherwise be counted (and addressed) twice.
    waiting = mine.filter(status__in=(Message.Status.SCHEDULED, Message.Status.QUEUED)).update(
        **contents, to="", status=Message.Status.CANCELLED, status_reason="erased"
    )
    settings_deleted, _ = ContactPreference.objects.filter(user=user).delete()
    return {"messages": waiting + addressed + in_app, "message_settings": settings_deleted}

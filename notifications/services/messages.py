"""Writing messages to borrowers (any app that sends one comes here), cancelling those a pause makes
unwanted, and releasing those whose time has come.

Writers know the facts (the address, the borrower's time zone, the language); notifications never
asks a higher app. The contact rules (quiet hours, the daily cap, consent, channels) are applied at
release (`messages_release`) and once more just before sending.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db import transaction

from notifications import tasks
from notifications.models import Message
from notifications.services.marketing import marketing_body
from notifications.services_delivery import ReleaseSummary
from notifications.services_delivery import messages_release as _release

CHANNELS = frozenset(Message.Channel.values)
PURPOSES = frozenset(Message.Purpose.values)
LANGUAGES = frozenset(code for code, _ in settings.LANGUAGES)
KEY_MAX = Message._meta.get_field("idempotency_key").max_length or 120


@dataclass(frozen=True)
class MessageDraft:
    """One message to write. `idempotency_key` names the logical message (writing it again adds
    nothing), e.g. "reminder:overdue_7:AX-1001:2026-11-29:sms". `send_after` is aware. `to` is the
    borrower's own phone (SMS) or email, empty in-app. Never a secret in `body`: staff read it."""

    user_id: int
    channel: str
    template: str
    body: str
    send_after: datetime
    idempotency_key: str
    purpose: str = Message.Purpose.SERVICE
    topic: str = ""
    language: str = "zh-hans"
    to: str = ""
    subject: str = ""
    link: str = ""
    time_zone: str = "Asia/Shanghai"
    priority: int = 100

    def check(self) -> None:
        """A programming error in the writer, raised before anything is written."""
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if self.purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {self.purpose!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}")
        if not self.template or not self.body:
            raise ValueError("a message needs a template name and a body")
        if not 0 < len(self.idempotency_key) <= KEY_MAX:
            raise ValueError(f"the idempotency key must be 1 to {KEY_MAX} characters")
        if self.send_after.tzinfo is None or self.send_after.utcoffset() is None:
            raise ValueError("send_after must be an aware datetime")
        if self.link and not (self.link.startswith("/") and not self.link.startswith("//")):
            raise ValueError("a message's link is a path on this site")


def _prepared(draft: MessageDraft) -> MessageDraft:
    if draft.purpose != Message.Purpose.MARKETING:
        return draft
    return replace(
        draft, body=marketing_body(user_id=draft.user_id, body=draft.body, language=draft.language)
    )


def messages_schedule(*, drafts: Iterable[MessageDraft]) -> int:
    """Write the drafts as scheduled messages; how many were new (a key already written adds nothing,
    so writing a day's reminders twice is harmless). Marketing drafts get the opt-out line and link.
    Two queries whatever the number. The caller's transaction holds it (none needed)."""
    unique: dict[str, MessageDraft] = {}
    for draft in drafts:
        draft.check()
        unique.setdefault(draft.idempotency_key, _prepared(draft))
    if not unique:
        return 0
    with transaction.atomic():
        existing = set(
            Message.objects.filter(idempotency_key__in=list(unique)).values_list("idempotency_key", flat=True)
        )
        new = [draft for key, draft in unique.items() if key not in existing]
        Message.objects.bulk_create(
            [
                Message(
                    user_id=draft.user_id,
                    channel=draft.channel,
                    purpose=draft.purpose,
                    template=draft.template,
                    topic=draft.topic,
                    language=draft.language,
                    to=draft.to.strip(),
                    subject=draft.subject,
                    body=draft.body,
                    link=draft.link,
                    time_zone=draft.time_zone,
                    send_after=draft.send_after,
                    priority=draft.priority,
                    idempotency_key=draft.idempotency_key,
                )
                for draft in new
            ],
            ignore_conflicts=True,
        )
    return len(new)


def messages_cancel(
    *,
    topics: Sequence[str] | None = None,
    user_ids: Sequence[int] | None = None,
    reason: str,
    template_prefix: str = "reminder:",
) -> int:
    """Cancel the messages still waiting (scheduled or queued) whose template starts with
    `template_prefix`, about these topics and/or to these people (each one given narrows); how many.
    A pause (a promise to pay, a hardship application) calls it inside its own transaction. Naming
    neither topics nor people cancels nothing. A message already being sent is not stopped."""
    if topics is None and user_ids is None:
        return 0
    waiting = Message.objects.filter(
        status__in=(Message.Status.SCHEDULED, Message.Status.QUEUED), template__startswith=template_prefix
    )
    if topics is not None:
        waiting = waiting.filter(topic__in=list(topics))
    if user_ids is not None:
        waiting = waiting.filter(user_id__in=list(user_ids))
    return waiting.update(status=Message.Status.CANCELLED, status_reason=reason[:60])


def messages_release(*, now: datetime | None = None, limit: int = 1000) -> ReleaseSummary:
    """Release the scheduled messages whose time has come (the contact rules applied: see
    notifications.services_delivery.release); the queued ones go to the workers on commit. Top level:
    its own transaction. Beat runs it every minute (notifications.tasks.messages_release)."""
    return _release(hand_over=tasks.messages_send_queue, now=now, limit=limit)

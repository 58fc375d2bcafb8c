"""Delivering one message (the worker's write; notifications.tasks runs it), and finding the ones a
broker outage or a dead worker left behind.

`message_deliver` in three steps, so that no transaction is held open across the provider's call:

1. lock the row; the last guards (still wanted, still allowed, not in quiet hours: a broker outage
   across 22:00 must not send at 22:30); mark it `sending`, count the attempt; commit.
2. hand it to its channel (no lock, no transaction).
3. lock it again: `sent` with the provider's id; or back to `queued` on a temporary error (the task
   retries it later, with exponential backoff); or `failed` with the reason on a permanent error or
   after MAX_MESSAGE_ATTEMPTS.

A process that dies in step 2 leaves the message `sending`. After STALE_AFTER the sweeper hands it
over again, and step 1 accepts it; the SMS goes to the provider with the same idempotency key, so the
borrower does not get it twice (a mail carries the same Message-ID).
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.contact_rules import in_quiet_hours, next_allowed
from notifications.models import ContactPreference, Message
from notifications.selectors import consent_granted_user_ids
from notifications.services_delivery.channels import (
    ChannelError,
    ChannelPermanentError,
    ChannelTemporaryError,
    channel_send,
)
from notifications.services_delivery.receipts import receipts_apply_waiting

logger = logging.getLogger(__name__)

MAX_MESSAGE_ATTEMPTS = 5
# A message queued or sending for longer than this has been left behind; the sweeper hands it over.
STALE_AFTER = timedelta(minutes=5)
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 600
TOO_MANY_ATTEMPTS = "too_many_attempts"


def retry_countdown(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones: 30, 60, 120, 240, … at most 600."""
    return int(min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)))


def _refusal(message: Message) -> str:
    """Why the message may no longer go (consent withdrawn, channel turned off since its release)."""
    if message.purpose == Message.Purpose.MARKETING and message.user_id not in consent_granted_user_ids(
        user_ids=[message.user_id]
    ):
        return "no_consent"
    if message.channel in (Message.Channel.SMS, Message.Channel.EMAIL):
        on = (
            ContactPreference.objects.filter(user_id=message.user_id)
            .values_list(message.channel, flat=True)
            .first()
        )
        if on is False:
            return "channel_off"
    return ""


def _start(message_id: int, moment: datetime) -> Message | Message.Status | None:
    """Step 1: the message, marked sending; or the status it is left in."""
    with transaction.atomic(durable=True):
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        if message.status == Message.Status.SENDING and (
            message.attempted_at is not None and message.attempted_at > moment - STALE_AFTER
        ):
            return Message.Status.SENDING  # another worker is on it right now
        if message.status not in (Message.Status.QUEUED, Message.Status.SENDING):
            return Message.Status(message.status)
        fields = ["status", "status_reason"]
        if refusal := _refusal(message):
            message.status, message.status_reason = Message.Status.SUPPRESSED, refusal
        elif in_quiet_hours(moment, message.time_zone):
            message.status, message.status_reason = Message.Status.SCHEDULED, "quiet_hours"
            message.send_after = next_allowed(moment, message.time_zone)
            fields.append("send_after")
        elif message.attempts >= MAX_MESSAGE_ATTEMPTS:
            message.status, message.status_reason = Message.Status.FAILED, TOO_MANY_ATTEMPTS
        else:
            message.status, message.status_reason = Message.Status.SENDING, ""
            message.attempts += 1
            message.attempted_at = moment
            message.save(update_fields=[*fields, "attempts", "attempted_at"])
            return message
        message.save(update_fields=fields)
        return Message.Status(message.status)


def _finish_sent(message_id: int, provider: str, provider_id: str, at: datetime) -> Message.Status:
    with transaction.atomic(durable=True):
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.SENDING:
            return Message.Status(message.status)  # a handed-over copy finished first
        message.status = Message.Status.SENT
        message.status_reason = ""
        message.last_error = ""
        message.sent_at = at
        message.provider = provider
        message.provider_message_id = provider_id
        message.save(
            update_fields=[
                "status",
                "status_reason",
                "last_error",
                "sent_at",
                "provider",
                "provider_message_id",
            ]
        )
        receipts_apply_waiting(message, at=at)
        return Message.Status(message.status)


def _finish_failed(message_id: int, error: ChannelError, at: datetime) -> Message.Status:
    with transaction.atomic(durable=True):
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.SENDING:
            return Message.Status(message.status)
        message.last_error = str(error)[:2000]
        if isinstance(error, ChannelPermanentError):
            message.status, message.status_reason = Message.Status.FAILED, error.code
        elif message.attempts >= MAX_MESSAGE_ATTEMPTS:
            message.status, message.status_reason = Message.Status.FAILED, TOO_MANY_ATTEMPTS
        else:
            message.status, message.status_reason = Message.Status.QUEUED, error.code
            # The sweeper leaves it to the task's own retry until this has passed.
            message.send_after = at + timedelta(seconds=retry_countdown(message.attempts))
        message.save(update_fields=["status", "status_reason", "last_error", "send_after"])
        return Message.Status(message.status)


def message_deliver(*, message_id: int, now: datetime | None = None) -> Message.Status | None:
    """Send one released message; the status it is left in (None: no such message). Safe to run twice
    and from two workers at once: a message sent, failed, cancelled, suppressed, deferred, or being
    sent by another worker is not sent again."""
    started = _start(message_id, now or timezone.now())
    if not isinstance(started, Message):
        return started
    try:
        provider, provider_id = channel_send(started)
    except (ChannelTemporaryError, ChannelPermanentError) as exc:
        logger.warning("message %s: attempt %s failed: %s", message_id, started.attempts, exc)
        return _finish_failed(message_id, exc, now or timezone.now())
    return _finish_sent(message_id, provider, provider_id, now or timezone.now())


def message_ids_stale(
    *, older_than: timedelta = STALE_AFTER, now: datetime | None = None, limit: int = 5000
) -> list[int]:
    """Messages left behind, oldest first: queued for longer than `older_than` (and past their retry
    time), or sending since longer than that (the worker died mid-send)."""
    cutoff = (now or timezone.now()) - older_than
    left_behind = Q(status=Message.Status.QUEUED, queued_at__lte=cutoff, send_after__lte=cutoff) | Q(
        status=Message.Status.SENDING, attempted_at__lte=cutoff
    )
    return list(Message.objects.filter(left_behind).order_by("pk").values_list("pk", flat=True)[:limit])

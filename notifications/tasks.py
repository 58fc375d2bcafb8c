"""The notifications app's Celery tasks, and the one way a mail or a message is handed to them.

Tasks take ids and call the delivery services (notifications.services_delivery). notifications.services
queues through `email_deliver_queue` and `messages_send_queue`, so it imports this module and this
module never imports it.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from notifications.models import Message, OutboundEmail
from notifications.services_delivery import (
    MAX_EMAIL_ATTEMPTS,
    MAX_MESSAGE_ATTEMPTS,
    STALE_AFTER,
    email_ids_stale,
    message_ids_stale,
    retry_countdown,
)
from notifications.services_delivery import email_deliver as email_deliver_now
from notifications.services_delivery import message_deliver as message_deliver_now
from notifications.services_delivery import messages_release as messages_release_now

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached (kombu wraps the transport's errors).
BROKER_DOWN = (OperationalError, ConnectionError, OSError)


class EmailNotYetSentError(Exception):
    """The transport failed; Celery retries with backoff."""


class MessageNotYetSentError(Exception):
    """The channel failed for now; Celery retries with backoff (the message stays queued)."""


@shared_task(
    acks_late=True,
    autoretry_for=(EmailNotYetSentError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=MAX_EMAIL_ATTEMPTS,
)
def email_deliver(outbound_email_id: int) -> str:
    status = email_deliver_now(outbound_email_id=outbound_email_id)
    if status == OutboundEmail.Status.QUEUED:
        raise EmailNotYetSentError(outbound_email_id)
    return str(status)


def email_deliver_queue(*, outbound_email_id: int) -> None:
    """Hand the mail to a worker once the current transaction commits (at once outside one).

    robust: a broker outage must not turn the request that wanted the mail into an error page; the row
    stays queued and `manage.py email_send_queued` (or the beat task below) hands it over again.
    """
    transaction.on_commit(lambda: email_deliver.delay(outbound_email_id), robust=True)


def email_requeue_stale(*, older_than: timedelta) -> int:
    """Hand mail still queued after `older_than` to the workers again (a broker outage left it behind).
    Delivery is idempotent, so a mail that was merely slow is not sent twice."""
    ids = email_ids_stale(older_than=older_than)
    for pk in ids:
        email_deliver.delay(pk)
    return len(ids)


@shared_task(acks_late=True)
def email_send_queued() -> int:
    """Beat, every 10 minutes: re-queue mail stranded for more than 5 minutes."""
    return email_requeue_stale(older_than=timedelta(minutes=5))


# --- messages (SMS, email, in-app) ------------------------------------------------------------------


@shared_task(bind=True, acks_late=True, max_retries=MAX_MESSAGE_ATTEMPTS)
def message_send(self: Task[Any, Any], message_id: int, now: str | None = None) -> str:
    """Deliver one message. A temporary failure leaves it queued and comes back after 30 s, 60 s, 120 s,
    … (at most 10 minutes); a permanent one, or the fifth attempt, leaves it failed. Redelivered
    (acks_late, a worker lost): harmless, delivery is idempotent. `now` (ISO): the clock of a release
    whose caller pinned one (tests, demos); otherwise the worker's own."""
    moment = datetime.fromisoformat(now) if now else None
    status = message_deliver_now(message_id=message_id, now=moment)
    if status == Message.Status.QUEUED:
        attempts = self.request.retries + 1
        raise self.retry(countdown=retry_countdown(attempts), exc=MessageNotYetSentError(message_id))
    return str(status)


def _publish(message_ids: Sequence[int], now: datetime | None = None) -> None:
    pinned = now.isoformat() if now is not None else None
    for position, pk in enumerate(message_ids):
        try:
            message_send.delay(pk, pinned)
        except BROKER_DOWN:
            # The broker is away: the rest would fail the same way. They stay queued, and the sweeper
            # (messages_requeue_stale) hands them over when it is back.
            logger.exception("broker unavailable: %s message(s) left queued", len(message_ids) - position)
            return
        except Exception:
            # Inline (no broker configured): the task itself failed; the message stays queued.
            logger.exception("message %s not sent inline; it stays queued", pk)


def messages_send_queue(message_ids: Sequence[int], now: datetime | None = None) -> None:
    """Hand the messages to the workers once the current transaction commits (at once outside one).
    A broker outage leaves them queued, never an error for the caller."""
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: _publish(ids, now), robust=True)


@shared_task(acks_late=True)
def messages_release(limit: int = 1000) -> int:
    """Beat, every minute: release the messages whose time has come (quiet hours, the daily cap,
    consent and channels checked); returns how many were queued."""
    return messages_release_now(hand_over=messages_send_queue, limit=limit).queued


def messages_requeue_stale_now(*, older_than: timedelta = STALE_AFTER) -> int:
    """Hand messages left queued or sending for longer than `older_than` to the workers again."""
    ids = message_ids_stale(older_than=older_than)
    for pk in ids:
        message_send.delay(pk)
    return len(ids)


@shared_task(acks_late=True)
def messages_requeue_stale() -> int:
    """Beat, every 5 minutes: messages left behind by a broker outage or a dead worker, handed over
    again. The SMS carries the same idempotency key, so the provider does not send it twice."""
    return messages_requeue_stale_now()

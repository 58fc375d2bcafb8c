"""The outbox's Celery tasks, and the one way a mail is handed to them.

Tasks take ids and call the delivery service (notifications.services_delivery). notifications.services
queues through `email_deliver_queue`, so it imports this module and this module never imports it.
"""

from datetime import timedelta

from celery import shared_task
from django.db import transaction

from notifications.models import OutboundEmail
from notifications.services_delivery import MAX_EMAIL_ATTEMPTS, email_ids_stale
from notifications.services_delivery import email_deliver as email_deliver_now


class EmailNotYetSentError(Exception):
    """The transport failed; Celery retries with backoff."""


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

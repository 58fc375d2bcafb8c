from datetime import timedelta

from celery import shared_task

from notifications import services
from notifications.models import OutboundEmail


class EmailNotYetSentError(Exception):
    """The transport failed; Celery retries with backoff."""


@shared_task(
    acks_late=True,
    autoretry_for=(EmailNotYetSentError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=services.MAX_EMAIL_ATTEMPTS,
)
def email_deliver(outbound_email_id: int) -> str:
    status = services.email_deliver(outbound_email_id=outbound_email_id)
    if status == OutboundEmail.Status.QUEUED:
        raise EmailNotYetSentError(outbound_email_id)
    return str(status)


@shared_task(acks_late=True)
def email_send_queued() -> int:
    """Beat, every 10 minutes: re-queue mail stranded for more than 5 minutes."""
    return services.email_requeue_stale(older_than=timedelta(minutes=5))

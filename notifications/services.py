import logging
from datetime import timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


def email_queue(*, message: EmailMessage, kind: str) -> OutboundEmail:
    """Record `message` in the outbox and deliver it once the current transaction commits."""
    from notifications.tasks import email_deliver

    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(body) for body, mime in message.alternatives if mime == "text/html"), "")
    outbound = OutboundEmail.objects.create(
        kind=kind,
        to=list(message.to),
        from_email=message.from_email,
        subject=str(message.subject),
        body_text=str(message.body),
        body_html=html,
    )
    # robust: a broker outage must not turn the request that wanted the mail into an error page; the
    # row stays queued and `manage.py email_send_queued` hands it over again.
    transaction.on_commit(lambda: email_deliver.delay(outbound.pk), robust=True)
    return outbound


def email_deliver(*, outbound_email_id: int) -> OutboundEmail.Status:
    """Send one queued email. Safe to run twice: a sent or failed email is left alone.

    The row is locked while it is sent, so two workers handed the same message do not both send it.
    If the process dies between the SMTP call and the commit, the mail may go out twice; for a
    notice that is the right side to err on (a lost verification mail strands the borrower).
    """
    with transaction.atomic():
        outbound = OutboundEmail.objects.select_for_update().get(pk=outbound_email_id)
        if outbound.status != OutboundEmail.Status.QUEUED:
            return OutboundEmail.Status(outbound.status)
        message = EmailMultiAlternatives(
            subject=outbound.subject,
            body=outbound.body_text,
            from_email=outbound.from_email,
            to=outbound.to,
        )
        if outbound.body_html:
            message.attach_alternative(outbound.body_html, "text/html")
        outbound.attempts += 1
        try:
            message.send()
        except Exception as exc:  # any transport failure: record it, let Celery retry
            logger.warning("email %s failed on attempt %s: %s", outbound.pk, outbound.attempts, exc)
            outbound.last_error = str(exc)[:2000]
            if outbound.attempts >= MAX_EMAIL_ATTEMPTS:
                outbound.status = OutboundEmail.Status.FAILED
            outbound.save(update_fields=["attempts", "last_error", "status"])
            return OutboundEmail.Status(outbound.status)
        outbound.status = OutboundEmail.Status.SENT
        outbound.sent_at = timezone.now()
        outbound.save(update_fields=["attempts", "status", "sent_at"])
        return OutboundEmail.Status.SENT


def email_requeue_stale(*, older_than: timedelta) -> int:
    """Hand mail still queued after `older_than` to the workers again (a broker outage left it behind).
    Delivery is idempotent, so a mail that was merely slow is not sent twice."""
    from notifications.tasks import email_deliver

    cutoff = timezone.now() - older_than
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        email_deliver.delay(pk)
    return len(ids)

"""Delivering one queued account mail (the outbox): the write the worker makes (notifications.tasks runs it).

Apart from notifications.services so that the task module can import it: the service that queues a mail
imports the tasks, and the tasks import this module, so no two modules import each other.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
# What a secret-bearing mail's body becomes once it has been sent or has failed for good.
SCRUBBED_BODY = "[removed after sending: it contained a sign-in secret]"


def email_deliver(*, outbound_email_id: int) -> OutboundEmail.Status:
    """Send one queued email. Safe to run twice: a sent or failed email is left alone.

    The row is locked while it is sent, so two workers handed the same message do not both send it.
    If the process dies between the SMTP call and the commit, the mail may go out twice; for a
    notice that is the right side to err on (a lost verification mail strands the borrower).
    A mail carrying a sign-in secret loses its body in the save that marks it sent or failed for good.
    """
    with transaction.atomic(durable=True):
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
            fields = ["attempts", "last_error", "status"]
            if outbound.attempts >= MAX_EMAIL_ATTEMPTS:
                outbound.status = OutboundEmail.Status.FAILED
                fields += _scrub(outbound)
            outbound.save(update_fields=fields)
            return OutboundEmail.Status(outbound.status)
        outbound.status = OutboundEmail.Status.SENT
        outbound.sent_at = timezone.now()
        outbound.save(update_fields=["attempts", "status", "sent_at", *_scrub(outbound)])
        return OutboundEmail.Status.SENT


def _scrub(outbound: OutboundEmail) -> list[str]:
    """Erase the body of a secret-bearing mail that will not be sent again; the fields to save."""
    if not outbound.carries_secret:
        return []
    outbound.body_text = SCRUBBED_BODY
    outbound.body_html = ""
    return ["body_text", "body_html"]


def email_ids_stale(*, older_than: timedelta) -> list[int]:
    """The mail still queued after `older_than` (a broker outage left it behind), oldest first."""
    cutoff = timezone.now() - older_than
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

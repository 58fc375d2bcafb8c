import logging
from datetime import timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
# What a secret-bearing mail's body becomes once it has been sent or has failed for good.
SCRUBBED_BODY = "[removed after sending: it contained a sign-in secret]"
# allauth mails that only tell the reader something happened to their account. Every other allauth mail
# (password reset key or code, email confirmation, sign-in code, "unknown account" and "account already
# exists" with their links, and any a later allauth adds) is treated as carrying a sign-in secret.
ALLAUTH_NOTICES = frozenset(
    {
        "account/email/email_changed",
        "account/email/email_deleted",
        "account/email/password_changed",
        "account/email/password_reset",
        "account/email/password_set",
        "mfa/email/recovery_codes_generated",
        "mfa/email/totp_activated",
        "mfa/email/totp_deactivated",
        "mfa/email/webauthn_added",
        "mfa/email/webauthn_removed",
    }
)


def allauth_mail_carries_secret(template_prefix: str) -> bool:
    """Whether the allauth mail `template_prefix` may hold a key, a code or a link that lets its reader in."""
    return template_prefix not in ALLAUTH_NOTICES


def email_queue(*, message: EmailMessage, kind: str, carries_secret: bool = False) -> OutboundEmail:
    """Record `message` in the outbox and deliver it once the current transaction commits.

    `carries_secret`: the mail lets its reader in (a reset link, a confirmation key, a sign-in code). Its
    body is never shown in the admin, and is erased as soon as it is sent or has failed for good.
    """
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
        carries_secret=carries_secret,
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
    A mail carrying a sign-in secret loses its body in the save that marks it sent or failed for good.
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

"""Writes of the outbox: a mail is recorded here and handed to a worker once the transaction commits.

Delivering it (the worker's write) is notifications.services_delivery; handing it over is
notifications.tasks. This module imports the tasks, never the other way round.
"""

from django.core.mail import EmailMessage, EmailMultiAlternatives

from notifications import tasks
from notifications.models import OutboundEmail

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
    tasks.email_deliver_queue(outbound_email_id=outbound.pk)
    return outbound

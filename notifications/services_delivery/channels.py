"""Handing one message to its channel: SMS through the configured backend, email through Django's mail
backend, in-app by being stored (nothing to hand over). Errors come out as temporary or permanent."""

import hashlib
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import Message
from notifications.sms import SmsPermanentError, SmsTemporaryError, sms_backend
from notifications.unsubscribe import unsubscribe_url

EMAIL_PROVIDER = "email"


class ChannelError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code[:60]


class ChannelTemporaryError(ChannelError):
    """Try again later."""


class ChannelPermanentError(ChannelError):
    """Trying again will not help."""


def email_message_id(idempotency_key: str) -> str:
    """The same Message-ID for every attempt at one message, so a mail sent twice after a crash is one
    mail in the reader's client (and in the log)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "anxin.example"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}.message@{domain}>"


def _email_send(message: Message) -> tuple[str, str]:
    message_id = email_message_id(message.idempotency_key)
    headers = {"Message-ID": message_id}
    if message.purpose == Message.Purpose.MARKETING:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(message.user_id)}>"
    with translation.override(message.language):
        subject = message.subject or _("A message from Anxin")
    mail = EmailMultiAlternatives(
        subject=subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=headers,
    )
    try:
        mail.send()
    except BadHeaderError as exc:  # a subject with a line break: it will never go, however often tried
        raise ChannelPermanentError("bad_header", str(exc)) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise ChannelPermanentError("recipient_refused", str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        code = f"smtp_{exc.smtp_code}"
        if exc.smtp_code >= 500:
            raise ChannelPermanentError(code, str(exc.smtp_error)) from exc
        raise ChannelTemporaryError(code, str(exc.smtp_error)) from exc
    except Exception as exc:  # any other transport failure: the server may be back later
        raise ChannelTemporaryError("email_transport", str(exc)) from exc
    return EMAIL_PROVIDER, message_id


def _sms_send(message: Message) -> tuple[str, str]:
    backend = sms_backend()
    try:
        provider_id = backend.send(to=message.to, body=message.body, idempotency_key=message.idempotency_key)
    except SmsTemporaryError as exc:
        raise ChannelTemporaryError(exc.code, exc.detail) from exc
    except SmsPermanentError as exc:
        raise ChannelPermanentError(exc.code, exc.detail) from exc
    return backend.name, provider_id


def channel_send(message: Message) -> tuple[str, str]:
    """Send it; (provider, provider's message id). In-app: nothing to send, ("", "")."""
    if message.channel == Message.Channel.IN_APP:
        return "", ""
    if message.channel == Message.Channel.SMS:
        return _sms_send(message)
    if message.channel == Message.Channel.EMAIL:
        return _email_send(message)
    raise ChannelPermanentError("unknown_channel", message.channel)

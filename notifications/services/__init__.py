"""Writes of the notifications app: the account-mail outbox, and messages to borrowers on every channel
(write, cancel, release), the SMS provider's delivery reports. Delivering is notifications.services_delivery,
run by notifications.tasks."""

from notifications.services.marketing import marketing_body, marketing_opt_out_line
from notifications.services.messages import MessageDraft, messages_cancel, messages_release, messages_schedule
from notifications.services.outbox import ALLAUTH_NOTICES, allauth_mail_carries_secret, email_queue
from notifications.services_delivery import (
    ReceiptOutcome,
    ReleaseSummary,
    message_deliver,
    receipt_record,
)

__all__ = [
    "ALLAUTH_NOTICES",
    "MessageDraft",
    "ReceiptOutcome",
    "ReleaseSummary",
    "allauth_mail_carries_secret",
    "email_queue",
    "marketing_body",
    "marketing_opt_out_line",
    "message_deliver",
    "messages_cancel",
    "messages_release",
    "messages_schedule",
    "receipt_record",
]

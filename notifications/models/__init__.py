"""The notifications app's tables: the account-mail outbox, the messages sent to borrowers on every
channel (reminders, service notices, marketing), and each person's contact preferences and consent."""

from notifications.models.consent import ConsentIsAppendOnlyError, ConsentRecord
from notifications.models.messages import Message, ProviderReceipt
from notifications.models.outbox import OutboundEmail
from notifications.models.preferences import ContactPreference

__all__ = [
    "ConsentIsAppendOnlyError",
    "ConsentRecord",
    "ContactPreference",
    "Message",
    "OutboundEmail",
    "ProviderReceipt",
]

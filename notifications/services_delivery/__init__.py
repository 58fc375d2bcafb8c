"""The writes the workers make (notifications.tasks runs them): delivering account mail and messages,
releasing the messages whose time has come, and recording the SMS provider's delivery reports.

Apart from notifications.services so that the task module can import them: the services that queue
import the tasks, and the tasks import this package, so no two modules import each other.
"""

from notifications.services_delivery.email import (
    MAX_EMAIL_ATTEMPTS,
    SCRUBBED_BODY,
    email_deliver,
    email_ids_stale,
)
from notifications.services_delivery.messages import (
    MAX_MESSAGE_ATTEMPTS,
    STALE_AFTER,
    message_deliver,
    message_ids_stale,
    retry_countdown,
)
from notifications.services_delivery.receipts import ReceiptOutcome, receipt_record
from notifications.services_delivery.release import HandOver, ReleaseSummary, messages_release

__all__ = [
    "MAX_EMAIL_ATTEMPTS",
    "MAX_MESSAGE_ATTEMPTS",
    "SCRUBBED_BODY",
    "STALE_AFTER",
    "HandOver",
    "ReceiptOutcome",
    "ReleaseSummary",
    "email_deliver",
    "email_ids_stale",
    "message_deliver",
    "message_ids_stale",
    "messages_release",
    "receipt_record",
    "retry_countdown",
]

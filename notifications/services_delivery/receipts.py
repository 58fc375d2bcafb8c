"""The SMS provider's delivery reports: each stored once, and moving its message to delivered (or failed
when undeliverable). A report may arrive before the worker has written the provider's id on the
message; it is kept, and applied when the message is marked sent (`receipts_apply_waiting`)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Message, ProviderReceipt
from notifications.sms.receipts import DELIVERED, UNDELIVERABLE, ReceiptReport


@dataclass(frozen=True)
class ReceiptOutcome:
    stored: bool  # False: the provider repeated a report already stored (nothing changes)
    message_found: bool
    message_status: str


def receipt_apply(message: Message, *, status: str, error_code: str, at: datetime) -> bool:
    """Move a sent message on by one report; whether it changed. Saves it."""
    if message.status != Message.Status.SENT:
        return False
    if status in DELIVERED:
        message.status = Message.Status.DELIVERED
        message.delivered_at = at
        message.save(update_fields=["status", "delivered_at"])
        return True
    if status in UNDELIVERABLE:
        message.status = Message.Status.FAILED
        message.status_reason = f"undeliverable:{error_code}"[:60] if error_code else "undeliverable"
        message.save(update_fields=["status", "status_reason"])
        return True
    return False


def receipts_apply_waiting(message: Message, *, at: datetime) -> None:
    """Reports that came before the message was marked sent, oldest first (the caller holds the lock)."""
    if not message.provider_message_id:
        return
    waiting = ProviderReceipt.objects.filter(
        provider=message.provider, provider_message_id=message.provider_message_id
    ).order_by("received_at", "pk")
    for receipt in waiting:
        error_code = receipt.payload.get("error_code", "") if isinstance(receipt.payload, dict) else ""
        if receipt_apply(message, status=receipt.status, error_code=str(error_code or "")[:40], at=at):
            return


def receipt_record(*, provider: str, report: ReceiptReport, now: datetime | None = None) -> ReceiptOutcome:
    """Store one delivery report (a repeat of a stored one changes nothing) and apply it to its message."""
    moment = now or timezone.now()
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                ProviderReceipt.objects.create(
                    provider=provider,
                    receipt_id=report.receipt_id,
                    provider_message_id=report.provider_message_id,
                    status=report.status,
                    payload=report.payload,
                )
        except IntegrityError:
            return ReceiptOutcome(stored=False, message_found=False, message_status="")
        message = (
            Message.objects.select_for_update()
            .filter(provider=provider, provider_message_id=report.provider_message_id)
            .order_by("pk")
            .first()
        )
        if message is None:
            return ReceiptOutcome(stored=True, message_found=False, message_status="")
        receipt_apply(message, status=report.status, error_code=report.error_code, at=moment)
        return ReceiptOutcome(stored=True, message_found=True, message_status=str(message.status))

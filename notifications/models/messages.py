"""Messages to a borrower on a channel (SMS, email, in-app): the log of every one, and its outbox.

A message is written first (status `scheduled`, with the earliest time it may go), released when that
time comes and the contact rules still allow it (`queued`), handed to its channel by a task, and ends
`sent` (then `delivered` when the SMS provider confirms), `failed` (for good), `cancelled` (a pause made
it unwanted) or `suppressed` (the contact rules refused it: the reason is kept). In-app messages are
"sent" by being stored as readable; `read_at` is when the borrower opened them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _key() -> str:
    return uuid.uuid4().hex


class Message(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        EMAIL = "email", _("Email")
        IN_APP = "in_app", _("In the app")

    class Purpose(models.TextChoices):
        # A message about the borrower's own loans or requests (reminders, decisions): quiet hours and
        # the daily cap apply, consent is not needed, the channel preferences are followed.
        SERVICE = "service", _("Service")
        # Offers and news: only with recorded consent, and every one carries a way to say no more.
        MARKETING = "marketing", _("Marketing")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        SUPPRESSED = "suppressed", _("Not sent (contact rules)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="messages"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.SERVICE)
    # What made it: "reminder:overdue_7", "hardship:news", "marketing:<campaign>".
    template = models.CharField(_("template"), max_length=100)
    # What it is about, so a pause can cancel what is still waiting: a loan reference, an application.
    topic = models.CharField(_("about"), max_length=64, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # The address it goes to, fixed when it is written: the borrower's own phone or email; empty in-app.
    to = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    # The recipient's time zone when it was written: quiet hours and the day of the cap are theirs.
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Why it was suppressed, cancelled, deferred or failed: "quiet_hours", "daily_cap", "promise",
    # "hardship", "no_consent", "channel_off", "no_address", or the provider's permanent error code.
    status_reason = models.CharField(_("reason"), max_length=60, blank=True)
    send_after = models.DateTimeField(_("not before"))
    # Lower goes first when several are released together and the daily cap leaves room for only some.
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    # One logical message, one key: the writer's dedupe key ("reminder:overdue_7:AX-1001:2026-11-29:sms"),
    # also sent to the provider as its idempotency key, so a retry after a crash is never a second text.
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True, default=_key)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # When the last attempt to send it began: a message still `sending` long after (its worker died
    # mid-send) is handed over again, with the same idempotency key.
    attempted_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["user", "channel", "read_at"]),
            models.Index(fields=["user", "sent_at"]),
            # The daily cap counts a borrower's messages by the time they were queued.
            models.Index(fields=["user", "queued_at"]),
            # A delivery receipt finds its message by the provider's id.
            models.Index(fields=["provider", "provider_message_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["sent", "delivered"]) | models.Q(sent_at__isnull=False),
                name="notifications_message_sent_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(channel="in_app")
                | ~models.Q(to="")
                | ~models.Q(status__in=["sent", "delivered"]),
                name="notifications_message_sent_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.template} → {self.user_id} ({self.status})"


class ProviderReceipt(models.Model):
    """One delivery report from the SMS provider, stored once however often the provider repeats it."""

    provider = models.CharField(_("provider"), max_length=40)
    receipt_id = models.CharField(_("receipt id"), max_length=100)
    provider_message_id = models.CharField(_("provider's message id"), max_length=100, db_index=True)
    status = models.CharField(_("status"), max_length=40)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    payload = models.JSONField(_("what the provider sent"), default=dict)

    class Meta:
        verbose_name = _("provider receipt")
        verbose_name_plural = _("provider receipts")
        constraints = [
            models.UniqueConstraint(fields=["provider", "receipt_id"], name="notifications_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.receipt_id} {self.status}"

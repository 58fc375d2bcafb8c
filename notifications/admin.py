from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdminMixin
from core.text import email_masked, phone_masked
from notifications.models import ConsentRecord, Message, OutboundEmail, ProviderReceipt

# What the admin shows of a mail that carries a sign-in secret: who (masked), what kind, and how delivery
# went. Not its subject or body, and not the transport's error text, which could quote the message.
SECRET_FIELDS = ("kind", "recipients", "status", "attempts", "created_at", "sent_at")
FIELDS = (
    "kind",
    "recipients",
    "from_email",
    "subject",
    "body_text",
    "body_html",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "sent_at",
)
BODY_FIELDS = ("body_text", "body_html")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[OutboundEmail]):
    """The delivery log: read-only, so what the log says was sent is what was sent.

    A mail that carries a sign-in secret (a password-reset link, a confirmation key, a sign-in code) shows
    no body to anyone, superusers included: whoever read it could sign in as the borrower. Its body is
    erased once it is sent (notifications.services); until then only the worker reads it.
    """

    list_display = ("created_at", "kind", "recipients", "subject_shown", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("subject", "to")
    date_hierarchy = "created_at"
    readonly_fields = FIELDS

    def get_fields(self, request: HttpRequest, obj: OutboundEmail | None = None) -> Any:
        return SECRET_FIELDS if obj is None or obj.carries_secret else FIELDS

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # ?body_text__contains=… would let anyone with the list guess a queued key letter by letter.
        if lookup.split("__", 1)[0] in BODY_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=gettext_lazy("recipients"))
    def recipients(self, obj: OutboundEmail) -> str:
        return obj.recipients_shown

    @admin.display(description=gettext_lazy("subject"), ordering="subject")
    def subject_shown(self, obj: OutboundEmail) -> str:
        return _("(hidden)") if obj.carries_secret else obj.subject


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ConsentRecord]):
    """Who agreed to offers and news, and when they changed their mind: read-only, it is the proof."""

    list_display = ("user", "purpose", "granted", "recorded_at", "source")
    list_filter = ("purpose", "granted", "source")
    search_fields = ("=user__email",)
    list_select_related = ("user",)
    fields = ("user", "purpose", "granted", "recorded_at", "source", "ip_address")
    readonly_fields = fields


MESSAGE_FIELDS = (
    "user",
    "channel",
    "purpose",
    "template",
    "topic",
    "language",
    "to_shown",
    "subject",
    "body",
    "link",
    "time_zone",
    "status",
    "status_reason",
    "send_after",
    "priority",
    "attempts",
    "last_error",
    "provider",
    "provider_message_id",
    "idempotency_key",
    "created_at",
    "queued_at",
    "attempted_at",
    "sent_at",
    "delivered_at",
    "read_at",
)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Message]):
    """Every message to a borrower on every channel, and what became of it: read-only, the log is the
    record of who was contacted when (and why not, when the contact rules held one back). A message's
    text is shown: no sign-in secret ever goes through a message (those are account mail, above)."""

    list_display = (
        "created_at",
        "user",
        "channel",
        "purpose",
        "template",
        "topic",
        "status",
        "status_reason",
        "attempts",
        "send_after",
        "sent_at",
    )
    list_filter = ("status", "channel", "purpose", "status_reason")
    search_fields = ("=user__email", "=topic", "=idempotency_key", "=provider_message_id", "template")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    fields = MESSAGE_FIELDS
    readonly_fields = MESSAGE_FIELDS

    @admin.display(description=gettext_lazy("to"))
    def to_shown(self, obj: Message) -> str:
        """The address masked, as everywhere staff read it: Support sees the whole number only on the
        call screen, once a call is started (and recorded)."""
        if not obj.to:
            return ""
        return email_masked(obj.to) if obj.channel == Message.Channel.EMAIL else phone_masked(obj.to)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # ?to=13800138000 or ?to__startswith=138 would find whose number it is.
        if lookup.split("__", 1)[0] in {"to", "body", "subject"}:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(ProviderReceipt)
class ProviderReceiptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ProviderReceipt]):
    """The SMS provider's delivery reports, each stored once however often it was repeated."""

    list_display = ("received_at", "provider", "receipt_id", "provider_message_id", "status")
    list_filter = ("provider", "status")
    search_fields = ("=receipt_id", "=provider_message_id")
    date_hierarchy = "received_at"
    fields = ("provider", "receipt_id", "provider_message_id", "status", "received_at", "payload")
    readonly_fields = fields

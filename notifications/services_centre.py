"""The borrower's own writes on their messages: opening one (it is then read), marking them all read,
their message settings (service channels and the marketing answer), and the unsubscribe link's "no more
offers". Each is one transaction; the settings and the unsubscribe write their audit rows in it.

Delivering messages is notifications.services (and services_delivery); this module never sends.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.http import client_ip
from core.services import audit_record
from notifications.models import ContactPreference, Message
from notifications.selectors.centre import SHOWN_STATUSES
from notifications.services_consent import ConsentPurpose, ConsentSource, consent_record

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class SettingsSaved:
    channels_changed: bool
    marketing_changed: bool

    @property
    def anything(self) -> bool:
        return self.channels_changed or self.marketing_changed


@transaction.atomic(durable=True)
def message_open(*, user: "User", message_id: int) -> str | None:
    """Mark one of the borrower's shown in-app messages read (once: opening it again keeps the first
    time) and hand back its link ("" when it has none). None when the message is not theirs, not in-app
    or was never shown: the view answers 404, the same for each. Two queries."""
    shown = Message.objects.filter(
        pk=message_id, user=user, channel=Message.Channel.IN_APP, status__in=SHOWN_STATUSES
    )
    link: str | None = shown.values_list("link", flat=True).first()
    if link is None:
        return None
    shown.filter(read_at__isnull=True).update(read_at=timezone.now())
    return link


@transaction.atomic(durable=True)
def messages_mark_all_read(*, user: "User") -> int:
    """Mark every shown in-app message of the borrower read; how many were unread. One query."""
    return Message.objects.filter(
        user=user, channel=Message.Channel.IN_APP, status__in=SHOWN_STATUSES, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic(durable=True)
def contact_settings_save(
    *, user: "User", sms: bool, email: bool, marketing: bool, request: HttpRequest | None = None
) -> SettingsSaved:
    """Save the message settings page: the service channels (in-app is always kept) and the answer to
    marketing (a new consent record, source "preferences_page", only when the answer changes). The
    preference row is locked while it changes; each change writes its audit row."""
    preference, _created = ContactPreference.objects.select_for_update().get_or_create(user=user)
    channels_changed = (preference.sms, preference.email) != (sms, email)
    if channels_changed:
        preference.sms, preference.email = sms, email
        preference.save(update_fields=["sms", "email", "updated_at"])
        audit_record(
            action="notifications.channels_changed",
            actor=user,
            target=preference,
            data={"sms": sms, "email": email},
            request=request,
        )
    record = consent_record(
        user=user,
        granted=marketing,
        source=ConsentSource.PREFERENCES_PAGE,
        ip_address=client_ip(request) if request is not None else None,
    )
    if record is not None:
        audit_record(
            action="notifications.consent_given" if marketing else "notifications.consent_withdrawn",
            actor=user,
            target=record,
            data={"purpose": ConsentPurpose.MARKETING, "source": ConsentSource.PREFERENCES_PAGE},
            request=request,
        )
    return SettingsSaved(channels_changed=channels_changed, marketing_changed=record is not None)


@transaction.atomic(durable=True)
def marketing_unsubscribe(*, user_id: int, request: HttpRequest | None = None) -> bool | None:
    """The unsubscribe link's "send me no more offers": record the withdrawal (source "unsubscribe"),
    audited with the account the signed link names as its actor. True when it was recorded, False when
    the answer was already no, None when the account no longer exists."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    record = consent_record(
        user=user,
        granted=False,
        source=ConsentSource.UNSUBSCRIBE,
        ip_address=client_ip(request) if request is not None else None,
    )
    if record is None:
        return False
    audit_record(
        action="notifications.consent_withdrawn",
        actor=user,
        target=record,
        data={"purpose": ConsentPurpose.MARKETING, "source": ConsentSource.UNSUBSCRIBE},
        request=request,
    )
    return True

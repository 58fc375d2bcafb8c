"""Recording a person's answer to "may we send you offers and news" (the privacy page, the message
settings page, a marketing message's unsubscribe link, and the account's closing all come here)."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from notifications.models import ConsentRecord

if TYPE_CHECKING:
    from accounts.models import User

# For the apps above, which may not import notifications.models.
ConsentPurpose = ConsentRecord.Purpose
ConsentSource = ConsentRecord.Source
CONSENT_PURPOSES = frozenset(ConsentRecord.Purpose.values)
CONSENT_SOURCES = frozenset(ConsentRecord.Source.values)


def consent_record(
    *,
    user: "User",
    granted: bool,
    source: str,
    purpose: str = ConsentRecord.Purpose.MARKETING,
    ip_address: str | None = None,
    at: datetime | None = None,
) -> ConsentRecord | None:
    """Add the answer, timestamped. The same answer as the current one adds nothing (None). The caller
    holds the transaction and writes the audit row."""
    if purpose not in CONSENT_PURPOSES:
        raise ApplicationError(_("Unknown purpose."), code="bad_purpose")
    if source not in CONSENT_SOURCES:
        raise ApplicationError(_("Unknown source."), code="bad_source")
    latest = ConsentRecord.objects.filter(user=user, purpose=purpose).order_by("-recorded_at", "-id").first()
    if latest is not None and latest.granted == granted:
        return None
    if latest is None and not granted and source == ConsentRecord.Source.ACCOUNT_DELETION:
        return None  # never agreed: nothing to withdraw
    return ConsentRecord.objects.create(
        user=user,
        purpose=purpose,
        granted=granted,
        recorded_at=at or timezone.now(),
        source=source,
        ip_address=ip_address,
    )

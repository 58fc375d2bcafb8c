"""What the release of messages reads, in one query each whatever the number of people: the channels
people turned off, and the messages that count against their daily cap."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from notifications.models import ContactPreference, Message

# The statuses that count against the daily cap (contact_rules.DAILY_CAP): what was handed over.
CAP_COUNTED = (Message.Status.QUEUED, Message.Status.SENDING, Message.Status.SENT, Message.Status.DELIVERED)


def channels_turned_off(*, user_ids: Iterable[int]) -> Mapping[int, frozenset[str]]:
    """Person → the service channels they turned off ("sms", "email"); someone with no preference row
    has every channel on and is absent. In-app is always on. One query."""
    off: dict[int, frozenset[str]] = {}
    rows = ContactPreference.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "sms", "email")
    for user_id, sms, email in rows:
        channels = frozenset(name for name, on in (("sms", sms), ("email", email)) if not on)
        if channels:
            off[user_id] = channels
    return off


def cap_counted_times(
    *, user_ids: Iterable[int], start: datetime, end: datetime
) -> Mapping[int, tuple[datetime, ...]]:
    """Person → when each of their messages that counts against the cap was queued, between `start`
    (included) and `end` (excluded). One query."""
    times: dict[int, list[datetime]] = {}
    rows = Message.objects.filter(
        user_id__in=list(user_ids),
        status__in=CAP_COUNTED,
        queued_at__gte=start,
        queued_at__lt=end,
    ).values_list("user_id", "queued_at")
    for user_id, queued_at in rows:
        if queued_at is not None:
            times.setdefault(user_id, []).append(queued_at)
    return {user_id: tuple(sorted(found)) for user_id, found in times.items()}

"""Reads of the notifications app (never its services)."""

from notifications.selectors.centre import (
    CENTRE_PAGE_SIZE,
    ContactSettings,
    InboxMessage,
    InboxPage,
    UnreadCount,
    contact_settings,
    inbox_page,
    unread_count,
    unsubscribe_status,
)
from notifications.selectors.consent import (
    ConsentView,
    consent_export_rows,
    consent_granted_user_ids,
    consent_history,
)
from notifications.selectors.delivery import CAP_COUNTED, cap_counted_times, channels_turned_off

__all__ = [
    "CAP_COUNTED",
    "ConsentView",
    "cap_counted_times",
    "channels_turned_off",
    "consent_export_rows",
    "consent_granted_user_ids",
    "consent_history",
]
# The notification centre, the header's unread count, the message settings and unsubscribe pages.
__all__ += [
    "CENTRE_PAGE_SIZE",
    "ContactSettings",
    "InboxMessage",
    "InboxPage",
    "UnreadCount",
    "contact_settings",
    "inbox_page",
    "unread_count",
    "unsubscribe_status",
]

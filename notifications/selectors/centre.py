"""What the borrower sees of their messages: the notification centre, the unread count in the header,
and their message settings.

The centre lists the in-app messages that have been delivered to the site (`sent` or `delivered`):
a message still scheduled, cancelled by a pause or refused by the contact rules was never shown, so it
is not there. Everything is read in a fixed number of queries, whatever the number of messages.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import QuerySet

from notifications.contact_rules import zone
from notifications.models import ConsentRecord, ContactPreference, Message

CENTRE_PAGE_SIZE = 20
# The header shows "99+" past this: counting stops there, so the query's cost has a ceiling too.
UNREAD_SHOWN_MAX = 99
SHOWN_STATUSES = (Message.Status.SENT, Message.Status.DELIVERED)
INBOX_FIELDS = ("pk", "subject", "body", "link", "sent_at", "time_zone", "read_at")


@dataclass(frozen=True)
class InboxMessage:
    id: int
    subject: str
    body: str
    link: str
    sent_at: datetime | None
    time_zone: str  # the recipient's, when it was written (a valid IANA name): the page shows times in it
    unread: bool


@dataclass(frozen=True)
class InboxPage:
    messages: tuple[InboxMessage, ...]
    number: int
    num_pages: int
    total: int
    unread: "UnreadCount"

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


@dataclass(frozen=True)
class UnreadCount:
    count: int  # at most UNREAD_SHOWN_MAX + 1

    @property
    def any(self) -> bool:
        return self.count > 0

    @property
    def shown(self) -> str:
        """The figure in the badge: "3", or "99+" past the ceiling."""
        return f"{UNREAD_SHOWN_MAX}+" if self.count > UNREAD_SHOWN_MAX else str(self.count)


@dataclass(frozen=True)
class ContactSettings:
    sms: bool
    email: bool
    marketing: bool  # the latest answer to marketing is yes


def _in_app(user_id: int) -> "QuerySet[Message]":
    return Message.objects.filter(user_id=user_id, channel=Message.Channel.IN_APP, status__in=SHOWN_STATUSES)


def unread_count(*, user_id: int) -> UnreadCount:
    """The borrower's unread in-app messages, counted up to UNREAD_SHOWN_MAX + 1. One query, on the
    (user, channel, read_at) index; it stops counting at the ceiling however many there are."""
    unread = _in_app(user_id).filter(read_at__isnull=True).order_by().values("pk")[: UNREAD_SHOWN_MAX + 1]
    return UnreadCount(count=Message.objects.filter(pk__in=unread).count())


def inbox_page(*, user_id: int, page: str | int | None = 1) -> InboxPage:
    """One page of the centre, newest first (`page` as the query string gives it: anything that is not
    a page number shows the first page, a number past the end the last). Three queries: the count, the
    page, and the unread count."""
    rows = _in_app(user_id).order_by("-sent_at", "-id").only(*INBOX_FIELDS)
    paginator = Paginator(rows, CENTRE_PAGE_SIZE, allow_empty_first_page=True)
    current = paginator.get_page(page)
    return InboxPage(
        messages=tuple(
            InboxMessage(
                id=message.pk,
                subject=message.subject,
                body=message.body,
                link=message.link,
                sent_at=message.sent_at,
                time_zone=zone(message.time_zone).key,
                unread=message.read_at is None,
            )
            for message in current.object_list
        ),
        number=current.number,
        num_pages=paginator.num_pages,
        total=paginator.count,
        unread=unread_count(user_id=user_id),
    )


def contact_settings(*, user_id: int) -> ContactSettings:
    """The person's service channels (no row yet: both on) and their current marketing answer. Two
    queries."""
    preference = ContactPreference.objects.filter(user_id=user_id).values("sms", "email").first()
    return ContactSettings(
        sms=preference["sms"] if preference else True,
        email=preference["email"] if preference else True,
        marketing=_marketing_granted(user_id),
    )


def _marketing_granted(user_id: int) -> bool:
    latest = (
        ConsentRecord.objects.filter(user_id=user_id, purpose=ConsentRecord.Purpose.MARKETING)
        .order_by("-recorded_at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(latest)


def unsubscribe_status(*, user_id: int) -> bool | None:
    """For the unsubscribe page: whether the account the link names still agrees to marketing; None
    when there is no such account. Two queries."""
    if not get_user_model().objects.filter(pk=user_id).exists():
        return None
    return _marketing_granted(user_id)

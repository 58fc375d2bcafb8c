"""Reads for the help pages: how to reach the lender and how to repay, and the borrower's own messages.

Queries: contact details 1; with the repayment accounts and channels 3; a borrower's messages 1.
"""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from portal.models import ContactDetails, RepaymentAccount, RepaymentChannel, SupportMessage

MESSAGES_LISTED = 50


@dataclass(frozen=True)
class ServiceLine:
    """The phone, when it answers, and how soon a message is answered, in the current language."""

    phone: str
    phone_href: str  # for a tel: link, digits only
    hours: str
    reply_time: str


@dataclass(frozen=True)
class AccountView:
    account_name: str
    account_number: str
    bank: str


@dataclass(frozen=True)
class ChannelView:
    name: str
    how: str


@dataclass(frozen=True)
class HowToRepay:
    accounts: tuple[AccountView, ...]
    channels: tuple[ChannelView, ...]


@dataclass(frozen=True)
class MessageView:
    pk: int
    topic: str
    topic_label: str
    body: str
    loan_reference: str | None
    status: str
    status_label: str
    sent_at: datetime
    reply: str
    answered_at: datetime | None


def service_line() -> ServiceLine | None:
    """The service line as staff set it, in the current language; None if there is none. One query."""
    details = ContactDetails.objects.filter(pk=ContactDetails.SINGLETON_PK).first()
    if details is None:
        return None
    return ServiceLine(
        phone=details.service_phone,
        phone_href="".join(c for c in details.service_phone if c.isdigit() or c == "+"),
        hours=details.hours,
        reply_time=details.reply_time,
    )


def how_to_repay() -> HowToRepay:
    """The official accounts and channels shown to borrowers, in staff's order. Two queries."""
    return HowToRepay(
        accounts=tuple(
            AccountView(account_name=a.account_name, account_number=a.account_number, bank=a.bank)
            for a in RepaymentAccount.objects.filter(is_shown=True)
        ),
        channels=tuple(
            ChannelView(name=c.name, how=c.how) for c in RepaymentChannel.objects.filter(is_shown=True)
        ),
    )


def _message_view(message: SupportMessage) -> MessageView:
    return MessageView(
        pk=message.pk,
        topic=message.topic,
        topic_label=str(message.get_topic_display()),
        body=message.body,
        loan_reference=message.loan.reference if message.loan else None,
        status=message.status,
        status_label=str(message.get_status_display()),
        sent_at=message.sent_at,
        reply=message.reply,
        answered_at=message.answered_at,
    )


def borrower_messages(*, user: User) -> list[MessageView]:
    """The account's own messages, newest first (the latest MESSAGES_LISTED). One query."""
    messages = SupportMessage.objects.filter(user=user).select_related("loan")[:MESSAGES_LISTED]
    return [_message_view(m) for m in messages]


def borrower_message(*, user: User, pk: int) -> MessageView | None:
    """One of the account's own messages, or None (also for someone else's). One query."""
    message = SupportMessage.objects.filter(user=user, pk=pk).select_related("loan").first()
    return _message_view(message) if message is not None else None

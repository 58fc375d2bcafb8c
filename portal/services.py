"""Writes of the portal: a borrower's message to staff, and Support answering or closing it.

A message moves open → answered → closed (or open → closed) by one service each way, refused when the
transition table (NEXT_STATUSES) does not allow it; each move writes an audit row without the text (the
text is the borrower's, and stays in its own row). Sending is limited per account, so the form cannot be
used to flood the Support queue. When Support writes an answer, the borrower gets a short mail in their
language that only says so and links to the message: the answer itself stays behind the sign-in.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from borrowers.selectors.lookups import borrower_preferred_language
from core.exceptions import ApplicationError
from core.services import audit_record
from core.text import forbidden_character
from notifications.services import email_queue
from portal.models import SupportMessage

if TYPE_CHECKING:
    from accounts.models import User
    from borrowers.models import Loan

Status = SupportMessage.Status

BODY_MIN_CHARS = 5
BODY_MAX_CHARS = 2000
REPLY_MAX_CHARS = 4000
# Enough for a borrower who writes again the same day, not for a script.
MESSAGES_PER_HOUR = 5
MESSAGES_PER_DAY = 20
ANSWER_PERMISSION = "portal.change_supportmessage"

NEXT_STATUSES: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.ANSWERED, Status.CLOSED}),
    Status.ANSWERED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def support_message_send(
    *, user: "User", topic: str, body: str, loan: "Loan | None" = None
) -> SupportMessage:
    """Record a signed-in borrower's message. `loan` must be one of their own (the form offers only
    those; checked again here). Refused past MESSAGES_PER_HOUR in an hour or MESSAGES_PER_DAY in a day."""
    body = body.strip()
    if topic not in SupportMessage.Topic.values:
        raise ApplicationError(_("Choose what your message is about."), code="bad_topic")
    if not BODY_MIN_CHARS <= len(body) <= BODY_MAX_CHARS:
        raise ApplicationError(
            _("Write between %(min)d and %(max)d characters.")
            % {"min": BODY_MIN_CHARS, "max": BODY_MAX_CHARS},
            code="bad_length",
        )
    if forbidden_character(body, allow_line_breaks=True) is not None:
        raise ApplicationError(
            _("Your message contains invisible control characters. Please type it again without them."),
            code="control_characters",
        )
    if loan is not None and getattr(loan.borrower, "user_id", None) != user.pk:
        raise ApplicationError(_("Choose one of your own loans."), code="not_your_loan")
    with transaction.atomic(durable=True):
        get_user_model().objects.select_for_update().get(pk=user.pk)  # one send at a time per account
        now = timezone.now()
        recent = SupportMessage.objects.filter(user=user, sent_at__gte=now - timedelta(days=1))
        if (
            recent.count() >= MESSAGES_PER_DAY
            or recent.filter(sent_at__gte=now - timedelta(hours=1)).count() >= MESSAGES_PER_HOUR
        ):
            raise ApplicationError(
                _(
                    "You have sent us several messages in a short time. We will answer them; please wait "
                    "for our answer, or call us if it is urgent."
                ),
                code="too_many",
            )
        message = SupportMessage.objects.create(user=user, loan=loan, topic=topic, body=body)
        audit_record(
            action="support_message.sent",
            actor=user,
            target=message,
            data={"topic": topic, "loan": loan.reference if loan is not None else None},
        )
    return message


def _move(
    *, message_id: int, staff: "User", to: str, reply: str, request: HttpRequest | None = None
) -> SupportMessage:
    if not staff.has_perm(ANSWER_PERMISSION):
        raise ApplicationError(_("You do not have the right to do that."), code="forbidden")
    reply = reply.strip()
    if len(reply) > REPLY_MAX_CHARS:
        raise ApplicationError(
            _("Keep the answer under %(max)d characters.") % {"max": REPLY_MAX_CHARS}, code="bad_length"
        )
    with transaction.atomic(durable=True):
        message = SupportMessage.objects.select_for_update().get(pk=message_id)
        previous = message.status
        if to not in NEXT_STATUSES[previous]:
            raise ApplicationError(
                _("A message that is “%(status)s” cannot be changed that way.")
                % {"status": message.get_status_display()},
                code="bad_transition",
            )
        now = timezone.now()
        if reply:
            # An answer given when closing comes after the earlier one; neither is lost.
            message.reply = f"{message.reply}\n\n{reply}" if message.reply else reply
            message.answered_by = staff
            message.answered_at = now
        if to == Status.ANSWERED and not message.reply:
            raise ApplicationError(_("Write the answer the borrower will read."), code="reply_required")
        message.status = to
        if to == Status.CLOSED:
            message.closed_at = now
        message.save()
        audit_record(
            action="support_message.answered" if to == Status.ANSWERED else "support_message.closed",
            actor=staff,
            target=message,
            data={"from": previous, "to": to, "replied": bool(reply)},
            request=request,
        )
        if reply:
            _answer_notice_queue(message=message, request=request)
    return message


def _answer_notice_queue(*, message: SupportMessage, request: HttpRequest | None = None) -> None:
    """Tell the borrower there is an answer, in their language, with a link to it; sent once the caller's
    transaction commits. Not the answer (nor the topic): whoever reads the mailbox learns no more than that
    the lender wrote back. Without a request (a shell) there is no host, and the link is the path alone."""
    language = borrower_preferred_language(user_id=message.user_id)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("portal:help_message", args=[message.pk])
        url = build_absolute_uri(request, path) if request is not None else path
        subject = _("We have answered your message")
        body = _(
            "Hello,\n\n"
            "We have answered your message #%(number)d.\n\n"
            "To read our answer, sign in to %(site)s and open:\n"
            "%(url)s\n\n"
            "The answer is not in this mail, so that only you can read it."
        ) % {"number": message.pk, "site": _("Anxin"), "url": url}
        mail = EmailMessage(
            subject=f"[{_('Anxin')}] {subject}",
            body=f"{body}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.user.email],
        )
    email_queue(message=mail, kind="support_message_answered")


def support_message_answer(
    *, message_id: int, staff: "User", reply: str, request: HttpRequest | None = None
) -> SupportMessage:
    """Support answers an open message; the borrower reads the answer on their messages page, and gets a
    mail that says so."""
    return _move(message_id=message_id, staff=staff, to=Status.ANSWERED, reply=reply, request=request)


def support_message_close(
    *, message_id: int, staff: "User", reply: str = "", request: HttpRequest | None = None
) -> SupportMessage:
    """Support closes a message (answered, or needing no answer); a closed message stays closed. An answer
    given with it is shown to the borrower too, and mailed about like an answer."""
    return _move(message_id=message_id, staff=staff, to=Status.CLOSED, reply=reply, request=request)

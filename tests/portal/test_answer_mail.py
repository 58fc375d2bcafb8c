"""When Support answers a borrower's message, the borrower hears of it by mail (issue 8).

The mail is in the borrower's language (their profile's, else Chinese), says there is an answer and links
to the message; the answer itself stays behind the sign-in. Closing without an answer sends nothing.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.exceptions import ApplicationError
from notifications.models import OutboundEmail
from portal import services
from portal.models import SupportMessage
from tests.borrowers.factories import make_borrower
from tests.conftest import make_user
from tests.portal.test_help import _setup, support_agent  # noqa: F401  (the Support group, the demo data)

pytestmark = pytest.mark.django_db

ANSWER = "We will call you tomorrow at 10:00."


def borrower_message(email: str = "me@example.com", *, language: str | None = None) -> SupportMessage:
    user = make_user(email)
    if language is not None:
        profile = make_borrower(user)
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])
    return services.support_message_send(user=user, topic="cannot_pay", body="I lost my job.")


def answer_in_admin(message: SupportMessage, action: str, reply: str) -> None:
    staff = Client()
    staff.cookies["django_language"] = "en"  # the agent's language is not the borrower's
    staff.force_login(support_agent())
    response = staff.post(
        reverse("admin:portal_supportmessage_answer", args=[message.pk]), {"action": action, "reply": reply}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_answering_mails_the_borrower_a_link_in_their_language(django_capture_on_commit_callbacks) -> None:
    message = borrower_message(language="en")

    with django_capture_on_commit_callbacks(execute=True):
        answer_in_admin(message, "answer", ANSWER)

    (outbound,) = OutboundEmail.objects.all()
    assert (outbound.kind, outbound.to, outbound.status) == (
        "support_message_answered",
        ["me@example.com"],
        "sent",
    )
    (sent,) = mail.outbox
    assert sent.to == ["me@example.com"]
    assert sent.subject == "[Anxin] We have answered your message"
    assert f"http://testserver/help/messages/{message.pk}/" in sent.body
    assert f"We have answered your message #{message.pk}." in sent.body
    assert ANSWER not in sent.body
    assert "I lost my job." not in sent.body
    assert "pay" not in sent.body.lower()  # not even the topic ("I cannot pay on time")


def test_a_borrower_without_a_stored_language_is_mailed_in_chinese(
    django_capture_on_commit_callbacks,
) -> None:
    message = borrower_message()

    with django_capture_on_commit_callbacks(execute=True):
        answer_in_admin(message, "answer", ANSWER)

    (sent,) = mail.outbox
    assert sent.subject == "[安心] 我们已回复你的留言"
    assert f"我们已回复你的留言 #{message.pk}。" in sent.body
    assert f"http://testserver/help/messages/{message.pk}/" in sent.body
    assert "answered" not in sent.body


def test_a_chinese_preference_wins_over_the_agents_english(django_capture_on_commit_callbacks) -> None:
    message = borrower_message(language="zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        answer_in_admin(message, "answer", ANSWER)

    (sent,) = mail.outbox
    assert "请登录安心" in sent.body


def test_the_mail_is_queued_only_when_the_answer_commits(django_capture_on_commit_callbacks) -> None:
    message = borrower_message()
    agent = support_agent()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.support_message_answer(message_id=message.pk, staff=agent, reply=ANSWER)
        assert OutboundEmail.objects.get().status == OutboundEmail.Status.QUEUED
        assert len(mail.outbox) == 0
    assert len(callbacks) == 1

    with pytest.raises(ApplicationError):
        services.support_message_answer(message_id=message.pk, staff=agent, reply="Again")
    assert OutboundEmail.objects.count() == 1


def test_closing_without_an_answer_sends_nothing(django_capture_on_commit_callbacks) -> None:
    message = borrower_message()

    with django_capture_on_commit_callbacks(execute=True):
        answer_in_admin(message, "close", "")

    assert not OutboundEmail.objects.exists()
    assert len(mail.outbox) == 0


def test_closing_with_an_answer_mails_the_borrower_once(django_capture_on_commit_callbacks) -> None:
    message = borrower_message(language="en")

    with django_capture_on_commit_callbacks(execute=True):
        answer_in_admin(message, "close", "No need to worry, it is settled.")

    (sent,) = mail.outbox
    assert f"/help/messages/{message.pk}/" in sent.body
    assert "settled" not in sent.body

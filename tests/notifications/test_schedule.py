"""Writing messages (bulk, idempotent, a fixed number of queries), cancelling them for a pause, and the
signed unsubscribe link every marketing message carries."""

from datetime import datetime
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone

from notifications.models import Message
from notifications.services import MessageDraft, marketing_body, messages_cancel, messages_schedule
from notifications.unsubscribe import unsubscribe_path, unsubscribe_token, unsubscribe_user_id
from tests.conftest import make_user
from tests.notifications.messages_helpers import draft, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def me() -> Any:
    return make_user("schedule@example.com")


def test_writing_the_same_drafts_twice_adds_nothing_the_second_time(me: Any) -> None:
    drafts = [draft(me, idempotency_key=f"reminder:before_1:AX-1:{n}:sms") for n in range(5)]
    assert messages_schedule(drafts=drafts) == 5
    assert messages_schedule(drafts=drafts) == 0
    assert messages_schedule(drafts=[*drafts, draft(me, idempotency_key="reminder:new")]) == 1
    assert Message.objects.count() == 6
    assert set(Message.objects.values_list("status", flat=True)) == {"scheduled"}


def test_a_key_twice_in_one_call_is_one_message(me: Any) -> None:
    one = draft(me, idempotency_key="dup")
    assert messages_schedule(drafts=[one, draft(me, idempotency_key="dup", body="other")]) == 1
    assert Message.objects.get().body == one.body


def test_the_draft_is_written_as_given(me: Any) -> None:
    send_after = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_current_timezone())
    message = schedule(
        me,
        channel="email",
        to=" schedule@example.com ",
        subject="Due tomorrow",
        link="/loans/AX-1001/",
        time_zone="Asia/Urumqi",
        priority=20,
        send_after=send_after,
        language="zh-hans",
    )
    assert (message.channel, message.to, message.subject, message.link) == (
        "email",
        "schedule@example.com",
        "Due tomorrow",
        "/loans/AX-1001/",
    )
    assert (message.time_zone, message.priority, message.send_after) == ("Asia/Urumqi", 20, send_after)
    assert (message.status, message.purpose, message.topic) == ("scheduled", "service", "AX-1001")


# SQLite takes at most 999 parameters a statement, so Django splits an insert every 37 messages there;
# on PostgreSQL one insert takes any number.
@pytest.mark.parametrize("size", [1, 30])
def test_scheduling_takes_the_same_queries_for_one_draft_or_thirty(
    me: Any, size: int, django_assert_num_queries: Any
) -> None:
    drafts = [draft(me) for _ in range(size)]
    with django_assert_num_queries(4):  # savepoint, the keys already there, the insert, release
        assert messages_schedule(drafts=drafts) == size


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("channel", "fax"),
        ("purpose", "spam"),
        ("language", "fr"),
        ("body", ""),
        ("idempotency_key", ""),
        ("idempotency_key", "k" * 121),
        ("send_after", datetime(2026, 3, 10, 9, 0)),  # naive on purpose
        ("link", "https://evil.example/"),
        ("link", "//evil.example/"),
    ],
)
def test_a_bad_draft_is_refused_and_nothing_is_written(me: Any, field: str, value: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each reason has its own message
        messages_schedule(drafts=[draft(me), draft(me, **{field: value})])
    assert not Message.objects.exists()


def test_marketing_drafts_get_the_opt_out_line_in_their_language(me: Any) -> None:
    zh = schedule(me, purpose="marketing", template="marketing:spring", language="zh-hans", body="春季优惠")
    en = schedule(me, purpose="marketing", template="marketing:spring", language="en", body="Spring offer")
    service = schedule(me, body="Your payment is due.")

    assert en.body.startswith("Spring offer\nTo stop offers and news: http")
    assert zh.body.startswith("春季优惠\n")
    assert unsubscribe_path(me.pk) in zh.body
    assert unsubscribe_path(me.pk) in en.body
    assert "unsubscribe" not in service.body
    # Appending again (a body that already has it) leaves it as it is.
    assert marketing_body(user_id=me.pk, body=en.body, language="en") == en.body


def test_the_unsubscribe_token_names_the_person_and_cannot_be_forged() -> None:
    token = unsubscribe_token(42)
    assert signing.loads(token, salt="notifications.unsubscribe") == {"u": 42, "p": "marketing"}
    assert unsubscribe_user_id(token) == 42
    assert unsubscribe_path(42) == f"/notifications/unsubscribe/{token}/"
    forged = signing.dumps({"u": 43, "p": "marketing"}, salt="another.salt")
    assert unsubscribe_user_id(forged) is None
    assert unsubscribe_user_id(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert unsubscribe_user_id("") is None
    assert unsubscribe_user_id(token, purpose="something-else") is None
    assert (
        unsubscribe_user_id(signing.dumps({"u": "42", "p": "marketing"}, salt="notifications.unsubscribe"))
        is None
    )


def test_a_pause_cancels_the_reminders_still_waiting_for_those_loans_only(me: Any) -> None:
    waiting = schedule(me, topic="AX-1001")
    queued = schedule(me, topic="AX-1001")
    Message.objects.filter(pk=queued.pk).update(status="queued", queued_at=timezone.now())
    sent = schedule(me, topic="AX-1001")
    Message.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    other_loan = schedule(me, topic="AX-2002")
    not_a_reminder = schedule(me, topic="AX-1001", template="hardship:news")

    assert messages_cancel(topics=["AX-1001"], reason="promise") == 2

    statuses = {
        name: Message.objects.values_list("status", "status_reason").get(pk=m.pk)
        for name, m in {
            "waiting": waiting,
            "queued": queued,
            "sent": sent,
            "other_loan": other_loan,
            "not_a_reminder": not_a_reminder,
        }.items()
    }
    assert statuses == {
        "waiting": ("cancelled", "promise"),
        "queued": ("cancelled", "promise"),
        "sent": ("sent", ""),
        "other_loan": ("scheduled", ""),
        "not_a_reminder": ("scheduled", ""),
    }


def test_cancelling_by_person_and_naming_nothing_cancels_nothing_else(me: Any) -> None:
    other = make_user("other-person@example.com")
    mine, theirs = schedule(me, topic="AX-1"), schedule(other, topic="AX-1")
    assert messages_cancel(reason="hardship") == 0
    assert messages_cancel(user_ids=[me.pk], reason="hardship") == 1
    assert messages_cancel(topics=["AX-1"], user_ids=[me.pk], reason="hardship") == 0
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("cancelled", "scheduled")


def test_message_draft_is_frozen(me: Any) -> None:
    one: MessageDraft = draft(me)
    with pytest.raises(AttributeError):
        one.body = "changed"  # type: ignore[misc]

"""Delivering one message: lock, last guards, sending, the channel, then sent / queued again / failed;
the task's retries with exponential backoff; the sweeper; email and in-app channels."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from notifications import tasks
from notifications.models import ContactPreference, Message, ProviderReceipt
from notifications.services import messages_cancel
from notifications.services_consent import consent_record
from notifications.services_delivery import (
    MAX_MESSAGE_ATTEMPTS,
    STALE_AFTER,
    message_deliver,
    message_ids_stale,
    retry_countdown,
)
from notifications.services_delivery.channels import email_message_id
from tests.conftest import make_user
from tests.notifications.messages_helpers import Script, daytime_zone, queued, sms_script

pytestmark = pytest.mark.django_db
__all__ = ["sms_script"]


@pytest.fixture
def me() -> Any:
    return make_user("deliver@example.com")


@pytest.fixture
def inline_retries() -> Iterator[None]:
    """Inline, Celery runs each retry at once (a worker waits 30 s, then 60 s, …) — but only when the
    task's errors are not propagated (a retry is an exception)."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


def test_an_sms_is_sent_once_with_its_idempotency_key(me: Any, sms_script: Script) -> None:
    message = queued(me, time_zone=daytime_zone())

    assert message_deliver(message_id=message.pk) == "sent"
    assert message_deliver(message_id=message.pk) == "sent"

    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider) == ("sent", 1, "recording")
    assert message.provider_message_id == f"rec-{message.idempotency_key}"
    assert message.sent_at is not None
    assert [sent["key"] for sent in sms_script.sent] == [message.idempotency_key]
    assert sms_script.sent[0]["to"] == "13800138000"


@pytest.mark.usefixtures("inline_retries")
def test_a_temporary_error_queues_it_again_and_the_task_retries_until_it_goes(
    me: Any, sms_script: Script
) -> None:
    message = queued(me, time_zone=daytime_zone())
    sms_script.outcomes[:] = ["temporary", "temporary", "ok"]

    assert tasks.message_send.delay(message.pk).get() == "sent"

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert [sent["outcome"] for sent in sms_script.sent] == ["temporary", "temporary", "ok"]
    assert {sent["key"] for sent in sms_script.sent} == {message.idempotency_key}


def test_after_a_temporary_error_the_message_is_queued_with_the_reason_and_a_later_retry_time(
    me: Any, sms_script: Script
) -> None:
    message = queued(me, time_zone=daytime_zone())
    sms_script.outcomes[:] = ["temporary"]
    before = timezone.now()

    assert message_deliver(message_id=message.pk) == "queued"

    message.refresh_from_db()
    assert (message.status, message.status_reason, message.attempts) == ("queued", "http_503", 1)
    assert "provider busy" in message.last_error
    assert message.send_after >= before + timedelta(seconds=30)


def test_the_task_backs_off_exponentially() -> None:
    assert [retry_countdown(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]

    with (
        mock.patch.object(tasks, "message_deliver_now", return_value=Message.Status.QUEUED),
        mock.patch.object(tasks.message_send, "retry", side_effect=RuntimeError("retry")) as retry,
        pytest.raises(RuntimeError),
    ):
        tasks.message_send.run(1)
    assert retry.call_args.kwargs["countdown"] == 30


def test_a_permanent_error_fails_it_with_the_providers_code_and_is_not_retried(
    me: Any, sms_script: Script
) -> None:
    message = queued(me, time_zone=daytime_zone())
    sms_script.outcomes[:] = ["permanent:invalid_number"]

    assert tasks.message_send.delay(message.pk).get() == "failed"

    message.refresh_from_db()
    assert (message.status, message.status_reason, message.attempts) == ("failed", "invalid_number", 1)
    assert len(sms_script.sent) == 1


@pytest.mark.usefixtures("inline_retries")
def test_after_the_last_attempt_it_fails_for_good(me: Any, sms_script: Script) -> None:
    message = queued(me, time_zone=daytime_zone())
    sms_script.outcomes[:] = ["temporary"] * 10

    assert tasks.message_send.delay(message.pk).get() == "failed"

    message.refresh_from_db()
    assert (message.status, message.status_reason) == ("failed", "too_many_attempts")
    assert message.attempts == MAX_MESSAGE_ATTEMPTS
    assert len(sms_script.sent) == MAX_MESSAGE_ATTEMPTS
    # Handed over again (the sweeper, a redelivery): nothing more is sent.
    assert message_deliver(message_id=message.pk) == "failed"
    assert len(sms_script.sent) == MAX_MESSAGE_ATTEMPTS


def test_a_cancelled_message_is_not_sent(me: Any, sms_script: Script) -> None:
    message = queued(me, time_zone=daytime_zone(), topic="AX-2002")
    assert messages_cancel(topics=["AX-2002"], reason="promise") == 1
    assert message_deliver(message_id=message.pk) == "cancelled"
    assert sms_script.sent == []


def test_consent_withdrawn_or_a_channel_turned_off_after_release_stops_it(
    me: Any, sms_script: Script
) -> None:
    consent_record(user=me, granted=True, source="privacy_page")
    marketing = queued(me, time_zone=daytime_zone(), purpose="marketing", template="marketing:x")
    consent_record(user=me, granted=False, source="unsubscribe")
    other = make_user("turned-off@example.com")
    service = queued(other, time_zone=daytime_zone())
    ContactPreference.objects.create(user=other, sms=False)

    assert message_deliver(message_id=marketing.pk) == "suppressed"
    assert message_deliver(message_id=service.pk) == "suppressed"
    marketing.refresh_from_db()
    service.refresh_from_db()
    assert (marketing.status_reason, service.status_reason) == ("no_consent", "channel_off")
    assert sms_script.sent == []


def test_a_message_another_worker_is_sending_is_left_alone_until_it_is_stale(
    me: Any, sms_script: Script
) -> None:
    message = queued(me, time_zone=daytime_zone())
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(status="sending", attempts=1, attempted_at=now)

    assert message_deliver(message_id=message.pk, now=now + timedelta(minutes=1)) == "sending"
    assert sms_script.sent == []
    assert message_ids_stale(now=now + timedelta(minutes=1)) == []

    later = now + STALE_AFTER + timedelta(seconds=1)
    assert message_ids_stale(now=later) == [message.pk]
    assert message_deliver(message_id=message.pk, now=later) == "sent"
    message.refresh_from_db()
    assert message.attempts == 2
    assert [sent["key"] for sent in sms_script.sent] == [message.idempotency_key]


def test_the_sweeper_hands_over_only_what_was_left_behind(me: Any, sms_script: Script) -> None:
    zone = daytime_zone()
    stale, fresh = queued(me, time_zone=zone), queued(me, time_zone=zone)
    long_ago = timezone.now() - timedelta(minutes=6)
    Message.objects.filter(pk=stale.pk).update(queued_at=long_ago, send_after=long_ago)

    assert tasks.messages_requeue_stale.delay().get() == 1

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("sent", "queued")


def test_the_sweeper_waits_for_a_retry_that_is_not_yet_due(me: Any, sms_script: Script) -> None:
    message = queued(me, time_zone=daytime_zone())
    sms_script.outcomes[:] = ["temporary"]
    message_deliver(message_id=message.pk)
    Message.objects.filter(pk=message.pk).update(queued_at=timezone.now() - timedelta(minutes=30))
    assert message_ids_stale() == []  # its retry time is 30 s from now
    assert message_ids_stale(now=timezone.now() + timedelta(minutes=6)) == [message.pk]


def test_an_email_goes_through_djangos_mail_backend_with_a_message_id_from_its_key(me: Any) -> None:
    message = queued(
        me, channel="email", to="deliver@example.com", subject="Payment due", time_zone=daytime_zone()
    )

    assert message_deliver(message_id=message.pk) == "sent"
    assert message_deliver(message_id=message.pk) == "sent"

    (sent,) = mail.outbox
    assert sent.to == ["deliver@example.com"]
    assert sent.subject == "Payment due"
    assert sent.body == message.body
    assert sent.extra_headers["Message-ID"] == email_message_id(message.idempotency_key)
    assert email_message_id(message.idempotency_key) == email_message_id(message.idempotency_key)
    assert "List-Unsubscribe" not in sent.extra_headers
    message.refresh_from_db()
    assert (message.provider, message.provider_message_id) == (
        "email",
        email_message_id(message.idempotency_key),
    )


def test_a_marketing_email_names_its_unsubscribe_link_in_a_header(me: Any) -> None:
    consent_record(user=me, granted=True, source="privacy_page")
    message = queued(
        me,
        channel="email",
        to="deliver@example.com",
        purpose="marketing",
        template="marketing:spring",
        time_zone=daytime_zone(),
    )
    assert message_deliver(message_id=message.pk) == "sent"
    (sent,) = mail.outbox
    assert "/notifications/unsubscribe/" in sent.extra_headers["List-Unsubscribe"]
    assert "To stop offers and news:" in sent.body


def test_a_refused_recipient_fails_the_email_for_good(me: Any) -> None:
    import smtplib

    message = queued(me, channel="email", to="deliver@example.com", time_zone=daytime_zone())
    refused = smtplib.SMTPRecipientsRefused({"deliver@example.com": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status_reason == "recipient_refused"


def test_an_in_app_message_is_sent_by_being_stored(me: Any, sms_script: Script) -> None:
    message = queued(me, channel="in_app", to="", link="/loans/AX-1001/", time_zone=daytime_zone())
    assert message_deliver(message_id=message.pk) == "sent"
    message.refresh_from_db()
    assert (message.status, message.provider, message.read_at) == ("sent", "", None)
    assert sms_script.sent == []
    assert mail.outbox == []


def test_a_delivery_report_that_came_before_the_send_was_recorded_is_applied(
    me: Any, sms_script: Script
) -> None:
    message = queued(me, time_zone=daytime_zone())
    ProviderReceipt.objects.create(
        provider="recording",
        receipt_id="early-1",
        provider_message_id=f"rec-{message.idempotency_key}",
        status="delivered",
    )
    assert message_deliver(message_id=message.pk) == "delivered"
    message.refresh_from_db()
    assert message.delivered_at is not None


def test_the_release_command_releases_and_hands_over(
    me: Any, sms_script: Script, django_capture_on_commit_callbacks: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from tests.notifications.messages_helpers import schedule

    message = schedule(me, time_zone=daytime_zone())
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("messages_release", "--stale", stdout=out)
    assert out.getvalue().startswith("1 queued, 0 deferred to 08:00, 0 held back")
    message.refresh_from_db()
    # Inline here: handed over (and sent) when the command's transaction committed.
    assert message.status == "sent"


def test_a_subject_with_a_line_break_fails_the_email_for_good_not_retried(me: Any) -> None:
    """Found by the attack pass: a rule's subject with a line break made every mail fail as if the
    server were down, retried until the attempts ran out. Django refuses the header; that is permanent."""
    message = queued(me, channel="email", to="deliver@example.com", time_zone=daytime_zone())
    Message.objects.filter(pk=message.pk).update(subject="Pay now\r\nBcc: evil@example.com")
    assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status_reason == "bad_header"
    assert message.attempts == 1
    assert not mail.outbox

"""Mail leaves through the outbox: written in the transaction, delivered after it commits, never twice."""

from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from notifications import services, services_delivery
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def queue_one(subject: str = "Your code") -> OutboundEmail:
    message = EmailMultiAlternatives(subject, "text body", "from@anxin.example", ["b@example.com"])
    message.attach_alternative("<p>html body</p>", "text/html")
    return services.email_queue(message=message, kind="test")


def test_a_queued_mail_is_delivered_once_the_transaction_commits(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        outbound = queue_one()
        assert len(mail.outbox) == 0

    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.SENT
    assert outbound.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][0] == "<p>html body</p>"


def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue_one()
                raise RuntimeError("the sign-up failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert len(mail.outbox) == 0


def test_delivering_the_same_mail_twice_sends_it_once() -> None:
    outbound = queue_one()

    first = services_delivery.email_deliver(outbound_email_id=outbound.pk)
    second = services_delivery.email_deliver(outbound_email_id=outbound.pk)

    assert (first, second) == (OutboundEmail.Status.SENT, OutboundEmail.Status.SENT)
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_is_recorded_and_retried_until_it_gives_up() -> None:
    outbound = queue_one()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=OSError("connection refused")):
        statuses = [services_delivery.email_deliver(outbound_email_id=outbound.pk) for _ in range(6)]

    outbound.refresh_from_db()
    assert statuses == [OutboundEmail.Status.QUEUED] * 4 + [OutboundEmail.Status.FAILED] * 2
    assert outbound.attempts == services_delivery.MAX_EMAIL_ATTEMPTS
    assert outbound.last_error == "connection refused"
    assert len(mail.outbox) == 0


def test_a_broker_outage_does_not_break_the_request_and_leaves_the_mail_queued(
    django_capture_on_commit_callbacks,
) -> None:
    from notifications import tasks

    with (
        mock.patch.object(tasks.email_deliver, "delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbound = queue_one()

    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.QUEUED


def test_email_send_queued_delivers_what_a_broker_outage_left_behind() -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    stale, fresh = queue_one("stale"), queue_one("fresh")
    OutboundEmail.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=30))

    call_command("email_send_queued", "--older-than", "5")

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == OutboundEmail.Status.SENT
    assert fresh.status == OutboundEmail.Status.QUEUED
    assert [m.subject for m in mail.outbox] == ["stale"]


def test_the_beat_task_requeues_only_mail_stranded_for_five_minutes() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from notifications.tasks import email_send_queued

    stale, fresh = queue_one("stale"), queue_one("fresh")
    OutboundEmail.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=6))

    assert email_send_queued.delay().get() == 1
    assert [m.subject for m in mail.outbox] == ["stale"]
    fresh.refresh_from_db()
    assert fresh.status == OutboundEmail.Status.QUEUED

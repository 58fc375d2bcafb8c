"""Quiet hours, the daily cap, consent and channels, applied when messages are released: a fixed clock,
borrowers in Asia/Shanghai, Asia/Urumqi and abroad (Europe/London, America/Los_Angeles)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from notifications.contact_rules import DAILY_CAP
from notifications.models import ContactPreference, Message
from notifications.services import messages_release
from notifications.services_consent import consent_record
from notifications.services_delivery import message_deliver
from tests.conftest import make_user
from tests.notifications.messages_helpers import daytime_zone, local, schedule, sms_script

pytestmark = pytest.mark.django_db
__all__ = ["sms_script"]

ZONES = ("Asia/Shanghai", "Asia/Urumqi", "Europe/London", "America/Los_Angeles")


def status_of(message: Message) -> tuple[str, str]:
    message.refresh_from_db()
    return message.status, message.status_reason


@pytest.mark.parametrize("tz", ZONES)
def test_due_at_2159_goes_and_due_at_2200_waits_for_0800_the_next_day(tz: str) -> None:
    user = make_user(f"quiet-{tz.replace('/', '-').lower()}@example.com")
    at_2159 = schedule(user, send_after=local(tz, 2026, 3, 10, 21, 59), time_zone=tz)
    at_2200 = schedule(user, send_after=local(tz, 2026, 3, 10, 22, 0), time_zone=tz)

    first = messages_release(now=local(tz, 2026, 3, 10, 21, 59))
    second = messages_release(now=local(tz, 2026, 3, 10, 22, 0))

    assert (first.queued, second.queued, second.deferred) == (1, 0, 1)
    assert status_of(at_2159) == ("queued", "")
    assert status_of(at_2200) == ("scheduled", "quiet_hours")
    assert at_2200.send_after == local(tz, 2026, 3, 11, 8, 0)
    # Deferred, not dropped: nothing at 07:59, released at 08:00 local.
    assert messages_release(now=local(tz, 2026, 3, 11, 7, 59)).examined == 0
    assert messages_release(now=local(tz, 2026, 3, 11, 8, 0)).queued == 1
    assert status_of(at_2200) == ("queued", "")


def test_each_borrower_has_their_own_night() -> None:
    """22:30 in Shanghai is 20:30 in Urumqi and 07:30 in Los Angeles, 14:30 in London."""
    now = local("Asia/Shanghai", 2026, 3, 10, 22, 30)
    messages = {
        tz: schedule(make_user(f"night-{n}@example.com"), send_after=now - timedelta(minutes=1), time_zone=tz)
        for n, tz in enumerate(ZONES)
    }

    summary = messages_release(now=now)

    assert (summary.queued, summary.deferred) == (2, 2)
    assert {tz: status_of(m)[0] for tz, m in messages.items()} == {
        "Asia/Shanghai": "scheduled",
        "Asia/Urumqi": "queued",
        "Europe/London": "queued",
        "America/Los_Angeles": "scheduled",
    }
    assert messages["Asia/Shanghai"].send_after == local("Asia/Shanghai", 2026, 3, 11, 8, 0)
    assert messages["America/Los_Angeles"].send_after == local("America/Los_Angeles", 2026, 3, 10, 8, 0)


def test_a_night_across_the_clock_change_ends_at_0800_summer_time() -> None:
    """London moves to BST on 29 March 2026: 08:00 that morning is 07:00 UTC, not 08:00."""
    user = make_user("london@example.com")
    message = schedule(user, send_after=local("Europe/London", 2026, 3, 28, 23, 0), time_zone="Europe/London")
    messages_release(now=local("Europe/London", 2026, 3, 28, 23, 0))
    message.refresh_from_db()
    assert message.send_after == local("Europe/London", 2026, 3, 29, 8, 0)
    assert message.send_after == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_the_fourth_message_of_a_local_day_is_held_back_and_0030_is_the_next_day() -> None:
    tz = "Asia/Shanghai"
    user = make_user("cap@example.com")
    channels = [Message.Channel.SMS, Message.Channel.EMAIL, Message.Channel.IN_APP, Message.Channel.SMS]
    day_one = [
        schedule(
            user,
            channel=channel,
            to="" if channel == "in_app" else "cap@example.com" if channel == "email" else "13800138000",
            send_after=local(tz, 2026, 3, 10, 9, 0) + timedelta(minutes=n),
            time_zone=tz,
        )
        for n, channel in enumerate(channels)
    ]
    for n in range(3):
        messages_release(now=local(tz, 2026, 3, 10, 9, n))
    summary = messages_release(now=local(tz, 2026, 3, 10, 21, 59))

    assert [status_of(m) for m in day_one] == [("queued", "")] * 3 + [("suppressed", "daily_cap")]
    assert summary.daily_cap == 1

    after_midnight = schedule(user, send_after=local(tz, 2026, 3, 11, 0, 30), time_zone=tz)
    assert messages_release(now=local(tz, 2026, 3, 11, 0, 30)).deferred == 1
    assert messages_release(now=local(tz, 2026, 3, 11, 8, 0)).queued == 1
    assert status_of(after_midnight) == ("queued", "")


@pytest.mark.parametrize("tz", ZONES)
def test_the_cap_counts_the_borrowers_own_calendar_day(tz: str) -> None:
    """Three messages went out at 00:30 local on 11 March. In Shanghai that is 16:30 UTC on 10 March:
    the same UTC day as 21:00 Shanghai on the 10th, yet another local day, so the 21:00 one goes; on
    the 11th the cap is reached."""
    user = make_user(f"own-day-{tz.replace('/', '-').lower()}@example.com")
    for n in range(DAILY_CAP):
        earlier = schedule(user, time_zone=tz, send_after=local(tz, 2026, 3, 10, 9))
        Message.objects.filter(pk=earlier.pk).update(
            status=Message.Status.SENT,
            queued_at=local(tz, 2026, 3, 11, 0, 30) + timedelta(seconds=n),
            sent_at=local(tz, 2026, 3, 11, 0, 31),
        )
    evening = schedule(user, time_zone=tz, send_after=local(tz, 2026, 3, 10, 21, 0))
    morning = schedule(user, time_zone=tz, send_after=local(tz, 2026, 3, 11, 9, 0))

    messages_release(now=local(tz, 2026, 3, 10, 21, 0))
    messages_release(now=local(tz, 2026, 3, 11, 9, 0))

    assert status_of(evening) == ("queued", "")
    assert status_of(morning) == ("suppressed", "daily_cap")


def test_when_the_cap_leaves_room_for_some_the_lower_priority_numbers_go() -> None:
    user = make_user("priority@example.com")
    now = local("Asia/Shanghai", 2026, 3, 10, 10)
    by_priority = {p: schedule(user, priority=p, send_after=now) for p in (50, 10, 100, 20, 30)}
    summary = messages_release(now=now)
    assert (summary.queued, summary.daily_cap) == (3, 2)
    assert {p for p, m in by_priority.items() if status_of(m)[0] == "queued"} == {10, 20, 30}


def test_marketing_goes_only_with_the_latest_answer_yes_and_carries_the_opt_out() -> None:
    never, agreed, withdrew = (make_user(f"mkt-{n}@example.com") for n in ("never", "agreed", "withdrew"))
    start = local("Asia/Shanghai", 2026, 3, 1, 10)
    consent_record(user=agreed, granted=True, source="privacy_page", at=start)
    consent_record(user=withdrew, granted=True, source="privacy_page", at=start)
    consent_record(user=withdrew, granted=False, source="unsubscribe", at=start + timedelta(days=2))
    now = local("Asia/Shanghai", 2026, 3, 10, 10)
    messages = {
        user.email: schedule(user, purpose="marketing", template="marketing:spring", send_after=now)
        for user in (never, agreed, withdrew)
    }

    summary = messages_release(now=now)

    assert (summary.queued, summary.no_consent) == (1, 2)
    assert {email: status_of(m) for email, m in messages.items()} == {
        "mkt-never@example.com": ("suppressed", "no_consent"),
        "mkt-agreed@example.com": ("queued", ""),
        "mkt-withdrew@example.com": ("suppressed", "no_consent"),
    }
    assert "To stop offers and news: http" in messages["mkt-agreed@example.com"].body
    assert "/notifications/unsubscribe/" in messages["mkt-agreed@example.com"].body


def test_a_channel_turned_off_is_respected_and_in_app_always_stays() -> None:
    user = make_user("channels@example.com")
    ContactPreference.objects.create(user=user, sms=False, email=True)
    now = local("Asia/Shanghai", 2026, 3, 10, 10)
    sms = schedule(user, channel="sms", send_after=now)
    email = schedule(user, channel="email", to="channels@example.com", send_after=now)
    in_app = schedule(user, channel="in_app", to="", send_after=now)
    no_phone = schedule(make_user("nophone@example.com"), channel="sms", to="", send_after=now)

    summary = messages_release(now=now)

    assert (summary.channel_off, summary.no_address, summary.queued) == (1, 1, 2)
    assert status_of(sms) == ("suppressed", "channel_off")
    assert status_of(email) == ("queued", "")
    assert status_of(in_app) == ("queued", "")
    assert status_of(no_phone) == ("suppressed", "no_address")


def make_batch(size: int, prefix: str) -> None:
    """A mixed batch: service SMS, marketing with and without consent, a channel turned off."""
    now = local("Asia/Shanghai", 2026, 3, 10, 10)
    for n in range(size):
        user = make_user(f"{prefix}-{n}@example.com")
        if n % 3 == 0:
            consent_record(user=user, granted=True, source="privacy_page", at=now - timedelta(days=1))
        if n % 4 == 0:
            ContactPreference.objects.create(user=user, sms=False)
        purpose = "marketing" if n % 2 else "service"
        schedule(user, purpose=purpose, send_after=now - timedelta(minutes=n % 7))


RELEASE_QUERIES = 7  # savepoint, the batch, consent, channels, cap counts, the update, release


@pytest.mark.parametrize("size", [1, 50])
def test_releasing_takes_the_same_queries_for_one_message_or_fifty(
    size: int, django_assert_num_queries: Any
) -> None:
    make_batch(size, f"q{size}")
    with django_assert_num_queries(RELEASE_QUERIES):
        summary = messages_release(now=local("Asia/Shanghai", 2026, 3, 10, 10))
    assert summary.examined == size
    assert Message.objects.filter(status="scheduled").count() == 0


def test_an_empty_release_costs_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):
        assert messages_release(now=local("Asia/Shanghai", 2026, 3, 10, 10)).examined == 0


def test_released_messages_are_handed_to_the_workers_on_commit(
    sms_script: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Real clock: the worker (inline here) checks quiet hours again at the moment it sends."""
    user = make_user("handover@example.com")
    message = schedule(user, time_zone=daytime_zone())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary = messages_release()
    assert summary.queued_ids == (message.pk,)
    assert status_of(message) == ("queued", "")
    assert sms_script.sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [sent["key"] for sent in sms_script.sent] == [message.idempotency_key]
    assert status_of(message) == ("sent", "")


def test_a_release_on_a_pinned_clock_is_delivered_on_that_clock(
    sms_script: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A demo or a test releasing "at 10:00" gets its messages sent at 10:00, whatever the hour now."""
    now = local("Asia/Shanghai", 2026, 3, 10, 10)
    message = schedule(make_user("pinned@example.com"), send_after=now)
    with django_capture_on_commit_callbacks(execute=True):
        messages_release(now=now)
    message.refresh_from_db()
    assert (message.status, message.sent_at) == ("sent", now)
    assert len(sms_script.sent) == 1


def test_a_message_queued_before_2200_and_delivered_after_is_deferred_not_sent(sms_script: Any) -> None:
    """The broker was away from 21:50 to 22:30: the worker's last guard sees 22:30 and waits."""
    tz = "Asia/Shanghai"
    user = make_user("late-broker@example.com")
    message = schedule(user, send_after=local(tz, 2026, 3, 10, 21, 50), time_zone=tz)
    messages_release(now=local(tz, 2026, 3, 10, 21, 50))

    assert message_deliver(message_id=message.pk, now=local(tz, 2026, 3, 10, 22, 30)) == "scheduled"
    message.refresh_from_db()
    assert (message.status, message.status_reason, message.attempts) == ("scheduled", "quiet_hours", 0)
    assert message.send_after == local(tz, 2026, 3, 11, 8, 0)
    assert sms_script.sent == []

    messages_release(now=local(tz, 2026, 3, 11, 8, 0))
    assert message_deliver(message_id=message.pk, now=local(tz, 2026, 3, 11, 8, 1)) == "sent"
    assert len(sms_script.sent) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_releases_at_once_never_take_the_same_message() -> None:
    """A message another release holds (locked) is skipped, not waited for and not released twice."""
    import threading

    from django.db import connection, transaction

    from tests.conftest import require

    require(connection.vendor == "postgresql", "PostgreSQL (SKIP LOCKED)")
    now = local("Asia/Shanghai", 2026, 3, 10, 10)
    held, free = (schedule(make_user(f"locked-{n}@example.com"), send_after=now) for n in range(2))
    locked, done = threading.Event(), threading.Event()

    def other_release() -> None:
        try:
            with transaction.atomic():
                list(Message.objects.select_for_update().filter(pk=held.pk))
                locked.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_release)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        summary = messages_release(now=now)
    finally:
        done.set()
        thread.join(timeout=30)

    assert summary.queued_ids == (free.pk,)
    assert status_of(held) == ("scheduled", "")

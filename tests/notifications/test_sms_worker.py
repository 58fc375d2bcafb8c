"""The issue's must-show, on PostgreSQL + Redis with real Celery workers sending through the HTTP adapter
to a fake provider that counts every text it sends:

- a broker outage while messages are being sent: each message is sent exactly once when it is back;
- a worker killed (SIGKILL) while the provider holds its request: after a new worker and the sweeper,
  no text twice (the same idempotency key) and none lost.
"""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from notifications import tasks
from notifications.models import Message
from notifications.services import messages_release
from tests.conftest import make_user
from tests.notifications.fake_sms_provider import FakeSmsProvider, fake_sms_provider
from tests.notifications.messages_helpers import daytime_zone, schedule
from tests.notifications.sms_workers import ROOT, WorkerSetup, wait_until, worker_setup

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TOKEN = "fake-provider-token"


@pytest.fixture
def fake() -> Iterator[FakeSmsProvider]:
    with fake_sms_provider(token=TOKEN) as provider:
        yield provider


@pytest.fixture
def setup(tmp_path: Path, fake: FakeSmsProvider) -> Iterator[WorkerSetup]:
    sms_env = {
        "SMS_BACKEND": "http",
        "SMS_HTTP_URL": fake.url,
        "SMS_HTTP_TOKEN": TOKEN,
        "SMS_PROVIDER_NAME": "fake",
        "SMS_HTTP_CONNECT_TIMEOUT": "2",
        # Longer than the provider holds a request in the kill test: the worker is killed waiting.
        "SMS_HTTP_READ_TIMEOUT": "60",
        "SMS_HTTP_RETRIES": "1",
    }
    yield from worker_setup(tmp_path, sms_env)


def statuses(messages: list[Message]) -> list[str]:
    found = dict(Message.objects.filter(pk__in=[m.pk for m in messages]).values_list("pk", "status"))
    return [found[m.pk] for m in messages]


def all_sent(messages: list[Message]) -> bool:
    return set(statuses(messages)) == {"sent"}


def closed_broker_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def release_with_the_broker_away(setup: WorkerSetup) -> subprocess.CompletedProcess[str]:
    """The web side (another process) releases messages while its broker cannot be reached."""
    script = (
        "import django; django.setup()\n"
        "from notifications.services import messages_release\n"
        "print('queued', messages_release().queued)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**setup.env(CELERY_BROKER_URL=closed_broker_url()), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def stale(messages: list[Message]) -> None:
    """Five minutes pass (the sweeper's threshold)."""
    long_ago = timezone.now() - timedelta(minutes=6)
    ids = [m.pk for m in messages]
    Message.objects.filter(pk__in=ids, status="queued").update(queued_at=long_ago, send_after=long_ago)
    Message.objects.filter(pk__in=ids, status="sending").update(attempted_at=long_ago)


def test_a_broker_outage_during_sending_then_each_message_is_sent_exactly_once(
    setup: WorkerSetup, fake: FakeSmsProvider
) -> None:
    zone = daytime_zone()
    users = [make_user(f"outage-{n}@example.com") for n in range(7)]
    due = timezone.now() - timedelta(minutes=1)

    with setup.worker("worker") as _:
        log = lambda: setup.log("worker")  # noqa: E731
        # The broker is there: released, handed over, sent.
        before = [schedule(user, time_zone=zone, send_after=due) for user in users[:3]]
        assert messages_release().queued == 3
        wait_until(lambda: all_sent(before), seconds=60, what="the first three sent", log=log)

        # The broker goes away for the web side: released, but nothing can be handed over.
        during = [schedule(user, time_zone=zone, send_after=due) for user in users[3:6]]
        web = release_with_the_broker_away(setup)
        assert web.returncode == 0, web.stderr[-3000:]
        assert "queued 3" in web.stdout
        assert "broker unavailable" in web.stderr
        assert statuses(during) == ["queued"] * 3
        assert all(fake.texts_for(m.idempotency_key) == [] for m in during)

        # Meanwhile the first three are handed over again (a redelivery, a second beat).
        for message in before:
            tasks.message_send.delay(message.pk)
        # The broker is back; five minutes later the sweeper (beat) hands over what was left behind.
        stale(during)
        tasks.messages_requeue_stale.delay()
        wait_until(lambda: all_sent(during), seconds=60, what="the stranded three sent", log=log)

        # The sweeper again, then one more message: once it is sent, the queue before it is done.
        tasks.messages_requeue_stale.delay()
        last = schedule(users[6], time_zone=zone, send_after=due)
        messages_release()
        wait_until(lambda: all_sent([last]), seconds=60, what="the last one sent", log=log)

    everything = [*before, *during, last]
    assert [len(fake.texts_for(m.idempotency_key)) for m in everything] == [1] * 7
    assert len(fake.texts) == 7
    rows = {m.pk: m for m in Message.objects.filter(pk__in=[m.pk for m in everything])}
    assert {rows[m.pk].attempts for m in everything} == {1}
    assert {rows[m.pk].provider_message_id for m in everything} == {text.id for text in fake.texts}


def test_a_worker_killed_mid_send_neither_loses_nor_doubles_a_text(
    setup: WorkerSetup, fake: FakeSmsProvider
) -> None:
    zone = daytime_zone()
    due = timezone.now() - timedelta(minutes=1)
    first_user, second_user = make_user("killed-1@example.com"), make_user("killed-2@example.com")
    messages = [
        schedule(first_user, time_zone=zone, send_after=due, priority=10),
        schedule(second_user, time_zone=zone, send_after=due, priority=20),
    ]

    fake.hold()  # the provider takes the text and keeps the request open
    with setup.worker("doomed") as doomed:
        assert messages_release().queued == 2
        assert fake.held.wait(timeout=60), setup.log("doomed")
        (held_text,) = fake.texts
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=30)
    fake.release()

    held = next(m for m in messages if m.idempotency_key == held_text.idempotency_key)
    other = next(m for m in messages if m is not held)
    held.refresh_from_db()
    assert (held.status, held.attempts, held.provider_message_id) == ("sending", 1, "")
    assert statuses([other]) == ["queued"]  # never started: still waiting in the broker

    stale(messages)
    with setup.worker("rescuer") as _:
        tasks.messages_requeue_stale.delay()
        wait_until(lambda: all_sent(messages), seconds=60, what="both sent", log=lambda: setup.log("rescuer"))

    held.refresh_from_db()
    assert held.attempts == 2
    assert held.provider_message_id == held_text.id  # the provider answered the repeat with the same id
    assert len(fake.texts_for(held.idempotency_key)) == 1
    assert len([r for r in fake.requests if r["key"] == held.idempotency_key]) == 2
    assert len(fake.texts_for(other.idempotency_key)) == 1
    assert len(fake.texts) == 2

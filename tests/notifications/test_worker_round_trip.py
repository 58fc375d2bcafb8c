"""A real Celery worker process, on the real broker, delivers a mail written by this process."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction

from config.celery import app as celery_app
from notifications import services, services_delivery
from notifications.models import OutboundEmail
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def broker_reachable(url: str) -> bool:
    if not url:
        return False
    try:
        with celery_app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Path]:
    """Start `celery worker` on a queue of its own, pointed at this test's database; stop it after."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(broker_reachable(broker), f"a Celery broker (CELERY_BROKER_URL={broker or 'unset'})")
    require(connection.vendor == "postgresql", "PostgreSQL (the worker must share the test database)")

    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"anxin-test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "worker did not start in 60 s"
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_real_worker_delivers_a_queued_mail(worker: Path) -> None:
    message = EmailMultiAlternatives(
        "Round trip", "Delivered by a worker.", "a@anxin.example", ["b@example.com"]
    )
    with transaction.atomic():
        outbound = services.email_queue(message=message, kind="round_trip")

    deadline = time.monotonic() + 30
    while OutboundEmail.objects.get(pk=outbound.pk).status == OutboundEmail.Status.QUEUED:
        assert time.monotonic() < deadline, "the worker did not deliver the mail in 30 s"
        time.sleep(0.2)

    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.SENT
    assert outbound.attempts == 1
    written = list(worker.iterdir())
    assert len(written) == 1
    assert "Delivered by a worker." in written[0].read_text()


def test_a_real_worker_delivers_a_sign_in_secret_and_then_erases_it(worker: Path) -> None:
    message = EmailMultiAlternatives(
        "Your code", "Your code is 428913.", "a@anxin.example", ["b@example.com"]
    )
    with transaction.atomic():
        outbound = services.email_queue(message=message, kind="login_code", carries_secret=True)

    deadline = time.monotonic() + 30
    while OutboundEmail.objects.get(pk=outbound.pk).status == OutboundEmail.Status.QUEUED:
        assert time.monotonic() < deadline, "the worker did not deliver the mail in 30 s"
        time.sleep(0.2)

    outbound.refresh_from_db()
    assert outbound.status == OutboundEmail.Status.SENT
    assert outbound.body_text == services_delivery.SCRUBBED_BODY
    (written,) = worker.iterdir()
    assert "Your code is 428913." in written.read_text()

"""Real Celery workers for the SMS must-show tests: started as subprocesses on the real broker and the
test's PostgreSQL database, sending through the HTTP adapter to a fake provider."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from config.celery import app as celery_app
from tests.conftest import require
from tests.notifications.test_worker_round_trip import broker_reachable

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class WorkerSetup:
    broker: str
    queue: str
    workdir: Path
    sms_env: dict[str, str]

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            **self.sms_env,
            **extra,
        }

    @contextmanager
    def worker(self, name: str) -> Iterator[subprocess.Popen[bytes]]:
        """A worker (solo pool: one task at a time) consuming this test's queue; stopped after."""
        hostname = f"{name}-{self.queue}"
        log_path = self.workdir / f"{name}.log"
        with log_path.open("w") as log:
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
                    self.queue,
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "INFO",
                    "--hostname",
                    f"{hostname}@%h",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 60
                while not celery_app.control.ping(
                    destination=[f"{hostname}@{os.uname().nodename}"], timeout=0.5
                ):
                    assert process.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, "worker did not start in 60 s"
                yield process
            finally:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text() if path.exists() else ""


def worker_setup(workdir: Path, sms_env: dict[str, str]) -> Iterator[WorkerSetup]:
    """Fail under CI=true (skip elsewhere) without the broker or PostgreSQL; point this process's
    Celery at the real broker and the test's own queue for the duration."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(connection.vendor == "postgresql", "PostgreSQL (the workers must share the test database)")
    require(broker_reachable(broker), f"a Celery broker (CELERY_BROKER_URL={broker or 'unset'})")
    setup = WorkerSetup(
        broker=broker, queue=f"anxin-sms-{uuid.uuid4().hex[:10]}", workdir=workdir, sms_env=sms_env
    )
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = setup.queue
    try:
        yield setup
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous


def wait_until(done: Callable[[], bool], *, seconds: float, what: str, log: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"{what} did not happen in {seconds} s\n{log()[-4000:]}"
        time.sleep(0.2)

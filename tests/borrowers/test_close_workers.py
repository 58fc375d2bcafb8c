"""Close of business with real Celery workers on the real broker and PostgreSQL: a worker killed in the
middle of a night, restarted and the run resumed, leaves the ledger an independent day-by-day oracle
expects; two workers sharing a night give the same ledger; a date run twice writes nothing new."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from borrowers import services, tasks
from borrowers.models import CloseChunk, CloseRun, LedgerEntry, Loan
from config.celery import app as celery_app
from tests.borrowers.factories import make_loan, make_policy, make_product
from tests.borrowers.test_money_engine import assert_engine_matches, assert_reconcile_agrees, oracle_for
from tests.conftest import require
from tests.notifications.test_worker_round_trip import broker_reachable

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
NIGHT = date(2026, 4, 30)  # the loans were paid out on 15 Jan and never closed: each chunk catches up


StartWorker = Callable[[], subprocess.Popen[bytes]]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[StartWorker]:
    """Start `celery worker` processes on a queue of this test's own, pointed at the test database."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(broker_reachable(broker), f"a Celery broker (CELERY_BROKER_URL={broker or 'unset'})")
    require(connection.vendor == "postgresql", "PostgreSQL (the worker must share the test database)")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"anxin-cob-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "ANXIN_BUSINESS_DATE": NIGHT.isoformat(),
    }
    processes: list[subprocess.Popen[bytes]] = []
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue

    def start() -> subprocess.Popen[bytes]:
        name = f"{queue}-{len(processes)}"
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue,
             "--without-gossip", "--without-mingle", "--prefetch-multiplier", "1", "--loglevel", "INFO",
             "--hostname", f"{name}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(process)
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=0.5):
            assert process.poll() is None, (tmp_path / f"{name}.log").read_text()
            assert time.monotonic() < deadline, "worker did not start in 60 s"
        return process

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def _book(count: int) -> list[Loan]:
    policy = make_policy(late_fee_flat=Decimal("50.00"), late_fee_rate=Decimal("0.050000"))
    product = make_product(policy=policy, annual_rate=Decimal("0.180000"))
    return [make_loan(product=product, principal=Decimal(1000 + 250 * n)) for n in range(count)]


def _plan_and_send(chunk_size: int) -> list[int]:
    planned = services.close_run_plan(business_date=NIGHT, chunk_size=chunk_size)
    for chunk_id in planned.chunk_ids:
        tasks.close_of_business_chunk.delay(chunk_id, NIGHT.isoformat())
    return list(planned.chunk_ids)


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _chunks_done() -> int:
    return CloseChunk.objects.filter(done_at__isnull=False).count()


def _assert_the_oracles_ledger(loans: list[Loan]) -> None:
    for loan in loans:
        oracle = oracle_for(loan)
        oracle.close_through(NIGHT)
        assert_engine_matches(oracle, loan)
    assert_reconcile_agrees()


def test_a_worker_killed_mid_run_restarted_and_the_run_resumed_leaves_the_expected_ledger(
    start_worker: StartWorker,
) -> None:
    loans = _book(16)
    worker = start_worker()
    chunks = _plan_and_send(chunk_size=2)
    assert len(chunks) == 8
    _wait(lambda: _chunks_done() >= 2, 120, "no chunk was closed in 120 s")

    os.kill(worker.pid, signal.SIGKILL)  # mid-run: no chance to finish or acknowledge anything
    worker.wait(timeout=30)
    done_when_killed = _chunks_done()
    not_done = set(CloseChunk.objects.filter(done_at__isnull=True).values_list("pk", flat=True))
    assert 0 < done_when_killed < 8, "the kill must land mid-run for this test to mean anything"
    assert CloseRun.objects.get().status == CloseRun.Status.RUNNING

    start_worker()  # it goes on with the chunks still queued
    # close_of_business again: only the chunks not done are sent, among them the one the killed worker
    # had taken (its message is unacknowledged, so the broker would not hand it out again for an hour).
    resent = _plan_and_send(chunk_size=2)
    assert set(resent) <= not_done
    _wait(lambda: CloseRun.objects.get().status == CloseRun.Status.DONE, 180, "the run did not finish")

    run = CloseRun.objects.get()
    assert (run.chunks_total, run.chunks_done, run.loans, run.errors) == (8, 8, 16, 0)
    assert run.entries == LedgerEntry.objects.exclude(kind=LedgerEntry.Kind.DISBURSEMENT).count()
    _assert_the_oracles_ledger(loans)


def test_two_workers_share_a_night_and_a_second_run_of_the_date_writes_nothing(
    start_worker: StartWorker, tmp_path: Path
) -> None:
    loans = _book(12)
    start_worker()
    start_worker()
    _plan_and_send(chunk_size=1)
    _wait(
        lambda: CloseRun.objects.filter(status=CloseRun.Status.DONE).exists(), 180, "the run did not finish"
    )
    logs = [path.read_text() for path in sorted(tmp_path.glob("*.log"))]
    assert all("close_of_business_chunk" in log and "succeeded" in log for log in logs), "both did work"
    _assert_the_oracles_ledger(loans)

    # The night again (beat firing twice), and every chunk's message delivered a second time.
    entries = LedgerEntry.objects.count()
    before = _successes(tmp_path)
    tasks.close_of_business.delay(NIGHT.isoformat())
    chunk_ids = list(CloseChunk.objects.values_list("pk", flat=True))
    for chunk_id in chunk_ids:
        tasks.close_of_business_chunk.delay(chunk_id, NIGHT.isoformat())
    _wait(lambda: len(_successes(tmp_path)) >= len(before) + 1 + len(chunk_ids), 60, "the reruns did not run")
    new_lines = set(_successes(tmp_path)) - set(before)
    rerun_results = [line.rsplit(":", 1)[1].strip() for line in new_lines]
    assert rerun_results == ["0"] * len(rerun_results)  # no chunk sent, no entry written
    assert LedgerEntry.objects.count() == entries
    assert CloseRun.objects.count() == 1


def _successes(tmp_path: Path) -> list[str]:
    """Every task's "succeeded" line in the workers' logs (each names its task id; its result last)."""
    return [
        line
        for path in tmp_path.glob("*.log")
        for line in path.read_text().splitlines()
        if "] succeeded in " in line
    ]

"""The borrowers app's Celery tasks, and the one way to queue an import for a worker.

This module imports the import package (`borrowers.imports`), never the other way round: whoever wants a
job run in the background calls `import_run_queue` after creating it.
"""

from datetime import date

from celery import shared_task
from django.db import transaction

from borrowers import imports, services
from borrowers.imports import retention
from core.business_date import business_date_today

CLOSE_CHUNK_SIZE = 200


@shared_task(acks_late=True)
def import_run(import_job_id: int) -> str:
    """Check and import one uploaded CSV file. A redelivered message is harmless: a finished job is left
    alone, and an interrupted one committed nothing (the import is one transaction), so it starts over."""
    return str(imports.import_job_run(import_job_id=import_job_id).status)


def import_run_queue(*, import_job_id: int) -> None:
    """Have a worker run the job once the current transaction commits (at once if there is none), so it
    never reads a job or a file that was rolled back. With CELERY_TASK_ALWAYS_EAGER (no broker) the task
    runs in this process at that moment."""
    transaction.on_commit(lambda: import_run.delay(import_job_id))


@shared_task(acks_late=True)
def close_of_business(business_date: str | None = None) -> int:
    """The nightly close (beat runs it just after midnight, lender's time): hand every active loan not
    yet closed through the business date to the workers, CLOSE_CHUNK_SIZE loans a task. Returns the
    number of chunks. Safe to run again at any time: closed loans are skipped, entries are keyed."""
    day = date.fromisoformat(business_date) if business_date else business_date_today()
    ids = list(services.loans_for_close(day).values_list("pk", flat=True))
    chunks = [ids[i : i + CLOSE_CHUNK_SIZE] for i in range(0, len(ids), CLOSE_CHUNK_SIZE)]
    for chunk in chunks:
        close_of_business_chunk.delay(chunk, day.isoformat())
    return len(chunks)


@shared_task(acks_late=True)
def close_of_business_chunk(loan_ids: list[int], business_date: str) -> int:
    """Close one chunk of loans; returns the number of ledger entries written."""
    results = services.loans_close_business_chunk(
        loan_ids=loan_ids, business_date=date.fromisoformat(business_date)
    )
    return sum(result.entries_written for result in results)


@shared_task(acks_late=True)
def import_files_purge() -> int:
    """Daily (beat): delete the import files the retention rule says must go; returns how many."""
    return retention.import_files_purge().total

"""The borrowers app's Celery tasks, and the one way to queue an import for a worker.

This module imports the import package (`borrowers.imports`), never the other way round: whoever wants a
job run in the background calls `import_run_queue` after creating it.
"""

from datetime import date

from celery import current_app, shared_task
from django.conf import settings
from django.db import transaction

from borrowers import imports, services
from borrowers.imports import retention
from core.business_date import business_date_today


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
    """The nightly close (beat runs it just after midnight, lender's time): plan the next business date
    not yet closed (in order, up to `business_date`, by default today's) and hand its chunks to the
    workers, one task each. Returns the number of chunks sent. Safe to run again at any time: it resumes
    the run under way, sending only the chunks not done; the chunk that finishes a run starts the next."""
    through = date.fromisoformat(business_date) if business_date else business_date_today()
    day = services.close_next_date(through)
    if day is None:
        # Every date through `through` is closed (the last chunk of its run sent us here): what follows
        # the close runs now.
        close_then_send(through)
        return 0
    planned = services.close_run_plan(business_date=day)
    if not planned.chunk_ids:
        # Nothing to close that day (or all done): go straight on to the next date.
        if day < through:
            return close_of_business(through.isoformat())
        close_then_send(through)
        return 0
    for chunk_id in planned.chunk_ids:
        close_of_business_chunk.delay(chunk_id, through.isoformat())
    return len(planned.chunk_ids)


def close_then_send(business_date: date) -> None:
    """Send each task named in settings.CLOSE_OF_BUSINESS_THEN (the day's reminders, the call list) with
    the business date just closed. By name, so this app imports none above it; each of them is
    idempotent, so a close run again sends them again harmlessly. In a process that has not loaded every
    app's tasks (tasks run inline, without a worker), they are loaded first, so a name is never sent to a
    broker that is not there."""
    names = list(getattr(settings, "CLOSE_OF_BUSINESS_THEN", []))
    if any(name not in current_app.tasks for name in names):
        current_app.loader.import_default_modules()
    for name in names:
        current_app.signature(name, args=[business_date.isoformat()]).delay()


@shared_task(acks_late=True)
def close_of_business_chunk(chunk_id: int, through: str) -> int:
    """Close one chunk of loans; returns the ledger entries written. The chunk that finishes its run
    starts the next date's, until `through`."""
    outcome = services.close_chunk_run(chunk_id=chunk_id)
    if outcome.run_finished:
        close_of_business.delay(through)
    return outcome.entries


@shared_task(acks_late=True)
def import_files_purge() -> int:
    """Daily (beat): delete the import files the retention rule says must go; returns how many."""
    return retention.import_files_purge().total

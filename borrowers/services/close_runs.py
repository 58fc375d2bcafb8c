"""Close-of-business runs: one row per business date (borrowers.models.CloseRun), its loans split into id
ranges (CloseChunk), each range closed by one task in one transaction and marked done in it.

* Dates are closed in order: the next date is the day after the last one finished (or the business
  date itself, the first time), and a run is not begun until the one before it has finished. A run in
  which some loans failed finishes as "failed", with the errors kept on it; those loans are left behind
  and caught up day by day, like a loan booked with a past date, when their range is next closed.
* A run can be resumed: planning it again re-creates no chunk and re-sends only those not done, and a
  chunk done already (a redelivered message, a second worker) does nothing and counts nothing twice.
* Workers on several machines share one night: each chunk is an independent task; the run's counters are
  updated under its row lock, and the chunk that completes the run starts the next date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from borrowers.models import CloseChunk, CloseRun, Loan
from borrowers.services.bulk_close import loans_close_range
from borrowers.services.promises import promises_break

CLOSE_CHUNK_SIZE = 5000


@dataclass(frozen=True)
class PlannedRun:
    run_id: int
    business_date: date
    chunk_ids: tuple[int, ...]  # the chunks still to close


def close_next_date(through: date) -> date | None:
    """The next business date to close, up to `through`: the day after the last run done, or `through`
    itself if no run has finished yet; None when `through` is done."""
    finished = CloseRun.objects.exclude(status=CloseRun.Status.RUNNING)
    last_done = finished.aggregate(last=Max("business_date"))["last"]
    next_date = last_done + timedelta(days=1) if last_done else through
    return next_date if next_date <= through else None


def close_run_plan(*, business_date: date, chunk_size: int | None = None) -> PlannedRun:
    """Create (or resume) the run for `business_date` and its chunks (CLOSE_CHUNK_SIZE loans each unless
    told), breaking the promises to pay whose date has passed (pay-by before `business_date`); returns
    the chunks not yet done."""
    chunk_size = chunk_size or CLOSE_CHUNK_SIZE
    with transaction.atomic(durable=True):
        run, created = CloseRun.objects.select_for_update().get_or_create(business_date=business_date)
        # The date has begun: promises to pay whose date has passed are broken (set-based; idempotent).
        promises_break(business_date=business_date)
        if created or not run.chunks.exists():
            ids = list(
                Loan.objects.filter(status=Loan.Status.ACTIVE, closed_through__lt=business_date)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            ranges = [
                (ids[i], ids[min(i + chunk_size, len(ids)) - 1]) for i in range(0, len(ids), chunk_size)
            ]
            CloseChunk.objects.bulk_create(
                CloseChunk(run=run, first_loan_id=first, last_loan_id=last) for first, last in ranges
            )
            run.chunks_total = len(ranges)
            if not ranges:
                run.status, run.finished_at = CloseRun.Status.DONE, timezone.now()
            run.save()
        pending = tuple(
            run.chunks.filter(done_at__isnull=True).order_by("first_loan_id").values_list("pk", flat=True)
        )
    return PlannedRun(run_id=run.pk, business_date=business_date, chunk_ids=pending)


@dataclass(frozen=True)
class ChunkOutcome:
    entries: int
    run_finished: bool  # this chunk completed its run: the next date may begin


def close_chunk_run(*, chunk_id: int) -> ChunkOutcome:
    """Close one chunk and mark it done, in one transaction. A chunk already done does nothing."""
    with transaction.atomic(durable=True):
        chunk = CloseChunk.objects.select_for_update().select_related("run").get(pk=chunk_id)
        if chunk.done_at is not None:
            return ChunkOutcome(entries=0, run_finished=False)
        result = loans_close_range(
            first_id=chunk.first_loan_id, last_id=chunk.last_loan_id, business_date=chunk.run.business_date
        )
        chunk.loans, chunk.entries, chunk.errors = result.loans, result.entries, len(result.errors)
        chunk.done_at = timezone.now()
        chunk.save()
        CloseRun.objects.filter(pk=chunk.run_id).update(
            chunks_done=F("chunks_done") + 1,
            loans=F("loans") + result.loans,
            entries=F("entries") + result.entries,
            errors=F("errors") + len(result.errors),
        )
        run = CloseRun.objects.select_for_update().get(pk=chunk.run_id)
        if result.errors:
            run.error_log = (run.error_log + "\n".join(result.errors) + "\n")[-20000:]
        finished = run.chunks_done >= run.chunks_total
        if finished:
            run.status = CloseRun.Status.FAILED if run.errors else CloseRun.Status.DONE
            run.finished_at = timezone.now()
        run.save(update_fields=["error_log", "status", "finished_at"])
    return ChunkOutcome(entries=result.entries, run_finished=finished)


@dataclass(frozen=True)
class CloseSummary:
    dates: int
    loans: int
    entries: int
    errors: int


def close_business_through(through: date) -> CloseSummary:
    """Close every date not yet closed, in order, through `through`, in this process (the management
    command, and a test of the whole night without a worker): the same runs and chunks the workers use."""
    dates = loans = entries = errors = 0
    while (day := close_next_date(through)) is not None:
        planned = close_run_plan(business_date=day)
        for chunk_id in planned.chunk_ids:
            entries += close_chunk_run(chunk_id=chunk_id).entries
        run = CloseRun.objects.get(pk=planned.run_id)
        dates, loans, errors = dates + 1, loans + run.loans, errors + run.errors
    return CloseSummary(dates=dates, loans=loans, entries=entries, errors=errors)

"""The nightly close: every active loan, in chunks, idempotent, and never ahead of the business date."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from borrowers import services, tasks
from borrowers.models import CloseChunk, CloseRun, LedgerEntry, Loan
from tests.borrowers.factories import assert_ledger_reconciles, make_loan

pytestmark = pytest.mark.django_db


def test_the_nightly_task_closes_every_active_loan_in_chunks(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    monkeypatch.setattr(services.close_runs, "CLOSE_CHUNK_SIZE", 2)
    loans = [make_loan(principal=Decimal("12000.00")) for _ in range(5)]

    chunks = tasks.close_of_business.delay().get()

    assert chunks == 3
    run = CloseRun.objects.get()
    assert (run.business_date, run.status, run.chunks_total, run.chunks_done) == (
        date(2026, 3, 31),
        "done",
        3,
        3,
    )
    assert CloseChunk.objects.filter(done_at__isnull=False).count() == 3
    assert {loan.closed_through for loan in Loan.objects.all()} == {date(2026, 3, 31)}
    assert all(LedgerEntry.objects.filter(loan=loan, kind="penalty_interest").exists() for loan in loans)
    assert_ledger_reconciles()


def test_running_the_nightly_task_twice_writes_nothing_the_second_time(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    make_loan(principal=Decimal("12000.00"))
    tasks.close_of_business.delay()
    entries = LedgerEntry.objects.count()

    assert tasks.close_of_business.delay().get() == 0
    chunk = CloseChunk.objects.get()
    assert tasks.close_of_business_chunk.delay(chunk.pk, "2026-03-31").get() == 0
    assert LedgerEntry.objects.count() == entries


def test_the_command_catches_up_and_refuses_to_run_ahead_of_the_business_date(settings, capsys) -> None:  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    make_loan(principal=Decimal("12000.00"))

    call_command("close_business", "--date", "2026-03-01")
    assert Loan.objects.get().closed_through == date(2026, 3, 1)
    call_command("close_business")
    assert Loan.objects.get().closed_through == date(2026, 3, 31)
    assert "1 loan-close(s)" in capsys.readouterr().out

    with pytest.raises(CommandError, match="after today's business date"):
        call_command("close_business", "--date", "2026-04-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("close_business", "--date", "31/03/2026")

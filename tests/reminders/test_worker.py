"""On PostgreSQL with the real broker and a real worker: close of business, run by the worker, sends the
day's reminders and the call list by name as its last step (settings.CLOSE_OF_BUSINESS_THEN), and the
worker writes them."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest

from borrowers import tasks
from notifications.models import Message
from reminders.models import CallListEntry
from tests.borrowers.factories import make_loan
from tests.borrowers.test_close_workers import NIGHT, StartWorker, start_worker  # noqa: F401  (fixture)
from tests.reminders.factories import borrower

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_worker_runs_the_selection_and_the_call_list_after_the_close(start_worker: StartWorker) -> None:  # noqa: F811
    # First due 7 days before the night: the overdue_7 rule (text, email, in-app) and a call list entry.
    first_due = NIGHT - timedelta(days=7)
    loan = make_loan(
        borrower=borrower(),
        principal=Decimal("6000.00"),
        disbursed_on=date(first_due.year, first_due.month - 1, first_due.day),
    )
    start_worker()
    tasks.close_of_business.delay(NIGHT.isoformat())
    deadline = time.monotonic() + 120
    while not (
        Message.objects.filter(topic=loan.reference).count() == 3
        and CallListEntry.objects.filter(business_date=NIGHT, loan=loan).exists()
    ):
        assert time.monotonic() < deadline, "the worker wrote no reminders or call list in 120 s"
        time.sleep(0.2)
    assert set(Message.objects.filter(topic=loan.reference).values_list("template", flat=True)) == {
        "reminder:overdue_7"
    }
    loan.refresh_from_db()
    assert loan.closed_through == NIGHT

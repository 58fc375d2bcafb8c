"""Ten members of Support clicking "Start the call" at once for a borrower already called twice today
(PostgreSQL, real transactions and row locks): exactly one call starts, the others are refused with the
daily limit, and nothing else is written."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from reminders.models import CallAttempt, CallListEntry
from reminders.services import call_list_build, call_outcome_record, call_start
from tests.conftest import require
from tests.hardship.test_concurrency import all_at_once
from tests.reminders.factories import borrower, loan, support_agent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TODAY = date(2026, 2, 22)


@pytest.fixture(autouse=True)
def _postgres(settings: Any) -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()


def test_the_third_call_of_the_day_starts_once_however_many_click() -> None:
    booked = loan(borrower(time_zone="Asia/Urumqi"), close_through=TODAY)
    call_list_build(business_date=TODAY)
    entry = CallListEntry.objects.get(loan=booked)
    agents = [support_agent() for _ in range(10)]
    for hour in (9, 12):
        moment = datetime(2026, 2, 22, hour, tzinfo=ZoneInfo("Asia/Urumqi"))
        attempt = call_start(actor=agents[0], entry_id=entry.pk, now=moment)
        call_outcome_record(actor=agents[0], attempt_id=attempt.pk, outcome="no_answer", now=moment)
    evening = datetime(2026, 2, 22, 18, tzinfo=ZoneInfo("Asia/Urumqi"))
    queue = list(agents)

    def click() -> object:
        return call_start(actor=queue.pop(), entry_id=entry.pk, now=evening)

    outcomes = all_at_once(click, threads=len(agents))
    assert sorted(outcomes) == ["ok"] + ["refused"] * 9
    assert CallAttempt.objects.filter(borrower=entry.borrower, local_day=TODAY).count() == 3

"""The day's reminders: matched by rule, written in each borrower's language at the rule's hour of their
own day (Asia/Shanghai, Asia/Urumqi, a borrower in Los Angeles), idempotent, set-based (the same queries
for 5 loans as for 50), skipping paused loans and borrowers who cannot or must not be written to; a
hardship application's submission cancels what is waiting; close of business runs it as its last step."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from borrowers import services as loan_services
from notifications.models import Message
from reminders.models import ContactFlag
from reminders.services import reminders_select
from tests.hardship.factories import submitted
from tests.reminders.factories import borrower, loan

pytestmark = pytest.mark.django_db
BEFORE_DUE_3 = date(2026, 2, 12)  # instalment 1 falls due on 15 Feb
OVERDUE_7 = date(2026, 2, 22)


def test_each_borrower_gets_the_rule_in_their_language_at_ten_their_time() -> None:
    shanghai = loan(borrower(time_zone="Asia/Shanghai"), close_through=BEFORE_DUE_3)
    urumqi = loan(borrower(time_zone="Asia/Urumqi"), close_through=BEFORE_DUE_3)
    abroad = loan(borrower(time_zone="America/Los_Angeles", language="en"), close_through=BEFORE_DUE_3)

    summary = reminders_select(business_date=BEFORE_DUE_3)

    assert (summary.matched, summary.drafts, summary.written) == (3, 6, 6)
    for booked, zone in (
        (shanghai, "Asia/Shanghai"),
        (urumqi, "Asia/Urumqi"),
        (abroad, "America/Los_Angeles"),
    ):
        messages = {m.channel: m for m in Message.objects.filter(topic=booked.reference)}
        assert set(messages) == {"sms", "in_app"}  # before_due_3's channels
        for channel, message in messages.items():
            assert message.send_after == datetime(2026, 2, 12, 10, tzinfo=ZoneInfo(zone))
            assert message.time_zone == zone
            assert message.template == "reminder:before_due_3"
            assert message.status == Message.Status.SCHEDULED
            assert message.idempotency_key == f"reminder:before_due_3:{booked.reference}:2026-02-12:{channel}"
            assert message.link == f"/loans/{booked.reference}/"
            assert message.user_id == booked.borrower.user_id
        assert messages["sms"].to == booked.borrower.phone
        assert messages["in_app"].to == ""
    # Each is 10:00 on its own clock: 02:00, 04:00 and 18:00 UTC.
    utc = {m.time_zone: m.send_after.astimezone(ZoneInfo("UTC")).hour for m in Message.objects.all()}
    assert utc == {"Asia/Shanghai": 2, "Asia/Urumqi": 4, "America/Los_Angeles": 18}
    zh = Message.objects.get(topic=shanghai.reference, channel="sms")
    assert zh.language == "zh-hans"
    assert "¥1,120.00" in zh.body
    assert "2月15日（星期日）" in zh.body
    en = Message.objects.get(topic=abroad.reference, channel="in_app")
    assert en.language == "en"
    assert en.body.startswith("Hello 陈小安, ¥1,120.00 is due on Sunday 15 February for your loan")
    assert "From Thursday 19 February, ¥20.00 more and ¥0.49 a day." in en.body
    assert "reported to the credit bureau" in en.body
    assert en.body.endswith(f"See it or pay: /loans/{abroad.reference}/")


def test_running_it_again_writes_nothing_new() -> None:
    loan(close_through=OVERDUE_7)
    first = reminders_select(business_date=OVERDUE_7)
    again = reminders_select(business_date=OVERDUE_7)
    assert first.written == 3  # overdue_7: sms, email, in-app
    assert (again.matched, again.drafts, again.written) == (1, 3, 0)
    assert Message.objects.count() == 3
    overdue = Message.objects.get(channel="email")
    assert overdue.link.endswith("/promise/?from=reminder")
    assert overdue.to.endswith("@example.com")


def test_a_day_no_rule_names_writes_nothing() -> None:
    loan(close_through=date(2026, 2, 13))  # 2 days before the due date
    assert reminders_select(business_date=date(2026, 2, 13)).written == 0


def test_paused_loans_and_borrowers_who_cannot_or_must_not_be_written_to_are_skipped(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = OVERDUE_7.isoformat()
    plain = loan(close_through=OVERDUE_7)
    promised = loan(close_through=OVERDUE_7)
    loan_services.promise_make(
        actor=promised.borrower.user,
        loan_id=promised.pk,
        amount=Decimal("1141.97"),
        pay_by=OVERDUE_7 + timedelta(days=5),
        source="site",
        today=OVERDUE_7,
    )
    reviewed = loan(close_through=OVERDUE_7)
    submitted(reviewed.borrower.user, [reviewed])
    loan(borrower(linked=False), close_through=OVERDUE_7)
    flagged = loan(close_through=OVERDUE_7)
    agent = promised.borrower.user  # any user will do as who raised it
    ContactFlag.objects.create(
        borrower=flagged.borrower,
        kind=ContactFlag.Kind.DISPUTE,
        set_by=agent,
        set_at=datetime.now(ZoneInfo("UTC")),
    )

    summary = reminders_select(business_date=OVERDUE_7)

    assert summary.skipped == {"promise": 1, "hardship": 1, "no_account": 1, "contact_flag": 1}
    assert summary.written == 3
    assert set(Message.objects.values_list("topic", flat=True)) == {plain.reference}


def test_submitting_a_hardship_application_cancels_the_reminders_waiting(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = OVERDUE_7.isoformat()
    booked = loan(close_through=OVERDUE_7)
    other = loan(close_through=OVERDUE_7)
    reminders_select(business_date=OVERDUE_7)
    assert Message.objects.filter(status=Message.Status.SCHEDULED).count() == 6

    submitted(booked.borrower.user, [booked])

    mine = Message.objects.filter(topic=booked.reference)
    assert {(m.status, m.status_reason) for m in mine} == {(Message.Status.CANCELLED, "hardship")}
    assert set(Message.objects.filter(topic=other.reference).values_list("status", flat=True)) == {
        "scheduled"
    }


def _loans(count: int) -> None:
    for _ in range(count):
        loan()  # never closed: figures are projected from the disbursement, as the selection allows


def test_five_loans_and_fifty_cost_the_same_queries(
    django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django splits a bulk insert on SQLite at 999 parameters, the limit of SQLite before 3.32; today's
    # is 32,766 (PostgreSQL's 65,535). With the real limit the one insert of 100 messages stays one.
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "max_query_params", 32766)
    _loans(5)
    with CaptureQueriesContext(connection) as five:
        assert reminders_select(business_date=BEFORE_DUE_3).written == 10
    Message.objects.all().delete()
    _loans(45)
    with django_assert_num_queries(len(five)):
        summary = reminders_select(business_date=BEFORE_DUE_3)
    assert (summary.chunks, summary.written) == (1, 100)
    # The rules, the candidates, then per chunk: loans, instalments, milestones, promises, hardship
    # reviews, contact flags, and the messages (existing keys, one insert, in a savepoint).
    per_chunk = len(five) - 2
    assert per_chunk == 10
    # In chunks of 10 loans: 5 chunks, each the same fixed number.
    Message.objects.all().delete()
    with django_assert_num_queries(2 + 5 * per_chunk):
        assert reminders_select(business_date=BEFORE_DUE_3, chunk_size=10).chunks == 5


def test_close_of_business_runs_the_selection_and_the_call_list_as_its_last_step(settings: Any) -> None:
    from borrowers.tasks import close_of_business
    from reminders.models import CallListEntry

    settings.ANXIN_BUSINESS_DATE = OVERDUE_7.isoformat()
    booked = loan(close_through=OVERDUE_7 - timedelta(days=1))
    close_of_business(OVERDUE_7.isoformat())
    booked.refresh_from_db()
    assert booked.closed_through == OVERDUE_7
    assert Message.objects.filter(topic=booked.reference, template="reminder:overdue_7").count() == 3
    assert CallListEntry.objects.filter(business_date=OVERDUE_7, loan=booked).exists()
    # Run again (a resumed or repeated close): nothing more.
    close_of_business(OVERDUE_7.isoformat())
    assert Message.objects.filter(topic=booked.reference).count() == 3
    assert CallListEntry.objects.filter(business_date=OVERDUE_7).count() == 1

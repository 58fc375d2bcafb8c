"""Support's calls: the guardrails are enforced by the service whatever is clicked, with a fixed clock
across time zones — 08:00–22:00 in the borrower's own time (22:05 refused, 21:59 allowed), at most 3
attempts a borrower's local day (the 4th refused), no call while a promise to pay or a hardship review
is open, none to a wrong-number or dispute flag — every refusal a clear message and an audit row."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from borrowers.models import PromiseToPay
from core.exceptions import ApplicationError
from core.models import AuditEvent
from notifications.models import Message
from reminders.models import CallAttempt, CallListEntry, ContactFlag
from reminders.services import (
    call_list_build,
    call_outcome_record,
    call_start,
    contact_flag_clear,
    reminders_select,
)
from tests.hardship.factories import submitted
from tests.reminders.factories import borrower, loan, support_agent

pytestmark = pytest.mark.django_db
TODAY = date(2026, 2, 22)  # instalment 1 (15 Feb) is 7 days overdue


@pytest.fixture(autouse=True)
def _day(settings: Any) -> Any:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    with translation.override("en"):
        yield


def at(hour: int, minute: int, zone: str, day: date = TODAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def entry_for(time_zone: str = "Asia/Shanghai") -> CallListEntry:
    booked = loan(borrower(time_zone=time_zone), close_through=TODAY)
    call_list_build(business_date=TODAY)
    return CallListEntry.objects.get(business_date=TODAY, loan=booked)


def refusal(agent: Any, entry: CallListEntry, now: datetime) -> str:
    with pytest.raises(ApplicationError) as refused:
        call_start(actor=agent, entry_id=entry.pk, now=now)
    return refused.value.message


def call(agent: Any, entry: CallListEntry, now: datetime, outcome: str = "no_answer") -> CallAttempt:
    attempt = call_start(actor=agent, entry_id=entry.pk, now=now)
    return call_outcome_record(
        actor=agent, attempt_id=attempt.pk, outcome=outcome, now=now + timedelta(minutes=2)
    )


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Urumqi", "Europe/London"])
def test_a_call_at_2205_their_time_is_refused_and_one_at_2159_allowed(zone: str) -> None:
    entry, agent = entry_for(zone), support_agent()
    message = refusal(agent, entry, at(22, 5, zone))
    assert f"It is 22:05 for the borrower ({zone})" in message
    assert "between 08:00 and 22:00" in message
    assert refusal(agent, entry, at(7, 59, zone)).startswith("It is 07:59")
    assert not CallAttempt.objects.exists()
    refused = AuditEvent.objects.filter(action="reminders.call.refused")
    assert refused.count() == 2
    assert refused.first().actor == agent

    attempt = call_start(actor=agent, entry_id=entry.pk, now=at(21, 59, zone))
    assert (attempt.local_day, attempt.time_zone) == (TODAY, zone)
    assert AuditEvent.objects.filter(action="reminders.call.started", object_id=str(attempt.pk)).exists()


def test_the_same_moment_is_allowed_in_urumqi_and_refused_in_shanghai() -> None:
    shanghai, urumqi, agent = entry_for("Asia/Shanghai"), entry_for("Asia/Urumqi"), support_agent()
    moment = at(22, 5, "Asia/Shanghai")  # 20:05 in Urumqi
    assert "22:05" in refusal(agent, shanghai, moment)
    assert call_start(actor=agent, entry_id=urumqi.pk, now=moment).local_day == TODAY


def test_the_fourth_attempt_of_their_day_is_refused_whoever_clicks() -> None:
    entry, first, second = entry_for("Asia/Urumqi"), support_agent(), support_agent()
    zone = "Asia/Urumqi"
    call(first, entry, at(9, 0, zone))
    # A second click on a call under way is that call, not another attempt.
    started = call_start(actor=second, entry_id=entry.pk, now=at(12, 0, zone))
    assert call_start(actor=second, entry_id=entry.pk, now=at(12, 1, zone)) == started
    call_outcome_record(actor=second, attempt_id=started.pk, outcome="no_answer", now=at(12, 3, zone))
    call(first, entry, at(15, 0, zone))
    assert CallAttempt.objects.filter(borrower=entry.borrower, local_day=TODAY).count() == 3

    for agent in (first, second):
        message = refusal(agent, entry, at(18, 0, zone))
        assert message == "The borrower has been called 3 times today (their time): at most 3 a day."
    assert CallAttempt.objects.count() == 3
    # Their next day begins at midnight Urumqi time (02:00 in Shanghai); from 08:00 there, calls again.
    assert "07:30" in refusal(first, entry, at(7, 30, zone, TODAY + timedelta(days=1)))
    again = call_start(actor=first, entry_id=entry.pk, now=at(8, 0, zone, TODAY + timedelta(days=1)))
    assert again.local_day == TODAY + timedelta(days=1)


def test_a_promise_made_on_the_call_pauses_calls_and_reminders() -> None:
    entry, agent = entry_for(), support_agent()
    reminders_select(business_date=TODAY)
    assert Message.objects.filter(topic=entry.loan.reference, status="scheduled").count() == 3
    attempt = call_start(actor=agent, entry_id=entry.pk, now=at(10, 0, "Asia/Shanghai"))
    # Below what is overdue: refused by the promise rules, and nothing changes.
    with pytest.raises(ApplicationError):
        call_outcome_record(
            actor=agent,
            attempt_id=attempt.pk,
            outcome="promise_made",
            promise_amount=Decimal("10.00"),
            promise_pay_by=TODAY + timedelta(days=5),
        )
    attempt.refresh_from_db()
    assert attempt.ended_at is None
    assert not PromiseToPay.objects.exists()

    call_outcome_record(
        actor=agent,
        attempt_id=attempt.pk,
        outcome="promise_made",
        note="Paid on Friday, says salary comes Thursday.",
        promise_amount=Decimal("1141.97"),
        promise_pay_by=TODAY + timedelta(days=5),
        now=at(10, 4, "Asia/Shanghai"),
    )
    promise = PromiseToPay.objects.get(loan=entry.loan)
    assert (promise.source, promise.amount, promise.made_by) == ("phone", Decimal("1141.97"), agent)
    assert set(
        Message.objects.filter(topic=entry.loan.reference).values_list("status_reason", flat=True)
    ) == {"promise"}
    assert "open promise to pay" in refusal(agent, entry, at(11, 0, "Asia/Shanghai"))
    event = AuditEvent.objects.get(action="reminders.call.outcome")
    assert event.data["outcome"] == "promise_made"
    assert event.data["promise_amount"] == "1141.97"


def test_no_call_while_a_hardship_application_is_under_review() -> None:
    entry, agent = entry_for(), support_agent()
    submitted(entry.borrower.user, [entry.loan])
    assert "under review" in refusal(agent, entry, at(10, 0, "Asia/Shanghai"))


@pytest.mark.parametrize(
    ("outcome", "words"), [("wrong_number", "not the borrower's"), ("dispute", "disputes")]
)
def test_a_wrong_number_or_a_dispute_stops_calls_and_reminders_until_staff_clear_it(
    outcome: str, words: str
) -> None:
    entry, agent = entry_for(), support_agent()
    reminders_select(business_date=TODAY)
    call(agent, entry, at(10, 0, "Asia/Shanghai"), outcome=outcome)
    flag = ContactFlag.objects.get(borrower=entry.borrower)
    assert flag.kind == outcome
    assert flag.is_open
    assert set(Message.objects.values_list("status", "status_reason")) == {("cancelled", outcome)}
    assert words in refusal(agent, entry, at(11, 0, "Asia/Shanghai"))

    with pytest.raises(ApplicationError):
        contact_flag_clear(actor=agent, flag_id=flag.pk, note="  ")
    contact_flag_clear(actor=agent, flag_id=flag.pk, note="The borrower called from this number to confirm.")
    flag.refresh_from_db()
    assert not flag.is_open
    assert flag.cleared_by == agent
    assert AuditEvent.objects.filter(action="reminders.flag.cleared", object_id=str(flag.pk)).exists()
    call_start(actor=agent, entry_id=entry.pk, now=at(12, 0, "Asia/Shanghai"))


def test_only_support_calls_and_only_the_one_who_started_records_the_outcome() -> None:
    from tests.conftest import make_user

    entry, agent, other = entry_for(), support_agent(), support_agent()
    outsider = make_user("editor.calls@example.com", is_staff=True)
    with pytest.raises(ApplicationError):
        call_start(actor=outsider, entry_id=entry.pk, now=at(10, 0, "Asia/Shanghai"))
    attempt = call_start(actor=agent, entry_id=entry.pk, now=at(10, 0, "Asia/Shanghai"))
    with pytest.raises(ApplicationError):
        call_outcome_record(actor=other, attempt_id=attempt.pk, outcome="reached")
    with pytest.raises(ApplicationError):
        call_outcome_record(actor=agent, attempt_id=attempt.pk, outcome="shouted")
    call_outcome_record(actor=agent, attempt_id=attempt.pk, outcome="reached")
    with pytest.raises(ApplicationError):
        call_outcome_record(actor=agent, attempt_id=attempt.pk, outcome="no_answer")


def test_a_borrowers_data_export_has_their_calls_and_erasing_empties_the_staffs_notes() -> None:
    from reminders import personal_data

    entry, agent = entry_for(), support_agent()
    attempt = call_start(actor=agent, entry_id=entry.pk, now=at(10, 0, "Asia/Shanghai"))
    call_outcome_record(
        actor=agent, attempt_id=attempt.pk, outcome="dispute", note="Says the loan is not theirs."
    )
    user = entry.borrower.user
    tables = {t.name: t for t in personal_data.export_tables(user=user)}
    (row,) = tables["reminder_calls"].rows
    assert (row["outcome"], row["note"]) == ("dispute", "Says the loan is not theirs.")
    assert "staff" not in tables["reminder_calls"].columns
    assert len(tables["reminder_contact_flags"].rows) == 1
    assert personal_data.erase(user=user) == {"reminder_call_notes": 1, "reminder_flag_notes": 1}
    attempt.refresh_from_db()
    assert (attempt.note, attempt.outcome) == ("", "dispute")

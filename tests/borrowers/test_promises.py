"""Promises to pay (borrowers.services.promises): the policy's bounds, refusals that change nothing, the
reminders a promise cancels, payments that keep it, close of business that breaks it, a restructuring
that cancels it, and the bulk reads the reminders and the call list use.

The standard loan (factories' defaults, as in test_restructure): ¥12,000.00 over 12 months, equal
principal at 12 %, disbursed 2026-01-15, first due 2026-02-15; policy 3 days' grace, ¥20.00 late fee,
18 % penalty (ACT/365). Closed through D0 = 2026-04-10, instalments 1 (15 Feb) and 2 (15 Mar) are
overdue with their fees and penalty.
"""

import itertools
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import loanmath
from accounts.models import User
from borrowers import selectors, services
from borrowers.models import Instalment, Loan, PromiseToPay
from core.exceptions import ApplicationError
from core.models import AuditEvent
from notifications.models import Message
from notifications.services import MessageDraft, messages_schedule
from tests.borrowers.factories import assert_ledger_reconciles, make_borrower, make_loan, make_product
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are read in English (the Chinese is checked by test_translations)."""
    with translation.override("en"):
        yield


NIL = Decimal("0.00")
D0 = date(2026, 4, 10)
_serial = itertools.count(1)


def close_to(settings: Any, day: date) -> None:
    settings.ANXIN_BUSINESS_DATE = day.isoformat()
    services.close_business_through(day)


def overdue_loan(settings: Any, user: User | None = None, **kw: Any) -> Loan:
    settings.ANXIN_BUSINESS_DATE = D0.isoformat()
    if user is None:
        borrower = make_borrower(make_user(f"p{next(_serial)}@example.com"))
    else:
        borrower = user.borrower_profile
    loan = make_loan(borrower=borrower, principal=Decimal("12000.00"), **kw)
    services.loan_close_business(loan_id=loan.pk, business_date=D0)
    loan.refresh_from_db()
    return loan


def oldest_unpaid(loan: Loan) -> Decimal:
    """Instalment 1's unpaid amount, read from its row (not through the code's positions)."""
    first = Instalment.objects.get(loan=loan, number=1)
    return (
        first.principal
        - first.principal_paid
        + first.interest_billed
        - first.interest_paid
        + first.fees_charged
        - first.fees_paid
        + first.penalty_charged
        - first.penalty_paid
    )


def promise(loan: Loan, amount: Decimal, pay_by: date, **kw: Any) -> PromiseToPay:
    kw.setdefault("actor", loan.borrower.user)
    kw.setdefault("source", PromiseToPay.Source.SITE)
    kw.setdefault("today", D0)
    return services.promise_make(loan_id=loan.pk, amount=amount, pay_by=pay_by, **kw)


def pay(settings: Any, loan: Loan, amount: Decimal, on: date) -> None:
    settings.ANXIN_BUSINESS_DATE = on.isoformat()
    services.payment_record(loan_id=loan.pk, receipt_number=f"PR-{next(_serial)}", amount=amount, paid_on=on)


def refused(call: Any, *args: Any, **kw: Any) -> str:
    counts = (PromiseToPay.objects.count(), AuditEvent.objects.filter(action__startswith="promise.").count())
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kw)
    assert (
        PromiseToPay.objects.count(),
        AuditEvent.objects.filter(action__startswith="promise.").count(),
    ) == counts
    return caught.value.message


def reminder(loan: Loan, key: str) -> None:
    user = loan.borrower.user
    assert user is not None
    messages_schedule(
        drafts=[
            MessageDraft(
                user_id=user.pk,
                channel="sms",
                template="reminder:overdue_7",
                body="请还款",
                send_after=datetime(2026, 4, 11, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                idempotency_key=key,
                topic=loan.reference,
                to="13800138000",
            )
        ]
    )


# --- making one ----------------------------------------------------------------------------------------


def test_the_least_that_may_be_promised_is_the_oldest_overdue_instalment_with_its_charges(
    settings: Any,
) -> None:
    loan = overdue_loan(settings)
    minimum = oldest_unpaid(loan)
    # 1,000.00 principal + 120.00 interest + 20.00 late fee + penalty on 1,000.00 since 18 Feb.
    penalty = (Decimal("1000.00") * Decimal("0.18") * 51 / 365).quantize(Decimal("0.01"))
    assert minimum == Decimal("1140.00") + penalty
    message = refused(promise, loan, minimum - Decimal("0.01"), D0 + timedelta(days=7))
    assert "1,1" in message  # the minimum, formatted, is in the message

    made = promise(loan, minimum, D0 + timedelta(days=7))

    assert (made.status, made.amount, made.made_on, made.closed_on, made.paid_towards) == (
        PromiseToPay.Status.OPEN,
        minimum,
        D0,
        None,
        NIL,
    )
    event = AuditEvent.objects.get(action="promise.made", object_id=str(made.pk))
    assert event.actor == loan.borrower.user
    assert event.data["minimum"] == str(minimum)


def test_the_date_is_today_to_the_policys_longest_wait(settings: Any) -> None:
    loan = overdue_loan(settings)
    amount = oldest_unpaid(loan)
    refused(promise, loan, amount, D0 - timedelta(days=1))
    refused(promise, loan, amount, D0 + timedelta(days=15))
    assert promise(loan, amount, D0 + timedelta(days=14)).pay_by == date(2026, 4, 24)


def test_a_shorter_policy_wait_is_obeyed(settings: Any) -> None:
    product = make_product()
    policy = product.overdue_policy
    policy.promise_max_days = 5
    policy.save()
    loan = overdue_loan(settings, product=product)
    refused(promise, loan, oldest_unpaid(loan), D0 + timedelta(days=6))
    promise(loan, oldest_unpaid(loan), D0 + timedelta(days=5))


def test_at_most_the_payoff_today(settings: Any) -> None:
    loan = overdue_loan(settings)
    [card] = selectors.borrower_loan_cards(user=loan.borrower.user, today=D0)
    refused(promise, loan, card.payoff_today + Decimal("0.01"), D0 + timedelta(days=3))
    assert promise(loan, card.payoff_today, D0 + timedelta(days=3)).amount == card.payoff_today


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5.00"), Decimal("100.005"), Decimal("NaN")])
def test_an_amount_that_is_not_money_is_refused(settings: Any, amount: Decimal) -> None:
    loan = overdue_loan(settings)
    refused(promise, loan, amount, D0 + timedelta(days=3))


def test_only_an_overdue_loan_takes_a_promise(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-02-01"
    user = make_user("current@example.com")
    loan = make_loan(borrower=make_borrower(user), principal=Decimal("1200.00"))
    services.loan_close_business(loan_id=loan.pk, business_date=date(2026, 2, 1))
    message = refused(
        services.promise_make,
        actor=user,
        loan_id=loan.pk,
        amount=Decimal("100.00"),
        pay_by=date(2026, 2, 5),
        source="site",
        today=date(2026, 2, 1),
    )
    assert "not overdue" in message


def test_one_open_promise_per_loan_and_the_database_holds_it(settings: Any) -> None:
    loan = overdue_loan(settings)
    first = promise(loan, oldest_unpaid(loan), D0 + timedelta(days=7))
    refused(promise, loan, oldest_unpaid(loan), D0 + timedelta(days=3))
    with pytest.raises(IntegrityError), transaction.atomic():
        PromiseToPay.objects.create(
            loan=loan, amount=Decimal("1.00"), pay_by=D0, made_on=D0, source="site", status="open"
        )
    assert list(PromiseToPay.objects.filter(loan=loan)) == [first]


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("0.00")},
        {"pay_by": D0 - timedelta(days=1)},
        {"status": "kept", "closed_on": D0},  # kept with nothing paid towards it
        {"status": "broken", "closed_on": None},  # closed with no date
        {"status": "broken", "closed_on": D0 - timedelta(days=1)},  # closed before it was made
        {"status": "open", "closed_on": D0},
        {"status": "lost", "closed_on": D0},
        {"source": "letter"},
    ],
)
def test_the_database_refuses_a_promise_that_makes_no_sense(settings: Any, fields: dict[str, Any]) -> None:
    loan = overdue_loan(settings)
    values: dict[str, Any] = {
        "loan": loan,
        "amount": Decimal("100.00"),
        "pay_by": D0,
        "made_on": D0,
        "source": "site",
        "status": "cancelled",
        "closed_on": D0,
        **fields,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        PromiseToPay.objects.create(**values)


def test_a_borrower_cannot_promise_on_anothers_loan_and_only_staff_record_a_call(settings: Any) -> None:
    loan = overdue_loan(settings)
    stranger = make_user("stranger@example.com")
    refused(promise, loan, oldest_unpaid(loan), D0 + timedelta(days=3), actor=stranger)
    refused(promise, loan, oldest_unpaid(loan), D0 + timedelta(days=3), source="phone")  # the borrower
    refused(promise, loan, oldest_unpaid(loan), D0 + timedelta(days=3), source="letter")
    staff = make_user("support@example.com", is_staff=True)
    made = promise(loan, oldest_unpaid(loan), D0 + timedelta(days=3), actor=staff, source="phone")
    assert (made.source, made.made_by) == ("phone", staff)


def _break_two(settings: Any, loan: Loan) -> None:
    """Two promises made and broken on the loan, closed 13 and 20 April."""
    for days in (2, 8):
        settings.ANXIN_BUSINESS_DATE = (loan.closed_through or D0).isoformat()
        today = loan.closed_through or D0
        promise(loan, oldest_unpaid(loan), today + timedelta(days=days - 1), today=today)
        close_to(settings, today + timedelta(days=days))
        loan.refresh_from_db()


def test_two_broken_promises_in_90_days_send_the_borrower_to_the_phone(settings: Any) -> None:
    loan = overdue_loan(settings)
    _break_two(settings, loan)
    today = loan.closed_through
    assert today == D0 + timedelta(days=10)
    assert PromiseToPay.objects.filter(loan=loan, status="broken").count() == 2
    message = refused(promise, loan, oldest_unpaid(loan), today + timedelta(days=3), today=today)
    assert "call us" in message
    # Staff on a call may still record one.
    staff = make_user("support@example.com", is_staff=True)
    promise(loan, oldest_unpaid(loan), today + timedelta(days=3), today=today, actor=staff, source="phone")


def test_broken_promises_older_than_90_days_no_longer_count(settings: Any) -> None:
    loan = overdue_loan(settings)
    _break_two(settings, loan)
    later = D0 + timedelta(days=10 + 91)  # both were broken 91 days or more before
    close_to(settings, later)
    loan.refresh_from_db()
    assert (
        selectors.promise_broken_counts(user_ids=[loan.borrower.user_id], since=later - timedelta(days=90))
        == {}
    )
    promise(loan, oldest_unpaid(loan), later + timedelta(days=3), today=later)


def test_a_promise_cancels_the_loans_waiting_reminders_and_only_those(settings: Any) -> None:
    loan = overdue_loan(settings)
    other = overdue_loan(settings, user=loan.borrower.user)
    reminder(loan, "reminder:overdue_7:a")
    reminder(other, "reminder:overdue_7:b")

    promise(loan, oldest_unpaid(loan), D0 + timedelta(days=5))

    mine = Message.objects.get(idempotency_key="reminder:overdue_7:a")
    assert (mine.status, mine.status_reason) == (Message.Status.CANCELLED, "promise")
    assert Message.objects.get(idempotency_key="reminder:overdue_7:b").status == Message.Status.SCHEDULED


def test_a_refused_promise_cancels_nothing(settings: Any) -> None:
    loan = overdue_loan(settings)
    reminder(loan, "reminder:overdue_7:c")
    refused(promise, loan, Decimal("1.00"), D0 + timedelta(days=5))
    assert Message.objects.get(idempotency_key="reminder:overdue_7:c").status == Message.Status.SCHEDULED


# --- settling it ---------------------------------------------------------------------------------------


def test_payments_count_towards_the_promise_and_keep_it_when_they_reach_it(settings: Any) -> None:
    loan = overdue_loan(settings)
    amount = oldest_unpaid(loan) + Decimal("500.00")
    made = promise(loan, amount, D0 + timedelta(days=10))
    pay(settings, loan, Decimal("600.00"), D0)
    made.refresh_from_db()
    assert (made.status, made.paid_towards) == (PromiseToPay.Status.OPEN, Decimal("600.00"))
    assert AuditEvent.objects.filter(action="promise.paid_towards", object_id=str(made.pk)).count() == 1

    close_to(settings, D0 + timedelta(days=4))
    pay(settings, loan, amount - Decimal("600.00"), D0 + timedelta(days=4))
    made.refresh_from_db()
    assert (made.status, made.paid_towards, made.closed_on) == (
        PromiseToPay.Status.KEPT,
        amount,
        D0 + timedelta(days=4),
    )
    assert AuditEvent.objects.filter(action="promise.kept", object_id=str(made.pk)).exists()
    # A kept promise is history: the loan's reminders may run again, and a new promise may be made.
    assert selectors.promise_open_loan_ids(loan_ids=[loan.pk]) == frozenset()
    # Close of business after its date breaks nothing.
    close_to(settings, D0 + timedelta(days=12))
    made.refresh_from_db()
    assert made.status == PromiseToPay.Status.KEPT
    assert_ledger_reconciles()


def test_a_payment_recorded_before_the_promise_does_not_count(settings: Any) -> None:
    loan = overdue_loan(settings)
    pay(settings, loan, Decimal("300.00"), D0)
    made = promise(loan, oldest_unpaid(loan), D0 + timedelta(days=10))
    assert made.paid_towards == NIL


# --- breaking it ---------------------------------------------------------------------------------------


def test_close_of_business_breaks_a_promise_the_day_after_its_date(settings: Any) -> None:
    loan = overdue_loan(settings)
    pay_by = D0 + timedelta(days=5)
    made = promise(loan, oldest_unpaid(loan), pay_by)
    pay(settings, loan, Decimal("100.00"), D0)
    close_to(settings, pay_by)
    made.refresh_from_db()
    assert made.status == PromiseToPay.Status.OPEN  # its last day is still open
    assert selectors.promise_open_loan_ids(loan_ids=[loan.pk]) == {loan.pk}

    close_to(settings, pay_by + timedelta(days=1))

    made.refresh_from_db()
    assert (made.status, made.closed_on, made.paid_towards) == (
        PromiseToPay.Status.BROKEN,
        pay_by + timedelta(days=1),
        Decimal("100.00"),
    )
    event = AuditEvent.objects.get(action="promise.broken", object_id=str(made.pk))
    assert event.data["paid_towards"] == "100.00"
    # No longer open: the daily selection picks the loan again.
    assert selectors.promise_open_loan_ids(loan_ids=[loan.pk]) == frozenset()
    assert selectors.promise_broken_counts(user_ids=[loan.borrower.user_id], since=D0) == {
        loan.borrower.user_id: 1
    }
    # Running the night again breaks nothing twice.
    assert services.promises_break(business_date=pay_by + timedelta(days=1)) == 0
    assert AuditEvent.objects.filter(action="promise.broken").count() == 1


def test_breaking_is_set_based(settings: Any) -> None:
    def counted(n: int, day: date) -> int:
        settings.ANXIN_BUSINESS_DATE = D0.isoformat()
        for _ in range(n):
            loan = overdue_loan(settings)
            promise(loan, oldest_unpaid(loan), D0)
        with CaptureQueriesContext(connection) as captured:
            assert services.promises_break(business_date=day) == n
        return len(captured.captured_queries)

    assert counted(1, D0 + timedelta(days=1)) == counted(12, D0 + timedelta(days=1))
    assert AuditEvent.objects.filter(action="promise.broken").count() == 13


def test_a_restructuring_cancels_the_open_promise(settings: Any) -> None:
    loan = overdue_loan(settings)
    made = promise(loan, oldest_unpaid(loan), D0 + timedelta(days=7))
    services.loan_restructure(
        loan_id=loan.pk,
        terms=loanmath.OptionTerms(kind=loanmath.OptionKind.EXTENSION, months=18),
        source="HA-p1",
    )
    made.refresh_from_db()
    assert (made.status, made.closed_on) == (PromiseToPay.Status.CANCELLED, D0)
    assert AuditEvent.objects.get(action="promise.cancelled", object_id=str(made.pk)).data["reason"] == (
        "restructure"
    )
    assert_ledger_reconciles()


# --- the bulk reads ------------------------------------------------------------------------------------


def test_the_bulk_reads_take_one_query_each_whatever_the_count(settings: Any) -> None:
    loans = [overdue_loan(settings) for _ in range(4)]
    promise(loans[0], oldest_unpaid(loans[0]), D0 + timedelta(days=3))
    promise(loans[2], oldest_unpaid(loans[2]), D0 + timedelta(days=3))
    ids = [loan.pk for loan in loans]
    with CaptureQueriesContext(connection) as captured:
        open_ids = selectors.promise_open_loan_ids(loan_ids=ids)
    assert open_ids == {loans[0].pk, loans[2].pk}
    assert len(captured.captured_queries) == 1

    close_to(settings, D0 + timedelta(days=4))
    users = [loan.borrower.user_id for loan in loans]
    with CaptureQueriesContext(connection) as captured:
        counts = selectors.promise_broken_counts(user_ids=users, since=D0)
    assert counts == {loans[0].borrower.user_id: 1, loans[2].borrower.user_id: 1}
    assert len(captured.captured_queries) == 1
    assert selectors.promise_broken_counts(user_ids=users, since=D0 + timedelta(days=5)) == {}
    assert selectors.promise_open_loan_ids(loan_ids=[]) == frozenset()
    assert selectors.promise_broken_counts(user_ids=[], since=D0) == {}


def test_broken_promises_are_counted_per_borrower_across_loans(settings: Any) -> None:
    user = make_user("two-loans@example.com")
    borrower = make_borrower(user)
    settings.ANXIN_BUSINESS_DATE = D0.isoformat()
    loans = [make_loan(borrower=borrower, principal=Decimal("12000.00")) for _ in range(2)]
    for loan in loans:
        services.loan_close_business(loan_id=loan.pk, business_date=D0)
    for loan in loans:
        promise(loan, oldest_unpaid(loan), D0)
    close_to(settings, D0 + timedelta(days=1))
    assert selectors.promise_broken_counts(user_ids=[user.pk], since=D0) == {user.pk: 2}
    message = refused(
        promise, loans[0], oldest_unpaid(loans[0]), D0 + timedelta(days=3), today=D0 + timedelta(days=1)
    )
    assert "call us" in message

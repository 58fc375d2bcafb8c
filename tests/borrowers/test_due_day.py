"""Moving the due day in the ledger (borrowers.services.due_day): what is applied is the preview to the fen
and the oracle's schedule (tests/loanmath/due_day_oracle.py, from the rows read here), the old schedule
is kept, nothing owed changes, the ledger reconciles now and after 40 more days of close of business (on
both close paths), the new first due date bills the interest counted by the day; once a year, never on a
loan overdue, about to fall due, paused, under a promise or part paid ahead.

The standard loan (factories' defaults): ¥12,000.00 over 12 months (24 where a year must pass), equal
principal at 12 %, disbursed 2026-01-15, first due 2026-02-15; 3 days' grace, ¥20.00 late fee, 18 %
penalty, ACT/365. Instalments 1 and 2 are paid on their dates; on D0 = 2026-03-20 the next falls due on
15 April, its period having begun on 15 March.
"""

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import override_settings
from django.utils import translation

import loanmath
from accounts.models import User
from borrowers import selectors, services
from borrowers.models import Instalment, LedgerEntry, Loan, LoanProduct, Restructure
from borrowers.services.bulk_close import loans_close_range
from core.exceptions import ApplicationError
from core.models import AuditEvent
from tests.borrowers.factories import assert_ledger_reconciles, make_borrower, make_loan, make_product
from tests.conftest import make_user, require
from tests.loanmath.due_day_oracle import OracleItem, expected_move

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are read in English (the Chinese is checked by test_translations)."""
    with translation.override("en"):
        yield


NIL = Decimal("0.00")
D0 = date(2026, 3, 20)
_serial = itertools.count(1)


def pay_due(loan: Loan, count: int) -> None:
    """Pay the first ``count`` instalments in full on their due dates."""
    for inst in list(Instalment.objects.filter(loan=loan).order_by("number"))[:count]:
        services.loan_close_business(loan_id=loan.pk, business_date=inst.due_date)
        inst.refresh_from_db()
        with override_settings(ANXIN_BUSINESS_DATE=inst.due_date.isoformat()):
            services.payment_record(
                loan_id=loan.pk,
                receipt_number=f"DD-{next(_serial)}",
                amount=inst.principal + inst.interest,
                paid_on=inst.due_date,
            )


def current_loan(
    settings: Any,
    *,
    on: date = D0,
    paid: int = 2,
    product: LoanProduct | None = None,
    disbursed_on: date = date(2026, 1, 15),
    first_due_date: date | None = None,
    overdue: bool = False,
) -> Loan:
    user = make_user(f"dd{next(_serial)}@example.com")
    loan = make_loan(
        borrower=make_borrower(user),
        product=product or make_product(),
        principal=Decimal("12000.00"),
        disbursed_on=disbursed_on,
        first_due_date=first_due_date,
    )
    pay_due(loan, paid)
    settings.ANXIN_BUSINESS_DATE = on.isoformat()
    services.loan_close_business(loan_id=loan.pk, business_date=on)
    loan.refresh_from_db()
    assert (loan.days_past_due > 0) == overdue
    return loan


def owner(loan: Loan) -> User:
    user = loan.borrower.user
    assert user is not None
    return user


def balances(loan: Loan) -> tuple[Decimal, ...]:
    loan.refresh_from_db()
    return (loan.principal_balance, loan.interest_balance, loan.fee_balance, loan.penalty_balance)


def preview(loan: Loan, day: int, today: date = D0) -> selectors.DueDayPage:
    bundle = selectors.borrower_loan(user=owner(loan), reference=loan.reference)
    assert bundle is not None
    last = selectors.due_day_last_move(loan_id=loan.pk)
    return selectors.due_day_page(loan=bundle, today=today, last_move_on=last, day=day)


def oracle(loan: Loan, day: int, today: date, period_start: date) -> Any:
    """The oracle's move from the instalment rows as they stand (not through the code's positions)."""
    items = []
    for i in Instalment.objects.filter(loan=loan, superseded_by__isnull=True).order_by("number"):
        unbilled = i.interest - i.interest_billed if i.due_date > today else NIL
        principal = i.principal - i.principal_paid
        interest = i.interest_billed - i.interest_paid + unbilled
        if principal + interest + i.fees_charged - i.fees_paid + i.penalty_charged - i.penalty_paid > 0:
            items.append(
                OracleItem(
                    number=i.number,
                    due_date=i.due_date,
                    principal=principal,
                    interest=interest,
                    unbilled=unbilled,
                    fees=i.fees_charged - i.fees_paid,
                    penalty=i.penalty_charged - i.penalty_paid,
                    fixed=i.interest_fixed,
                )
            )
    return expected_move(
        on=today, rate=loan.annual_rate, items=items, day=day, period_start=period_start, days_in_year=365
    )


def new_rows(record: Restructure) -> list[tuple[Any, ...]]:
    return [
        (i.due_date, i.principal, i.interest, i.interest_billed, i.fees_charged, i.penalty_charged)
        for i in Instalment.objects.filter(restructure=record).order_by("number")
    ]


def close_to(settings: Any, day: date) -> None:
    settings.ANXIN_BUSINESS_DATE = day.isoformat()
    services.close_business_through(day)


# --- the move, to the fen ------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "first", "days"), [(25, date(2026, 4, 25), 41), (5, date(2026, 4, 5), 21)])
def test_the_move_puts_the_preview_in_the_ledger_and_keeps_the_old_schedule(
    settings: Any, day: int, first: date, days: int
) -> None:
    loan = current_loan(settings)
    before = balances(loan)
    old = list(Instalment.objects.filter(loan=loan, number__gte=3).order_by("number"))
    page = preview(loan, day)
    assert page.can_move
    assert page.move is not None
    move = page.move
    expected = oracle(loan, day, D0, date(2026, 3, 15))
    # The preview is the oracle's schedule: 10,000.00 × 0.12 × days ÷ 365 on the first new date.
    assert (move.first_due_after, move.days, move.period_start) == (first, days, date(2026, 3, 15))
    assert move.interest_after == (Decimal("1200") * days / 365).quantize(Decimal("0.01"))
    assert move.interest_before == Decimal("100.00")
    assert [(i.due_date, i.principal, i.interest) for i in move.instalments] == [
        (x.due_date, x.principal, x.interest) for x in expected.lines
    ]

    record = services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=day, today=D0)

    assert (record.kind, record.applied_on, record.applied_by) == (Restructure.Kind.DUE_DAY, D0, owner(loan))
    assert record.terms["due_day"] == day
    assert record.total_to_pay == move.total_to_pay
    assert new_rows(record) == [
        (i.due_date, i.principal, i.interest, i.interest_carried, i.fees, i.penalty) for i in move.instalments
    ]
    # Nothing owed moves: the balances, and the RESTRUCTURE entries net to nothing.
    assert balances(loan) == before
    totals = LedgerEntry.objects.filter(loan=loan, kind=LedgerEntry.Kind.RESTRUCTURE).aggregate(
        p=Sum("principal"), i=Sum("interest"), f=Sum("fees"), n=Sum("penalty")
    )
    assert all(Decimal(v or 0) == 0 for v in totals.values())
    # The old schedule is history: settled, replaced, in the record.
    for inst in old:
        inst.refresh_from_db()
        assert inst.is_settled
        assert inst.superseded_by_id == record.pk
    assert [row["due_date"] for row in record.schedule_before] == [i.due_date.isoformat() for i in old]
    loan.refresh_from_db()
    assert loan.term_months == 12  # two paid + ten moved
    assert AuditEvent.objects.get(action="loan.due_day_moved", object_id=str(loan.pk)).data["day"] == day
    assert_ledger_reconciles()
    # It is not a restructuring for hardship's "repeat forbearance".
    assert selectors.loans_restructured_since(loan_ids=[loan.pk], since=D0) == frozenset()

    # Forty more days of close of business: the first new date bills the day-counted interest.
    close_to(settings, D0 + timedelta(days=40))
    assert_ledger_reconciles()
    billed = LedgerEntry.objects.filter(loan=loan, kind=LedgerEntry.Kind.INTEREST_DUE, business_date__gt=D0)
    assert [(e.business_date, e.interest) for e in billed] == [(first, move.interest_after)]
    assert not billed.filter(business_date=date(2026, 4, 15)).exists()


def test_a_payment_on_the_new_date_settles_the_moved_instalment(settings: Any) -> None:
    loan = current_loan(settings)
    record = services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=25, today=D0)
    first = Instalment.objects.filter(restructure=record).order_by("number").first()
    assert first is not None
    close_to(settings, first.due_date)
    first.refresh_from_db()
    services.payment_record(
        loan_id=loan.pk,
        receipt_number="DD-new-date",
        amount=first.principal + first.interest,
        paid_on=first.due_date,
    )
    first.refresh_from_db()
    assert first.is_settled
    close_to(settings, first.due_date + timedelta(days=20))
    loan.refresh_from_db()
    assert loan.days_past_due == 0
    assert loan.fee_balance == loan.penalty_balance == NIL
    assert_ledger_reconciles()


def test_a_month_end_loan_moves_off_the_31st(settings: Any) -> None:
    """First due 31 January: 28 February, 31 March, 30 April… On 10 April, with two paid, moved to day 10:
    the period began 31 March, the first new date is 10 May (10 April is too soon), 40 days."""
    loan = current_loan(
        settings,
        on=date(2026, 4, 10),
        paid=3,
        disbursed_on=date(2025, 12, 31),
        first_due_date=date(2026, 1, 31),
    )
    assert list(Instalment.objects.filter(loan=loan).values_list("due_date", flat=True)[:4]) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    page = preview(loan, 10, date(2026, 4, 10))
    assert page.move is not None
    assert (page.move.first_due_after, page.move.period_start, page.move.days) == (
        date(2026, 5, 10),
        date(2026, 3, 31),
        40,
    )
    expected = oracle(loan, 10, date(2026, 4, 10), date(2026, 3, 31))
    record = services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=10, today=date(2026, 4, 10))
    assert [row[:3] for row in new_rows(record)] == [
        (x.due_date, x.principal, x.interest) for x in expected.lines
    ]
    assert [row[0] for row in new_rows(record)][:3] == [
        date(2026, 5, 10),
        date(2026, 6, 10),
        date(2026, 7, 10),
    ]
    close_to(settings, date(2026, 5, 20))
    assert_ledger_reconciles()


def test_a_move_in_february_counts_its_real_days(settings: Any) -> None:
    """On 20 February 2026, instalment 1 paid on 15 February: moved to day 1, the first new date is
    1 March, 14 days after 15 February (2026 has no 29 February): less interest than the month's."""
    loan = current_loan(settings, on=date(2026, 2, 20), paid=1)
    page = preview(loan, 1, date(2026, 2, 20))
    assert page.move is not None
    assert (page.move.first_due_after, page.move.days) == (date(2026, 3, 1), 14)
    # 11,000.00 × 0.12 × 14 ÷ 365 = 50.63; the month's interest was 110.00.
    assert page.move.interest_after == Decimal("50.63")
    assert page.move.extra_interest == Decimal("-59.37")
    record = services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=1, today=date(2026, 2, 20))
    assert record.interest_given_up == Decimal("59.37")
    close_to(settings, date(2026, 3, 31))
    assert_ledger_reconciles()


# --- when it may move ----------------------------------------------------------------------------------


def refused(loan: Loan, day: int, today: date = D0, user: User | None = None) -> str:
    counts = (Restructure.objects.count(), Instalment.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(ApplicationError) as caught:
        services.loan_due_day_move(user=user or owner(loan), loan_id=loan.pk, day=day, today=today)
    assert (Restructure.objects.count(), Instalment.objects.count(), LedgerEntry.objects.count()) == counts
    return caught.value.message


def test_once_a_year(settings: Any) -> None:
    loan = current_loan(settings, product=make_product(term_months=24))
    services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=25, today=D0)
    later = date(2027, 3, 19)
    settings.ANXIN_BUSINESS_DATE = later.isoformat()
    pay_all_due(loan, later)
    message = refused(loan, 5, later)
    assert "once a year" in message
    assert preview(loan, 5, later).refusal == message
    a_year_on = date(2027, 3, 20)
    pay_all_due(loan, a_year_on)
    record = services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=5, today=a_year_on)
    assert record.applied_on == a_year_on
    assert_ledger_reconciles()


def pay_all_due(loan: Loan, today: date) -> None:
    """Pay every live instalment due by ``today`` on its date, then close through ``today``."""
    for inst in Instalment.objects.filter(
        loan=loan, superseded_by__isnull=True, due_date__lte=today
    ).order_by("number"):
        if inst.is_settled:
            continue
        services.loan_close_business(loan_id=loan.pk, business_date=inst.due_date)
        inst.refresh_from_db()
        with override_settings(ANXIN_BUSINESS_DATE=inst.due_date.isoformat()):
            services.payment_record(
                loan_id=loan.pk,
                receipt_number=f"DD-{next(_serial)}",
                amount=inst.principal + inst.interest - inst.principal_paid - inst.interest_paid,
                paid_on=inst.due_date,
            )
    services.loan_close_business(loan_id=loan.pk, business_date=today)


def test_a_period_after_a_move_starts_on_the_moved_date_not_an_old_one(settings: Any) -> None:
    """A year after moving from the 15th to the 25th, the period before the next due date began on the
    25th (a live instalment), not on an old 15th that the move replaced before it came."""
    loan = current_loan(settings, product=make_product(term_months=24))
    services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=25, today=D0)
    today = date(2027, 4, 1)
    settings.ANXIN_BUSINESS_DATE = today.isoformat()
    pay_all_due(loan, today)
    page = preview(loan, 10, today)
    assert page.move is not None
    assert (page.move.period_start, page.move.first_due_before, page.move.first_due_after) == (
        date(2027, 3, 25),
        date(2027, 4, 25),
        date(2027, 4, 10),
    )


def test_an_overdue_loan_cannot_move(settings: Any) -> None:
    loan = current_loan(settings, paid=0, on=date(2026, 2, 20), overdue=True)
    assert "overdue" in refused(loan, 25, date(2026, 2, 20))


def test_not_when_the_next_payment_is_within_3_days(settings: Any) -> None:
    loan = current_loan(settings, on=date(2026, 4, 12))
    message = refused(loan, 25, date(2026, 4, 12))
    assert "within 3 days" in message
    assert preview(loan, 25, date(2026, 4, 12)).move is None


def test_not_while_charges_are_paused(settings: Any) -> None:
    loan = current_loan(settings)
    services.loans_pause_charges(loan_ids=[loan.pk], through=D0 + timedelta(days=30))
    assert "hardship" in refused(loan, 25)


def test_not_while_a_promise_is_open(settings: Any) -> None:
    loan = current_loan(settings, paid=0, on=date(2026, 2, 20), overdue=True)
    first = Instalment.objects.get(loan=loan, number=1)
    owed = first.principal + first.interest_billed + first.fees_charged + first.penalty_charged
    services.promise_make(
        actor=owner(loan),
        loan_id=loan.pk,
        amount=owed + Decimal("500.00"),
        pay_by=date(2026, 3, 1),
        source="site",
        today=date(2026, 2, 20),
    )
    services.payment_record(loan_id=loan.pk, receipt_number="DD-prom", amount=owed, paid_on=date(2026, 2, 20))
    loan.refresh_from_db()
    assert loan.days_past_due == 0
    assert "promise" in refused(loan, 25, date(2026, 2, 20))


def test_not_when_the_next_instalment_is_part_paid(settings: Any) -> None:
    loan = current_loan(settings)
    services.payment_record(loan_id=loan.pk, receipt_number="DD-ahead", amount=Decimal("50.00"), paid_on=D0)
    assert "paid part" in refused(loan, 25)


def test_a_bad_day_and_the_same_day_are_refused(settings: Any) -> None:
    loan = current_loan(settings)
    assert "already" in refused(loan, 15)
    refused(loan, 29)
    refused(loan, 0)


def test_only_the_borrower_moves_their_loan(settings: Any) -> None:
    loan = current_loan(settings)
    refused(loan, 25, user=make_user("someone-else@example.com"))


def test_a_second_move_the_same_day_applies_nothing(settings: Any) -> None:
    loan = current_loan(settings)
    services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=25, today=D0)
    assert "once a year" in refused(loan, 5)


def test_the_move_of_a_restructured_loan_keeps_what_was_carried(settings: Any) -> None:
    """A loan under an arrears plan carries fees and penalty on its instalments: a move keeps each on its
    instalment, and the ledger still reconciles."""
    loan = current_loan(settings, paid=0, on=date(2026, 3, 1), overdue=True)
    with override_settings(ANXIN_BUSINESS_DATE="2026-03-01"):
        services.loan_restructure(
            loan_id=loan.pk,
            terms=loanmath.OptionTerms(kind=loanmath.OptionKind.EXTENSION, months=12),
            source="HA-dd-1",
        )
    today = date(2026, 3, 2)
    settings.ANXIN_BUSINESS_DATE = today.isoformat()
    services.loan_close_business(loan_id=loan.pk, business_date=today)
    page = preview(loan, 28, today)
    assert page.move is not None
    carried = [(i.interest_carried, i.fees, i.penalty) for i in page.move.instalments]
    assert any(fees for _, fees, _ in carried)
    record = services.loan_due_day_move(user=owner(loan), loan_id=loan.pk, day=28, today=today)
    assert [(r[3], r[4], r[5]) for r in new_rows(record)] == carried
    assert_ledger_reconciles()
    close_to(settings, today + timedelta(days=40))
    assert_ledger_reconciles()


# --- PostgreSQL: the set-based close after a move -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_set_based_close_of_a_moved_loan_writes_the_reference_ledger() -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    product = make_product()
    loans = []
    for name in ("ref", "sql"):
        user = make_user(f"dd-{name}@example.com")
        loan = make_loan(borrower=make_borrower(user), product=product, principal=Decimal("12000.00"))
        pay_due(loan, 2)
        services.loan_close_business(loan_id=loan.pk, business_date=D0)
        services.loan_due_day_move(user=user, loan_id=loan.pk, day=25, today=D0)
        loans.append(loan)
    ref, sql = loans
    day = D0
    while day < D0 + timedelta(days=40):
        day += timedelta(days=1)
        loans_close_range(first_id=sql.pk, last_id=sql.pk, business_date=day)
    services.loan_close_business(loan_id=ref.pk, business_date=day)

    def ledger(loan: Loan) -> list[tuple[Any, ...]]:
        numbers = dict(Instalment.objects.filter(loan=loan).values_list("pk", "number"))
        return [
            (
                e.kind,
                e.business_date,
                numbers.get(e.instalment_id),
                e.principal,
                e.interest,
                e.fees,
                e.penalty,
            )
            for e in LedgerEntry.objects.filter(loan=loan, business_date__gt=D0).order_by(
                "business_date", "kind", "instalment__number", "pk"
            )
        ]

    assert ledger(sql) == ledger(ref)
    assert any(row[0] == LedgerEntry.Kind.INTEREST_DUE for row in ledger(sql))
    assert_ledger_reconciles()

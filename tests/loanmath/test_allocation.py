from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loanmath import (
    FuturePrincipal,
    InvalidInputError,
    OpenInstalment,
    OverpaymentHandling,
    allocate_payment,
)
from tests.loanmath.strategies import cents, examples, yuan

PAID_ON = date(2024, 3, 1)
# Two overdue instalments and this month's bill (not yet due); 3,415.55 owed in all.
JANUARY = OpenInstalment(
    number=1,
    due_date=date(2024, 1, 15),
    penalty=yuan("12.34"),
    fees=yuan("50.00"),
    interest=yuan("100.00"),
    principal=yuan("1000.00"),
)
FEBRUARY = OpenInstalment(
    number=2,
    due_date=date(2024, 2, 15),
    penalty=yuan("3.21"),
    fees=yuan("50.00"),
    interest=yuan("95.00"),
    principal=yuan("1005.00"),
)
MARCH = OpenInstalment(
    number=3, due_date=date(2024, 3, 15), interest=yuan("90.00"), principal=yuan("1010.00")
)
LATER = (
    FuturePrincipal(number=4, due_date=date(2024, 4, 15), principal=yuan("1015.00")),
    FuturePrincipal(number=5, due_date=date(2024, 5, 15), principal=yuan("1020.00")),
    FuturePrincipal(number=6, due_date=date(2024, 6, 15), principal=yuan("1025.00")),
)


def test_payment_clears_the_oldest_overdue_instalment_then_penalty_fees_interest_of_the_next() -> None:
    # 1,250.00: January in full (1,162.34), then 87.66 on February: penalty 3.21, fees 50.00, interest
    # 34.45 (of 95.00); February's principal and March get nothing.
    allocation = allocate_payment(
        amount=yuan("1250.00"), paid_on=PAID_ON, instalments=[MARCH, FEBRUARY, JANUARY]
    )
    first, second = allocation.lines
    assert (first.instalment_number, first.total, first.was_overdue) == (1, yuan("1162.34"), True)
    assert (second.penalty, second.fees, second.interest, second.principal) == (
        yuan("3.21"),
        yuan("50.00"),
        yuan("34.45"),
        yuan("0.00"),
    )
    assert allocation.unapplied == 0
    assert allocation.allocated == yuan("1250.00")


def test_after_the_overdue_instalments_the_payment_goes_to_the_bill_not_yet_due() -> None:
    # 2,500.00 - 1,162.34 - 1,153.21 = 184.45 on March: interest 90.00, principal 94.45.
    allocation = allocate_payment(
        amount=yuan("2500.00"), paid_on=PAID_ON, instalments=[JANUARY, FEBRUARY, MARCH]
    )
    march = allocation.lines[-1]
    assert (march.instalment_number, march.was_overdue, march.interest, march.principal) == (
        3,
        False,
        yuan("90.00"),
        yuan("94.45"),
    )


def test_an_instalment_due_on_the_payment_day_is_not_overdue() -> None:
    allocation = allocate_payment(amount=yuan("100.00"), paid_on=date(2024, 3, 15), instalments=[MARCH])
    assert not allocation.lines[0].was_overdue


def test_overpayment_is_refunded_when_the_product_refunds() -> None:
    # 5,000.00 paid, 3,415.55 owed: 1,584.45 back to the borrower.
    allocation = allocate_payment(
        amount=yuan("5000.00"),
        paid_on=PAID_ON,
        instalments=[JANUARY, FEBRUARY, MARCH],
        overpayment_handling=OverpaymentHandling.REFUND,
        future_principal=LATER,
    )
    assert allocation.overpayment_handling is OverpaymentHandling.REFUND
    assert allocation.prepayments == ()
    assert allocation.unapplied == yuan("1584.45")


def test_overpayment_prepays_principal_from_the_last_instalment_backwards_when_the_product_prepays() -> None:
    # 1,584.45 left over: instalment 6's 1,025.00 in full, then 559.45 of instalment 5's principal.
    allocation = allocate_payment(
        amount=yuan("5000.00"),
        paid_on=PAID_ON,
        instalments=[JANUARY, FEBRUARY, MARCH],
        overpayment_handling=OverpaymentHandling.PREPAY_PRINCIPAL,
        future_principal=LATER,
    )
    assert [(p.instalment_number, p.principal) for p in allocation.prepayments] == [
        (6, yuan("1025.00")),
        (5, yuan("559.45")),
    ]
    assert allocation.unapplied == 0
    assert allocation.allocated == yuan("5000.00")


def test_money_beyond_the_whole_loan_is_returned_even_when_the_product_prepays() -> None:
    # Everything: 3,415.55 open + 3,060.00 future principal = 6,475.55; 7,000.00 paid leaves 524.45.
    allocation = allocate_payment(
        amount=yuan("7000.00"),
        paid_on=PAID_ON,
        instalments=[JANUARY, FEBRUARY, MARCH],
        overpayment_handling=OverpaymentHandling.PREPAY_PRINCIPAL,
        future_principal=LATER,
    )
    assert sum(p.principal for p in allocation.prepayments) == yuan("3060.00")
    assert allocation.unapplied == yuan("524.45")


def test_a_zero_payment_allocates_nothing() -> None:
    allocation = allocate_payment(amount=yuan("0.00"), paid_on=PAID_ON, instalments=[JANUARY])
    assert allocation.lines == ()
    assert allocation.unapplied == 0


def test_a_payment_in_fractions_of_a_cent_or_an_instalment_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        allocate_payment(amount=yuan("10.001"), paid_on=PAID_ON, instalments=[JANUARY])
    with pytest.raises(InvalidInputError):
        allocate_payment(amount=yuan("10.00"), paid_on=PAID_ON, instalments=[JANUARY, JANUARY])
    with pytest.raises(InvalidInputError):
        allocate_payment(
            amount=yuan("10.00"),
            paid_on=PAID_ON,
            instalments=[JANUARY],
            future_principal=[FuturePrincipal(number=1, due_date=date(2024, 4, 1), principal=yuan("1.00"))],
        )


@st.composite
def open_instalments(draw: st.DrawFn) -> list[OpenInstalment]:
    count = draw(st.integers(0, 8))
    first_due = date(2024, 1, 10)
    small = cents(0, 200_00)
    return [
        OpenInstalment(
            number=n + 1,
            due_date=first_due + timedelta(days=30 * n),
            penalty=draw(small),
            fees=draw(small),
            interest=draw(small),
            principal=draw(cents(0, 3_000_00)),
        )
        for n in range(count)
    ]


@examples(200)
@given(
    instalments=open_instalments(),
    amount=cents(0, 30_000_00),
    handling=st.sampled_from(OverpaymentHandling),
    future=st.lists(cents(0, 3_000_00), max_size=4),
    paid_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)),
)
def test_allocation_never_exceeds_what_was_paid_or_owed_and_accounts_for_every_cent(
    instalments: list[OpenInstalment],
    amount: Decimal,
    handling: OverpaymentHandling,
    future: list[Decimal],
    paid_on: date,
) -> None:
    future_principal = [
        FuturePrincipal(number=100 + n, due_date=date(2025, 1, 1) + timedelta(days=30 * n), principal=p)
        for n, p in enumerate(future)
    ]
    allocation = allocate_payment(
        amount=amount,
        paid_on=paid_on,
        instalments=instalments,
        overpayment_handling=handling,
        future_principal=future_principal,
    )
    assert allocation.allocated + allocation.unapplied == amount
    assert allocation.unapplied >= 0
    owed = {i.number: i for i in instalments}
    for line in allocation.lines:
        source = owed[line.instalment_number]
        assert 0 <= line.penalty <= source.penalty
        assert 0 <= line.fees <= source.fees
        assert 0 <= line.interest <= source.interest
        assert 0 <= line.principal <= source.principal
    for prepayment in allocation.prepayments:
        assert 0 < prepayment.principal <= future[prepayment.instalment_number - 100]
    total_open = sum((i.total for i in instalments), Decimal(0))
    assert sum((line.total for line in allocation.lines), Decimal(0)) == min(amount, total_open)
    if allocation.unapplied > 0:
        assert sum((line.total for line in allocation.lines), Decimal(0)) == total_open


@examples(200)
@given(instalments=open_instalments(), amount=cents(0, 30_000_00))
def test_no_part_is_paid_while_an_earlier_part_in_the_waterfall_is_still_owed(
    instalments: list[OpenInstalment], amount: Decimal
) -> None:
    allocation = allocate_payment(amount=amount, paid_on=date(2024, 6, 1), instalments=instalments)
    paid = {line.instalment_number: line for line in allocation.lines}
    waterfall: list[tuple[Decimal, Decimal]] = []
    for instalment in sorted(instalments, key=lambda i: i.due_date):
        line = paid.get(instalment.number)
        parts_paid = (line.penalty, line.fees, line.interest, line.principal) if line else (Decimal(0),) * 4
        parts_owed = (instalment.penalty, instalment.fees, instalment.interest, instalment.principal)
        waterfall.extend(zip(parts_owed, parts_paid, strict=True))
    last_part_paid = max((k for k, (_, part_paid) in enumerate(waterfall) if part_paid > 0), default=0)
    assert all(part_paid == part_owed for part_owed, part_paid in waterfall[:last_part_paid])

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loanmath import (
    InvalidInputError,
    LoanTerms,
    RepaymentMethod,
    Schedule,
    annuity_payment,
    build_schedule,
    equal_instalment_schedule,
    equal_principal_schedule,
    interest_only_schedule,
    quantize,
)
from tests.loanmath.strategies import annual_rates, cents, days_in, examples, yuan

FIRST_DUE = date(2024, 1, 31)


def test_equal_principal_120000_at_6pct_12_months_costs_3900_interest() -> None:
    # Hand calculation: principal 10,000.00 a month; interest 0.5 % of the balance before each payment:
    # 600.00, 550.00, ..., 50.00, i.e. 0.005 * (120,000 + 110,000 + ... + 10,000) = 0.005 * 780,000.
    schedule = equal_principal_schedule(
        principal=yuan("120000.00"), annual_rate=yuan("0.06"), months=12, first_due_date=FIRST_DUE
    )
    assert [i.principal for i in schedule.instalments] == [yuan("10000.00")] * 12
    assert [i.interest for i in schedule.instalments][:3] == [yuan("600.00"), yuan("550.00"), yuan("500.00")]
    assert schedule.instalments[-1].payment == yuan("10050.00")
    assert schedule.total_interest == yuan("3900.00")


def test_equal_instalment_120000_at_6pct_12_months_pays_10327_97_and_costs_3935_66_interest() -> None:
    # Hand calculation: 120,000 * 0.005 / (1 - 1.005 ** -12) = 10,327.97 (10,327.9730...), paid 11 times;
    # interest is 0.5 % of each month's balance to the cent; the 12th payment is the 10,276.61 balance
    # left plus 51.38 interest = 10,327.99. Interest: 12 payments 123,935.66 - 120,000 = 3,935.66.
    schedule = equal_instalment_schedule(
        principal=yuan("120000.00"), annual_rate=yuan("0.06"), months=12, first_due_date=FIRST_DUE
    )
    payments = [i.payment for i in schedule.instalments]
    assert payments[:11] == [yuan("10327.97")] * 11
    assert payments[11] == yuan("10327.99")
    first = schedule.instalments[0]
    assert (first.interest, first.principal, first.balance_after) == (
        yuan("600.00"),
        yuan("9727.97"),
        yuan("110272.03"),
    )
    assert schedule.total_interest == yuan("3935.66")
    assert schedule.total_payment == yuan("123935.66")


def test_interest_only_120000_at_6pct_12_months_pays_600_a_month_and_the_principal_at_the_end() -> None:
    # 120,000 * 0.06 / 12 = 600.00 every month; the 12th instalment adds the 120,000.00 principal.
    schedule = interest_only_schedule(
        principal=yuan("120000.00"), annual_rate=yuan("0.06"), months=12, first_due_date=FIRST_DUE
    )
    assert [i.payment for i in schedule.instalments] == [yuan("600.00")] * 11 + [yuan("120600.00")]
    assert schedule.total_interest == yuan("7200.00")
    assert [i.balance_after for i in schedule.instalments][-2:] == [yuan("120000.00"), yuan("0.00")]


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_zero_rate_10000_over_3_months_charges_no_interest_and_the_last_month_takes_the_odd_cent(
    method: RepaymentMethod,
) -> None:
    schedule = build_schedule(
        LoanTerms(
            principal=yuan("10000.00"),
            annual_rate=yuan("0"),
            months=3,
            first_due_date=FIRST_DUE,
            method=method,
        )
    )
    assert schedule.total_interest == 0
    assert schedule.total_principal == yuan("10000.00")
    if method is RepaymentMethod.INTEREST_ONLY:
        assert [i.payment for i in schedule.instalments] == [yuan("0.00"), yuan("0.00"), yuan("10000.00")]
    else:
        # 10,000 / 3 = 3,333.33 (rounded half up) twice; the last repays the 3,333.34 left.
        assert [i.payment for i in schedule.instalments] == [
            yuan("3333.33"),
            yuan("3333.33"),
            yuan("3333.34"),
        ]


def test_a_schedule_first_due_31_january_keeps_month_end_due_dates_through_february() -> None:
    schedule = equal_instalment_schedule(
        principal=yuan("6000.00"), annual_rate=yuan("0.12"), months=4, first_due_date=date(2024, 1, 31)
    )
    assert [i.due_date for i in schedule.instalments] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]


def test_a_one_month_loan_repays_everything_in_its_only_instalment() -> None:
    # 5,000.00 at 18 %: one month's interest 5,000 * 0.18 / 12 = 75.00.
    schedule = equal_instalment_schedule(
        principal=yuan("5000.00"), annual_rate=yuan("0.18"), months=1, first_due_date=FIRST_DUE
    )
    (only,) = schedule.instalments
    assert (only.principal, only.interest, only.payment, only.balance_after) == (
        yuan("5000.00"),
        yuan("75.00"),
        yuan("5075.00"),
        yuan("0.00"),
    )


def test_equal_principal_of_100_over_3_months_puts_the_rounding_cent_on_the_last_month() -> None:
    # 100 / 3 = 33.33 (33.333... half up) for two months; the last repays 33.34.
    schedule = equal_principal_schedule(
        principal=yuan("100.00"), annual_rate=yuan("0.12"), months=3, first_due_date=FIRST_DUE
    )
    assert [i.principal for i in schedule.instalments] == [yuan("33.33"), yuan("33.33"), yuan("33.34")]
    # Interest: 1 % of 100.00, 66.67 and 33.34: 1.00, 0.67 (0.6667), 0.33 (0.3334).
    assert [i.interest for i in schedule.instalments] == [yuan("1.00"), yuan("0.67"), yuan("0.33")]


def test_1000_at_10pct_over_360_months_pays_8_77_because_8_78_would_repay_the_loan_early() -> None:
    # 1,000 * (0.10 / 12) / (1 - (1 + 0.10 / 12) ** -360) = 8.7757... -> 8.78 half up. Paying 8.78 for
    # 359 months would repay the whole balance before the 360th, so the payment is lowered to 8.77
    # and the last instalment absorbs the difference (22.61, as this module computes it).
    assert annuity_payment(principal=yuan("1000.00"), annual_rate=yuan("0.10"), months=360) == yuan("8.78")
    schedule = equal_instalment_schedule(
        principal=yuan("1000.00"), annual_rate=yuan("0.10"), months=360, first_due_date=FIRST_DUE
    )
    assert {i.payment for i in schedule.instalments[:-1]} == {yuan("8.77")}
    assert schedule.instalments[-2].balance_after > 0
    assert schedule.instalments[-1].payment == yuan("22.61")


@pytest.mark.parametrize(
    "terms",
    [
        {"principal": yuan("0.00"), "annual_rate": yuan("0.1"), "months": 12},
        {"principal": yuan("-100.00"), "annual_rate": yuan("0.1"), "months": 12},
        {"principal": yuan("100.001"), "annual_rate": yuan("0.1"), "months": 12},
        {"principal": yuan("100.00"), "annual_rate": yuan("-0.1"), "months": 12},
        {"principal": yuan("100.00"), "annual_rate": yuan("0.1"), "months": 0},
        {"principal": 100.0, "annual_rate": yuan("0.1"), "months": 12},
    ],
)
def test_terms_that_cannot_describe_a_loan_are_refused(terms: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        LoanTerms(first_due_date=FIRST_DUE, method=RepaymentMethod.EQUAL_INSTALMENT, **terms)  # type: ignore[arg-type]


realistic_loans = st.builds(
    LoanTerms,
    principal=cents(1_000_00, 5_000_000_00),
    annual_rate=annual_rates(),
    months=st.integers(1, 360),
    first_due_date=days_in(date(2020, 1, 1), date(2035, 12, 31)),
    method=st.sampled_from(RepaymentMethod),
)


def assert_is_consistent(schedule: Schedule) -> None:
    terms = schedule.terms
    balance = terms.principal
    for instalment in schedule.instalments:
        assert instalment.interest == quantize(balance * terms.annual_rate / 12)
        assert instalment.principal >= 0
        assert instalment.payment == instalment.principal + instalment.interest
        balance -= instalment.principal
        assert instalment.balance_after == balance >= 0
    assert len(schedule.instalments) == terms.months
    assert schedule.total_principal == terms.principal
    assert schedule.instalments[-1].balance_after == 0


@examples(150)
@given(terms=realistic_loans)
def test_principal_sums_exactly_to_the_loan_and_the_balance_ends_at_zero(terms: LoanTerms) -> None:
    assert_is_consistent(build_schedule(terms))


@examples(100)
@given(
    principal=cents(1, 100_00),
    annual_rate=annual_rates(),
    months=st.integers(1, 360),
    method=st.sampled_from(RepaymentMethod),
)
def test_even_tiny_loans_never_repay_negative_principal_or_leave_a_negative_balance(
    principal: Decimal, annual_rate: Decimal, months: int, method: RepaymentMethod
) -> None:
    terms = LoanTerms(
        principal=principal, annual_rate=annual_rate, months=months, first_due_date=FIRST_DUE, method=method
    )
    assert_is_consistent(build_schedule(terms))


@examples(150)
@given(principal=cents(1_000_00, 5_000_000_00), annual_rate=annual_rates(), months=st.integers(2, 360))
def test_equal_instalment_payments_differ_by_at_most_a_cent_except_the_last(
    principal: Decimal, annual_rate: Decimal, months: int
) -> None:
    schedule = equal_instalment_schedule(
        principal=principal, annual_rate=annual_rate, months=months, first_due_date=FIRST_DUE
    )
    payments = [i.payment for i in schedule.instalments[:-1]]
    assert max(payments) - min(payments) <= yuan("0.01")
    assert payments[0] <= annuity_payment(principal=principal, annual_rate=annual_rate, months=months)


@examples(300)
@given(principal=cents(1_000_00, 5_000_000_00), annual_rate=annual_rates(), months=st.integers(1, 360))
def test_annuity_payment_matches_numpy_financial_pmt_within_a_cent(
    principal: Decimal, annual_rate: Decimal, months: int
) -> None:
    # numpy-financial works in floats; the payment it gives, rounded, may differ by at most a cent.
    expected = npf.pmt(float(annual_rate) / 12, months, -float(principal))
    payment = annuity_payment(principal=principal, annual_rate=annual_rate, months=months)
    assert abs(float(payment) - expected) <= 0.01

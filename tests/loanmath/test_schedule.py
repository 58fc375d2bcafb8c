import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy_financial as npf
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from loanmath import (
    InvalidInputError,
    LoanTerms,
    NonAmortisingTermsError,
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


def built_or_refused(terms: LoanTerms) -> Schedule | None:
    """The schedule, or None when build_schedule refuses the terms as not amortising (checked below)."""
    try:
        return build_schedule(terms)
    except NonAmortisingTermsError:
        return None


@examples(150)
@given(terms=realistic_loans)
def test_principal_sums_exactly_to_the_loan_and_the_balance_ends_at_zero(terms: LoanTerms) -> None:
    schedule = built_or_refused(terms)
    assume(schedule is not None)
    assert schedule is not None
    assert_is_consistent(schedule)


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
    schedule = built_or_refused(terms)
    if schedule is None:
        # Tiny loans over long terms often round to a level that repays nothing: refused, never drawn.
        assert method is not RepaymentMethod.INTEREST_ONLY
        assert not oracle_amortises(terms)
    else:
        assert_is_consistent(schedule)


@examples(150)
@given(principal=cents(1_000_00, 5_000_000_00), annual_rate=annual_rates(), months=st.integers(2, 360))
def test_equal_instalment_payments_differ_by_at_most_a_cent_except_the_last(
    principal: Decimal, annual_rate: Decimal, months: int
) -> None:
    schedule = built_or_refused(
        LoanTerms(
            principal=principal,
            annual_rate=annual_rate,
            months=months,
            first_due_date=FIRST_DUE,
            method=RepaymentMethod.EQUAL_INSTALMENT,
        )
    )
    assume(schedule is not None)
    assert schedule is not None
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


# Issue 11: the last payment, and terms that do not amortise ------------------------------------------------
#
# The oracle below works in whole cents (int) and exact fractions (fractions.Fraction), independently of
# loanmath's Decimal code: the annuity P * r / (1 - (1 + r) ** -n) and each month's interest
# balance * annual_rate / 12 are exact fractions, rounded half up to the cent once; the level is lowered a
# cent at a time while it would repay the loan before the last month, as the module docstring says.


def half_up_cents(amount: Fraction) -> int:
    """A non-negative amount in yuan, rounded half up to whole cents."""
    return math.floor(amount * 100 + Fraction(1, 2))


def oracle_lines(terms: LoanTerms) -> list[tuple[int, int]]:
    """(principal, interest) of each instalment, in cents, by exact arithmetic."""
    principal = int(terms.principal * 100)
    rate = Fraction(terms.annual_rate)
    months = terms.months
    if terms.method is RepaymentMethod.EQUAL_INSTALMENT:
        monthly = rate / 12
        exact = (
            Fraction(principal, 100) / months
            if monthly == 0
            else Fraction(principal, 100) * monthly / (1 - (1 + monthly) ** -months)
        )
        level = half_up_cents(exact)
    elif terms.method is RepaymentMethod.EQUAL_PRINCIPAL:
        level = half_up_cents(Fraction(principal, 100) / months)
    else:
        level = 0
    while True:
        balance, lines = principal, []
        for number in range(1, months + 1):
            interest = half_up_cents(Fraction(balance, 100) * rate / 12)
            if number == months:
                repaid = balance
            elif terms.method is RepaymentMethod.EQUAL_INSTALMENT:
                repaid = min(max(level - interest, 0), balance)
            elif terms.method is RepaymentMethod.EQUAL_PRINCIPAL:
                repaid = min(level, balance)
            else:
                repaid = 0
            balance -= repaid
            lines.append((repaid, interest))
        repaid_early = months > 1 and sum(repaid for repaid, _ in lines[:-1]) == principal
        if not (repaid_early and level > 0):
            return lines
        level -= 1


def oracle_amortises(terms: LoanTerms) -> bool:
    """Every instalment but the last repays principal (interest only is a balloon by design)."""
    if terms.method is RepaymentMethod.INTEREST_ONLY:
        return True
    return all(repaid > 0 for repaid, _ in oracle_lines(terms)[:-1])


def terms_of(principal: str, annual_rate: str, months: int, method: RepaymentMethod) -> LoanTerms:
    return LoanTerms(
        principal=yuan(principal),
        annual_rate=yuan(annual_rate),
        months=months,
        first_due_date=FIRST_DUE,
        method=method,
    )


def test_1000_at_36pct_over_360_months_is_refused_because_its_payment_of_30_00_is_all_interest() -> None:
    # Oracle: 1,000 * 0.03 / (1 - 1.03 ** -360) = 30.0007..., half up 30.00; the first month's interest is
    # 1,000 * 0.36 / 12 = 30.00 exactly. So 359 payments of 30.00 repay nothing and the last is 1,030.00.
    terms = terms_of("1000.00", "0.36", 360, RepaymentMethod.EQUAL_INSTALMENT)
    lines = oracle_lines(terms)
    assert lines[0] == (0, 30_00)
    assert {repaid for repaid, _ in lines[:-1]} == {0}
    assert sum(lines[-1]) == 1030_00

    with pytest.raises(NonAmortisingTermsError) as refused:
        build_schedule(terms)

    error = refused.value
    assert isinstance(error, InvalidInputError)
    assert (error.payment, error.interest, error.level, error.last_payment) == (
        yuan("30.00"),
        yuan("30.00"),
        yuan("30.00"),
        yuan("1030.00"),
    )
    assert error.instalment.number == 1
    assert error.terms == terms


def test_100000_at_24pct_over_360_months_pays_2001_60_and_a_last_payment_of_2300_46() -> None:
    # Oracle: 100,000 * 0.02 / (1 - 1.02 ** -360) = 2,001.6044..., half up 2,001.60 (principal 1.60 in the
    # first month, above its 2,000.00 of interest). 359 payments of 2,001.60 leave 2,255.35 to the last
    # instalment, which adds 45.11 of interest: 2,300.46, 298.86 more than the others, not "a few cents".
    terms = terms_of("100000.00", "0.24", 360, RepaymentMethod.EQUAL_INSTALMENT)
    lines = oracle_lines(terms)
    assert {repaid + interest for repaid, interest in lines[:-1]} == {2001_60}
    assert lines[0] == (1_60, 2000_00)
    assert lines[-1] == (2255_35, 45_11)

    schedule = build_schedule(terms)

    assert [(i.principal, i.interest) for i in schedule.instalments] == [
        (Decimal(repaid).scaleb(-2), Decimal(interest).scaleb(-2)) for repaid, interest in lines
    ]
    assert schedule.regular_payment == yuan("2001.60")
    assert schedule.last_payment == yuan("2300.46")
    assert schedule.total_interest == yuan("620874.86")


def test_equal_principal_that_rounds_to_0_00_a_month_is_refused_and_interest_only_never_is() -> None:
    # 1.00 / 360 = 0.0027... rounds to 0.00: no instalment but the last would repay anything.
    with pytest.raises(NonAmortisingTermsError) as refused:
        build_schedule(terms_of("1.00", "0.36", 360, RepaymentMethod.EQUAL_PRINCIPAL))
    assert (refused.value.level, refused.value.payment, refused.value.interest) == (
        yuan("0.00"),
        yuan("0.03"),
        yuan("0.03"),
    )
    # 先息后本 is a balloon by design: 30.00 of interest a month, and the 1,000.00 with the last.
    schedule = build_schedule(terms_of("1000.00", "0.36", 360, RepaymentMethod.INTEREST_ONLY))
    assert (schedule.regular_payment, schedule.last_payment) == (yuan("30.00"), yuan("1030.00"))


def test_the_regular_payment_is_none_when_payments_fall_or_there_is_only_one() -> None:
    falling = build_schedule(terms_of("120000.00", "0.06", 12, RepaymentMethod.EQUAL_PRINCIPAL))
    only = build_schedule(terms_of("5000.00", "0.18", 1, RepaymentMethod.EQUAL_INSTALMENT))
    level = build_schedule(terms_of("120000.00", "0.06", 12, RepaymentMethod.EQUAL_INSTALMENT))

    assert (falling.regular_payment, falling.last_payment) == (None, yuan("10050.00"))
    assert (only.regular_payment, only.last_payment) == (None, yuan("5075.00"))
    assert (level.regular_payment, level.last_payment) == (yuan("10327.97"), yuan("10327.99"))


@examples(200)
@given(
    principal=st.one_of(cents(1, 20_000_00), cents(1_000_00, 10_000_000_00)),
    annual_rate=st.one_of(annual_rates(), annual_rates(1_000_000)),
    months=st.one_of(st.integers(1, 360), st.integers(240, 360)),
    method=st.sampled_from(RepaymentMethod),
)
def test_accepted_terms_repay_principal_every_month_and_refused_ones_are_balloons_by_the_oracle(
    principal: Decimal, annual_rate: Decimal, months: int, method: RepaymentMethod
) -> None:
    terms = LoanTerms(
        principal=principal, annual_rate=annual_rate, months=months, first_due_date=FIRST_DUE, method=method
    )
    schedule = built_or_refused(terms)

    assert (schedule is not None) == oracle_amortises(terms)
    if schedule is None:
        return
    assert schedule.total_principal == principal
    if method is not RepaymentMethod.INTEREST_ONLY:
        assert all(i.principal > 0 for i in schedule.instalments[:-1])
    assert [(i.principal, i.interest) for i in schedule.instalments] == [
        (Decimal(repaid).scaleb(-2), Decimal(interest).scaleb(-2)) for repaid, interest in oracle_lines(terms)
    ]
    assert schedule.last_payment == schedule.instalments[-1].payment

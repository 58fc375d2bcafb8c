import calendar
import math
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy_financial as npf
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from loanmath import (
    ExtraEffect,
    InvalidInputError,
    LoanTerms,
    LumpSum,
    NonAmortisingTermsError,
    PlanInput,
    PlanLine,
    PlanMethod,
    PlanResult,
    RepaymentMethod,
    add_months,
    annuity_payment,
    build_schedule,
    plan_simulate,
)
from loanmath.plan_lines import Relevel as _Relevel
from loanmath.plan_lines import baseline_lines as _baseline_lines
from loanmath.plan_lines import level_of as _level
from loanmath.plan_lines import lines_with_extras as _lines_with_extras
from tests.loanmath.strategies import annual_rates, cents, days_in, examples, yuan

START = date(2024, 1, 15)
FLAT_10000: dict[str, object] = {
    "method": PlanMethod.FLAT_FEE,
    "principal": yuan("10000.00"),
    "annual_rate": yuan("0"),
}


def plan(**changes: object) -> PlanInput:
    """¥12,000 at 12 % a year, 等额本息 over 12 months, paid out on 15 January 2024, with ``changes``."""
    settings: dict[str, object] = {
        "principal": yuan("12000.00"),
        "months": 12,
        "method": PlanMethod.EQUAL_INSTALMENT,
        "start": START,
        "annual_rate": yuan("0.12"),
    }
    settings.update(changes)
    return PlanInput(**settings)  # type: ignore[arg-type]


def cents_of(amount: Decimal) -> int:
    return int(amount * 100)


def half_up_division(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in whole numbers (for the independent calculations)."""
    return (2 * numerator + denominator) // (2 * denominator)


# Hand examples ---------------------------------------------------------------------------------------


def test_flat_fee_10000_over_12_months_at_0_8pct_a_month_pays_913_33_a_month_and_960_in_fees() -> None:
    # Hand calculation: principal 10,000 / 12 = 833.33 a month (833.333... half up), the 12th month
    # repays the 833.37 left (10,000 - 11 * 833.33); the fee is 0.8 % of the ORIGINAL 10,000 = 80.00
    # every month, 12 * 80 = 960.00 in all.
    result = plan_simulate(plan(**FLAT_10000, monthly_fee_rate=yuan("0.008")))
    assert result.payment == yuan("913.33")
    assert [line.principal for line in result.lines] == [yuan("833.33")] * 11 + [yuan("833.37")]
    assert {line.fees for line in result.lines} == {yuan("80.00")}
    assert result.lines[-1].payment == yuan("913.37")
    assert result.total_fees == yuan("960.00")
    assert result.total_interest == yuan("0.00")
    assert result.total_paid == yuan("10960.00")


def test_flat_fee_of_0_8pct_a_month_is_a_17_27pct_nominal_and_18_71pct_effective_apr() -> None:
    # The fee looks like 9.6 % a year (12 * 0.8 %), but the borrower repays principal every month while
    # paying the fee on all of it: the IRR of +10,000.00, 11 x -913.33, -913.37 is 1.43923 % a month
    # (numpy_financial.irr: 0.0143923), nominal 12 x that = 17.27 %, effective 1.0143923 ** 12 - 1 = 18.71 %.
    result = plan_simulate(plan(**FLAT_10000, monthly_fee_rate=yuan("0.008")))
    assert result.apr_nominal.quantize(yuan("0.0001")) == yuan("0.1727")
    assert result.apr_effective.quantize(yuan("0.0001")) == yuan("0.1871")
    flows = [10000.0] + [-913.33] * 11 + [-913.37]
    assert abs(float(result.apr_nominal) - 12 * npf.irr(flows)) < 1e-9


def test_equal_principal_120000_at_6pct_over_12_months_costs_3900_interest_as_build_schedule() -> None:
    # Hand calculation: 10,000.00 principal a month, interest 0.5 % of 120,000, 110,000, ..., 10,000:
    # 600.00 + 550.00 + ... + 50.00 = 0.005 * 780,000 = 3,900.00. The first payment is 10,600.00.
    result = plan_simulate(
        plan(method=PlanMethod.EQUAL_PRINCIPAL, principal=yuan("120000.00"), annual_rate=yuan("0.06"))
    )
    assert result.payment == yuan("10600.00")
    assert result.total_interest == yuan("3900.00")
    assert result.total_paid == yuan("123900.00")
    assert result.apr_nominal == yuan("0.06")  # no fee, exact cents: the APR is the contract rate


def test_equal_instalment_120000_at_6pct_over_12_months_costs_3935_66_interest_as_build_schedule() -> None:
    # 120,000 * 0.005 / (1 - 1.005 ** -12) = 10,327.97; 11 payments of 10,327.97 and a last of 10,327.99
    # (see test_schedule): 123,935.66 paid, 3,935.66 interest.
    result = plan_simulate(plan(principal=yuan("120000.00"), annual_rate=yuan("0.06")))
    assert result.payment == yuan("10327.97")
    assert [line.payment for line in result.lines] == [yuan("10327.97")] * 11 + [yuan("10327.99")]
    assert result.total_interest == yuan("3935.66")
    assert (result.months, result.months_saved, result.interest_saved) == (12, 0, yuan("0.00"))


def test_interest_only_120000_at_6pct_pays_600_a_month_and_the_principal_with_the_last() -> None:
    result = plan_simulate(
        plan(method=PlanMethod.INTEREST_ONLY, principal=yuan("120000.00"), annual_rate=yuan("0.06"))
    )
    assert [line.payment for line in result.lines] == [yuan("600.00")] * 11 + [yuan("120600.00")]
    assert result.total_interest == yuan("7200.00")


def test_a_fee_deducted_up_front_counts_in_the_fees_the_total_paid_and_the_apr() -> None:
    # 120,000.00 at 6 % with a 1,200.00 fee deducted: the borrower receives 118,800.00 and repays the
    # same 12 payments. numpy_financial.irr of +118,800, 11 x -10,327.97, -10,327.99: 0.00657177 a month,
    # nominal 7.89 % (the same figure as test_apr's example).
    result = plan_simulate(
        plan(principal=yuan("120000.00"), annual_rate=yuan("0.06"), upfront_fee=yuan("1200.00"))
    )
    assert result.amount_received == yuan("118800.00")
    assert result.total_fees == yuan("1200.00")
    assert result.total_paid == yuan("125135.66")  # 123,935.66 of payments + the 1,200.00 fee
    assert result.apr_nominal.quantize(yuan("0.0001")) == yuan("0.0789")
    assert result.interest_saved == 0  # the fee is the same with or without extras


def test_paying_500_extra_a_month_on_12000_at_12pct_ends_after_9_months_and_saves_247_19_interest() -> None:
    # Independent calculation, in whole cents: the 等额本息 payment is 12,000 * 0.01 / (1 - 1.01 ** -12)
    # = 1,066.1854 -> 1,066.19. Each month interest = 1 % of the balance (half up); principal = 1,066.19 -
    # interest; then 500.00 more, never more than is left. Without extras the 12th month repays the rest.
    def months_and_interest(extra: int) -> tuple[int, int]:
        balance, month, interest_paid = 1_200_000, 0, 0
        while balance:
            month += 1
            interest = half_up_division(balance, 100)
            principal = balance if month == 12 else min(106_619 - interest, balance)
            balance -= principal + min(extra, balance - principal)
            interest_paid += interest
        return month, interest_paid

    assert months_and_interest(0) == (12, 79_423)  # 794.23 interest over 12 months
    assert months_and_interest(50_000) == (9, 54_704)  # 547.04 interest over 9 months
    result = plan_simulate(plan(extra_monthly=yuan("500.00")))
    assert (result.baseline_months, result.months, result.months_saved) == (12, 9, 3)
    assert (result.baseline_total_interest, result.total_interest) == (yuan("794.23"), yuan("547.04"))
    assert result.interest_saved == yuan("247.19")
    # The regular payment stays 1,066.19 (1,566.19 with the extra) until the last month: 17.35 + 0.17.
    assert [line.payment for line in result.lines] == [yuan("1566.19")] * 8 + [yuan("17.52")]
    assert result.lines[-1].extra == 0


def test_paying_500_extra_a_month_with_a_lower_payment_ends_after_11_months_and_saves_189_80() -> None:
    # Independent calculation: after each month's 500.00 the balance is spread over the months left with
    # a new annuity (numpy_financial.pmt, rounded half up to the cent). The payment falls from 1,066.19;
    # in the 11th month the 500.00 extra is more than the 25.68 then left, so the loan ends a month early.
    balance, interest_paid, payments = 1_200_000, 0, []
    level = 106_619
    for month in range(1, 13):
        interest = half_up_division(balance, 100)
        principal = balance if month == 12 else min(level - interest, balance)
        extra = min(50_000, balance - principal)
        balance -= principal + extra
        interest_paid += interest
        payments.append(principal + interest + extra)
        if not balance:
            break
        exact = -npf.pmt(0.01, 12 - month, balance / 100)
        level = cents_of(Decimal(repr(float(exact))).quantize(yuan("0.01"), rounding=ROUND_HALF_UP))
    assert (month, interest_paid) == (11, 60_443)

    result = plan_simulate(plan(extra_monthly=yuan("500.00"), extra_effect=ExtraEffect.LOWER_PAYMENT))
    assert [cents_of(line.payment) for line in result.lines] == payments
    assert [line.payment for line in result.lines][:3] == [yuan("1566.19"), yuan("1517.96"), yuan("1465.17")]
    assert (result.months, result.total_interest, result.interest_saved) == (
        11,
        yuan("604.43"),
        yuan("189.80"),
    )


def test_a_zero_rate_plan_costs_nothing_and_has_an_apr_of_zero() -> None:
    for method in (PlanMethod.EQUAL_INSTALMENT, PlanMethod.EQUAL_PRINCIPAL, PlanMethod.INTEREST_ONLY):
        result = plan_simulate(plan(method=method, annual_rate=yuan("0")))
        assert (result.total_interest, result.total_paid) == (yuan("0.00"), yuan("12000.00"))
        assert result.apr_nominal == result.apr_effective == 0


def test_a_zero_rate_plan_with_an_up_front_fee_has_a_positive_apr() -> None:
    # +11,880.00 received, 12 x -1,000.00 repaid: numpy_financial.irr 0.0015496 a month, nominal 1.86 %.
    result = plan_simulate(plan(annual_rate=yuan("0"), upfront_fee=yuan("120.00")))
    assert result.apr_nominal.quantize(yuan("0.0001")) == yuan("0.0186")
    assert abs(float(result.apr_nominal) - 12 * npf.irr([11880.0] + [-1000.0] * 12)) < 1e-9


# Extra payments ---------------------------------------------------------------------------------------


def test_a_lump_sum_is_paid_on_the_first_due_date_on_or_after_its_date() -> None:
    # Due dates: 15 Feb, 15 Mar, 15 Apr ... A lump sum on 16 Feb goes with the 15 March payment; one on
    # 1 April and one on 15 April both go with the 15 April payment.
    result = plan_simulate(
        plan(
            lump_sums=(
                LumpSum(on=date(2024, 2, 16), amount=yuan("1000.00")),
                LumpSum(on=date(2024, 4, 15), amount=yuan("300.00")),
                LumpSum(on=date(2024, 4, 1), amount=yuan("200.00")),
            )
        )
    )
    assert [line.extra for line in result.lines[:4]] == [0, yuan("1000.00"), yuan("500.00"), 0]
    assert [line.due_date for line in result.lines[1:3]] == [date(2024, 3, 15), date(2024, 4, 15)]


def test_a_lump_sum_larger_than_the_balance_only_pays_what_is_left() -> None:
    # First month: interest 120.00, principal 946.19, balance left 11,053.81; the 50,000.00 lump sum
    # shrinks to that, so the loan ends with one payment of 1,066.19 + 11,053.81 = 12,120.00.
    result = plan_simulate(plan(lump_sums=(LumpSum(on=date(2024, 2, 1), amount=yuan("50000.00")),)))
    (only,) = result.lines
    assert (only.extra, only.payment, only.balance) == (yuan("11053.81"), yuan("12120.00"), yuan("0.00"))
    assert (result.months_saved, result.interest_saved) == (11, yuan("674.23"))


def test_a_flat_fee_loan_saves_only_the_fees_of_the_months_cut_off() -> None:
    # 10,000.00 flat at 0.8 % a month; 5,000.00 extra with the 3rd payment. SHORTEN_TERM: 833.33 a month
    # goes on; after month 3 the balance is 10,000 - 3 * 833.33 - 5,000 = 2,500.01, repaid by months 4-6
    # (3 x 833.33) and 0.02 in month 7, which still carries its 80.00 fee: 5 months and 400.00 saved.
    lump = (LumpSum(on=date(2024, 4, 15), amount=yuan("5000.00")),)
    shorter = plan_simulate(plan(**FLAT_10000, monthly_fee_rate=yuan("0.008"), lump_sums=lump))
    assert (shorter.months, shorter.interest_saved) == (7, yuan("400.00"))
    assert shorter.lines[-1].payment == yuan("80.02")
    # LOWER_PAYMENT: the 2,500.01 left is spread over 9 months (277.78 a month), but the fee stays 80.00
    # on the original 10,000: no fee at all is saved, only the payment falls from 913.33 to 357.78.
    lower = plan_simulate(
        plan(
            **FLAT_10000,
            monthly_fee_rate=yuan("0.008"),
            lump_sums=lump,
            extra_effect=ExtraEffect.LOWER_PAYMENT,
        )
    )
    assert (lower.months, lower.interest_saved) == (12, yuan("0.00"))
    assert lower.lines[3].payment == yuan("357.78")
    assert {line.fees for line in lower.lines} == {yuan("80.00")}


def test_interest_only_with_shorten_term_keeps_paying_the_first_interest_and_ends_early() -> None:
    # 120,000.00 at 6 %: 600.00 a month. 60,000.00 extra in month 1 leaves 60,000.00, whose interest is
    # 300.00: the other 300.00 of each 600.00 payment now repays principal.
    lump = (LumpSum(on=date(2024, 2, 15), amount=yuan("60000.00")),)
    io = {"method": PlanMethod.INTEREST_ONLY, "principal": yuan("120000.00"), "annual_rate": yuan("0.06")}
    shorter = plan_simulate(plan(**io, lump_sums=lump))
    assert {line.regular_payment for line in shorter.lines[:-1]} == {yuan("600.00")}
    assert (shorter.lines[1].interest, shorter.lines[1].principal) == (yuan("300.00"), yuan("300.00"))
    # LOWER_PAYMENT: interest falls to 300.00 a month and the final repayment shrinks to 60,000.00.
    lower = plan_simulate(plan(**io, lump_sums=lump, extra_effect=ExtraEffect.LOWER_PAYMENT))
    assert [line.payment for line in lower.lines[1:]] == [yuan("300.00")] * 10 + [yuan("60300.00")]
    assert lower.total_interest == yuan("3900.00")  # 600.00 + 11 x 300.00
    assert shorter.total_interest < lower.total_interest


def test_a_lower_payment_after_a_big_lump_sum_still_lasts_the_whole_term() -> None:
    # 100,000.00 at 10 % over 360 months; 99,950.00 extra with the first payment leaves 5.76. Spread over
    # the 359 months left, the annuity is 0.0505... -> 0.05 a month... but even 0.06 would repay 0.01 of
    # principal a month and clear 5.76 long before month 360; as in build_schedule the level is lowered a
    # cent at a time until the balance lasts: 0.05 covers just the interest (5.76 * 10 % / 12 = 0.048)
    # and the 360th payment repays the 5.76.
    result = plan_simulate(
        plan(
            principal=yuan("100000.00"),
            months=360,
            annual_rate=yuan("0.10"),
            lump_sums=(LumpSum(on=date(2024, 2, 1), amount=yuan("99950.00")),),
            extra_effect=ExtraEffect.LOWER_PAYMENT,
        )
    )
    assert result.months == 360
    assert result.lines[0].balance == yuan("5.76")
    assert {line.payment for line in result.lines[1:-1]} == {yuan("0.05")}
    assert result.lines[-1].payment == yuan("5.81")


def test_the_planner_accepts_methods_and_effects_as_the_strings_a_form_posts() -> None:
    posted = plan(method="equal_principal", extra_effect="lower_payment")
    assert posted.method is PlanMethod.EQUAL_PRINCIPAL
    assert posted.extra_effect is ExtraEffect.LOWER_PAYMENT


@pytest.mark.parametrize(
    "changes",
    [
        {"principal": yuan("99.99")},
        {"principal": yuan("10000000.01")},
        {"principal": yuan("1000.001")},
        {"principal": 1000.0},
        {"months": 0},
        {"months": 361},
        {"months": True},
        {"annual_rate": yuan("-0.01")},
        {"annual_rate": yuan("1.01")},
        {"annual_rate": yuan("NaN")},
        {"method": "balloon"},
        {"extra_effect": "both"},
        {"method": PlanMethod.FLAT_FEE, "annual_rate": yuan("0.1"), "monthly_fee_rate": yuan("0.008")},
        {"method": PlanMethod.FLAT_FEE, "annual_rate": 0, "monthly_fee_rate": yuan("0.1001")},
        {"monthly_fee_rate": yuan("0.008")},  # a fee rate on an interest method
        {"upfront_fee": yuan("12000.00")},
        {"upfront_fee": yuan("-1.00")},
        {"extra_monthly": yuan("-0.01")},
        {"extra_monthly": yuan("0.001")},
        {"lump_sums": (LumpSum(on=START, amount=yuan("100.00")),)},  # on the disbursement day
        {"lump_sums": (LumpSum(on=date(2025, 1, 16), amount=yuan("100.00")),)},  # after the last due date
        {"lump_sums": LumpSum(on=date(2024, 3, 1), amount=yuan("100.00"))},  # not a sequence
        {"start": "2024-01-15"},
    ],
)
def test_a_plan_that_makes_no_sense_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        plan(**changes)


@pytest.mark.parametrize("amount", [yuan("-1.00"), yuan("1.005"), 100])
def test_a_lump_sum_must_be_whole_cents_and_not_negative(amount: object) -> None:
    with pytest.raises(InvalidInputError):
        LumpSum(on=date(2024, 3, 1), amount=amount)  # type: ignore[arg-type]


def test_a_lump_sum_on_the_last_due_date_is_allowed() -> None:
    assert plan(lump_sums=(LumpSum(on=date(2025, 1, 15), amount=yuan("1.00")),)).lump_sums


def test_the_term_ends_on_the_start_day_of_the_last_month_not_on_a_drifted_day() -> None:
    # Paid out 31 January 2024 over 2 months: due 29 February and 31 March (not 29 March); 1 April is out.
    month_end = plan(start=date(2024, 1, 31), months=2)
    assert (month_end.first_due_date, month_end.last_due_date) == (date(2024, 2, 29), date(2024, 3, 31))
    assert replace(month_end, lump_sums=(LumpSum(on=date(2024, 3, 31), amount=yuan("1.00")),)).lump_sums
    with pytest.raises(InvalidInputError, match="outside the term"):
        replace(month_end, lump_sums=(LumpSum(on=date(2024, 4, 1), amount=yuan("1.00")),))


def calendar_due_date(start: date, n: int) -> date:
    """The independent oracle: start's day in the month n months on, or that month's last day."""
    year, month = divmod(start.year * 12 + start.month - 1 + n, 12)
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def test_a_plan_paid_out_on_31_january_falls_due_on_the_31st_whenever_the_month_has_one() -> None:
    for extras in ({}, {"extra_monthly": yuan("100.00")}):
        result = plan_simulate(plan(start=date(2026, 1, 31), **extras))
        assert [line.due_date for line in result.lines][:4] == [
            date(2026, 2, 28),
            date(2026, 3, 31),
            date(2026, 4, 30),
            date(2026, 5, 31),
        ]
    assert plan_simulate(plan(start=date(2026, 1, 31))).lines[-1].due_date == date(2027, 1, 31)


@examples(150)
@given(start=days_in(date(2000, 1, 1), date(2060, 12, 31)), months=st.integers(1, 360), extra=st.booleans())
def test_every_due_date_is_the_start_day_in_its_month_by_calendar_monthrange(
    start: date, months: int, extra: bool
) -> None:
    result = plan_simulate(
        plan(start=start, months=months, extra_monthly=yuan("5.00") if extra else yuan("0"))
    )
    assert [line.due_date for line in result.lines] == [
        calendar_due_date(start, n) for n in range(1, len(result.lines) + 1)
    ]
    assert result.input.last_due_date == calendar_due_date(start, months)


def test_an_up_front_fee_of_nearly_the_whole_loan_is_refused_rather_than_crashing_the_apr() -> None:
    # Receiving 1.00 and repaying 100.00 a month later is an IRR of 9,900 % a month: (1 + 99) ** 12 is
    # beyond the APR's arithmetic, so the planner says so as an InvalidInputError.
    with pytest.raises(InvalidInputError, match="too large"):
        plan_simulate(
            plan(principal=yuan("100.00"), months=1, annual_rate=yuan("0"), upfront_fee=yuan("99.00"))
        )


def test_a_plan_whose_payment_only_covers_the_interest_is_refused_whatever_its_extras() -> None:
    # 1,000 at 36 % over 360 months: the payment 30.0007... rounds to 30.00, the first month's interest
    # (tests/loanmath/test_schedule.py has the exact oracle). Extras do not rescue the terms themselves.
    for changes in ({}, {"extra_monthly": yuan("10.00")}, {"extra_effect": ExtraEffect.LOWER_PAYMENT}):
        with pytest.raises(NonAmortisingTermsError) as refused:
            plan_simulate(
                plan(principal=yuan("1000.00"), months=360, annual_rate=yuan("0.36"), **changes)  # type: ignore[arg-type]
            )
        assert (refused.value.payment, refused.value.interest) == (yuan("30.00"), yuan("30.00"))


def test_a_plan_states_its_real_last_payment_100000_at_24pct_over_360_months_pays_2300_46_last() -> None:
    result = plan_simulate(plan(principal=yuan("100000.00"), months=360, annual_rate=yuan("0.24")))

    assert (result.payment, result.last_payment) == (yuan("2001.60"), yuan("2300.46"))
    assert result.last_payment == result.lines[-1].payment


def test_under_lower_payment_a_fen_of_extra_on_a_long_dear_loan_costs_2638_65_more_not_a_few_cents() -> None:
    # Re-levelled over the 359 months left, the payment rounds from 3,086.85 down to 3,086.84: the fen a
    # month not paid grows at 2.5 % a month into a larger last payment. Still within the bound of a cent
    # a month compounded over the term, 0.01 * ((1 + r) ** n - 1) / r (about 2,900 here).
    result = plan_simulate(
        plan(
            principal=yuan("123456.78"),
            months=360,
            annual_rate=yuan("0.30"),
            extra_effect=ExtraEffect.LOWER_PAYMENT,
            lump_sums=(LumpSum(on=add_months(START, 1), amount=yuan("0.01")),),
        )
    )

    assert (result.payment, result.new_payment, result.last_payment) == (
        yuan("3086.85"),
        yuan("3086.84"),
        yuan("4452.40"),
    )
    assert result.interest_saved == yuan("-2638.65")
    monthly = Fraction(1, 40)
    assert -result.interest_saved < Fraction(1, 100) * ((1 + monthly) ** 360 - 1) / monthly


def test_a_360_month_plan_with_extras_takes_milliseconds_not_seconds() -> None:
    # A guard against quadratic work (re-levelling every month, re-running the schedule), not a benchmark:
    # about 5 ms of our own work plus ~5 ms of IRR on a quiet machine; the bound leaves room for a busy CI.
    slow = plan(
        principal=yuan("2000000.00"),
        months=360,
        annual_rate=yuan("0.049"),
        extra_monthly=yuan("1.00"),
        extra_effect=ExtraEffect.LOWER_PAYMENT,
    )
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        result = plan_simulate(slow)
        timings.append(time.perf_counter() - started)
    assert result.months == 360
    assert min(timings) < 0.05


# Properties ---------------------------------------------------------------------------------------------


@st.composite
def plans(draw: st.DrawFn, *, max_months: int = 360, extras: bool = True) -> PlanInput:
    """Any plan the planner accepts: every method, rates to 100 % a year, fees, extras and lump sums, on
    terms that amortise."""
    method = draw(st.sampled_from(PlanMethod))
    principal = draw(st.one_of(cents(100_00, 20_000_00), cents(100_00, 10_000_000_00)))
    months = draw(st.integers(1, max_months))
    start = draw(days_in(date(2020, 1, 1), date(2035, 12, 31)))
    annual_rate = Decimal(0)
    monthly_fee_rate = Decimal(0)
    if method is PlanMethod.FLAT_FEE:
        monthly_fee_rate = draw(
            st.one_of(st.just(Decimal(0)), st.integers(0, 100_000).map(lambda n: Decimal(n).scaleb(-6)))
        )
    else:
        annual_rate = draw(st.one_of(st.just(Decimal(0)), annual_rates(), annual_rates(1_000_000)))
    upfront_fee = draw(cents(0, cents_of(principal) // 5))
    extra_monthly = Decimal("0.00")
    lump_sums: tuple[LumpSum, ...] = ()
    if extras:
        extra_monthly = draw(st.one_of(st.just(Decimal("0.00")), cents(1, cents_of(principal) // months + 1)))
        term_days = (add_months(add_months(start, 1), months - 1) - start).days  # to the last due date
        lump_sums = tuple(
            LumpSum(on=start + timedelta(days=day), amount=amount)
            for day, amount in draw(
                st.lists(st.tuples(st.integers(1, term_days), cents(0, cents_of(principal))), max_size=3)
            )
        )
    drawn = PlanInput(
        principal=principal,
        months=months,
        method=method,
        start=start,
        annual_rate=annual_rate,
        monthly_fee_rate=monthly_fee_rate,
        upfront_fee=upfront_fee,
        extra_monthly=extra_monthly,
        lump_sums=lump_sums,
        extra_effect=draw(st.sampled_from(ExtraEffect)),
    )
    # The planner refuses terms that do not amortise (tested below); the other properties are about the rest.
    assume(amortises(drawn))
    return drawn


def amortises(plan: PlanInput) -> bool:
    try:
        _baseline_lines(plan)
    except NonAmortisingTermsError:
        return False
    return True


@examples(80)
@given(plan=plans(extras=False))
def test_without_extras_the_lines_are_build_schedules_to_the_cent(plan: PlanInput) -> None:
    result = plan_simulate(plan)
    flat = plan.method is PlanMethod.FLAT_FEE
    schedule = build_schedule(
        LoanTerms(
            principal=plan.principal,
            annual_rate=plan.annual_rate,
            months=plan.months,
            first_due_date=add_months(plan.start, 1),
            method=RepaymentMethod.EQUAL_PRINCIPAL if flat else RepaymentMethod(plan.method.value),
        )
    )
    fee = (plan.principal * plan.monthly_fee_rate).quantize(yuan("0.01"), rounding=ROUND_HALF_UP)
    # The money is build_schedule's to the cent; the dates count from the start (build_schedule counts
    # them from its first due date, which drifts after a short month).
    assert [
        (line.due_date, line.principal, line.interest, line.payment - line.fees, line.balance)
        for line in result.lines
    ] == [
        (calendar_due_date(plan.start, i.number), i.principal, i.interest, i.payment, i.balance_after)
        for i in schedule.instalments
    ]
    assert {line.fees for line in result.lines} == {fee if flat else Decimal(0)}
    assert (result.months, result.months_saved, result.interest_saved) == (plan.months, 0, Decimal(0))


def with_extras_simulated_from_the_baseline(plan: PlanInput) -> tuple[PlanLine, ...]:
    baseline = _baseline_lines(plan)
    return _lines_with_extras(plan, level=_level(plan, baseline))


@examples(100)
@given(plan=plans(extras=False))
def test_the_extra_payment_engine_with_no_extras_reproduces_the_baseline(plan: PlanInput) -> None:
    # plan_simulate skips the engine when nothing extra is paid; this shows the engine agrees there.
    assert with_extras_simulated_from_the_baseline(plan) == _baseline_lines(plan)


def assert_adds_up(result: PlanResult) -> None:
    plan = result.input
    balance = plan.principal
    for line in result.lines:
        assert min(line.principal, line.interest, line.fees, line.extra) >= 0
        assert line.payment == line.principal + line.extra + line.interest + line.fees
        balance -= line.principal + line.extra
        assert line.balance == balance
        assert balance > 0 or line is result.lines[-1]
    assert balance == 0
    assert sum(line.principal + line.extra for line in result.lines) == plan.principal
    assert result.total_paid == plan.principal + result.total_interest + result.total_fees
    assert result.months == len(result.lines) <= plan.months
    assert result.payment == result.lines[0].payment - result.lines[0].extra


@examples(150)
@given(plan=plans())
def test_every_plan_repays_exactly_the_principal_and_ends_at_zero(plan: PlanInput) -> None:
    assert_adds_up(plan_simulate(plan))


@examples(120)
@given(plan=plans().map(lambda p: replace(p, extra_effect=ExtraEffect.SHORTEN_TERM)))
def test_with_shorten_term_extras_never_add_interest_fees_or_months(plan: PlanInput) -> None:
    # Why it always holds: with the same level, a balance at or below the baseline's has interest at or
    # below it (rounding half up never reverses an order), so it repays at least as much principal and
    # stays at or below the baseline's the next month too; and the plan ends no later.
    result = plan_simulate(plan)
    assert result.total_interest <= result.baseline_total_interest
    assert result.interest_saved >= 0
    assert result.months_saved >= 0


def one_cent_a_month_compounded(plan: PlanInput) -> Decimal:
    """0.01 * ((1 + r) ** n - 1) / r, r = annual_rate / 12, n = months: what a cent a month grows to."""
    monthly_rate = plan.annual_rate / 12
    if monthly_rate == 0:
        return Decimal("0.01") * plan.months
    return Decimal("0.01") * ((1 + monthly_rate) ** plan.months - 1) / monthly_rate


@examples(120)
@given(plan=plans().map(lambda p: replace(p, extra_effect=ExtraEffect.LOWER_PAYMENT)))
def test_with_lower_payment_extras_never_add_months_nor_more_interest_than_a_cent_a_month_compounded(
    plan: PlanInput,
) -> None:
    # The re-levelled payment is rounded to the cent, and one cent a month less, compounded over the
    # term, is the most that rounding can shift onto the final payment (module docstring); a search of
    # 5,000 targeted Hypothesis examples found at most 0.26 of this bound.
    result = plan_simulate(plan)
    assert result.months_saved >= 0
    assert result.total_interest - result.baseline_total_interest <= one_cent_a_month_compounded(plan)


def test_with_lower_payment_an_extra_of_one_cent_can_cost_seven_cents_of_interest() -> None:
    # 100.00 at 0.9761 % over 120 months: 0.8750043 a month exactly, paid as 0.88. One cent extra with
    # the first payment leaves 99.19, and the annuity on that over the 119 months left is 0.8748602,
    # paid as 0.87: a cent a month less for 119 months, which the final payment (1.48 instead of 0.24)
    # makes up with interest. 5.03 of interest instead of 4.96: the rounding of the new payment, not
    # the extra, decides. SHORTEN_TERM keeps paying 0.88 and saves interest.
    tiny = {
        "principal": yuan("100.00"),
        "months": 120,
        "annual_rate": yuan("0.009761"),
        "start": date(2020, 1, 1),
        "lump_sums": (LumpSum(on=date(2020, 2, 1), amount=yuan("0.01")),),
    }
    lower = plan_simulate(plan(**tiny, extra_effect=ExtraEffect.LOWER_PAYMENT))
    assert (lower.payment, lower.lines[1].regular_payment, lower.lines[-1].payment) == (
        yuan("0.88"),
        yuan("0.87"),
        yuan("1.48"),
    )
    assert (lower.baseline_total_interest, lower.total_interest, lower.interest_saved) == (
        yuan("4.96"),
        yuan("5.03"),
        yuan("-0.07"),
    )
    assert plan_simulate(plan(**tiny)).interest_saved >= 0


@examples(120)
@given(plan=plans().map(lambda p: replace(p, extra_effect=ExtraEffect.SHORTEN_TERM)))
def test_with_shorten_term_the_regular_payment_never_rises(plan: PlanInput) -> None:
    # Before the last month (which repays what is left, e.g. the whole principal under 先息后本).
    regular = [line.regular_payment for line in plan_simulate(plan).lines[:-1]]
    assert regular == sorted(regular, reverse=True)


@examples(60)
@given(plan=plans(extras=False).map(lambda p: replace(p, extra_effect=ExtraEffect.LOWER_PAYMENT)))
def test_with_lower_payment_a_lump_sum_alone_never_ends_the_loan_before_its_term(
    plan: PlanInput,
) -> None:
    # One lump sum smaller than what the first payment leaves (a quarter of the principal: the first
    # payment repays at most half of it, even over two months at 0 %): the payment falls, the term stays.
    lump = LumpSum(on=add_months(plan.start, 1), amount=(plan.principal / 4).quantize(yuan("0.01")))
    result = plan_simulate(replace(plan, lump_sums=(lump,)))
    assert result.months == plan.months
    assert all(line.regular_payment <= result.payment for line in result.lines[1:-1])


@examples(150)
@given(
    balance=cents(1, 10_000_000_00),
    annual_rate=annual_rates(1_000_000),
    months=st.integers(2, 360),
    data=st.data(),
)
def test_the_relevelled_payment_is_annuity_payment(
    balance: Decimal, annual_rate: Decimal, months: int, data: st.DataObject
) -> None:
    relevel = _Relevel(plan(months=months, annual_rate=annual_rate, extra_effect=ExtraEffect.LOWER_PAYMENT))
    months_left = data.draw(st.integers(1, months - 1))
    assert relevel.level(balance=balance, months_left=months_left) == annuity_payment(
        principal=balance, annual_rate=annual_rate, months=months_left
    )


@examples(300)
@given(plan=plans(max_months=60))
def test_the_apr_is_numpy_financial_irr_times_12_within_a_hundredth_of_a_point(
    plan: PlanInput,
) -> None:
    # Up-front fees to 20 %, flat fees to 10 % a month and rates to 100 % a year, zero rates included.
    # Terms to 60 months keep numpy's polynomial root-finding fast; longer terms are covered below.
    result = plan_simulate(plan)
    flows = [float(result.amount_received)] + [-float(line.payment) for line in result.lines]
    assert abs(float(result.apr_nominal) - 12 * npf.irr(flows)) < 0.0001
    assert abs(float(result.apr_effective) - ((1 + npf.irr(flows)) ** 12 - 1)) < 0.001 * max(
        1, float(result.apr_effective)
    )


@pytest.mark.parametrize("months", [120, 240])
def test_the_apr_of_long_plans_is_numpy_financial_irr_times_12(months: int) -> None:
    for method, rate in [(PlanMethod.EQUAL_INSTALMENT, yuan("0.049")), (PlanMethod.INTEREST_ONLY, yuan("0"))]:
        result = plan_simulate(
            plan(
                principal=yuan("300000.00"),
                months=months,
                method=method,
                annual_rate=rate,
                upfront_fee=yuan("3000.00"),
                extra_monthly=yuan("200.00"),
            )
        )
        flows = [float(result.amount_received)] + [-float(line.payment) for line in result.lines]
        assert abs(float(result.apr_nominal) - 12 * npf.irr(flows)) < 0.0001


# An independent oracle for extra payments: exact fractions, the module docstring's rules ---------------


def _half_up(amount: Fraction) -> Fraction:
    """To the cent, half up (amounts here are never negative)."""
    return Fraction(math.floor(amount * 100 + Fraction(1, 2)), 100)


def oracle_equal_instalment(
    *,
    principal: str,
    annual_rate: str,
    months: int,
    start: date,
    lumps: dict[date, str],
    lower_payment: bool,
) -> list[tuple[date, Fraction, Fraction, Fraction]]:
    """(due date, payment, interest, balance after) each month of a 等额本息 plan with lump sums.

    A lump sum goes with the first due date on or after its date, after that month's regular payment;
    under LOWER_PAYMENT the balance left is spread again over the months left by the annuity formula.
    """
    rate = Fraction(annual_rate) / 12
    balance = Fraction(principal)

    def annuity(amount: Fraction, count: int) -> Fraction:
        return _half_up(amount * rate / (1 - (1 + rate) ** -count))

    level = annuity(balance, months)
    due_dates = [calendar_due_date(start, n) for n in range(1, months + 1)]
    extra_on = [Fraction(0)] * months
    for on, amount in lumps.items():
        extra_on[next(i for i, due in enumerate(due_dates) if due >= on)] += Fraction(amount)
    lines = []
    for index, due in enumerate(due_dates):
        interest = _half_up(balance * rate)
        principal_part = balance if index == months - 1 else min(level - interest, balance)
        extra = min(extra_on[index], balance - principal_part)
        balance -= principal_part + extra
        lines.append((due, principal_part + interest + extra, interest, balance))
        if balance == 0:
            break
        if lower_payment and extra:
            level = annuity(balance, months - index - 1)
    return lines


def as_fractions(result: PlanResult) -> list[tuple[date, Fraction, Fraction, Fraction]]:
    return [
        (line.due_date, Fraction(line.payment), Fraction(line.interest), Fraction(line.balance))
        for line in result.lines
    ]


@pytest.mark.parametrize("effect", list(ExtraEffect))
@pytest.mark.parametrize("on", [date(2026, 3, 2), date(2026, 3, 31), date(2026, 4, 1)])
def test_a_lump_sum_dated_2_march_31_march_or_1_april_is_paid_with_the_1_april_instalment(
    on: date, effect: ExtraEffect
) -> None:
    # Paid out 1 January 2026: due 1 February, 1 March, 1 April ... The lump sum dated any day from
    # 2 March to 1 April is counted as paid on 1 April, as the page, CSV and JSON say; checked against
    # the exact-fraction oracle, not the planner's own arithmetic.
    lump = LumpSum(on=on, amount=yuan("3000.00"))
    plan_input = plan(start=date(2026, 1, 1), lump_sums=(lump,), extra_effect=effect)
    result = plan_simulate(plan_input)

    assert plan_input.paid_with(lump) == 3
    assert result.lines[2].due_date == date(2026, 4, 1)
    assert [line.extra for line in result.lines[:4]] == [0, 0, yuan("3000.00"), 0]
    assert as_fractions(result) == oracle_equal_instalment(
        principal="12000.00",
        annual_rate="0.12",
        months=12,
        start=date(2026, 1, 1),
        lumps={on: "3000.00"},
        lower_payment=effect is ExtraEffect.LOWER_PAYMENT,
    )


def test_a_lump_sum_dated_on_a_due_date_is_paid_with_that_instalment_not_the_next() -> None:
    result = plan_simulate(
        plan(start=date(2026, 1, 1), lump_sums=(LumpSum(date(2026, 3, 1), yuan("3000.00")),))
    )
    assert [line.extra for line in result.lines[:3]] == [0, yuan("3000.00"), 0]
    assert as_fractions(result) == oracle_equal_instalment(
        principal="12000.00",
        annual_rate="0.12",
        months=12,
        start=date(2026, 1, 1),
        lumps={date(2026, 3, 1): "3000.00"},
        lower_payment=False,
    )


def test_a_lower_payment_shows_the_new_payment_against_the_old_one_and_keeps_the_term() -> None:
    # 12,000.00 at 12 % over 12 months pays 1,066.19; 3,000.00 paid with the 1 April instalment leaves
    # 6,775.47 (oracle) spread over the 9 months left: a new payment from 1 May.
    lumps = (LumpSum(on=date(2026, 3, 15), amount=yuan("3000.00")),)
    result = plan_simulate(
        plan(start=date(2026, 1, 1), lump_sums=lumps, extra_effect=ExtraEffect.LOWER_PAYMENT)
    )
    oracle = oracle_equal_instalment(
        principal="12000.00",
        annual_rate="0.12",
        months=12,
        start=date(2026, 1, 1),
        lumps={date(2026, 3, 15): "3000.00"},
        lower_payment=True,
    )

    assert (result.payment, result.baseline_payment_then) == (yuan("1066.19"), yuan("1066.19"))
    assert result.new_payment_from == date(2026, 5, 1)
    assert result.new_payment is not None
    assert Fraction(result.new_payment) == oracle[3][1] < Fraction("1066.19")
    assert result.new_payment == result.lines[4].payment  # the same every month until the last
    assert (result.months, result.months_saved) == (12, 0)
    assert result.lines[-1].due_date == date(2027, 1, 1)
    assert result.interest_saved > 0


def test_shortening_the_term_has_no_new_payment() -> None:
    result = plan_simulate(plan(lump_sums=(LumpSum(on=date(2024, 3, 15), amount=yuan("3000.00")),)))
    assert (result.new_payment, result.new_payment_from, result.baseline_payment_then) == (None, None, None)
    assert result.months_saved > 0

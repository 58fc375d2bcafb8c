import math
from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from loanmath import (
    Apr,
    DatedCashFlow,
    InvalidInputError,
    NoIrrSolutionError,
    apr_from_periodic_flows,
    dated_irr,
    equal_instalment_schedule,
    equal_principal_schedule,
    periodic_irr,
    schedule_apr,
)
from tests.loanmath.strategies import annual_rates, cents, examples, yuan

FIRST_DUE = date(2024, 2, 1)


def test_a_flat_fee_of_0_8pct_a_month_on_10000_over_12_months_is_an_apr_of_17_27pct() -> None:
    # Each payment 10,000 / 12 + 80 = 913.33...; the lender's flows: -10,000 then 12 x 913.33....
    # The fee looks like 9.6 % a year, but the IRR is 1.4392 % a month: nominal APR 17.27 %
    # (numpy_financial.irr gives 0.0143924 per month for the same flows).
    payment = Decimal(10000) / 12 + 80
    apr = apr_from_periodic_flows([yuan("-10000")] + [payment] * 12)
    assert apr.nominal_annual_rate.quantize(yuan("0.0001")) == yuan("0.1727")
    assert abs(apr.periodic_rate - yuan("0.0143924")) < yuan("0.0000001")


def test_the_same_flat_fee_loan_with_payments_rounded_to_913_33_is_still_17_27pct() -> None:
    apr = apr_from_periodic_flows([yuan("-10000.00")] + [yuan("913.33")] * 12)
    assert apr.nominal_annual_rate.quantize(yuan("0.0001")) == yuan("0.1727")


def test_effective_apr_compounds_the_monthly_rate_twelve_times() -> None:
    # (1 + 0.01) ** 12 - 1 = 0.126825030132 (to 12 places); nominal 0.12.
    apr = Apr(periodic_rate=yuan("0.01"))
    assert apr.nominal_annual_rate == yuan("0.12")
    assert apr.effective_annual_rate == yuan("0.126825030132")


def test_a_zero_rate_loan_has_an_irr_of_zero() -> None:
    assert periodic_irr([yuan("-1200.00")] + [yuan("100.00")] * 12) == 0
    zero_rate = equal_instalment_schedule(
        principal=yuan("10000.00"), annual_rate=yuan("0"), months=3, first_due_date=FIRST_DUE
    )
    assert schedule_apr(schedule=zero_rate).nominal_annual_rate == 0


def test_the_sign_convention_does_not_change_the_rate() -> None:
    lender_side = [yuan("-10000.00")] + [yuan("913.33")] * 12
    borrower_side = [-flow for flow in lender_side]
    assert periodic_irr(lender_side) == periodic_irr(borrower_side)


def test_an_equal_instalment_loan_at_6pct_has_an_apr_of_6pct() -> None:
    # The contract rate is the IRR when nothing else is charged (to the rounding of the cents).
    schedule = equal_instalment_schedule(
        principal=yuan("120000.00"), annual_rate=yuan("0.06"), months=12, first_due_date=FIRST_DUE
    )
    assert abs(schedule_apr(schedule=schedule).nominal_annual_rate - yuan("0.06")) < yuan("0.00001")


def test_a_fee_deducted_up_front_raises_the_apr() -> None:
    # Borrower receives 118,800.00 of a 120,000.00 loan at 6 % (1 % fee deducted): the APR rises to
    # 7.89 % (numpy_financial.irr of the same flows: 0.00657177 a month, 0.0788613 a year).
    schedule = equal_instalment_schedule(
        principal=yuan("120000.00"), annual_rate=yuan("0.06"), months=12, first_due_date=FIRST_DUE
    )
    apr = schedule_apr(schedule=schedule, amount_received=yuan("118800.00"))
    assert apr.nominal_annual_rate.quantize(yuan("0.0001")) == yuan("0.0789")


@pytest.mark.parametrize(
    "flows",
    [
        [yuan("100"), yuan("100")],
        [yuan("-100"), yuan("-100")],
        [yuan("0"), yuan("0")],
        [yuan("-100")],
        # -100 + 50 v - 100 v^2 < 0 for every discount factor v > 0: no rate makes it zero.
        [yuan("-100"), yuan("50"), yuan("-100")],
    ],
)
def test_cash_flows_without_an_irr_raise_a_clear_error(flows: list[Decimal]) -> None:
    with pytest.raises(NoIrrSolutionError):
        periodic_irr(flows)


def test_no_irr_solution_is_a_value_error_and_bad_input_is_refused() -> None:
    assert issubclass(NoIrrSolutionError, ValueError)
    with pytest.raises(InvalidInputError):
        periodic_irr([yuan("-100"), 100.0])  # type: ignore[list-item]


def test_dated_irr_of_1000_repaid_with_1100_a_365_day_year_later_is_10pct() -> None:
    flows = [
        DatedCashFlow(on=date(2023, 1, 1), amount=yuan("-1000")),
        DatedCashFlow(on=date(2024, 1, 1), amount=yuan("1100")),
    ]
    assert dated_irr(flows) == yuan("0.1")


def test_dated_irr_counts_actual_days_so_a_leap_year_costs_slightly_less_per_year() -> None:
    # 366 days over a 365-day year: 1.1 ** (365 / 366) - 1 = 0.0997136.
    flows = [
        DatedCashFlow(on=date(2024, 1, 1), amount=yuan("-1000")),
        DatedCashFlow(on=date(2025, 1, 1), amount=yuan("1100")),
    ]
    assert abs(dated_irr(flows) - yuan("0.0997136")) < yuan("0.0000001")


def test_a_loan_with_two_sign_changes_returns_the_rate_nearest_zero() -> None:
    # -100 + 230 v - 132 v^2 = 0 has roots at 10 % and 20 %.
    assert periodic_irr([yuan("-100"), yuan("230"), yuan("-132")]) == yuan("0.1")


@examples(300)
@given(
    principal=cents(1_000_00, 1_000_000_00),
    annual_rate=annual_rates(),
    months=st.integers(1, 60),
    fee_in_basis_points=st.integers(0, 500),
    equal_principal=st.booleans(),
)
def test_apr_matches_numpy_financial_irr_within_a_hundredth_of_a_percent_a_year(
    principal: Decimal, annual_rate: Decimal, months: int, fee_in_basis_points: int, equal_principal: bool
) -> None:
    build = equal_principal_schedule if equal_principal else equal_instalment_schedule
    schedule = build(principal=principal, annual_rate=annual_rate, months=months, first_due_date=FIRST_DUE)
    received = principal - (principal * fee_in_basis_points / 10_000).quantize(yuan("0.01"))
    flows = [-received, *(i.payment for i in schedule.instalments)]
    expected = npf.irr([float(flow) for flow in flows])
    # numpy-financial returns nan when its polynomial roots are not exactly real; nothing to compare.
    assume(not math.isnan(expected))
    apr = schedule_apr(schedule=schedule, amount_received=received)
    assert abs(float(apr.nominal_annual_rate) - expected * 12) <= 0.0001
    present_value = sum(flow / (1 + apr.periodic_rate) ** t for t, flow in enumerate(flows))
    assert abs(present_value) < yuan("0.000001") * principal


def test_the_dated_nominal_apr_is_the_monthly_convention_of_the_real_dates_irr() -> None:
    from datetime import date

    from loanmath import DatedCashFlow, dated_irr, dated_nominal_apr

    # 1,000.00 lent, 1,010.00 back exactly a year later: 1 % a year effective, and its monthly nominal
    # 12 × (1.01 ** (1 / 12) - 1) = 0.9954 %.
    flows = [
        DatedCashFlow(date(2025, 1, 1), Decimal("-1000.00")),
        DatedCashFlow(date(2026, 1, 1), Decimal("1010.00")),
    ]
    assert dated_irr(flows) == Decimal("0.010000000000")
    assert abs(float(dated_nominal_apr(flows)) - 12 * (1.01 ** (1 / 12) - 1)) < 1e-12


def test_a_five_day_first_period_billing_a_full_months_interest_shows_its_real_cost() -> None:
    from datetime import date

    from loanmath import DatedCashFlow, dated_nominal_apr

    # 1,000.00 at 12 % over one month, 10.00 interest, but repaid 5 days after the money was paid out.
    flows = [
        DatedCashFlow(date(2026, 1, 31), Decimal("-1000.00")),
        DatedCashFlow(date(2026, 2, 5), Decimal("1010.00")),
    ]
    apr = float(dated_nominal_apr(flows))
    assert abs(apr - 12 * ((1.01 ** (365 / 5)) ** (1 / 12) - 1)) < 1e-9
    assert apr > 0.70  # not the 12 % quoted

"""The cost cap (issue 11): cost_cap_growth, cost_cap_limit and cost_cap_base_after_payment against
oracles that share nothing with the code: exact Fractions where the growth is rational (whole years),
Decimal's correctly rounded power at 60 digits elsewhere, floats as a sanity check, and the IRR of the
cash flows found by bisection (tests/loanmath/cap_oracle.py).

The convention: a cap c is a nominal yearly rate compounded monthly, over a 365-day year whatever the
product's day count; money grows by (1 + c/12) ** (12 × days / 365).
"""

import itertools
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from loanmath import (
    DayCount,
    InvalidInputError,
    OverduePolicy,
    cost_cap_base_after_payment,
    cost_cap_growth,
    cost_cap_limit,
)
from tests.loanmath.cap_oracle import PRECISE, cap_growth, exact_limit, floor_fen, flooring_allowance, irr
from tests.loanmath.strategies import annual_rates, cents, examples

START = date(2026, 1, 15)
CAP_24 = OverduePolicy(annual_cost_cap=Decimal("0.24"))
caps = annual_rates(360_000)
positive_caps = st.integers(1, 360_000).map(lambda n: Decimal(n).scaleb(-6))


def policy(cap: Decimal, day_count: DayCount = DayCount.ACT_365) -> OverduePolicy:
    return OverduePolicy(annual_cost_cap=cap, day_count=day_count)


# --- cost_cap_growth ------------------------------------------------------------------------------------


@given(cap=caps, years=st.integers(0, 6))
@examples(60)
def test_over_whole_years_the_growth_is_exactly_monthly_compounding(cap: Decimal, years: int) -> None:
    """365 × k days are 12 × k months: (1 + c/12) ** (12 k), a rational number, exactly."""
    exact = (1 + Fraction(cap) / 12) ** (12 * years)

    growth = Fraction(cost_cap_growth(cap, 365 * years))

    assert abs(growth - exact) <= Fraction(1, 10**30)  # rounded down to 30 places, nothing more


@given(cap=caps, days=st.integers(0, 5000))
@examples(200)
def test_the_growth_is_the_definition_to_30_places(cap: Decimal, days: int) -> None:
    oracle = cap_growth(cap, days)

    growth = cost_cap_growth(cap, days)

    assert growth.as_tuple().exponent >= -30
    assert Decimal("-1e-40") <= oracle - growth < Decimal("1.01e-30")  # floored to 30 places
    assert float(growth) == pytest.approx((1 + float(cap) / 12) ** (12 * days / 365), rel=1e-12)


def test_the_growth_has_the_documented_figures() -> None:
    # 24 %: 2 % a month; a year is exactly 1.02 ** 12; 35 days (15 Jan - 19 Feb) are 12 × 35 / 365 months.
    assert abs(cost_cap_growth(Decimal("0.24"), 365) - Decimal("1.268241794562545318301696")) <= Decimal(
        "1e-30"
    )
    assert cost_cap_growth(Decimal("0.24"), 0) == 1
    assert cost_cap_growth(Decimal("0"), 1000) == 1
    assert float(cost_cap_growth(Decimal("0.24"), 35)) == pytest.approx(1.02 ** (12 * 35 / 365), rel=1e-15)


@given(cap=positive_caps, days=st.integers(0, 4000))
@examples(100)
def test_the_growth_rises_with_every_day(cap: Decimal, days: int) -> None:
    assert cost_cap_growth(cap, days + 1) > cost_cap_growth(cap, days) >= 1


def test_the_growth_refuses_to_run_backwards() -> None:
    with pytest.raises(InvalidInputError):
        cost_cap_growth(Decimal("0.24"), -1)


# --- cost_cap_limit -------------------------------------------------------------------------------------


def test_the_limit_has_the_documented_figures() -> None:
    """¥1,200.00 lent on 15 Jan 2026 under a 24 % cap, nothing paid."""
    assert cost_cap_limit(base=Decimal("1200.00"), base_on=START, on=date(2026, 2, 23), policy=CAP_24) == (
        Decimal("1230.85")  # 39 days: 1,200 × 1.02 ** (12 × 39 / 365) = 1,230.8571
    )
    assert cost_cap_limit(base=Decimal("1200.00"), base_on=START, on=date(2026, 2, 19), policy=CAP_24) == (
        Decimal("1227.65")  # 35 days: 1,227.6578 (the fee day of measured case (a))
    )
    assert cost_cap_limit(base=Decimal("1200.00"), base_on=START, on=date(2026, 3, 15), policy=CAP_24) == (
        Decimal("1246.99")  # 59 days
    )
    assert cost_cap_limit(base=Decimal("1200.00"), base_on=START, on=START, policy=CAP_24) == Decimal(
        "1200.00"
    )
    # A whole year: 1,200 × 1.02 ** 12 = 1,521.8901... exactly, floored.
    assert cost_cap_limit(
        base=Decimal("1200.00"), base_on=START, on=START + timedelta(days=365), policy=CAP_24
    ) == Decimal("1521.89")


@given(base=cents(1, 10**10), cap=caps, days=st.integers(0, 3000))
@examples(200)
def test_the_limit_is_the_base_grown_at_the_cap_and_floored_to_the_fen(
    base: Decimal, cap: Decimal, days: int
) -> None:
    exact = PRECISE.multiply(base, cap_growth(cap, days))
    fens = exact * 100
    assume(abs(fens - fens.to_integral_value()) > Decimal("1e-20") or fens == fens.to_integral_value())

    limit = cost_cap_limit(base=base, base_on=START, on=START + timedelta(days=days), policy=policy(cap))

    assert limit == floor_fen(exact)
    assert exact - Decimal("0.01") < limit <= exact


@given(base=cents(1, 10**10), cap=caps, days=st.integers(0, 3000))
@examples(100)
def test_act_360_gives_the_same_cap_as_act_365(base: Decimal, cap: Decimal, days: int) -> None:
    """The cap counts a 365-day year whatever the product's day count (which only prices penalty
    interest); grace, fees and penalty rates do not enter it either."""
    on = START + timedelta(days=days)
    plain = cost_cap_limit(base=base, base_on=START, on=on, policy=policy(cap, DayCount.ACT_365))
    other = OverduePolicy(
        annual_cost_cap=cap,
        day_count=DayCount.ACT_360,
        grace_days=5,
        late_fee_flat=Decimal("50.00"),
        late_fee_rate=Decimal("0.05"),
        penalty_rate=Decimal("0.36"),
    )

    assert cost_cap_limit(base=base, base_on=START, on=on, policy=other) == plain


@given(base=cents(0, 10**10), cap=caps, days=st.integers(0, 3000), more=st.integers(0, 400))
@examples(150)
def test_the_limit_never_falls_as_days_pass(base: Decimal, cap: Decimal, days: int, more: int) -> None:
    earlier = cost_cap_limit(base=base, base_on=START, on=START + timedelta(days=days), policy=policy(cap))
    later = cost_cap_limit(
        base=base, base_on=START, on=START + timedelta(days=days + more), policy=policy(cap)
    )

    assert later >= earlier


def test_each_day_of_a_year_the_limit_is_at_least_the_day_before() -> None:
    limits = [
        cost_cap_limit(base=Decimal("12000.00"), base_on=START, on=START + timedelta(days=d), policy=CAP_24)
        for d in range(400)
    ]
    assert all(later > earlier for earlier, later in itertools.pairwise(limits))


@given(base=cents(100_00, 10**9), cap=positive_caps, days=st.integers(1, 3000))
@examples(150)
def test_at_the_limit_the_irr_of_the_cash_flows_is_the_cap(base: Decimal, cap: Decimal, days: int) -> None:
    """The convention, from the other side: lend ``base``, owe the limit ``days`` later; the IRR of those
    two flows (nominal yearly, compounded monthly, 365-day year) is the cap."""
    on = START + timedelta(days=days)
    limit = cost_cap_limit(base=base, base_on=START, on=on, policy=policy(cap))

    rate = irr(disbursed_on=START, flows=[(START, -base), (on, limit)])
    a_fen_more = irr(disbursed_on=START, flows=[(START, -base), (on, limit + Decimal("0.01"))])

    assert rate <= float(cap) + 1e-9
    assert a_fen_more > float(cap) - 1e-9  # floored by less than a fen: a fen more is over the cap


def test_the_limit_refuses_a_date_before_its_base_and_a_base_that_is_not_in_fen() -> None:
    with pytest.raises(InvalidInputError):
        cost_cap_limit(base=Decimal("1200.00"), base_on=START, on=START - timedelta(days=1), policy=CAP_24)
    with pytest.raises(InvalidInputError):
        cost_cap_limit(base=Decimal("1200.001"), base_on=START, on=START, policy=CAP_24)


# --- cost_cap_base_after_payment ------------------------------------------------------------------------


@given(base=cents(1000_00, 10**9), cap=caps, days=st.integers(0, 800), share=st.integers(1, 100))
@examples(150)
def test_a_payment_lowers_the_limit_by_exactly_the_payment_that_day(
    base: Decimal, cap: Decimal, days: int, share: int
) -> None:
    paid_on = START + timedelta(days=days)
    before = cost_cap_limit(base=base, base_on=START, on=paid_on, policy=policy(cap))
    amount = max(Decimal("0.01"), (before * share / 100).quantize(Decimal("0.01"), rounding=ROUND_FLOOR))

    new_base = cost_cap_base_after_payment(
        base=base, base_on=START, paid_on=paid_on, amount=amount, policy=policy(cap)
    )

    assert new_base == before - amount
    assert cost_cap_limit(base=new_base, base_on=paid_on, on=paid_on, policy=policy(cap)) == before - amount


@st.composite
def payment_histories(draw: st.DrawFn) -> tuple[Decimal, Decimal, list[tuple[date, Decimal]], date]:
    """A principal, a cap, up to 6 payments (each at most what the limit is that day), and a later day."""
    principal = draw(cents(1000_00, 10**8))
    cap = draw(positive_caps)
    gaps = draw(st.lists(st.integers(0, 120), max_size=6))
    payments: list[tuple[date, Decimal]] = []
    day, base, base_on = START, principal, START
    for gap in gaps:
        day += timedelta(days=gap)
        limit = cost_cap_limit(base=base, base_on=base_on, on=day, policy=policy(cap))
        if limit < Decimal("0.02"):
            break
        amount = Decimal(draw(st.integers(1, int(limit * 100) - 1))).scaleb(-2)
        payments.append((day, amount))
        base = cost_cap_base_after_payment(
            base=base, base_on=base_on, paid_on=day, amount=amount, policy=policy(cap)
        )
        base_on = day
    return principal, cap, payments, day + timedelta(days=draw(st.integers(0, 400)))


@given(history=payment_histories())
@examples(150)
def test_the_running_base_keeps_the_limit_a_few_fen_under_the_exact_one(
    history: tuple[Decimal, Decimal, list[tuple[date, Decimal]], date],
) -> None:
    """principal × g(d - disbursed) - Σ payment × g(d - paid_on), the amount at which the IRR is the cap,
    is what the floored running base gives, less at most a fen per payment (grown) and a fen for the day."""
    principal, cap, payments, on = history
    base, base_on = principal, START
    for paid_on, amount in payments:
        base = cost_cap_base_after_payment(
            base=base, base_on=base_on, paid_on=paid_on, amount=amount, policy=policy(cap)
        )
        base_on = paid_on

    limit = cost_cap_limit(base=base, base_on=base_on, on=on, policy=policy(cap))

    exact = exact_limit(principal=principal, disbursed_on=START, payments=payments, on=on, cap=cap)
    assert exact - flooring_allowance(payments=payments, on=on, cap=cap) <= limit <= exact
    flows = [(START, -principal), *payments]
    if limit > 0 and on > START:  # money lent and repaid the same day has no yearly rate
        assert irr(disbursed_on=START, flows=[*flows, (on, limit)]) <= float(cap) + 1e-9
    if on > START and exact >= 1:
        # and the exact figure is where the IRR of the cash flows is the cap
        assert irr(disbursed_on=START, flows=[*flows, (on, exact)]) == pytest.approx(float(cap), abs=1e-6)


def test_the_base_after_a_payment_refuses_a_payment_not_in_fen() -> None:
    with pytest.raises(InvalidInputError):
        cost_cap_base_after_payment(
            base=Decimal("1200.00"), base_on=START, paid_on=START, amount=Decimal("1.005"), policy=CAP_24
        )


def test_a_payment_larger_than_the_limit_leaves_a_negative_base() -> None:
    """Only contract interest can take a balance over the limit; the base then goes below zero and the
    limit stays under what is owed until the cap's growth catches up."""
    base = cost_cap_base_after_payment(
        base=Decimal("100.00"), base_on=START, paid_on=START, amount=Decimal("101.00"), policy=CAP_24
    )
    assert base == Decimal("-1.00")
    assert cost_cap_limit(base=base, base_on=START, on=START + timedelta(days=30), policy=CAP_24) < 0

"""The cost cap from its definition, and the real annual cost of cash flows by bisection: the oracles
the cap's tests (tests/loanmath/test_cost_cap.py) and the money engine's (tests/borrowers/
test_money_engine.py) check against. Imports nothing of ours.

The cap c is a nominal yearly rate compounded monthly over a 365-day year: money grows by
(1 + c/12) ** (12 × days / 365). The growth here is Decimal's correctly rounded power at 60 digits (the
code under test works it out by exp and ln at 40 digits and rounds down to 30 places).
"""

import math
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

FEN = Decimal("0.01")
PRECISE = Context(prec=60)


def half_up(amount: Decimal | Fraction) -> Decimal:
    """To the fen, half up (from an exact Fraction or a Decimal)."""
    if isinstance(amount, Fraction):
        cents = amount * 100
        whole = math.floor(cents)
        if cents - whole >= Fraction(1, 2):
            whole += 1
        return Decimal(whole).scaleb(-2)
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def floor_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_FLOOR, context=PRECISE)


def cap_growth(cap: Decimal, days: int) -> Decimal:
    """(1 + cap/12) ** (12 × days / 365), to 60 significant digits (Decimal's power is correctly rounded)."""
    monthly = PRECISE.add(Decimal(1), PRECISE.divide(Decimal(cap), Decimal(12)))
    exponent = PRECISE.divide(Decimal(12 * days), Decimal(365))
    return PRECISE.power(monthly, exponent)


def exact_limit(
    *, principal: Decimal, disbursed_on: date, payments: list[tuple[date, Decimal]], on: date, cap: Decimal
) -> Decimal:
    """The amount owed on ``on`` at which the IRR equals the cap, unrounded:
    principal × g(on - disbursed) - Σ kept × g(on - paid_on)."""
    total = PRECISE.multiply(principal, cap_growth(cap, (on - disbursed_on).days))
    for paid_on, kept in payments:
        total = PRECISE.subtract(total, PRECISE.multiply(kept, cap_growth(cap, (on - paid_on).days)))
    return total


def flooring_allowance(*, payments: list[tuple[date, Decimal]], on: date, cap: Decimal) -> Decimal:
    """How far below the exact limit the engine's floored running base may be on ``on``: under a fen for
    the day's floor, and under a fen per payment grown from its date."""
    total = FEN
    for paid_on, _kept in payments:
        total += FEN * cap_growth(cap, (on - paid_on).days)
    return total


def irr(*, disbursed_on: date, flows: list[tuple[date, Decimal]]) -> float:
    """The nominal yearly rate compounded monthly c solving Σ amount × (1 + c/12) ** (-12 t / 365) = 0,
    t = days from disbursement; flows[0] is the (negative) disbursement, the rest are non-negative, so the
    present value falls as c rises and the root is unique. Bisection to 1e-12 between -90 % and
    1,000 % (infinite outside)."""

    def present_value(rate: float) -> float:
        log_monthly = math.log1p(rate / 12)
        return sum(
            float(amount) * math.exp(-12 * (day - disbursed_on).days / 365 * log_monthly)
            for day, amount in flows
        )

    low, high = -0.9, 10.0  # from losing 90 % a year to 1,000 %: every cost this project can meet
    if present_value(high) > 0:
        return math.inf
    if present_value(low) < 0:
        return -math.inf
    for _ in range(200):
        middle = (low + high) / 2
        if present_value(middle) > 0:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2

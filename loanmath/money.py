"""Money: one rounding rule for every amount in Anxin.

Every amount is a ``Decimal`` in yuan with two places (the cent, 分). Whenever a formula gives more
places, the result goes through :func:`quantize` and nowhere else: ``ROUND_HALF_UP`` to the cent, the
rounding a borrower learned at school (0.005 becomes 0.01, 2.675 becomes 2.68), not banker's rounding, so
that a loan officer can redo any figure by hand and get the same cent.

Rates are annual fractions (``Decimal("0.18")`` is 18 % a year) and are never rounded.
"""

from contextlib import AbstractContextManager
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from loanmath.errors import InvalidInputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The amount limits, defined once; forms and messages format these constants rather than restate them.
# AMOUNT_MAX: the largest amount the ledger's columns hold (14 digits, 2 of them after the point), so the
# ceiling for anything staff book or import. BORROWER_AMOUNT_MAX: the ceiling for a figure a borrower
# types (a budget line, a planner's principal): ten million yuan, far above any consumer loan.
AMOUNT_MAX = Decimal("999999999999.99")
BORROWER_AMOUNT_MAX = Decimal("10000000.00")

# 40 significant digits hold any amount this app will see (14 digits) times any rate or day fraction
# with room to spare, so the only rounding that ever changes a result is the one in `quantize`.
# The ambient context is not trusted: a caller could have lowered its precision.
_CALCULATION = Context(
    prec=40,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def quantize(amount: Decimal) -> Decimal:
    """Round an amount to the cent, half up (away from zero on an exact half cent).

    >>> quantize(Decimal("10327.9730"))
    Decimal('10327.97')
    >>> quantize(Decimal("0.005"))
    Decimal('0.01')
    """
    if not isinstance(amount, Decimal):
        # A float has already lost cents (2.675 is stored as 2.67499999...); refuse it outright.
        raise TypeError(f"money must be a Decimal, got {type(amount).__name__}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP, context=_CALCULATION)


def calculation_context() -> AbstractContextManager[Context]:
    """A decimal context for intermediate results: 40 digits, so nothing is rounded before `quantize`."""
    return localcontext(_CALCULATION)


def require_cents(name: str, amount: Decimal) -> None:
    """Refuse an amount that is not a non-negative ``Decimal`` in whole cents."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0 or amount != quantize(amount):
        raise InvalidInputError(f"{name} must be a non-negative Decimal in whole cents, got {amount!r}")


def require_rate(name: str, rate: Decimal) -> None:
    """Refuse a rate that is not a non-negative, finite ``Decimal`` fraction."""
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0:
        raise InvalidInputError(f"{name} must be a non-negative Decimal fraction, got {rate!r}")

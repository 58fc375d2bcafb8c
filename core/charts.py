"""Scaling for the bar charts pages draw (in SVG or CSS): the one place a value becomes a length."""

from collections.abc import Sequence
from decimal import Decimal

from loanmath import ZERO

TENTH = Decimal("0.1")


def bar_lengths(values: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Each value as a share of the largest, 0-100 to a tenth (all 0 when nothing is above 0)."""
    largest = max(values, default=ZERO)
    if largest <= 0:
        return tuple(ZERO for _ in values)
    return tuple((max(value, ZERO) * 100 / largest).quantize(TENTH) for value in values)

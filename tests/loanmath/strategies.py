"""Shared Hypothesis strategies and settings for the loanmath tests."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

F = TypeVar("F", bound=Callable[..., Any])


def yuan(amount: str) -> Decimal:
    """An amount written the way a loan officer writes it: yuan("10327.97")."""
    return Decimal(amount)


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts from ``low`` to ``high`` cents, as two-place Decimals."""
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


def annual_rates(high_in_millionths: int = 360_000) -> st.SearchStrategy[Decimal]:
    """Yearly rates with six places, as stored (0.180000 = 18 %), from 0 up to 36 % by default."""
    return st.integers(0, high_in_millionths).map(lambda n: Decimal(n).scaleb(-6))


def days_in(low: date, high: date) -> st.SearchStrategy[date]:
    return st.dates(min_value=low, max_value=high)


def examples(count: int) -> Callable[[F], F]:
    """Hypothesis settings for a property: ``count`` examples, no per-example deadline.

    The project's conftest has autouse function-scoped fixtures (cache, Celery) that these pure tests
    neither use nor are disturbed by, hence the suppressed health check.
    """
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )

from decimal import Decimal, localcontext

import pytest

from loanmath import CENT, InvalidInputError, quantize
from loanmath.money import require_cents
from tests.loanmath.strategies import yuan


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # Half a cent always goes up, unlike banker's rounding (which would give 0.02 for 0.025).
        ("0.005", "0.01"),
        ("0.025", "0.03"),
        ("2.675", "2.68"),
        ("0.0049999", "0.00"),
        ("10327.97300", "10327.97"),
        # Away from zero on a negative half cent, so a refund rounds like the charge it undoes.
        ("-0.005", "-0.01"),
        ("120000", "120000.00"),
    ],
)
def test_quantize_rounds_half_up_to_the_cent(amount: str, expected: str) -> None:
    result = quantize(yuan(amount))
    assert result == yuan(expected)
    assert result.as_tuple().exponent == CENT.as_tuple().exponent


def test_quantize_refuses_a_float_because_it_has_already_lost_cents() -> None:
    with pytest.raises(TypeError):
        quantize(2.675)  # type: ignore[arg-type]


def test_quantize_is_not_affected_by_a_caller_lowering_decimal_precision() -> None:
    with localcontext(prec=3):
        assert quantize(yuan("12345.675")) == yuan("12345.68")


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("1.001"), Decimal("NaN"), 1.5])
def test_require_cents_refuses_negative_fractional_or_non_decimal_amounts(amount: Decimal) -> None:
    with pytest.raises(InvalidInputError):
        require_cents("amount", amount)

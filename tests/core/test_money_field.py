"""core.forms.MoneyField: what a borrower may type in an amount box, and what is refused (never guessed)."""

from decimal import Decimal

import pytest
from django import forms

from core.forms import MoneyField
from loanmath import BORROWER_AMOUNT_MAX


def cleaned(value: str, **kwargs: object) -> Decimal | None:
    return MoneyField(max_value=BORROWER_AMOUNT_MAX, **kwargs).clean(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1200", "1200.00"),
        ("1,200", "1200.00"),
        ("1，200", "1200.00"),  # a full-width comma from a Chinese keyboard
        ("¥1200", "1200.00"),
        ("￥1,200.50", "1200.50"),
        ("1 200", "1200.00"),
        ("12,345.6", "12345.60"),
        ("35.500", "35.50"),  # zeros past the fen change nothing
        ("0", "0.00"),
        ("１１３５", "1135.00"),  # full-width digits from a Chinese input method
        ("１，１３５．５", "1135.50"),
        (".5", "0.50"),
    ],
)
def test_amounts_as_people_write_them_are_read(typed: str, amount: str) -> None:
    assert cleaned(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed",
    [
        "12,00",  # meant twelve? or twelve hundred? Refused, not guessed
        "1,2,00",
        "1,20",
        ",",
        "¥",
        "1.200,50",
        "35.505",  # a fraction of a fen
        "abc",
        "NaN",
        "1e400",
        "1E+5",  # an exponent: Decimal() reads it as 100000
        "1_135",  # a digit separator: Decimal() reads it as 1135
        "١١٣٥",  # Arabic-Indic digits: Decimal() reads them, a borrower's contract never shows them
        "١,١٣٥",
        "-1",
        "10000000.01",
    ],
)
def test_anything_else_is_refused_with_a_message(typed: str) -> None:
    with pytest.raises(forms.ValidationError):
        cleaned(typed)


def test_a_blank_box_is_empty_or_zero_as_the_form_says() -> None:
    assert MoneyField(required=False).clean("  ") is None
    assert MoneyField(blank_is_zero=True).clean("") == Decimal("0.00")


def test_the_digit_limit_names_the_forms_own_limit() -> None:
    field = MoneyField(max_value=BORROWER_AMOUNT_MAX, max_digits=12)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("99999999999")
    codes = {error.code for error in refused.value.error_list}
    # Out of range, and too many digits before the point, as typed (not after rounding to the fen).
    assert codes == {"max_value", "max_whole_digits"}

"""Form fields that more than one app needs. Parse and validate only."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

import loanmath
from loanmath import AMOUNT_MAX, ZERO

# Characters people type around an amount that do not change it: thousands separators, the yuan sign, spaces.
_IGNORED_IN_AMOUNTS = str.maketrans("", "", ",，¥￥ \u00a0\u3000")
# Longer than any amount the ledger holds written out with separators; refused before Decimal parses it.
_LONGEST_AMOUNT_TEXT = 40


class MoneyField(forms.DecimalField):
    """An amount in yuan, to the fen, from ``min_value`` (0 unless told) to ``max_value`` (the ledger's
    ceiling unless told): the one money field of every form.

    "1,200", "¥1200" and "1 200" read as 1200.00, and "35.500" as 35.50; "35.505" is refused (no
    rounding behind the borrower's back). ``blank_is_zero`` makes an empty box mean 0.00 (a budget line
    left empty). Messages use Django's codes (``invalid``, ``min_value``, ``max_value``,
    ``max_decimal_places``), so a form words them for its reader by passing ``error_messages``.
    """

    def __init__(
        self,
        *,
        min_value: Decimal = ZERO,
        max_value: Decimal = AMOUNT_MAX,
        blank_is_zero: bool = False,
        **kwargs: Any,
    ) -> None:
        self.blank_is_zero = blank_is_zero
        if blank_is_zero:
            kwargs.setdefault("required", False)
        attrs = {"step": "0.01", "inputmode": "decimal", "min": f"{min_value:f}", "max": f"{max_value:f}"}
        kwargs.setdefault("widget", forms.NumberInput(attrs=attrs))
        super().__init__(
            min_value=min_value,
            max_value=max_value,
            max_digits=14,
            decimal_places=2,
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs type DecimalField as IntegerField
        text = str(value if value is not None else "").translate(_IGNORED_IN_AMOUNTS)
        if not text:
            return ZERO if self.blank_is_zero else None
        if len(text) > _LONGEST_AMOUNT_TEXT:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            rounded = loanmath.quantize(amount)
        except InvalidOperation:  # 1e400: far past max_value, which refuses it with its own message
            return amount
        # Trailing zeros past the fen change nothing ("35.500"); a real third decimal is left for the
        # max_decimal_places check to refuse.
        return rounded if rounded == amount else amount

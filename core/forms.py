"""Form fields that more than one app needs. Parse and validate only."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

import loanmath
from loanmath import AMOUNT_MAX, ZERO

# Characters people type around an amount that do not change it: the yuan sign and spaces.
_IGNORED_IN_AMOUNTS = str.maketrans("", "", "¥￥ \u00a0\u3000")
# Thousands separators (half- or full-width commas) are read only where they group thousands: "1,200" and
# "12,345,678.90" are amounts, "12,00" or "1,2,00" are not (a borrower meaning 12 must not get 1,200).
_COMMAS = ",，"
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]*)?")
# Full-width digits and point (a Chinese input method's) read as ASCII; every other kind of digit, an
# exponent ("1E+5") or a digit separator ("1_135") is refused: Decimal() would take them all.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_PLAIN_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Longer than any amount the ledger holds written out with separators; refused before Decimal parses it.
_LONGEST_AMOUNT_TEXT = 40


class MoneyField(forms.DecimalField):
    """An amount in yuan, to the fen, from ``min_value`` (0 unless told) to ``max_value`` (the ledger's
    ceiling unless told): the one money field of every form.

    "1,200", "¥1200", "1 200" and full-width "１２００" read as 1200.00, and "35.500" as 35.50. Refused:
    "35.505" (no rounding behind the borrower's back), "12,00" (commas only group thousands), a lone "¥",
    other scripts' digits ("١٢٠٠"), exponents ("1E+5") and digit separators ("1_200").
    ``blank_is_zero`` makes an empty box mean 0.00 (a budget line left empty). ``max_digits`` (14: the
    ledger's columns) may be lowered by a form whose amounts are smaller, so its "too many digits"
    message names its own limit. Messages use Django's codes (``invalid``, ``min_value``,
    ``max_value``, ``max_decimal_places``), so a form words them for its reader by passing
    ``error_messages``.
    """

    def __init__(
        self,
        *,
        min_value: Decimal = ZERO,
        max_value: Decimal = AMOUNT_MAX,
        blank_is_zero: bool = False,
        max_digits: int = 14,
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
            max_digits=max_digits,
            decimal_places=2,
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs type DecimalField as IntegerField
        typed = str(value if value is not None else "").strip()
        if not typed:
            return ZERO if self.blank_is_zero else None
        text = typed.translate(_IGNORED_IN_AMOUNTS).translate(_FULL_WIDTH)
        # A lone "¥" is not a blank box; and commas must group thousands.
        if not text or len(text) > _LONGEST_AMOUNT_TEXT:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if any(comma in text for comma in _COMMAS):
            if not _GROUPED.fullmatch(text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            text = text.replace(",", "").replace("，", "")
        if not _PLAIN_AMOUNT.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if self.max_value is not None and abs(amount) > self.max_value:
            # Out of range (1e400 too): max_value refuses it, and the digit checks see what was typed.
            return amount
        rounded = loanmath.quantize(amount)
        # Trailing zeros past the fen change nothing ("35.500"); a real third decimal is left for the
        # max_decimal_places check to refuse.
        return rounded if rounded == amount else amount

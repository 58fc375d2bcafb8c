"""How a worked example's inputs are read (education.examples documents them for editors): amounts, rates,
whole numbers, dates and lists, each refused with a sentence naming the input when malformed, and
references to another example's figure ("lin.payment[1]"), resolved by the caller.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

import loanmath

MONEY_LITERAL = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,2})?")
DECIMAL_LITERAL = re.compile(r"[0-9]{1,6}(\.[0-9]{1,12})?")
DATE_LITERAL = re.compile(r"[0-9]{4}-[0-9][0-9]-[0-9][0-9]")
# Another example's figure, "lin.payment[1]": the key of an example listed earlier, a dot, a figure name.
REFERENCE = re.compile(r"[a-z][a-z0-9-]{0,39}\.[a-z_]+(\[([0-9]+|last)\])?")
# A term of a sum: an optional minus, an optional whole-number count and "*" (or ×), an amount.
TERM = re.compile(r"(-)?\s*(?:([0-9]{1,4})\s*[*×]\s*)?(\S+)")


class Unit(StrEnum):
    MONEY = "money"  # yuan, to the cent
    PERCENT = "percent"  # a rate, in percent
    COUNT = "count"  # a whole number (days)
    FACTOR = "factor"  # a plain decimal number (what one yuan grows to in a month)


class ExampleInputError(Exception):
    """The inputs are malformed, or loanmath refuses them; `message` says which input and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FigureUnavailableError(Exception):
    """The figure's name is right but these inputs have no such figure (payment[13] of a 12-month loan)."""


Resolve = Callable[[str], Decimal]  # a reference to another example's figure -> its amount
Calculator = Callable[[str, str | None], Decimal]  # (figure name, index or None) -> exact value


class Inputs:
    """An example's inputs, read one by one; `done` refuses any input the kind did not read. `resolve`
    turns a reference to another example's figure into its amount (when parsing, into a stand-in)."""

    def __init__(self, raw: Mapping[str, Any], kind: str, resolve: Resolve) -> None:
        self.raw = raw
        self.kind = kind
        self.resolve = resolve
        self.known: set[str] = set()

    def _value(self, name: str, required: bool) -> Any:
        self.known.add(name)
        if name not in self.raw and required:
            raise ExampleInputError(_("the input “%(input)s” is missing.") % {"input": name})
        return self.raw.get(name)

    def _wrong(self, name: str, expected: str) -> ExampleInputError:
        message = _("the input “%(input)s” must be %(expected)s.")
        return ExampleInputError(message % {"input": name, "expected": expected})

    def amount(self, value: Any, name: str, *, signed: bool = False) -> Decimal:
        """A literal amount ("12000.00") or a reference to another example's amount ("lin.payment[1]")."""
        if (
            isinstance(value, str)
            and MONEY_LITERAL.fullmatch(value)
            and (signed or not value.startswith("-"))
        ):
            return loanmath.quantize(Decimal(value))
        if isinstance(value, str) and REFERENCE.fullmatch(value):
            return self.resolve(value)
        if signed:
            raise self._wrong(name, _("an amount such as “-1066.19” or another example's figure"))
        raise self._wrong(
            name, _("an amount such as “12000.00”, or another example's figure such as “lin.payment[1]”")
        )

    def money(self, name: str, *, required: bool = True) -> Decimal | None:
        value = self._value(name, required)
        return None if value is None else self.amount(value, name)

    def money_or_zero(self, name: str) -> Decimal:
        return self.money(name, required=False) or loanmath.ZERO

    def required_money(self, name: str) -> Decimal:
        return self.amount(self._value(name, True), name)

    def decimal(self, name: str, *, required: bool = True) -> Decimal | None:
        """A rate as a fraction ("0.12" is 12 %) or a plain factor ("1.8"), written as a string."""
        value = self._value(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not DECIMAL_LITERAL.fullmatch(value):
            raise self._wrong(name, _("a decimal number written as text, such as “0.12”"))
        return Decimal(value)

    def required_decimal(self, name: str) -> Decimal:
        value = self.decimal(name)
        return Decimal(0) if value is None else value

    def whole(self, name: str, low: int, high: int, *, default: int | None = None) -> int:
        value = self._value(name, default is None)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self._wrong(name, _("a whole number from %(low)s to %(high)s") % {"low": low, "high": high})
        return int(value)

    def choice(self, name: str, options: Sequence[str], *, default: str | None = None) -> str:
        value = self._value(name, default is None)
        if value is None and default is not None:
            return default
        if value not in options:
            raise self._wrong(name, _("one of %(options)s") % {"options": ", ".join(options)})
        return str(value)

    def day(self, name: str) -> date:
        value = self._value(name, True)
        if isinstance(value, str) and DATE_LITERAL.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self._wrong(name, _("a date written YYYY-MM-DD"))

    def items(self, name: str, minimum: int) -> list[Any]:
        value = self._value(name, True)
        if not isinstance(value, list) or not minimum <= len(value) <= 360:
            raise self._wrong(name, _("a list of %(minimum)s to 360 items") % {"minimum": minimum})
        return value

    def done(self) -> None:
        unknown = sorted(set(self.raw) - self.known)
        if unknown:
            raise ExampleInputError(
                _("a “%(kind)s” example takes no input “%(input)s”.")
                % {"kind": self.kind, "input": unknown[0]}
            )


def position(index: str | None, first: int, last: int) -> int:
    """The n of "payment[n]" ("last" is the last one), refused when missing or outside first..last."""
    number = last if index == "last" else int(index or "-1")
    if not first <= number <= last:
        raise FigureUnavailableError
    return number

"""What the borrower still owes on one instalment: the input to allocation and projection."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loanmath.errors import InvalidInputError
from loanmath.money import ZERO, quantize, require_cents


@dataclass(frozen=True)
class OpenInstalment:
    """The unpaid parts of one instalment, as the ledger has them.

    ``fees`` are late fees already charged and ``penalty`` is penalty interest already accrued; both
    unpaid. For an instalment not yet due, ``interest`` is its scheduled contract interest.

    ``penalty_from`` and ``penalty_in_period`` describe the penalty accrual period under way, when the
    ledger has one: penalty accrues on the days after ``penalty_from``, and ``penalty_in_period`` is
    the formula amount already accrued for that period (before any cap trimming). Given these, a
    projection continues the period exactly as the nightly close of business would, so the two agree
    to the cent. Left out, a projection starts a new period at ``as_of`` (or the end of grace).

    ``unbilled_interest`` is the part of ``interest`` that has not fallen due yet (the scheduled
    interest of an instalment not yet due): it becomes owed on the due date, which is when it counts
    against the cost cap.
    """

    number: int
    due_date: date
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    fees: Decimal = ZERO
    penalty: Decimal = ZERO
    penalty_from: date | None = None
    penalty_in_period: Decimal = ZERO
    unbilled_interest: Decimal = ZERO

    def __post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            raise InvalidInputError(f"instalment number must be a whole number from 1, got {self.number!r}")
        for name in ("principal", "interest", "fees", "penalty", "penalty_in_period", "unbilled_interest"):
            amount = getattr(self, name)
            require_cents(f"instalment {self.number} {name}", amount)
            object.__setattr__(self, name, quantize(amount))
        if self.unbilled_interest > self.interest:
            raise InvalidInputError(f"instalment {self.number}: unbilled interest is part of its interest")

    @property
    def total(self) -> Decimal:
        """Everything unpaid on this instalment: principal + interest + fees + penalty."""
        return self.principal + self.interest + self.fees + self.penalty


def require_distinct_numbers(instalments: tuple[OpenInstalment, ...]) -> None:
    """Refuse two lines for the same instalment: the ledger keeps one open line per instalment."""
    numbers = [i.number for i in instalments]
    if len(numbers) != len(set(numbers)):
        raise InvalidInputError(f"each instalment may appear once, got numbers {sorted(numbers)}")

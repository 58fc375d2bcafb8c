"""How a payment is shared out over what the borrower owes (the repayment waterfall).

The order, implemented once here for the whole app:

1. Instalments in due-date order (instalment number breaks a tie): the oldest overdue instalment first,
   then the next overdue one, then the one due on the payment day, then instalments not yet due that the
   caller lists as open (e.g. this month's bill, paid early). A payment never skips an older instalment
   to pay a newer one, so days past due fall as fast as the money allows.
2. Within one instalment: penalty interest, then late fees, then contract interest, then principal,
   the order written in the loan contract. A consequence worth telling the borrower: a part payment of
   an overdue instalment reduces its principal (the base of penalty interest) only once the penalty,
   fees and interest on it are paid.
3. Money left after every open instalment is paid in full is an overpayment, handled by the product's
   :class:`OverpaymentHandling`:

   * ``REFUND``: not applied; it is returned to the borrower (``unapplied``).
   * ``PREPAY_PRINCIPAL``: applied to the principal of instalments not yet billed (``future_principal``),
     latest instalment first. Taking principal off the end of the loan shortens the term and keeps the
     monthly payment the borrower planned for; it also saves the most interest. The caller rebuilds the
     remaining schedule from the reduced principal. Anything left after every future principal is
     repaid (the loan is paid off) is returned, as ``unapplied``.

Invariants: nothing is allocated beyond what is owed, and allocated + unapplied = amount paid, exactly.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from loanmath.errors import InvalidInputError
from loanmath.money import ZERO, quantize, require_cents
from loanmath.open_items import OpenInstalment, require_distinct_numbers


class OverpaymentHandling(StrEnum):
    """What a product does with money beyond everything owed (a product setting)."""

    REFUND = "refund"
    PREPAY_PRINCIPAL = "prepay_principal"


@dataclass(frozen=True)
class FuturePrincipal:
    """The principal of an instalment not yet billed, which a prepayment may reduce."""

    number: int
    due_date: date
    principal: Decimal

    def __post_init__(self) -> None:
        require_cents(f"future instalment {self.number} principal", self.principal)
        object.__setattr__(self, "principal", quantize(self.principal))


@dataclass(frozen=True)
class AllocationLine:
    """What one payment paid on one instalment, part by part."""

    instalment_number: int
    due_date: date
    was_overdue: bool
    penalty: Decimal
    fees: Decimal
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        """penalty + fees + interest + principal."""
        return self.penalty + self.fees + self.interest + self.principal


@dataclass(frozen=True)
class PrincipalPrepayment:
    """Principal of a not-yet-billed instalment repaid early by an overpayment."""

    instalment_number: int
    due_date: date
    principal: Decimal


@dataclass(frozen=True)
class Allocation:
    """The result: lines per instalment (in the order paid), prepayments, and what was not applied."""

    paid_on: date
    amount: Decimal
    overpayment_handling: OverpaymentHandling
    lines: tuple[AllocationLine, ...]
    prepayments: tuple[PrincipalPrepayment, ...]
    unapplied: Decimal
    allocated: Decimal = field(init=False)

    def __post_init__(self) -> None:
        allocated = sum((line.total for line in self.lines), ZERO) + sum(
            (p.principal for p in self.prepayments), ZERO
        )
        object.__setattr__(self, "allocated", allocated)
        if allocated + self.unapplied != self.amount:
            raise InvalidInputError(
                f"allocated {allocated} + unapplied {self.unapplied} must equal the payment {self.amount}"
            )


def allocate_payment(
    *,
    amount: Decimal,
    paid_on: date,
    instalments: Sequence[OpenInstalment],
    overpayment_handling: OverpaymentHandling = OverpaymentHandling.REFUND,
    future_principal: Sequence[FuturePrincipal] = (),
) -> Allocation:
    """Share ``amount`` paid on ``paid_on`` over the open ``instalments`` by the waterfall above.

    ``future_principal`` lists the principal of instalments that are not open yet; it is only used when
    ``overpayment_handling`` is ``PREPAY_PRINCIPAL``. An instalment may be in both lists only when its open
    line has no principal: what a restructuring carried onto an instalment not yet due (interest fallen
    due, late fees, penalty) is owed now, so it is open and paid in its due-date turn, before any principal
    is repaid early.
    """
    require_cents("payment amount", amount)
    open_instalments = tuple(instalments)
    require_distinct_numbers(open_instalments)
    future = tuple(future_principal)
    future_numbers = {f.number for f in future}
    if len(future_numbers) != len(future) or future_numbers & {
        i.number for i in open_instalments if i.principal > 0
    }:
        raise InvalidInputError("an instalment may appear once, either open or as future principal")

    left = quantize(amount)
    lines: list[AllocationLine] = []
    for instalment in sorted(open_instalments, key=lambda i: (i.due_date, i.number)):
        if left == 0:
            break
        parts: list[Decimal] = []
        for owed in (instalment.penalty, instalment.fees, instalment.interest, instalment.principal):
            paid = min(owed, left)
            parts.append(paid)
            left -= paid
        penalty, fees, interest, principal = parts
        if penalty + fees + interest + principal > 0:
            lines.append(
                AllocationLine(
                    instalment_number=instalment.number,
                    due_date=instalment.due_date,
                    was_overdue=instalment.due_date < paid_on,
                    penalty=penalty,
                    fees=fees,
                    interest=interest,
                    principal=principal,
                )
            )

    prepayments: list[PrincipalPrepayment] = []
    if overpayment_handling is OverpaymentHandling.PREPAY_PRINCIPAL:
        for later in sorted(future, key=lambda f: (f.due_date, f.number), reverse=True):
            if left == 0:
                break
            paid = min(later.principal, left)
            left -= paid
            if paid > 0:
                prepayments.append(
                    PrincipalPrepayment(
                        instalment_number=later.number, due_date=later.due_date, principal=paid
                    )
                )

    return Allocation(
        paid_on=paid_on,
        amount=quantize(amount),
        overpayment_handling=overpayment_handling,
        lines=tuple(lines),
        prepayments=tuple(prepayments),
        unapplied=left,
    )

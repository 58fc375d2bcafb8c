"""The planner's input: one loan to plan, and any extra payments, each checked on the way in.

A borrower picks an amount, a term and a repayment method, and may add money on top: the same extra
every month, and lump sums on chosen dates. :class:`PlanInput` refuses anything the planner cannot
simulate (:class:`~loanmath.errors.InvalidInputError`, written for developers), so the simulation in
:mod:`loanmath.plan_lines` and :mod:`loanmath.planner` works on a loan already known to make sense.

The limits are constants, so a form and the planner can never disagree: the principal from
``PLAN_MIN_PRINCIPAL`` to ``PLAN_MAX_PRINCIPAL`` (which is ``BORROWER_AMOUNT_MAX``, the ceiling of any
figure a borrower types), at most ``PLAN_MAX_MONTHS`` months, a yearly rate up to
``PLAN_MAX_ANNUAL_RATE`` and a monthly fee up to ``PLAN_MAX_MONTHLY_FEE_RATE``.

Dates: the money is paid out on ``start``; instalment n falls due n months later,
``add_months(start, n)`` (see :mod:`loanmath.dates`). A lump sum is paid with the regular payment of the
first due date on or after its date (``paid_with``).
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from loanmath.dates import add_months, monthly_due_dates
from loanmath.errors import InvalidInputError
from loanmath.money import BORROWER_AMOUNT_MAX, ZERO, quantize, require_cents, require_rate

PLAN_MIN_PRINCIPAL = Decimal("100.00")
PLAN_MAX_PRINCIPAL = BORROWER_AMOUNT_MAX  # one definition of the ¥10,000,000 ceiling
PLAN_MAX_MONTHS = 360
PLAN_MAX_ANNUAL_RATE = Decimal(1)  # 100 % a year
PLAN_MAX_MONTHLY_FEE_RATE = Decimal("0.1")  # 10 % of the principal a month

_Choice = TypeVar("_Choice", bound=StrEnum)


class PlanMethod(StrEnum):
    """How the loan is repaid: the three interest methods of :mod:`loanmath.schedule`, or a flat fee."""

    EQUAL_INSTALMENT = "equal_instalment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_ONLY = "interest_only"  # 先息后本
    FLAT_FEE = "flat_fee"  # 等本等息: equal principal plus a fixed monthly fee on the original principal


class ExtraEffect(StrEnum):
    """What paying extra does to the rest of the loan."""

    SHORTEN_TERM = "shorten_term"  # the regular payment stays, the loan ends early
    LOWER_PAYMENT = "lower_payment"  # the term stays, the regular payment falls


@dataclass(frozen=True)
class LumpSum:
    """A one-off extra payment dated ``on``, counted as paid with the regular payment of the first due
    date on or after ``on`` (the rules are in :mod:`loanmath.plan_lines`)."""

    on: date
    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.on, date):
            raise InvalidInputError(f"a lump sum's date must be a date, got {self.on!r}")
        require_cents("lump sum amount", self.amount)
        object.__setattr__(self, "amount", quantize(self.amount))


@dataclass(frozen=True)
class PlanInput:
    """The loan to plan, and any extra payments.

    principal: the amount borrowed, PLAN_MIN_PRINCIPAL to PLAN_MAX_PRINCIPAL yuan.
    months: the term, 1 to PLAN_MAX_MONTHS monthly instalments.
    method: how it is repaid (:class:`PlanMethod`).
    start: the disbursement date; instalment n falls due n months later (``due_dates``).
    annual_rate: the yearly interest rate as a fraction (0.06 = 6 %), 0 to PLAN_MAX_ANNUAL_RATE, for the
        three interest methods; must be 0 for a flat-fee plan.
    monthly_fee_rate: FLAT_FEE only: the fraction of the ORIGINAL principal charged every month
        (0.008 = "0.8 % a month"), 0 to PLAN_MAX_MONTHLY_FEE_RATE; must be 0 for the interest methods.
    upfront_fee: deducted at disbursement, less than the principal.
    extra_monthly: paid with every regular payment, straight to principal.
    lump_sums: one-off extra payments, each dated after ``start`` and no later than the last due date.
    extra_effect: whether extra payments shorten the loan or lower the payment.
    """

    principal: Decimal
    months: int
    method: PlanMethod
    start: date
    annual_rate: Decimal = Decimal(0)
    monthly_fee_rate: Decimal = Decimal(0)
    upfront_fee: Decimal = ZERO
    extra_monthly: Decimal = ZERO
    lump_sums: tuple[LumpSum, ...] = ()
    extra_effect: ExtraEffect = ExtraEffect.SHORTEN_TERM

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", _enum_member(PlanMethod, "method", self.method))
        object.__setattr__(self, "extra_effect", _enum_member(ExtraEffect, "extra_effect", self.extra_effect))
        require_cents("principal", self.principal)
        if not PLAN_MIN_PRINCIPAL <= self.principal <= PLAN_MAX_PRINCIPAL:
            raise InvalidInputError(
                f"principal must be from {PLAN_MIN_PRINCIPAL} to {PLAN_MAX_PRINCIPAL}, got {self.principal}"
            )
        if isinstance(self.months, bool) or not isinstance(self.months, int):
            raise InvalidInputError(f"months must be a whole number, got {self.months!r}")
        if not 1 <= self.months <= PLAN_MAX_MONTHS:
            raise InvalidInputError(f"months must be from 1 to {PLAN_MAX_MONTHS}, got {self.months}")
        if not isinstance(self.start, date):
            raise InvalidInputError(f"start must be a date, got {self.start!r}")
        require_rate("annual_rate", self.annual_rate)
        if self.annual_rate > PLAN_MAX_ANNUAL_RATE:
            raise InvalidInputError(
                f"annual_rate must be at most {PLAN_MAX_ANNUAL_RATE}, got {self.annual_rate}"
            )
        require_rate("monthly_fee_rate", self.monthly_fee_rate)
        if self.monthly_fee_rate > PLAN_MAX_MONTHLY_FEE_RATE:
            raise InvalidInputError(
                f"monthly_fee_rate must be at most {PLAN_MAX_MONTHLY_FEE_RATE}, got {self.monthly_fee_rate}"
            )
        if self.method is PlanMethod.FLAT_FEE and self.annual_rate != 0:
            raise InvalidInputError("a flat-fee plan charges monthly_fee_rate only: annual_rate must be 0")
        if self.method is not PlanMethod.FLAT_FEE and self.monthly_fee_rate != 0:
            raise InvalidInputError(f"monthly_fee_rate applies to FLAT_FEE plans only, not {self.method}")
        require_cents("upfront_fee", self.upfront_fee)
        if self.upfront_fee >= self.principal:
            raise InvalidInputError(
                f"upfront_fee ({self.upfront_fee}) must be less than the principal ({self.principal})"
            )
        require_cents("extra_monthly", self.extra_monthly)
        if isinstance(self.lump_sums, LumpSum) or not all(isinstance(s, LumpSum) for s in self.lump_sums):
            raise InvalidInputError(f"lump_sums must be a sequence of LumpSum, got {self.lump_sums!r}")
        object.__setattr__(self, "lump_sums", tuple(self.lump_sums))
        for lump_sum in self.lump_sums:
            if not self.start < lump_sum.on <= self.last_due_date:
                raise InvalidInputError(
                    f"a lump sum on {lump_sum.on} is outside the term: it must fall after {self.start} "
                    f"and no later than the last due date, {self.last_due_date}"
                )
        # Stored with two places (100000.00, not 100000), so every amount derived from them prints alike.
        for name in ("principal", "upfront_fee", "extra_monthly"):
            object.__setattr__(self, name, quantize(getattr(self, name)))

    @property
    def due_dates(self) -> tuple[date, ...]:
        """Every due date: ``start`` plus 1, 2, ..., months months.

        Each is counted from ``start``, not from the due date before: paid out on 31 January 2024, the
        loan falls due on 29 February, 31 March, 30 April, 31 May ...
        """
        return monthly_due_dates(self.start, self.months + 1)[1:]

    @property
    def first_due_date(self) -> date:
        """One month after the disbursement date."""
        return add_months(self.start, 1)

    @property
    def last_due_date(self) -> date:
        """``start`` plus ``months`` months: the last instalment, and the latest date a lump sum may carry."""
        return add_months(self.start, self.months)

    def paid_with(self, lump_sum: LumpSum) -> int:
        """The period whose regular payment ``lump_sum`` is paid with: the first due date on or after it."""
        return bisect_left(self.due_dates, lump_sum.on) + 1


def _enum_member(enum: type[_Choice], name: str, value: object) -> _Choice:
    """``value`` as a member of ``enum``: a member, or its value as a string (as a form posts it)."""
    if isinstance(value, str) and value in enum._value2member_map_:
        return enum(value)
    choices = ", ".join(member.value for member in enum)
    raise InvalidInputError(f"{name} must be one of {choices}, got {value!r}")

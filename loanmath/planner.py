"""The repayment planner: one loan's payments month by month, with or without paying extra.

A borrower picks an amount, a term and a repayment method, and may add money on top: the same extra
every month, and lump sums on chosen dates. The planner shows every month's payment, what the loan costs
in all (interest, fees and the APR), and what the extra money saves against the same loan without it.

The loan, as a loan officer would check it:

* The money is paid out on ``start`` (the disbursement date). Instalment n falls due n months later,
  ``add_months(start, n)``: always the start's day of the month, or the month's last day when the month
  is shorter (paid out on 31 January: 28 February, 31 March, 30 April ...; see :mod:`loanmath.dates`).
  Counting each date from ``start`` rather than from the first due date keeps the day from drifting to
  the 28th after February.
* An up-front fee is deducted at disbursement: the borrower receives principal - upfront_fee but owes,
  and pays interest on, the whole principal.
* Interest for a month = balance at the start of the month * annual_rate / 12, rounded half up to the
  cent (:func:`loanmath.schedule.monthly_interest`).
* 等额本息 (equal instalment), 等额本金 (equal principal) and 先息后本 (interest only): without extra
  payments the lines are exactly :func:`loanmath.schedule.build_schedule`'s, cent for cent, with its
  rounding rules (the level payment or level principal rounded half up and, if so rounded it would
  repay the loan before the last month, lowered a cent at a time; the last month repays what is left).
* 等本等息 (flat fee): principal P / n every month, rounded half up, the last month repaying what is
  left (so the principal parts are exactly those of a zero-rate 等额本金 schedule), plus every month a
  fee of P * monthly_fee_rate on the ORIGINAL principal P, rounded half up, however much is still owed.
  Example: 10,000.00 over 12 months at 0.8 % a month: 833.33 + 80.00 = 913.33 a month; the 12th month
  833.37 + 80.00 = 913.37; fees 960.00; the fee looks like 9.6 % a year, but the APR is 17.27 %.

Extra payments:

* ``extra_monthly`` is paid with every regular payment; each lump sum is paid with the regular payment
  of the first due date on or after its date (several lump sums may share a due date): a lump sum dated
  2 March, 31 March or 1 April all count as paid with the instalment due 1 April, and until then the
  month's interest is charged on the whole balance (the planner does not count interest by the day).
  Extra money goes straight to principal, after that month's regular payment, and never more than the
  balance then left: the month the loan is cleared, the extra shrinks to what was still owed, and a
  lump sum dated after that is not paid at all.
* SHORTEN_TERM: the regular payment stays as it was, so more of each payment repays principal and the
  loan ends early. For 等额本息 the monthly payment stays; for 等额本金 and 等本等息 the monthly
  principal stays; for 先息后本 the payment stays at the first month's interest (P * annual_rate / 12),
  and whatever of it the lower interest no longer needs repays principal.
* LOWER_PAYMENT: after every month with an extra payment, the balance left is spread again over the
  months left of the original term by the same method: a new 等额本息 payment (the annuity formula on
  the balance and the months left), a new level principal (balance / months left), for 先息后本 the new,
  lower monthly interest (the final repayment of principal shrinks by the extras). The new level is
  rounded half up and, like build_schedule's, lowered a cent at a time if it would repay the loan before
  the last month of the term; so the loan ends on time unless the extras themselves clear it.
  For 等本等息 the fee stays on the original principal whatever is repaid early: a lower payment saves
  no fees at all, and even SHORTEN_TERM saves only the fees of the months cut off. That is why a flat
  fee loan gains so little from prepayment.
* The planner assumes no prepayment charge and that no fee or interest is due for months after the loan
  is cleared.
* Extras under SHORTEN_TERM never add interest: with the same level, a lower balance means interest at
  or below the baseline's (rounding half up never reverses an order), so at least as much principal is
  repaid and the balance stays at or below the baseline's every month.
  Under LOWER_PAYMENT they can, by the rounding of the re-levelled payment: if a small extra lowers the
  exact payment by less than a cent but rounding lowers it by a whole cent, the cent a month not paid
  grows with interest into a larger final payment. Example: 100.00 at 0.9761 % over 120 months is paid
  at 0.88 (0.8750043); 0.01 extra with the first payment makes it 0.87 (0.8748602) for the 119 months
  left, and the loan costs 5.03 of interest instead of 4.96 (interest_saved -0.07). What rounding can
  shift this way stays within a cent a month compounded over the term, 0.01 * ((1 + r) ** n - 1) / r
  (8.17 for 30 years at 4.9 %), which the property tests check; any extra that matters is far larger.

Totals and the APR:

* total_interest = sum of the monthly interest; total_fees = sum of the monthly fees + upfront_fee;
  total_paid = sum of all payments + upfront_fee = principal + total_interest + total_fees.
* The APR is the IRR of the borrower's real cash flows (the PBOC's 2021 rule, see :mod:`loanmath.apr`):
  +(principal - upfront_fee) on ``start``, then -payment (extras included) on each due date, one month
  apart (every period counts as a twelfth of a year, as the interest does). Nominal APR = monthly
  IRR * 12; effective APR = (1 + monthly IRR) ** 12 - 1. Both are fractions (0.1727 is 17.27 %), to 12
  decimal places. A zero-rate loan without an up-front fee has an APR of 0.
* The baseline is the same loan with no extras. months_saved = baseline months - months;
  interest_saved = (baseline interest + baseline fees) - (interest + fees), i.e. interest and monthly
  fees saved (the up-front fee is the same in both and cancels out).
* LOWER_PAYMENT's new payment: the regular payment of the month after the first re-levelling (the
  month after the first extra is paid), against the baseline's regular payment that month. None when
  nothing is re-levelled before the last month (no extras, SHORTEN_TERM, or an extra only with the last
  two payments).
"""

import decimal
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from loanmath.apr import apr_from_periodic_flows
from loanmath.dates import add_months, monthly_due_dates
from loanmath.errors import InvalidInputError, NoIrrSolutionError
from loanmath.money import CENT, ZERO, calculation_context, quantize, require_cents, require_rate
from loanmath.schedule import (
    MONTHS_PER_YEAR,
    Instalment,
    LoanTerms,
    RepaymentMethod,
    build_schedule,
    monthly_interest,
)

PLAN_MIN_PRINCIPAL = Decimal("100.00")
PLAN_MAX_PRINCIPAL = Decimal("10000000.00")
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
    date on or after ``on`` (see the module docstring)."""

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

    principal: the amount borrowed, 100.00 to 10,000,000.00 yuan.
    months: the term, 1 to 360 monthly instalments.
    method: how it is repaid (:class:`PlanMethod`).
    start: the disbursement date; instalment n falls due n months later (``due_dates``).
    annual_rate: the yearly interest rate as a fraction (0.06 = 6 %), 0 to 1, for the three interest
        methods; must be 0 for a flat-fee plan.
    monthly_fee_rate: FLAT_FEE only: the fraction of the ORIGINAL principal charged every month
        (0.008 = "0.8 % a month"), 0 to 0.1; must be 0 for the interest methods.
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


@dataclass(frozen=True)
class PlanLine:
    """One month of the plan.

    payment = principal + extra + interest + fees, where ``principal`` is the regular payment's
    principal part and ``extra`` the extra principal paid on top (extra_monthly and lump sums);
    balance = the balance before this month - principal - extra.
    """

    period: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    fees: Decimal
    extra: Decimal
    balance: Decimal

    @property
    def regular_payment(self) -> Decimal:
        """What this month would have cost without the extra: principal + interest + fees."""
        return self.payment - self.extra


@dataclass(frozen=True)
class PlanResult:
    """The plan, its totals and APR, and what the extras save against the same loan without them.

    payment: the first month's regular payment (without extras).
    total_interest: all the interest; total_fees: the monthly fees plus the up-front fee;
    total_paid: every payment plus the up-front fee (= principal + total_interest + total_fees).
    months: how many months the loan actually runs.
    amount_received: what the borrower actually gets on ``start``: principal - upfront_fee.
    apr_nominal, apr_effective: the APR as fractions (see the module docstring).
    baseline_*: the same loan without extras (baseline_total_fees counted like total_fees).
    months_saved, interest_saved: baseline minus this plan; interest_saved includes monthly fees saved.
        Under LOWER_PAYMENT a tiny extra can make interest_saved negative by a few cents (module
        docstring); under SHORTEN_TERM it never is.
    new_payment, new_payment_from, baseline_payment_then: LOWER_PAYMENT only (else None): the regular
        payment of the month after the first re-levelling, its due date, and the baseline's regular
        payment that month (module docstring).
    """

    input: PlanInput
    lines: tuple[PlanLine, ...]
    payment: Decimal
    total_interest: Decimal
    total_fees: Decimal
    total_paid: Decimal
    months: int
    amount_received: Decimal
    apr_nominal: Decimal
    apr_effective: Decimal
    baseline_months: int
    baseline_total_interest: Decimal
    baseline_total_fees: Decimal
    new_payment: Decimal | None = None
    new_payment_from: date | None = None
    baseline_payment_then: Decimal | None = None
    months_saved: int = field(init=False)
    interest_saved: Decimal = field(init=False)

    def __post_init__(self) -> None:
        # Derived, never passed in, so they cannot disagree with the figures they come from.
        object.__setattr__(self, "months_saved", self.baseline_months - self.months)
        object.__setattr__(
            self,
            "interest_saved",
            self.baseline_total_interest + self.baseline_total_fees - self.total_interest - self.total_fees,
        )


def plan_simulate(plan: PlanInput) -> PlanResult:
    """Every month of ``plan``, its totals and APR, and the savings from its extras (module docstring)."""
    baseline = _baseline_lines(plan)
    has_extras = plan.extra_monthly > 0 or any(lump_sum.amount > 0 for lump_sum in plan.lump_sums)
    lines = _lines_with_extras(plan, level=_level(plan, baseline)) if has_extras else baseline
    received = plan.principal - plan.upfront_fee
    try:
        apr = apr_from_periodic_flows([received, *(-line.payment for line in lines)])
    except (NoIrrSolutionError, decimal.InvalidOperation, decimal.Overflow) as error:
        # Only an up-front fee of nearly the whole principal gets here: a borrower who receives a few
        # yuan and repays the principal has an APR of millions of percent, beyond what apr can compute.
        raise InvalidInputError(
            f"the APR of receiving {received} and repaying {plan.principal} or more is too large to compute:"
            " the up-front fee leaves the borrower almost nothing"
        ) from error
    total_interest = sum((line.interest for line in lines), ZERO)
    total_fees = sum((line.fees for line in lines), plan.upfront_fee)
    new_month = _first_relevelled_month(plan, lines) if has_extras else None
    return PlanResult(
        input=plan,
        lines=lines,
        payment=lines[0].regular_payment,
        total_interest=total_interest,
        total_fees=total_fees,
        total_paid=sum((line.payment for line in lines), plan.upfront_fee),
        months=len(lines),
        amount_received=received,
        apr_nominal=apr.nominal_annual_rate,
        apr_effective=apr.effective_annual_rate,
        baseline_months=len(baseline),
        baseline_total_interest=sum((line.interest for line in baseline), ZERO),
        baseline_total_fees=sum((line.fees for line in baseline), plan.upfront_fee),
        new_payment=lines[new_month].regular_payment if new_month is not None else None,
        new_payment_from=lines[new_month].due_date if new_month is not None else None,
        baseline_payment_then=baseline[new_month].regular_payment if new_month is not None else None,
    )


def _first_relevelled_month(plan: PlanInput, lines: tuple[PlanLine, ...]) -> int | None:
    """LOWER_PAYMENT: the index of the line after the first with an extra, unless it is the term's last."""
    if plan.extra_effect is not ExtraEffect.LOWER_PAYMENT:
        return None
    for index, line in enumerate(lines):
        if line.extra > 0 and line.balance > 0:
            after = index + 1
            return after if after < min(len(lines), plan.months - 1) else None
    return None


def _enum_member(enum: type[_Choice], name: str, value: object) -> _Choice:
    """``value`` as a member of ``enum``: a member, or its value as a string (as a form posts it)."""
    if isinstance(value, str) and value in enum._value2member_map_:
        return enum(value)
    choices = ", ".join(member.value for member in enum)
    raise InvalidInputError(f"{name} must be one of {choices}, got {value!r}")


def _flat_fee(plan: PlanInput) -> Decimal:
    """The monthly fee of a flat-fee plan: original principal * monthly_fee_rate, rounded half up."""
    with calculation_context():
        return quantize(plan.principal * plan.monthly_fee_rate)


def _baseline_lines(plan: PlanInput) -> tuple[PlanLine, ...]:
    """The plan without extras, straight from build_schedule.

    A flat-fee plan's principal parts are those of a zero-rate 等额本金 schedule; its fee is added.
    """
    if plan.method is PlanMethod.FLAT_FEE:
        method, annual_rate, fee = RepaymentMethod.EQUAL_PRINCIPAL, Decimal(0), _flat_fee(plan)
    else:
        method, annual_rate, fee = RepaymentMethod(plan.method.value), plan.annual_rate, ZERO
    schedule = build_schedule(
        LoanTerms(
            principal=plan.principal,
            annual_rate=annual_rate,
            months=plan.months,
            first_due_date=plan.first_due_date,
            method=method,
        )
    )
    # build_schedule counts its dates from the first due date; the money does not depend on the calendar,
    # so the lines take the plan's own dates, counted from the start (module docstring).
    return tuple(
        _plan_line(instalment, fee, due_date)
        for instalment, due_date in zip(schedule.instalments, plan.due_dates, strict=True)
    )


def _plan_line(instalment: Instalment, fee: Decimal, due_date: date) -> PlanLine:
    return PlanLine(
        period=instalment.number,
        due_date=due_date,
        payment=instalment.payment + fee,
        principal=instalment.principal,
        interest=instalment.interest,
        fees=fee,
        extra=ZERO,
        balance=instalment.balance_after,
    )


def _pays_a_level_payment(method: PlanMethod) -> bool:
    """Whether the level is a payment (principal = level - interest) rather than a principal part.

    先息后本 counts as a level payment: its level is the first month's interest, which is the whole
    payment until the last month, and under SHORTEN_TERM keeps being paid as interest falls.
    """
    return method in (PlanMethod.EQUAL_INSTALMENT, PlanMethod.INTEREST_ONLY)


def _level(plan: PlanInput, baseline: tuple[PlanLine, ...]) -> Decimal:
    """build_schedule's level payment (or level principal), read off the baseline's first line.

    Before the last month a line pays principal = min(max(level - interest, 0), balance) (or
    min(level, balance)); build_schedule keeps the level at or above the first month's interest and
    below the balance before the last month, so the first line's payment (or principal) is the level.
    """
    first = baseline[0]
    return first.payment if _pays_a_level_payment(plan.method) else first.principal


class _Relevel:
    """LOWER_PAYMENT: the level that spreads a balance over the months left, by the plan's method.

    等额本息: annuity_payment's formula, balance * r / (1 - (1 + r) ** -m) with r = annual_rate / 12
    and m the months left, rounded half up (balance / m at a zero rate). The plan may re-level every
    month, so the denominators 1 - (1 + r) ** -m are worked out once per plan, for every m, each from
    the one before, in 40-digit arithmetic (a difference from ``**`` in the 38th digit, far below a cent).
    等额本金 and 等本等息: balance / m, rounded half up. 先息后本: the interest on the balance.
    """

    def __init__(self, plan: PlanInput) -> None:
        self.method = plan.method
        self.annual_rate = plan.annual_rate
        self.monthly_rate = Decimal(0)
        self.denominators: list[Decimal] = []
        if plan.method is PlanMethod.EQUAL_INSTALMENT and plan.annual_rate > 0:
            with calculation_context():
                self.monthly_rate = plan.annual_rate / MONTHS_PER_YEAR
                discount = 1 / (1 + self.monthly_rate)
                power = Decimal(1)
                self.denominators.append(Decimal(0))
                for _ in range(plan.months):
                    power *= discount
                    self.denominators.append(1 - power)

    def level(self, *, balance: Decimal, months_left: int) -> Decimal:
        if self.method is PlanMethod.INTEREST_ONLY:
            return monthly_interest(balance=balance, annual_rate=self.annual_rate)
        with calculation_context():
            if self.denominators:
                return quantize(balance * self.monthly_rate / self.denominators[months_left])
            return quantize(balance / months_left)


def _extras_by_period(plan: PlanInput) -> list[Decimal]:
    """The extra money offered on each due date (index = period): extra_monthly plus its lump sums."""
    extras = [plan.extra_monthly] * (plan.months + 1)
    for lump_sum in plan.lump_sums:
        extras[plan.paid_with(lump_sum)] += lump_sum.amount
    return extras


def _lines_with_extras(plan: PlanInput, *, level: Decimal) -> tuple[PlanLine, ...]:
    """The plan month by month with its extras (the rules are in the module docstring)."""
    due_dates = plan.due_dates
    extras = _extras_by_period(plan)
    fee = _flat_fee(plan) if plan.method is PlanMethod.FLAT_FEE else ZERO
    level_is_payment = _pays_a_level_payment(plan.method)
    relevel = _Relevel(plan) if plan.extra_effect is ExtraEffect.LOWER_PAYMENT else None
    last = plan.months

    lines: list[PlanLine] = []
    balance = plan.principal
    # The state just after the latest re-levelling: (lines kept, balance, level). Only LOWER_PAYMENT sets it.
    relevelled: tuple[int, Decimal, Decimal] | None = None
    period = 1
    while period <= last:
        interest = monthly_interest(balance=balance, annual_rate=plan.annual_rate)
        if period == last:
            principal = balance
        else:
            planned = level - interest if level_is_payment else level
            principal = min(max(planned, ZERO), balance)
        left = balance - principal
        if left == 0 and period < last and relevelled is not None and relevelled[2] > 0:
            # The re-levelled payment, rounded half up, would clear the loan before the end of the term:
            # as build_schedule does, lower it by a cent and redo the months since it was set.
            kept, balance, level = relevelled
            level -= CENT
            relevelled = (kept, balance, level)
            del lines[kept:]
            period = kept + 1
            continue
        extra = min(extras[period], left)
        balance = left - extra
        lines.append(
            PlanLine(
                period=period,
                due_date=due_dates[period - 1],
                payment=principal + extra + interest + fee,
                principal=principal,
                interest=interest,
                fees=fee,
                extra=extra,
                balance=balance,
            )
        )
        if balance == 0:
            break
        if relevel is not None and extra > 0:
            level = relevel.level(balance=balance, months_left=last - period)
            relevelled = (period, balance, level)
        period += 1
    return tuple(lines)

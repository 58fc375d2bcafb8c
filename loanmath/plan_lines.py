"""The planner month by month: one loan's lines, with or without paying extra.

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
  repay the loan before the last month, lowered a cent at a time; the last month repays what is left,
  which on a long term at a high rate can be hundreds of yuan more than the others). Terms that
  build_schedule refuses because they do not amortise (the rounded payment only covers the interest)
  are refused here too: :class:`~loanmath.schedule.NonAmortisingTermsError`.
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
  the last month of the term; so the loan ends on time unless the extras themselves clear it. Unlike
  build_schedule's, a re-levelled 等额本息 payment is not refused when it only covers the interest:
  when extras leave a small balance with many months to go at a high rate (under about
  0.005 * ((1 + r) ** m - 1) / r for m months left), the new payment rounds to the interest, and what
  is left is repaid with the last month (PlanResult.last_payment says how much).
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
  shift this way stays within a cent a month compounded over the term, 0.01 * ((1 + r) ** n - 1) / r,
  which the property tests check: 8.17 for 30 years at 4.9 %, but at high rates that bound is no longer
  small (0.01 extra on 123,456.78 at 30 % over 360 months costs 2,638.65 more: the payment falls from
  3,086.85 to 3,086.84 and the last payment is 4,452.40), so the planner page says so in words.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loanmath.money import CENT, ZERO, calculation_context, quantize
from loanmath.plan_input import ExtraEffect, PlanInput, PlanMethod
from loanmath.schedule import (
    MONTHS_PER_YEAR,
    Instalment,
    LoanTerms,
    RepaymentMethod,
    build_schedule,
    monthly_interest,
)


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


def _flat_fee(plan: PlanInput) -> Decimal:
    """The monthly fee of a flat-fee plan: original principal * monthly_fee_rate, rounded half up."""
    with calculation_context():
        return quantize(plan.principal * plan.monthly_fee_rate)


def baseline_lines(plan: PlanInput) -> tuple[PlanLine, ...]:
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


def level_of(plan: PlanInput, baseline: tuple[PlanLine, ...]) -> Decimal:
    """build_schedule's level payment (or level principal), read off the baseline's first line.

    Before the last month a line pays principal = min(max(level - interest, 0), balance) (or
    min(level, balance)); build_schedule keeps the level above the first month's interest (it refuses
    terms that do not amortise; 先息后本's level is that interest) and below the balance before the last
    month, so the first line's payment (or principal) is the level.
    """
    first = baseline[0]
    return first.payment if _pays_a_level_payment(plan.method) else first.principal


class Relevel:
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


def lines_with_extras(plan: PlanInput, *, level: Decimal) -> tuple[PlanLine, ...]:
    """The plan month by month with its extras (the rules are in the module docstring)."""
    due_dates = plan.due_dates
    extras = _extras_by_period(plan)
    fee = _flat_fee(plan) if plan.method is PlanMethod.FLAT_FEE else ZERO
    level_is_payment = _pays_a_level_payment(plan.method)
    relevel = Relevel(plan) if plan.extra_effect is ExtraEffect.LOWER_PAYMENT else None
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

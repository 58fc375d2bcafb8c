"""The repayment planner: one loan's payments month by month, with or without paying extra.

A borrower picks an amount, a term and a repayment method, and may add money on top: the same extra
every month, and lump sums on chosen dates. The planner shows every month's payment, what the loan costs
in all (interest, fees and the APR), and what the extra money saves against the same loan without it.

How it is worked out, in three modules a loan officer can check by hand:

* :mod:`loanmath.plan_input`: the loan to plan and its extras, their limits, the due dates, which
  instalment a lump sum goes with.
* :mod:`loanmath.plan_lines`: every month's interest, fees, principal and extra, with or without extras
  (SHORTEN_TERM and LOWER_PAYMENT), with their rounding.
* here: the totals, the APR, and what the extras save against the same loan without them.

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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from loanmath.apr import apr_from_periodic_flows
from loanmath.errors import InvalidInputError, NoIrrSolutionError
from loanmath.money import ZERO
from loanmath.plan_input import ExtraEffect, PlanInput
from loanmath.plan_lines import PlanLine, baseline_lines, level_of, lines_with_extras

# The plan's input and its month lines are named by the package (loanmath), from their own modules.
__all__ = ["PlanResult", "plan_simulate"]


@dataclass(frozen=True)
class PlanResult:
    """The plan, its totals and APR, and what the extras save against the same loan without them.

    payment: the first month's regular payment (without extras).
    last_payment: what the last month costs (extras included). Without extras it absorbs the rounding
        of the level compounded over the term (:mod:`loanmath.schedule`), which on a long term at a high
        rate is far more than a few cents: state it beside ``payment``.
    total_interest: all the interest; total_fees: the monthly fees plus the up-front fee;
    total_paid: every payment plus the up-front fee (= principal + total_interest + total_fees).
    months: how many months the loan actually runs.
    amount_received: what the borrower actually gets on ``start``: principal - upfront_fee.
    apr_nominal, apr_effective: the APR as fractions (see the module docstring).
    baseline_*: the same loan without extras (baseline_total_fees counted like total_fees).
    months_saved, interest_saved: baseline minus this plan; interest_saved includes monthly fees saved.
        Under LOWER_PAYMENT a tiny extra can make interest_saved negative (see :mod:`loanmath.plan_lines`):
        by a few cents on ordinary terms, but on a long term at a high rate by far more (0.01 extra on
        123,456.78 at 30 % over 360 months: -2,638.65); under SHORTEN_TERM it never is.
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
    last_payment: Decimal = field(init=False)

    def __post_init__(self) -> None:
        # Derived, never passed in, so they cannot disagree with the figures they come from.
        object.__setattr__(self, "months_saved", self.baseline_months - self.months)
        object.__setattr__(self, "last_payment", self.lines[-1].payment)
        object.__setattr__(
            self,
            "interest_saved",
            self.baseline_total_interest + self.baseline_total_fees - self.total_interest - self.total_fees,
        )


def plan_simulate(plan: PlanInput) -> PlanResult:
    """Every month of ``plan`` (:mod:`loanmath.plan_lines`), its totals and APR, and the savings from
    its extras (module docstring).

    Raises NonAmortisingTermsError (from build_schedule) when the loan itself, without extras, does not
    amortise: its rounded payment only covers the interest (:mod:`loanmath.schedule`).
    """
    baseline = baseline_lines(plan)
    has_extras = plan.extra_monthly > 0 or any(lump_sum.amount > 0 for lump_sum in plan.lump_sums)
    lines = lines_with_extras(plan, level=level_of(plan, baseline)) if has_extras else baseline
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

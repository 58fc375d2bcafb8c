"""What the planner shows, computed from loanmath's results (no queries here, except the borrower's own
loans for "my loans together", which come from borrowers.selectors). Every read hands out frozen data;
the CSV and JSON shapes of the same figures are in repayment.exports."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers.selectors import borrower_debts, borrower_debts_due
from core.charts import bar_lengths
from core.exceptions import ApplicationError

HUNDRED = Decimal(100)


def as_percent(rate: Decimal) -> Decimal:
    """A yearly fraction as a percentage to 2 places (0.172716 → 17.27), rounded half up."""
    return loanmath.quantize(rate * HUNDRED)


@dataclass(frozen=True)
class OneOffPayment:
    """A one-off payment as the plan counts it: dated ``dated``, paid with instalment ``period``
    (``after_payoff``: the loan is already repaid by then, so it is not paid at all)."""

    dated: date
    amount: Decimal
    period: int
    due_date: date
    after_payoff: bool


def one_off_payments(result: "loanmath.PlanResult") -> tuple[OneOffPayment, ...]:
    """Each lump sum with the instalment it is paid with (the first due date on or after its date)."""
    plan = result.input
    due_dates = plan.due_dates
    return tuple(
        OneOffPayment(
            dated=lump.on,
            amount=lump.amount,
            period=plan.paid_with(lump),
            due_date=due_dates[plan.paid_with(lump) - 1],
            after_payoff=plan.paid_with(lump) > result.months,
        )
        for lump in sorted(plan.lump_sums, key=lambda lump: lump.on)
        if lump.amount > 0
    )


@dataclass(frozen=True)
class ScheduleLine(loanmath.PlanLine):
    """One month of a plan (loanmath.PlanLine: payment = principal + extra + interest + fees), as
    components/schedule_table.html draws it and the exports write it: with ``one_offs_dated``, the dates
    of the one-off payments counted as paid with this instalment, earliest first."""

    one_offs_dated: tuple[date, ...]

    @property
    def number(self) -> int:
        """The instalment's number, as the schedule table names every row (the loan page's too)."""
        return self.period


def schedule_lines(result: "loanmath.PlanResult") -> tuple[ScheduleLine, ...]:
    """Every month of the plan with the one-off payments it includes."""
    dated: dict[int, list[date]] = {}
    for one_off in one_off_payments(result):
        dated.setdefault(one_off.period, []).append(one_off.dated)
    return tuple(
        ScheduleLine(**vars(line), one_offs_dated=tuple(dated.get(line.period, ()))) for line in result.lines
    )


@dataclass(frozen=True)
class PlanView:
    """One simulated plan as the page shows it."""

    result: "loanmath.PlanResult"
    apr_nominal_percent: Decimal
    apr_effective_percent: Decimal
    quoted_percent: Decimal | None  # what a lender would quote: the yearly rate, or 12 × the monthly fee
    has_extras: bool
    first_due: date
    last_due: date
    one_offs: tuple[OneOffPayment, ...]
    lower_payment: bool  # the extras lower the payment (and the page says so), rather than the term
    schedule: tuple[ScheduleLine, ...]
    # What the extras add to the cost when they make the loan dearer (LOWER_PAYMENT only: rounding the new
    # payment down can leave more unpaid each month than the extra repaid, and that grows with interest
    # to the last payment; on a long term at a high rate, hundreds or thousands of yuan). Else zero.
    costs_more: Decimal


def plan_view(result: "loanmath.PlanResult") -> PlanView:
    plan = result.input
    if plan.method is loanmath.PlanMethod.FLAT_FEE:
        quoted: Decimal | None = as_percent(plan.monthly_fee_rate * 12)
    else:
        quoted = as_percent(plan.annual_rate)
    return PlanView(
        result=result,
        apr_nominal_percent=as_percent(result.apr_nominal),
        apr_effective_percent=as_percent(result.apr_effective),
        quoted_percent=quoted,
        has_extras=bool(plan.extra_monthly or plan.lump_sums),
        first_due=result.lines[0].due_date,
        last_due=result.lines[-1].due_date,
        one_offs=one_off_payments(result),
        lower_payment=result.new_payment is not None,
        schedule=schedule_lines(result),
        costs_more=max(-result.interest_saved, loanmath.ZERO),
    )


@dataclass(frozen=True)
class CompareBar:
    """One bar of the comparison chart, in the SVG's 0–100 coordinates."""

    label: str
    y: int
    width: Decimal
    total_cost: Decimal


def compare_bars(views: Sequence[PlanView], labels: Sequence[str]) -> tuple[CompareBar, ...]:
    """Total cost (interest + fees) of each plan, scaled to the most expensive."""
    costs = [view.result.total_interest + view.result.total_fees for view in views]
    return tuple(
        CompareBar(label=label, y=n * 12, width=width, total_cost=cost)
        for n, (label, cost, width) in enumerate(zip(labels, costs, bar_lengths(costs), strict=True))
    )


# --- my loans together ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DebtPayment:
    """One loan's payment in one month of the chosen plan (month 0: what is due now)."""

    month: int
    due_date: date
    reference: str
    name: str
    payment: Decimal
    interest: Decimal
    balance: Decimal


# The two records below are NamedTuples rather than dataclasses: named and immutable like the others, and
# still equal to the plain tuples (reference, name, ...) that callers and tests compare them with.


class LoanClose(NamedTuple):
    """When one loan is paid off in the chosen plan: month ``month`` (0: today), on ``day``."""

    reference: str
    name: str
    month: int
    day: date


class DueNow(NamedTuple):
    """What one loan in arrears owes now, with its charges: the plan pays it first, today."""

    reference: str
    name: str
    amount: Decimal


@dataclass(frozen=True)
class DebtsView:
    debts: tuple["loanmath.Debt", ...]
    minimum_total: Decimal
    plans: dict[str, "loanmath.DebtPlan"]  # by strategy value
    chosen: "loanmath.DebtPlan"
    closes: tuple[LoanClose, ...]  # for the chosen plan, in the order the loans close
    due_now: tuple[DueNow, ...]  # each loan in arrears
    payments: tuple[DebtPayment, ...]  # the chosen plan, month by month, loan by loan


def borrower_debts_for_planning(*, user: User, today: date) -> tuple["loanmath.Debt", ...]:
    """The borrower's open loans as loanmath debts, from where each really stands: what is overdue now
    with its charges (due_now, paid first), the principal still to fall due (balance), the contract
    rate, the regular monthly payment as the minimum, and the loan's own due dates still to come."""
    due = borrower_debts_due(user=user, today=today)
    debts = []
    for row in borrower_debts(user=user, today=today):
        due_now, due_dates = due.get(row.reference, (loanmath.ZERO, ()))
        due_now = min(due_now, row.balance)
        if row.balance > 0:
            debts.append(
                loanmath.Debt(
                    key=row.reference,
                    name=row.product_name,
                    balance=row.balance - due_now,
                    annual_rate=row.annual_rate,
                    minimum_payment=row.minimum_payment if due_dates else loanmath.ZERO,
                    due_now=due_now,
                    due_dates=due_dates,
                )
            )
    return tuple(debts)


def _debt_payments(plan: "loanmath.DebtPlan", names: dict[str, str]) -> tuple[DebtPayment, ...]:
    rows = []
    for month in plan.months:
        payments, interest, balances = dict(month.payments), dict(month.interest), dict(month.balances)
        for key, due_date in month.due_dates:
            if month.month == 0 and payments[key] == 0:
                continue
            rows.append(
                DebtPayment(
                    month=month.month,
                    due_date=due_date,
                    reference=key,
                    name=names[key],
                    payment=payments[key],
                    interest=interest[key],
                    balance=balances[key],
                )
            )
    return tuple(rows)


def debts_view(
    *, debts: tuple["loanmath.Debt", ...], budget: Decimal, strategy: str, order: Sequence[str], start: date
) -> DebtsView:
    """Every strategy for these debts at this monthly budget, and the chosen one's closing dates.
    ApplicationError (for the budget field) when the budget is below the regular payments or could not
    clear the debts within loanmath's horizon (DEBT_PLAN_MAX_MONTHS)."""
    minimum = sum((debt.minimum_payment for debt in debts), loanmath.ZERO)
    if budget < minimum:
        raise ApplicationError(
            _("Your loans' regular payments add up to ¥%(minimum)s a month; enter at least that much.")
            % {"minimum": f"{minimum:,.2f}"}
        )
    try:
        plans = loanmath.debts_compare(debts=debts, monthly_budget=budget, start=start, order=order)
    except loanmath.LoanMathError as error:
        raise ApplicationError(
            _("With this amount your loans would not be paid off within %(years)s years.")
            % {"years": loanmath.DEBT_PLAN_MAX_MONTHS // 12}
        ) from error
    chosen = plans[loanmath.Strategy(strategy)]
    names = {debt.key: debt.name for debt in debts}
    return DebtsView(
        debts=debts,
        minimum_total=minimum,
        plans={plan_strategy.value: plan for plan_strategy, plan in plans.items()},
        chosen=chosen,
        closes=tuple(LoanClose(key, names[key], month, when) for key, month, when in chosen.closes),
        due_now=tuple(DueNow(debt.key, debt.name, debt.due_now) for debt in debts if debt.due_now > 0),
        payments=_debt_payments(chosen, names),
    )

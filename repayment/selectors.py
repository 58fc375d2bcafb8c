"""What the planner shows and exports, computed from loanmath's results (no queries here, except the
borrower's own loans for "my loans together", which come from borrowers.selectors)."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

import loanmath
from borrowers.selectors import borrower_debts
from core.exceptions import ApplicationError

HUNDRED = Decimal(100)


def as_percent(rate: Decimal) -> Decimal:
    """A yearly fraction as a percentage to 2 places (0.172716 → 17.27), rounded half up."""
    return loanmath.quantize(rate * HUNDRED)


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
    largest = max(costs, default=Decimal(0))
    return tuple(
        CompareBar(
            label=label,
            y=n * 12,
            width=(cost * HUNDRED / largest).quantize(Decimal("0.1")) if largest else Decimal(0),
            total_cost=cost,
        )
        for n, (label, cost) in enumerate(zip(labels, costs, strict=True))
    )


# --- exports -------------------------------------------------------------------------------------

CSV_HEADER = ["period", "due_date", "payment", "principal", "interest", "fees", "balance"]


def _money(amount: Decimal) -> str:
    return f"{loanmath.quantize(amount):.2f}"


def _schedule_rows(result: "loanmath.PlanResult") -> list[dict[str, str]]:
    # `principal` includes extra principal, so the column sums to the amount borrowed.
    return [
        {
            "period": str(line.period),
            "due_date": line.due_date.isoformat(),
            "payment": _money(line.payment),
            "principal": _money(line.principal + line.extra),
            "interest": _money(line.interest),
            "fees": _money(line.fees),
            "balance": _money(line.balance),
        }
        for line in result.lines
    ]


def plan_summary_json(result: "loanmath.PlanResult") -> dict[str, str]:
    return {
        "payment": _money(result.payment),
        "total_interest": _money(result.total_interest),
        "total_fees": _money(result.total_fees),
        "total_paid": _money(result.total_paid),
        "apr_nominal": f"{as_percent(result.apr_nominal):.2f}",
        "apr_effective": f"{as_percent(result.apr_effective):.2f}",
    }


def plan_json(result: "loanmath.PlanResult") -> dict[str, Any]:
    return {"summary": plan_summary_json(result), "schedule": _schedule_rows(result)}


def plans_csv(results: Sequence["loanmath.PlanResult"], labels: Sequence[str] | None = None) -> str:
    """The schedule as CSV; several plans get a leading `plan` column."""
    out = io.StringIO()
    header = (["plan"] if labels else []) + CSV_HEADER
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for n, result in enumerate(results):
        for row in _schedule_rows(result):
            writer.writerow({"plan": labels[n], **row} if labels else row)
    return out.getvalue()


# --- my loans together ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DebtsView:
    debts: tuple["loanmath.Debt", ...]
    minimum_total: Decimal
    plans: dict[str, "loanmath.DebtPlan"]  # by strategy value
    chosen: "loanmath.DebtPlan | None"
    closes: tuple[
        tuple[str, str, int, date], ...
    ]  # (reference, product, month number, date) for the chosen plan


def borrower_debts_for_planning(*, user: Any, today: date) -> tuple["loanmath.Debt", ...]:
    """The borrower's open loans as loanmath debts: what is owed now, the contract rate, and the regular
    monthly payment as the minimum."""
    return tuple(
        loanmath.Debt(
            key=row.reference,
            name=row.product_name,
            balance=row.balance,
            annual_rate=row.annual_rate,
            minimum_payment=row.minimum_payment,
        )
        for row in borrower_debts(user=user, today=today)
        if row.balance > 0
    )


def debts_view(
    *, debts: tuple["loanmath.Debt", ...], budget: Decimal, strategy: str, order: Sequence[str], start: date
) -> DebtsView:
    """Every strategy for these debts at this monthly budget, and the chosen one's closing dates.
    ApplicationError (for the budget field) when the budget is below the regular payments or could not
    clear the debts within loanmath's 50-year horizon."""
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
            _("With this amount your loans would not be paid off within 50 years.")
        ) from error
    chosen = plans[loanmath.Strategy(strategy)]
    names = {debt.key: debt.name for debt in debts}
    return DebtsView(
        debts=debts,
        minimum_total=minimum,
        plans={plan_strategy.value: plan for plan_strategy, plan in plans.items()},
        chosen=chosen,
        closes=tuple((key, names[key], month, when) for key, month, when in chosen.closes),
    )

"""What the planner shows and exports, computed from loanmath's results (no queries here, except the
borrower's own loans for "my loans together", which come from borrowers.selectors)."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

import loanmath
from borrowers.selectors import borrower_debts, borrower_debts_due
from core import csv_safe
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

# `principal` includes the extra principal (so the column sums to the amount borrowed); `extra` is that
# extra part; `one_off_dated` the dates of the one-off payments counted as paid with this instalment.
CSV_HEADER = [
    "period",
    "due_date",
    "payment",
    "principal",
    "interest",
    "fees",
    "balance",
    "extra",
    "one_off_dated",
]


def _money(amount: Decimal) -> str:
    return f"{loanmath.quantize(amount):.2f}"


def _schedule_rows(result: "loanmath.PlanResult") -> list[dict[str, str]]:
    dated: dict[int, list[str]] = {}
    for one_off in one_off_payments(result):
        dated.setdefault(one_off.period, []).append(one_off.dated.isoformat())
    return [
        {
            "period": str(line.period),
            "due_date": line.due_date.isoformat(),
            "payment": _money(line.payment),
            "principal": _money(line.principal + line.extra),
            "interest": _money(line.interest),
            "fees": _money(line.fees),
            "balance": _money(line.balance),
            "extra": _money(line.extra),
            "one_off_dated": " ".join(dated.get(line.period, [])),
        }
        for line in result.lines
    ]


def plan_summary_json(result: "loanmath.PlanResult") -> dict[str, Any]:
    summary: dict[str, Any] = {
        "payment": _money(result.payment),
        "total_interest": _money(result.total_interest),
        "total_fees": _money(result.total_fees),
        "total_paid": _money(result.total_paid),
        "apr_nominal": f"{as_percent(result.apr_nominal):.2f}",
        "apr_effective": f"{as_percent(result.apr_effective):.2f}",
    }
    if result.input.extra_monthly or result.input.lump_sums:
        summary["months_saved"] = result.months_saved
        summary["interest_saved"] = _money(result.interest_saved)
    if result.new_payment is not None and result.new_payment_from is not None:
        summary["new_payment"] = _money(result.new_payment)
        summary["new_payment_from"] = result.new_payment_from.isoformat()
    one_offs = one_off_payments(result)
    if one_offs:
        # Each is counted as paid with the instalment of `due_date` (the first on or after `dated`).
        summary["one_off_payments"] = [
            {
                "dated": one_off.dated.isoformat(),
                "amount": _money(one_off.amount),
                "paid_with_period": one_off.period,
                "due_date": one_off.due_date.isoformat(),
                "after_payoff": one_off.after_payoff,
            }
            for one_off in one_offs
        ]
    return summary


def plan_json(result: "loanmath.PlanResult") -> dict[str, Any]:
    return {"summary": plan_summary_json(result), "schedule": _schedule_rows(result)}


def plans_csv(results: Sequence["loanmath.PlanResult"], labels: Sequence[str] | None = None) -> str:
    """The schedule as CSV; several plans get a leading `plan` column."""
    out = io.StringIO()
    header = (["plan"] if labels else []) + CSV_HEADER
    writer = csv_safe.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for n, result in enumerate(results):
        for row in _schedule_rows(result):
            writer.writerow({"plan": labels[n], **row} if labels else row)
    return out.getvalue()


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


@dataclass(frozen=True)
class DebtsView:
    debts: tuple["loanmath.Debt", ...]
    minimum_total: Decimal
    plans: dict[str, "loanmath.DebtPlan"]  # by strategy value
    chosen: "loanmath.DebtPlan"
    closes: tuple[
        tuple[str, str, int, date], ...
    ]  # (reference, product, month number, date) for the chosen plan
    due_now: tuple[tuple[str, str, Decimal], ...]  # (reference, product, amount) of each loan in arrears
    payments: tuple[DebtPayment, ...]  # the chosen plan, month by month, loan by loan


def borrower_debts_for_planning(*, user: Any, today: date) -> tuple["loanmath.Debt", ...]:
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
        due_now=tuple((debt.key, debt.name, debt.due_now) for debt in debts if debt.due_now > 0),
        payments=_debt_payments(chosen, names),
    )


DEBTS_CSV_HEADER = ["month", "due_date", "loan", "payment", "interest", "balance"]


def debts_csv(view: DebtsView) -> str:
    """The chosen plan, one row per loan per month; month 0 is what is overdue now, due today."""
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=DEBTS_CSV_HEADER, lineterminator="\n")
    writer.writeheader()
    for row in _debt_rows(view):
        writer.writerow(row)
    return out.getvalue()


def _debt_rows(view: DebtsView) -> list[dict[str, str]]:
    return [
        {
            "month": str(row.month),
            "due_date": row.due_date.isoformat(),
            "loan": row.reference,
            "payment": _money(row.payment),
            "interest": _money(row.interest),
            "balance": _money(row.balance),
        }
        for row in view.payments
    ]


def debts_json(view: DebtsView) -> dict[str, Any]:
    """The chosen plan as data: the summary, when each loan closes, and the rows of debts_csv."""
    plan = view.chosen
    return {
        "summary": {
            "strategy": plan.strategy.value,
            "monthly_budget": _money(plan.monthly_budget),
            "due_now": _money(plan.due_now),
            "total_interest": _money(plan.total_interest),
            "total_paid": _money(plan.total_paid),
            "debt_free_date": plan.debt_free_date.isoformat(),
            "order": list(plan.order),
        },
        "due_now": [{"loan": key, "amount": _money(amount)} for key, _name, amount in view.due_now],
        "closes": [
            {"loan": key, "month": month, "due_date": when.isoformat()}
            for key, _name, month, when in view.closes
        ],
        "schedule": _debt_rows(view),
    }

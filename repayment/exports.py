"""The planner's figures as CSV and JSON: the same numbers as the page, for a spreadsheet or a program.

Every amount is written with two decimals and no separator ("1066.19"), every date as ISO 8601, so a
file reads back exactly. Every CSV cell goes through core.csv_safe, so none opens as a formula (a loan
reference is free text). The views choose the format and wrap these in a response.
"""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import loanmath
from core import csv_safe
from repayment.selectors import DebtsView, as_percent, one_off_payments, schedule_lines

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
DEBTS_CSV_HEADER = ["month", "due_date", "loan", "payment", "interest", "balance"]


def _money(amount: Decimal) -> str:
    return f"{loanmath.quantize(amount):.2f}"


def _schedule_rows(result: "loanmath.PlanResult") -> list[dict[str, str]]:
    return [
        {
            "period": str(line.number),
            "due_date": line.due_date.isoformat(),
            "payment": _money(line.payment),
            "principal": _money(line.principal + line.extra),
            "interest": _money(line.interest),
            "fees": _money(line.fees),
            "balance": _money(line.balance),
            "extra": _money(line.extra),
            "one_off_dated": " ".join(dated.isoformat() for dated in line.one_offs_dated),
        }
        for line in schedule_lines(result)
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


def plans_json(results: Sequence["loanmath.PlanResult"], labels: Sequence[str]) -> dict[str, Any]:
    """Several plans side by side (the comparison): each one's plan_json under its label."""
    return {
        "plans": [{"plan": label, **plan_json(result)} for label, result in zip(labels, results, strict=True)]
    }


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
        "due_now": [{"loan": due.reference, "amount": _money(due.amount)} for due in view.due_now],
        "closes": [
            {"loan": close.reference, "month": close.month, "due_date": close.day.isoformat()}
            for close in view.closes
        ],
        "schedule": _debt_rows(view),
    }

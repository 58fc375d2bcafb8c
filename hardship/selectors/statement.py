"""The income and expenditure statement: its figures (budget.selectors.budget_results, and what it leaves
for the loans with us) and the form's starting values. No query."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from budget.selectors import BudgetResults, budget_results
from hardship.selectors.applications import ApplicationDetail
from loanmath import ZERO

# Debt repayments the affordable payment leaves out: what the borrower owes elsewhere. "Loans with us" is
# what the application is about, so it is not taken off.
OTHER_DEBT_CATEGORIES = ("credit_cards", "other_loans", "other_debts")


@dataclass(frozen=True)
class StatementFigures:
    results: BudgetResults
    other_debt_repayments: Decimal
    affordable: Decimal  # income - fixed - flexible - savings - other debt repayments, at least 0
    left_for_loans: Decimal  # the same before the floor: below 0 it is a shortfall (staff see it)


def statement_figures(
    *, amounts: Mapping[str, Decimal], guidelines: Mapping[str, Decimal]
) -> StatementFigures:
    """The statement's totals and flags (budget.selectors.budget_results) and what it leaves for the loans
    with us each month. No query."""
    results = budget_results(amounts=amounts, guidelines=guidelines)
    summary = results.summary
    other = sum((amounts.get(c, ZERO) for c in OTHER_DEBT_CATEGORIES), ZERO)
    left = summary.total_income - summary.total_fixed - summary.total_flexible - summary.total_savings - other
    return StatementFigures(
        results=results, other_debt_repayments=other, affordable=max(ZERO, left), left_for_loans=left
    )


def statement_initial(*, application: ApplicationDetail, loan_repayments: Decimal | None) -> dict[str, Any]:
    """The statement form's starting figures: the application's lines (prefilled from the budget)."""
    initial: dict[str, Any] = {}
    for line in application.statement_lines:
        initial[line.category] = line.amount
        if line.note:
            initial[f"{line.category}_note"] = line.note
    if not initial and loan_repayments is not None:
        initial["loans_with_us"] = loan_repayments
    return initial

"""Reads for the budget page: the guidelines, the saved budget, what the borrower's loans ask each month,
and the results (worked out by loanmath from the figures on the page, with no query at all).

Queries, whatever the number of lines or loans: guidelines 1; a saved budget 2 (the budget, its lines);
the loans' next instalments 3 (borrowers.selectors.borrower_loan_cards); how far behind the borrower is 1.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import loanmath
from accounts.models import User
from borrowers.selectors import borrower_loan_cards
from budget.models import (
    BUDGET_SECTION_CATEGORIES,
    Budget,
    BudgetCategory,
    BudgetGuideline,
)
from budget.models import (
    BUDGET_SECTION_OF as BUDGET_SECTION_OF,
)
from loanmath import ZERO


@dataclass(frozen=True)
class SavedLine:
    category: str
    amount: Decimal
    note: str


@dataclass(frozen=True)
class SavedBudget:
    updated_at: datetime
    lines: tuple[SavedLine, ...]


@dataclass(frozen=True)
class FlaggedCost:
    """A flexible cost above its guideline, with its label for the page."""

    category: str
    label: str
    amount: Decimal
    guideline: Decimal
    over_by: Decimal


@dataclass(frozen=True)
class RuleRow:
    """One part of the 50/30/20 comparison, labelled. Percentages come as text with their sign ("52.3%")."""

    key: str  # needs | wants | savings_and_debts
    share: loanmath.RuleShare
    percent_label: str
    target_label: str


@dataclass(frozen=True)
class BudgetResults:
    summary: loanmath.BudgetSummary
    flagged: tuple[FlaggedCost, ...]
    flagged_categories: frozenset[str]
    rule_rows: tuple[RuleRow, ...]
    verdict: str
    needs_target_label: str
    wants_target_label: str
    savings_target_label: str


def budget_guidelines() -> Mapping[str, Decimal]:
    """Each flexible cost's monthly guideline for one person, as staff set it (read-only). One query."""
    return MappingProxyType(dict(BudgetGuideline.objects.values_list("category", "monthly_amount")))


def saved_budget(*, user: User) -> SavedBudget | None:
    """The account's own saved budget (never anyone else's), or None. Two queries."""
    budget = Budget.objects.filter(user=user).prefetch_related("lines").first()
    if budget is None:
        return None
    return SavedBudget(
        updated_at=budget.updated_at,
        lines=tuple(
            SavedLine(category=ln.category, amount=ln.amount, note=ln.note) for ln in budget.lines.all()
        ),
    )


def loan_repayments_a_month(*, user: User, today: date) -> Decimal | None:
    """What the borrower's active loans with us ask next month: the sum of each loan's next instalment
    (principal and interest of the next one not yet due). None when no active loan is linked. Three
    queries."""
    cards = [card for card in borrower_loan_cards(user=user, today=today) if card.is_active]
    if not cards:
        return None
    return sum((card.next_due_amount for card in cards), ZERO)


def budget_initial(*, saved: SavedBudget | None, loan_repayments: Decimal | None) -> dict[str, Any]:
    """The form's starting figures: the saved budget as it was saved; otherwise, for a borrower with loans
    with us, their repayments filled in (they can change it)."""
    if saved is not None:
        initial: dict[str, Any] = {}
        for line in saved.lines:
            initial[line.category] = line.amount
            if line.note:
                initial[f"{line.category}_note"] = line.note
        return initial
    if loan_repayments is not None:
        return {BudgetCategory.LOANS_WITH_US.value: loan_repayments}
    return {}


def _percent_label(percent: Decimal | None) -> str:
    return "—" if percent is None else f"{percent}%"


def budget_results(*, amounts: Mapping[str, Decimal], guidelines: Mapping[str, Decimal]) -> BudgetResults:
    """Totals, flags and 50/30/20 for these monthly amounts (a category missing is zero). No query."""
    flexible = set(BUDGET_SECTION_CATEGORIES[loanmath.BudgetSection.FLEXIBLE.value])
    items = [
        loanmath.BudgetItem(
            section=loanmath.BudgetSection(section),
            category=category,
            amount=amounts.get(category, ZERO),
            guideline=guidelines.get(category) if category in flexible else None,
        )
        for category, section in BUDGET_SECTION_OF.items()
    ]
    summary = loanmath.summarise_budget(items)
    flagged = tuple(
        FlaggedCost(
            category=above.category,
            label=str(BudgetCategory(above.category).label),
            amount=above.amount,
            guideline=above.guideline,
            over_by=above.over_by,
        )
        for above in summary.above_guideline
    )
    rule = summary.rule
    return BudgetResults(
        summary=summary,
        flagged=flagged,
        flagged_categories=frozenset(f.category for f in flagged),
        rule_rows=tuple(
            RuleRow(
                key=key,
                share=share,
                percent_label=_percent_label(share.percent_of_income),
                target_label=_percent_label(share.target_percent),
            )
            for key, share in (
                ("needs", rule.needs),
                ("wants", rule.wants),
                ("savings_and_debts", rule.savings_and_debts),
            )
        ),
        verdict=rule.verdict.value,
        needs_target_label=_percent_label(rule.needs.target_percent),
        wants_target_label=_percent_label(rule.wants.target_percent),
        savings_target_label=_percent_label(rule.savings_and_debts.target_percent),
    )

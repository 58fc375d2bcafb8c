"""What budget holds about a person, for their data rights (privacy puts the apps together): the budget
and its lines. Nothing obliges us to keep them, so erasing deletes them."""

from typing import TYPE_CHECKING

from budget.models import Budget, BudgetLine
from core.personal_data import Table, values_table

if TYPE_CHECKING:
    from accounts.models import User


def export_tables(*, user: "User") -> tuple[Table, ...]:
    """One query per table."""
    return (
        values_table("budget", Budget.objects.filter(user=user), ("created_at", "updated_at")),
        values_table(
            "budget_lines",
            BudgetLine.objects.filter(budget__user=user).order_by("id"),
            ("section", "category", "amount", "note"),
        ),
    )


def erase(*, user: "User") -> dict[str, int]:
    """The budget, its lines with it. The count is of budgets, as the audit row has always said."""
    return {"budget": Budget.objects.filter(user=user).delete()[0]}

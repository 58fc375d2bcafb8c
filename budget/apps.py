from decimal import Decimal

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.features import feature_register, template_problems, url_problems


def budget_planner_problems() -> list[str]:
    """/budget/ is the planner; a flexible cost a cent above its guideline is flagged (by that cent) and
    one at its guideline is not, as the page's results work it out; the page draws the flags.

    The guidelines themselves are data staff keep (no database here): a guideline table left empty
    would flag nothing, which only the budget's admin shows."""
    from budget import selectors, views
    from budget.models import BUDGET_SECTION_CATEGORIES

    problems = url_problems("/budget/", name="budget:budget", view=views.budget)
    above, at = BUDGET_SECTION_CATEGORIES["flexible"][:2]
    guideline = Decimal("500.00")
    results = selectors.budget_results(
        amounts={above: guideline + Decimal("0.01"), at: guideline},
        guidelines={above: guideline, at: guideline},
    )
    if [(cost.category, cost.over_by) for cost in results.flagged] != [(above, Decimal("0.01"))]:
        problems.append(_("spending above its guideline is no longer flagged."))
    return problems + template_problems("budget/budget.html", shows=["results.flagged"])


class BudgetConfig(AppConfig):
    """The borrower's monthly budget (income and spending) and the staff-edited spending guidelines.

    It sits above borrowers (the budget page reads the borrower's loans) and below portal. Its tables kept
    the names they had inside borrowers (`borrowers_budget…`): the move was state-only (migrations 0001
    here and borrowers 0009).
    """

    name = "budget"
    label = "budget"
    verbose_name = gettext_lazy("Budget planner")

    def ready(self) -> None:
        feature_register(
            "budget-planner",
            label=gettext_lazy("The budget planner flags spending above its guideline"),
            check=budget_planner_problems,
        )

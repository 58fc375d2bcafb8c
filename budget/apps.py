from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    """The borrower's monthly budget (income and spending) and the staff-edited spending guidelines.

    It sits above borrowers (the budget page reads the borrower's loans) and below portal. Its tables kept
    the names they had inside borrowers (`borrowers_budget…`): the move was state-only (migrations 0001
    here and borrowers 0009).
    """

    name = "budget"
    label = "budget"
    verbose_name = _("Budget planner")

"""The budget: a month's income and spending, shaped like the UK Standard Financial Statement.

The tables are the ones these models had inside borrowers (`db_table` below), so moving them here moved no
data (migrations budget 0001 and borrowers 0009 change only Django's state).
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loanmath import BORROWER_AMOUNT_MAX, ZERO

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class BudgetSection(models.TextChoices):
    """The statement's sections (the same values as loanmath.BudgetSection)."""

    INCOME = "income", _("Income")
    FIXED = "fixed", _("Fixed costs")
    FLEXIBLE = "flexible", _("Flexible costs")
    SAVINGS = "savings", _("Savings")
    DEBT_REPAYMENTS = "debt", _("Debt repayments")


class BudgetCategory(models.TextChoices):
    """Each line of the statement. The order here is the order on the page."""

    SALARY = "salary", _("Salary or wages (after tax)")
    SIDE_INCOME = "side_income", _("Part-time and side work")
    FAMILY_SUPPORT = "family_support", _("Money from family")
    OTHER_INCOME = "other_income", _("Other income")
    HOUSING = "housing", _("Rent or housing")
    UTILITIES = "utilities", _("Water, electricity and gas")
    PHONE_INTERNET = "phone_internet", _("Phone and internet")
    TRANSPORT = "transport", _("Transport")
    INSURANCE = "insurance", _("Insurance")
    CHILDCARE = "childcare", _("Childcare")
    OTHER_FIXED = "other_fixed", _("Other fixed costs")
    FOOD = "food", _("Food and groceries")
    EATING_OUT = "eating_out", _("Eating out and takeaway")
    SHOPPING = "shopping", _("Shopping and clothes")
    ENTERTAINMENT = "entertainment", _("Entertainment and subscriptions")
    PERSONAL_CARE = "personal_care", _("Personal care")
    OTHER_FLEXIBLE = "other_flexible", _("Other flexible costs")
    SAVINGS = "savings", _("Savings")
    LOANS_WITH_US = "loans_with_us", _("Loans with us")
    CREDIT_CARDS = "credit_cards", _("Credit cards")
    OTHER_LOANS = "other_loans", _("Other loans and instalment plans")
    OTHER_DEBTS = "other_debts", _("Other debts (for example to family or friends)")


BUDGET_SECTION_CATEGORIES: dict[str, tuple[str, ...]] = {
    BudgetSection.INCOME: (
        BudgetCategory.SALARY,
        BudgetCategory.SIDE_INCOME,
        BudgetCategory.FAMILY_SUPPORT,
        BudgetCategory.OTHER_INCOME,
    ),
    BudgetSection.FIXED: (
        BudgetCategory.HOUSING,
        BudgetCategory.UTILITIES,
        BudgetCategory.PHONE_INTERNET,
        BudgetCategory.TRANSPORT,
        BudgetCategory.INSURANCE,
        BudgetCategory.CHILDCARE,
        BudgetCategory.OTHER_FIXED,
    ),
    BudgetSection.FLEXIBLE: (
        BudgetCategory.FOOD,
        BudgetCategory.EATING_OUT,
        BudgetCategory.SHOPPING,
        BudgetCategory.ENTERTAINMENT,
        BudgetCategory.PERSONAL_CARE,
        BudgetCategory.OTHER_FLEXIBLE,
    ),
    BudgetSection.SAVINGS: (BudgetCategory.SAVINGS,),
    BudgetSection.DEBT_REPAYMENTS: (
        BudgetCategory.LOANS_WITH_US,
        BudgetCategory.CREDIT_CARDS,
        BudgetCategory.OTHER_LOANS,
        BudgetCategory.OTHER_DEBTS,
    ),
}
BUDGET_SECTION_OF: dict[str, str] = {
    category: section for section, categories in BUDGET_SECTION_CATEGORIES.items() for category in categories
}


def _monthly_amount(
    verbose_name: "StrOrPromise", **kwargs: Any
) -> models.DecimalField[Decimal | int | str, Decimal]:
    """A monthly amount in yuan to the fen, from 0 to BORROWER_AMOUNT_MAX, zero by default.

    The same column as borrowers' MoneyField (14 digits, 2 after the point), which these models had while
    they lived there; budget does not import it, as no app imports another app's models.
    """
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(BORROWER_AMOUNT_MAX)],
        **kwargs,
    )


def _budget_amount_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0, f"{field}__lte": BORROWER_AMOUNT_MAX})


def _budget_category_in_its_section() -> Q:
    condition = Q()
    for section, categories in BUDGET_SECTION_CATEGORIES.items():
        condition |= Q(section=section, category__in=categories)
    return condition


class Budget(models.Model):
    """A borrower's current monthly budget: one per account, its figures kept as rows (BudgetLine) so the
    hardship application can show and reuse them. Written only by `budget.services.budget_save`, which
    replaces every line at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="budget"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"))

    class Meta:
        db_table = "borrowers_budget"
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.updated_at:%Y-%m-%d}"


class BudgetLine(models.Model):
    """One monthly amount of a budget. Only lines with an amount (or a note) are kept."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    section = models.CharField(_("section"), max_length=10, choices=BudgetSection.choices)
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    amount = _monthly_amount(_("amount a month (¥)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        db_table = "borrowers_budgetline"
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["budget", "id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="budget_line_unique_category"),
            models.CheckConstraint(
                condition=_budget_amount_in_range("amount"), name="budget_line_amount_in_range"
            ),
            models.CheckConstraint(
                condition=_budget_category_in_its_section(), name="budget_line_category_in_its_section"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount}"


class BudgetGuideline(models.Model):
    """What one person living alone might reasonably spend a month on a flexible cost. Staff edit it; a
    flexible cost above its guideline is flagged on the budget page, never refused."""

    category = models.CharField(
        _("flexible cost"),
        max_length=20,
        unique=True,
        choices=[(c, BudgetCategory(c).label) for c in BUDGET_SECTION_CATEGORIES[BudgetSection.FLEXIBLE]],
    )
    monthly_amount = _monthly_amount(
        _("monthly guideline for one person (¥)"),
        help_text=_("Spending above this a month is flagged, never refused."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "borrowers_budgetguideline"
        verbose_name = _("budget guideline")
        verbose_name_plural = _("budget guidelines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=_budget_amount_in_range("monthly_amount"), name="budget_guideline_amount_in_range"
            ),
            models.CheckConstraint(
                condition=Q(category__in=BUDGET_SECTION_CATEGORIES[BudgetSection.FLEXIBLE]),
                name="budget_guideline_flexible_only",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_category_display())

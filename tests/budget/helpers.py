"""What the budget page tests share: the business date, the worked example, the default guidelines, and
ways to read the page and the saved lines.

Guidelines are the defaults from migration borrowers 0004 (food 1,200, eating out 600, shopping 500,
entertainment 300, personal care 200, other 300 yuan a month). Loans come from the factories: 12
equal-principal instalments at 12 % a year from 2026-02-15; the business date is pinned to 2026-03-31.
"""

import importlib
from datetime import date
from decimal import Decimal

from django.test import Client

from accounts.models import User
from borrowers import services
from budget.models import BudgetGuideline, BudgetLine
from tests.borrowers.factories import make_borrower, make_loan, make_product
from tests.conftest import make_user

TODAY = date(2026, 3, 31)
URL = "/budget/"
HTMX = {"HTTP_HX_REQUEST": "true"}

# The worked example of tests/loanmath/test_budget.py, as the form posts it.
WORKER = {
    "salary": "6000",
    "side_income": "800",
    "housing": "1800",
    "utilities": "150",
    "phone_internet": "99",
    "transport": "200",
    "food": "1350.50",
    "eating_out": "600",
    "shopping": "420",
    "entertainment": "158",
    "savings": "300",
    "loans_with_us": "1032.17",
}


DEFAULT_GUIDELINES: dict[str, Decimal] = importlib.import_module(
    "borrowers.migrations.0004_budget_guidelines"
).DEFAULT_GUIDELINES


def ensure_default_guidelines() -> None:
    """The migration's guidelines, put back if a transactional test (the browser's) has flushed them."""
    for category, amount in DEFAULT_GUIDELINES.items():
        BudgetGuideline.objects.get_or_create(category=category, defaults={"monthly_amount": amount})


def text_of(client: Client, data: dict[str, str] | None = None, **extra: str) -> str:
    response = client.post(URL, data or {}, **extra) if data is not None else client.get(URL, **extra)
    assert response.status_code == 200
    return response.content.decode()


def user_with_loans(email: str, principals: tuple[str, ...] = ("12000.00",)) -> User:
    user = make_user(email)
    borrower = make_borrower(user)
    product = make_product()
    for principal in principals:
        loan = make_loan(borrower=borrower, product=product, principal=Decimal(principal))
        services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    return user


def lines_of(user: User) -> dict[str, Decimal]:
    return dict(BudgetLine.objects.filter(budget__user=user).values_list("category", "amount"))

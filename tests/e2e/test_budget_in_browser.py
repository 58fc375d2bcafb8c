"""The budget planner on a 360-px phone: the results follow the typing without a page load."""

import re
from decimal import Decimal

import pytest

from budget.models import BudgetLine
from tests.budget.helpers import ensure_default_guidelines
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def type_amount(page, name: str, amount: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"#id_{name}").fill(amount)


def test_a_visitor_types_a_budget_and_sees_the_results_change_in_place(page) -> None:  # type: ignore[no-untyped-def]
    ensure_default_guidelines()
    page.goto("/budget/")
    assert no_horizontal_scroll(page)
    page.evaluate("window.__notReloaded = true")

    type_amount(page, "salary", "6000")
    type_amount(page, "housing", "1800")
    type_amount(page, "eating_out", "800")
    # 6000 − 1800 − 800 = 3400 left; eating out is 200 above its 600 guideline.
    page.wait_for_function("() => document.querySelector('#surplus').innerText.includes('3,400.00')")

    assert page.locator("#total-income").inner_text() == "¥6,000.00"
    assert page.locator("#total-flexible").inner_text() == "¥800.00"
    assert "3,400.00" in page.locator("#budget-bar-text").inner_text()
    assert page.locator("#id_eating_out-guideline.budget-field__guideline--above").count() == 1
    assert page.locator("#id_food-guideline.budget-field__guideline--above").count() == 0

    type_amount(page, "food", "-5")
    page.wait_for_function("() => document.querySelector('#id_food_errors .errorlist') !== null")
    assert page.locator("#total-income").count() == 0

    assert page.evaluate("window.__notReloaded") is True  # swapped in place, no page load
    assert no_horizontal_scroll(page)


def test_a_borrower_saves_the_budget_and_finds_it_again(page) -> None:  # type: ignore[no-untyped-def]
    ensure_default_guidelines()
    user = make_user("budget.browser@example.com")
    page.goto("/accounts/login/?next=/budget/")
    page.get_by_label("邮箱").fill(user.email)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/budget/")

    type_amount(page, "salary", "5000.50")
    type_amount(page, "savings", "500")
    page.wait_for_function("() => document.querySelector('#surplus').innerText.includes('4,500.50')")
    page.locator("button[value=save]").click()
    page.wait_for_selector(".budget-saved")

    assert page.locator("#id_salary").input_value() == "5000.50"
    assert dict(BudgetLine.objects.filter(budget__user=user).values_list("category", "amount")) == {
        "salary": Decimal("5000.50"),
        "savings": Decimal("500.00"),
    }
    assert no_horizontal_scroll(page)

"""The budget planner at /budget/, what it shows: results for anyone, worked out as the borrower types, and
bad input answered by a message beside the field that changes nothing. Setup: tests/budget/helpers.py.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from budget.models import BUDGET_SECTION_OF, Budget, BudgetGuideline, BudgetLine
from budget.services import BudgetLineInput, budget_save
from tests.budget.helpers import HTMX, URL, WORKER, lines_of, text_of, user_with_loans
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


# --- results ---------------------------------------------------------------------------------------


def test_the_page_works_for_someone_not_logged_in_and_says_nothing_is_saved(english: Client) -> None:
    page = text_of(english)

    assert "budget-not-saved" in page
    assert f"{reverse('account_login')}?next={URL}" in page
    assert 'value="save"' not in page
    assert 'hx-post="/budget/"' in page
    assert 'hx-trigger="input changed delay:400ms"' in page
    assert reverse("education:index") in page


def test_signed_out_the_form_computes_the_results_and_saves_nothing(english: Client) -> None:
    page = text_of(english, {**WORKER, "action": "save"})

    assert '<dd id="total-income">¥6,800.00</dd>' in page
    assert '<dd id="total-fixed">¥2,249.00</dd>' in page
    assert '<dd id="total-flexible">¥2,528.50</dd>' in page
    assert '<dd id="total-savings">¥300.00</dd>' in page
    assert '<dd id="left-for-debts">¥1,722.50</dd>' in page
    assert '<dd id="total-debts">¥1,032.17</dd>' in page
    assert '<dd id="surplus">¥690.33</dd>' in page
    assert Budget.objects.count() == 0
    assert BudgetLine.objects.count() == 0


def test_the_50_30_20_comparison_shows_amounts_percentages_and_a_verdict(english: Client) -> None:
    page = text_of(english, WORKER)

    # Needs 2249.00 = 33.1 % of 6800.00 (target 3400.00); wants 2528.50 = 37.2 % (target 2040.00, 488.50
    # above); savings and debts 1332.17 = 19.6 % (target 1360.00, 27.83 below).
    assert "33.1%" in page
    assert "37.2%" in page
    assert "19.6%" in page
    assert "¥3,400.00" in page
    assert "¥488.50 above the guide" in page
    assert "¥27.83 below the guide" in page
    assert "budget-verdict--wants_above" in page
    assert "Your flexible spending is more than 30% of your income." in page


def test_a_shortfall_is_shown_with_the_way_to_get_help(english: Client) -> None:
    page = text_of(english, {"salary": "3000", "housing": "2500", "food": "800", "loans_with_us": "500"})

    assert "<dt>Shortfall each month</dt>" in page
    assert '<dd id="surplus">¥800.00</dd>' in page
    assert "budget-figures__total--shortfall" in page
    assert "budget-bar__text budget-bar__text--shortfall" in page
    assert "¥800.00 a month more than your income" in page
    assert reverse("portal:help") in page


SHORTFALL = {"salary": "3000", "housing": "2500", "food": "800", "loans_with_us": "500"}
BEFORE_YOU_FALL_BEHIND = "tell us before a payment is missed"


def test_an_overdue_borrower_is_told_to_talk_to_us_now_not_before_they_fall_behind(english: Client) -> None:
    # The factories' loan from 2026-01-15 falls due on 2026-02-15; unpaid on 2026-03-31 it is 44 days late.
    user = user_with_loans("late@example.com")
    english.force_login(user)

    page = text_of(english, SHORTFALL)
    live = text_of(english, SHORTFALL, **HTMX)
    with_surplus = text_of(english, {"salary": "9000", "loans_with_us": "500"})

    for shown in (page, live):
        assert "You are already 44 days behind with a repayment. Tell us now" in shown
        assert BEFORE_YOU_FALL_BEHIND not in shown
        assert f"{reverse('portal:help')}#contact" in shown
    assert "You are 44 days behind with a repayment. Put what is left towards the overdue amount first" in (
        with_surplus
    )


def test_a_borrower_who_is_not_behind_is_asked_to_tell_us_before_a_payment_is_missed(english: Client) -> None:
    english.force_login(make_user("ontime@example.com"))

    page = text_of(english, SHORTFALL)

    assert BEFORE_YOU_FALL_BEHIND in page
    assert "days behind" not in page


def test_a_flexible_cost_above_its_guideline_is_flagged_beside_the_field_and_in_the_results(
    english: Client,
) -> None:
    page = text_of(english, {"salary": "5000", "eating_out": "800", "shopping": "500"})

    assert (
        'id="id_eating_out-guideline" class="budget-field__guideline budget-field__guideline--above"' in page
    )
    assert 'id="id_shopping-guideline" class="budget-field__guideline"' in page  # exactly at 500: not flagged
    assert "Eating out and takeaway: ¥800.00, which is ¥200.00 above the guideline of ¥600.00." in page


def test_the_guideline_staff_set_is_the_one_shown_and_applied(english: Client) -> None:
    BudgetGuideline.objects.filter(category="eating_out").update(monthly_amount=Decimal("900.00"))

    page = text_of(english, {"salary": "5000", "eating_out": "800"})

    assert "Guideline: ¥900.00 a month" in page
    assert "budget-field__guideline--above" not in page


def test_each_flexible_cost_shows_its_guideline_and_every_input_is_bounded(english: Client) -> None:
    page = text_of(english)

    for amount in ("¥1,200.00", "¥600.00", "¥500.00", "¥300.00", "¥200.00"):
        assert f"Guideline: {amount} a month" in page
    assert page.count('type="number"') == len(BUDGET_SECTION_OF)
    assert page.count('step="0.01"') == len(BUDGET_SECTION_OF)
    assert page.count('min="0"') == len(BUDGET_SECTION_OF)
    assert page.count('max="10000000"') == len(BUDGET_SECTION_OF)
    assert page.count('inputmode="decimal"') == len(BUDGET_SECTION_OF)
    assert page.count("<fieldset") == page.count("<legend>") == 5


def test_a_live_update_returns_only_the_results_and_the_field_notes(english: Client) -> None:
    response = english.post(URL, {**WORKER, "action": "save"}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" not in page
    assert '<section id="budget-results"' in page
    assert '<p id="budget-bar-text" class="budget-bar__text" hx-swap-oob="true">' in page
    assert "budget-bar__text--shortfall" not in page
    assert 'id="id_food_errors" class="field__errors" hx-swap-oob="true"' in page
    assert '<dd id="surplus">¥690.33</dd>' in page


def test_a_live_update_never_saves_even_for_a_signed_in_borrower(client: Client) -> None:
    user = make_user("live@example.com")
    client.force_login(user)

    client.post(URL, {**WORKER, "action": "save"}, **HTMX)

    assert not Budget.objects.filter(user=user).exists()


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "-1",
        "-0.01",
        "abc",
        "12.345",
        "1e400",
        "1e-400",
        "NaN",
        "Infinity",
        "10000000.01",
        "9" * 5000,
        "1.2.3",
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_saves_nothing(client: Client, value: str) -> None:
    user = make_user("bad@example.com")
    budget_save(user=user, lines=[BudgetLineInput(category="salary", amount=Decimal("5000.00"))])
    client.force_login(user)

    for extra in ({}, HTMX):
        response = client.post(URL, {**WORKER, "food": value, "action": "save"}, **extra)

        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="id_food_errors"' in page
        errors = page.split('id="id_food_errors"', 1)[1].split("</div>", 1)[0]
        assert 'class="errorlist"' in errors
        assert 'id="total-income"' not in page  # no results from a form with a mistake
    assert lines_of(user) == {"salary": Decimal("5000.00")}


def test_each_kind_of_mistake_gets_its_own_plain_message(english: Client) -> None:
    page = text_of(
        english,
        {
            "salary": "abc",
            "housing": "-5",
            "food": "12.345",
            "shopping": "20000000",
            "other_fixed_note": "x" * 201,
        },
    )

    assert "Enter an amount in yuan, for example 1200 or 35.50." in page
    assert "Enter 0 or more" in page
    assert "Enter the amount to the fen: at most two decimal places." in page
    assert "Enter at most ¥10,000,000 a month." in page
    assert "Keep the note to 200 characters or fewer." in page
    assert 'aria-invalid="true"' in page


def test_amounts_typed_with_separators_or_the_yuan_sign_are_read(english: Client) -> None:
    page = text_of(english, {"salary": "¥6,000", "side_income": "８00"})

    assert '<dd id="total-income">¥6,800.00</dd>' in page


def test_blank_fields_count_as_zero(english: Client) -> None:
    page = text_of(english, {"salary": "", "housing": "  "})

    assert '<dd id="total-income">¥0.00</dd>' in page
    assert "budget-verdict--no_income" in page

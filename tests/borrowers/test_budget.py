"""The budget planner at /budget/: results for anyone, saved only for the signed-in borrower, and never
another borrower's; bad input gets a message beside the field and changes nothing.

Guidelines are the defaults from migration 0005 (food 1,200, eating out 600, shopping 500, entertainment 300,
personal care 200, other 300 yuan a month). Loans come from the factories: 12 equal-principal instalments at
12 % a year from 2026-02-15; the business date is pinned to 2026-03-31.
"""

import importlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from borrowers import services
from borrowers.models import BUDGET_SECTION_OF, Budget, BudgetGuideline, BudgetLine
from borrowers.services_budget import BudgetLineInput, budget_save
from core.exceptions import ApplicationError
from core.models import AuditEvent
from tests.borrowers.factories import make_borrower, make_loan, make_product
from tests.conftest import enrol_totp, make_user

pytestmark = pytest.mark.django_db

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


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    ensure_default_guidelines()


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


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
    assert 'id="id_food-errors" class="budget-field__errors" hx-swap-oob="true"' in page
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
        assert 'id="id_food-errors"' in page
        errors = page.split('id="id_food-errors"', 1)[1].split("</div>", 1)[0]
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


# --- saving ----------------------------------------------------------------------------------------


def test_a_signed_in_borrower_saves_their_budget(client: Client) -> None:
    user = make_user("saver@example.com")
    client.force_login(user)

    response = client.post(
        URL, {**WORKER, "other_fixed": "88", "other_fixed_note": " gym ", "action": "save"}
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    assert lines_of(user) == {
        "salary": Decimal("6000.00"),
        "side_income": Decimal("800.00"),
        "housing": Decimal("1800.00"),
        "utilities": Decimal("150.00"),
        "phone_internet": Decimal("99.00"),
        "transport": Decimal("200.00"),
        "other_fixed": Decimal("88.00"),
        "food": Decimal("1350.50"),
        "eating_out": Decimal("600.00"),
        "shopping": Decimal("420.00"),
        "entertainment": Decimal("158.00"),
        "savings": Decimal("300.00"),
        "loans_with_us": Decimal("1032.17"),
    }
    line = BudgetLine.objects.get(budget__user=user, category="other_fixed")
    assert (line.section, line.note) == ("fixed", "gym")
    assert AuditEvent.objects.filter(action="budget.saved", actor=user, data={"lines": 13}).count() == 1


def test_the_saved_budget_is_shown_when_the_borrower_comes_back(client: Client) -> None:
    user = make_user("back@example.com")
    client.force_login(user)
    client.post(URL, {**WORKER, "action": "save"})

    page = text_of(client)

    assert 'name="food" value="1350.50"' in page
    assert 'name="salary" value="6000.00"' in page
    assert '<dd id="surplus">¥690.33</dd>' in page
    assert "budget-saved" in page


def test_saving_again_replaces_every_line(client: Client) -> None:
    user = make_user("again@example.com")
    client.force_login(user)
    client.post(URL, {**WORKER, "action": "save"})
    first = Budget.objects.get(user=user)

    client.post(URL, {"salary": "7000", "housing": "2000", "action": "save"})

    budget = Budget.objects.get(user=user)
    assert budget.pk == first.pk
    assert budget.updated_at > first.updated_at
    assert lines_of(user) == {"salary": Decimal("7000.00"), "housing": Decimal("2000.00")}


def test_the_show_results_button_of_a_signed_in_borrower_does_not_save(client: Client) -> None:
    user = make_user("look@example.com")
    client.force_login(user)

    response = client.post(URL, {**WORKER, "action": "calculate"})

    assert response.status_code == 200
    assert not Budget.objects.filter(user=user).exists()


def test_a_bad_line_refuses_the_whole_save_and_keeps_the_old_budget() -> None:
    user = make_user("service@example.com")
    budget_save(user=user, lines=[BudgetLineInput(category="salary", amount=Decimal("5000.00"))])

    for lines in (
        [
            BudgetLineInput(category="housing", amount=Decimal("1.00")),
            BudgetLineInput(category="lottery", amount=Decimal("1.00")),
        ],
        [
            BudgetLineInput(category="food", amount=Decimal("1.00")),
            BudgetLineInput(category="food", amount=Decimal("2.00")),
        ],
        [BudgetLineInput(category="food", amount=Decimal("-1.00"))],
        [BudgetLineInput(category="food", amount=Decimal("1.005"))],
        [BudgetLineInput(category="food", amount=Decimal("10000000.01"))],
        [BudgetLineInput(category="other_fixed", amount=Decimal("1.00"), note="x" * 201)],
    ):
        with pytest.raises(ApplicationError):
            budget_save(user=user, lines=lines)

    assert lines_of(user) == {"salary": Decimal("5000.00")}


def test_the_database_refuses_a_line_in_the_wrong_section() -> None:
    user = make_user("constraint@example.com")
    budget = budget_save(user=user, lines=[])

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(budget=budget, section="income", category="food", amount=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(budget=budget, section="flexible", category="food", amount=Decimal("-1.00"))


# --- loans, and whose budget -----------------------------------------------------------------------


def test_a_borrower_with_loans_gets_their_next_instalments_filled_in(client: Client) -> None:
    # On 2026-03-31 the next instalment due is #3 (2026-04-15) of each loan: ¥12,000 → principal 1,000.00
    # + interest 10,000.00 × 12 % / 12 = 100.00; ¥6,000 → 500.00 + 50.00. Together 1,650.00.
    user = user_with_loans("loans@example.com", principals=("12000.00", "6000.00"))
    client.force_login(user)

    page = text_of(client)

    assert 'name="loans_with_us" value="1650.00"' in page
    assert 'id="id_loans_with_us-hint"' in page
    assert '<dd id="total-debts">¥1,650.00</dd>' in page


def test_a_saved_budget_is_not_overwritten_by_the_loans_figure(client: Client) -> None:
    user = user_with_loans("edited@example.com")
    client.force_login(user)
    client.post(URL, {"salary": "5000", "loans_with_us": "900", "action": "save"})

    page = text_of(client)

    assert 'name="loans_with_us" value="900.00"' in page
    assert 'id="id_loans_with_us-hint"' in page  # the loans' own figure stays beside it


def test_a_borrower_never_sees_another_borrowers_budget(client: Client) -> None:
    owner = make_user("owner@example.com")
    budget_save(user=owner, lines=[BudgetLineInput(category="salary", amount=Decimal("12345.67"))])
    other = make_user("other@example.com")
    client.force_login(other)

    page = text_of(client)
    client.post(URL, {"salary": "100", "action": "save"})

    assert "12345.67" not in page
    assert "12,345.67" not in page
    assert "budget-saved" not in page
    assert lines_of(owner) == {"salary": Decimal("12345.67")}
    assert lines_of(other) == {"salary": Decimal("100.00")}


# --- queries ---------------------------------------------------------------------------------------


def count_queries(client: Client, data: dict[str, str] | None = None, **extra: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        text_of(client, data, **extra)
    return len(captured.captured_queries)


def test_the_page_runs_the_same_number_of_queries_for_one_line_or_every_line(client: Client) -> None:
    few = user_with_loans("few@example.com", principals=("1200.00",))
    budget_save(user=few, lines=[BudgetLineInput(category="salary", amount=Decimal("1.00"))])
    many = user_with_loans("many@example.com", principals=("1200.00", "2400.00", "3600.00", "4800.00"))
    budget_save(
        user=many,
        lines=[BudgetLineInput(category=c, amount=Decimal("1.00"), note="n") for c in BUDGET_SECTION_OF],
    )

    client.force_login(few)
    with_few = count_queries(client)
    live_few = count_queries(client, {"salary": "1"}, **HTMX)
    client.force_login(many)
    with_many = count_queries(client)
    live_many = count_queries(client, dict.fromkeys(BUDGET_SECTION_OF, "1"), **HTMX)

    assert len(lines_of(many)) == len(BUDGET_SECTION_OF)
    assert with_few == with_many
    assert live_few == live_many
    assert live_many < with_many  # a live update reads the guidelines and nothing of the borrower's


# --- admin -----------------------------------------------------------------------------------------


def test_staff_edit_guidelines_in_the_admin_and_can_only_read_budgets(client: Client, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    admin_user = User.objects.create_superuser(email="admin@anxin.example", password="a-long-Passphrase-2026")
    enrol_totp(admin_user)
    client.force_login(admin_user)
    owner = make_user("read@example.com")
    budget = budget_save(user=owner, lines=[BudgetLineInput(category="salary", amount=Decimal("5000.00"))])
    guideline = BudgetGuideline.objects.get(category="food")

    listing = client.get(reverse("admin:borrowers_budgetguideline_changelist"))
    response = client.post(
        reverse("admin:borrowers_budgetguideline_change", args=[guideline.pk]),
        {"monthly_amount": "1500.00"},
    )
    view = client.get(reverse("admin:borrowers_budget_change", args=[budget.pk]))

    assert listing.status_code == 200
    assert response.status_code == 302
    guideline.refresh_from_db()
    assert guideline.monthly_amount == Decimal("1500.00")
    assert AuditEvent.objects.filter(action="admin.budgetguideline.changed").exists()
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert client.get(reverse("admin:borrowers_budget_add")).status_code == 403


@pytest.mark.parametrize("note", ["a\x1b[31mred\x07", "abc\u202egnp.exe", "zero\u200bwidth"])
def test_a_note_with_control_or_invisible_characters_is_refused_and_nothing_is_saved(
    client: Client, note: str
) -> None:
    user = make_user("saver@example.com")
    client.force_login(user)
    client.cookies["django_language"] = "en"

    response = client.post(URL, {**WORKER, "other_fixed": "88", "other_fixed_note": note, "action": "save"})

    assert response.status_code == 200
    assert "Remove the invisible control characters from the text." in response.content.decode()
    assert not Budget.objects.filter(user=user).exists()

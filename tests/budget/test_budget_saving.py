"""The budget planner at /budget/, what it keeps: saved only for the signed-in borrower and never another
borrower's, the loans' figure filled in, the same queries whatever the size, and the staff's admin.
Setup: tests/budget/helpers.py.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from budget.models import BUDGET_SECTION_OF, Budget, BudgetGuideline, BudgetLine
from budget.services import BudgetLineInput, budget_save
from core.exceptions import ApplicationError
from core.models import AuditEvent
from tests.budget.helpers import HTMX, URL, WORKER, lines_of, text_of, user_with_loans
from tests.conftest import enrol_totp, make_user

pytestmark = pytest.mark.django_db


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

    listing = client.get(reverse("admin:budget_budgetguideline_changelist"))
    response = client.post(
        reverse("admin:budget_budgetguideline_change", args=[guideline.pk]),
        {"monthly_amount": "1500.00"},
    )
    view = client.get(reverse("admin:budget_budget_change", args=[budget.pk]))

    assert listing.status_code == 200
    assert response.status_code == 302
    guideline.refresh_from_db()
    assert guideline.monthly_amount == Decimal("1500.00")
    assert AuditEvent.objects.filter(action="admin.budgetguideline.changed").exists()
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert client.get(reverse("admin:budget_budget_add")).status_code == 403


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

"""The snapshot the hostile-input and POST tests compare can fail: it sees a new row anywhere, a changed
value in a money table with the same number of rows, and leaves out only the bookkeeping tables."""

from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import F

from tests.conftest import make_user
from tests.security import snapshot

pytestmark = pytest.mark.django_db


def test_the_snapshot_sees_new_rows_and_changed_money_rows_and_skips_bookkeeping() -> None:
    from budget.models import BudgetLine
    from budget.services import BudgetLineInput, budget_save

    user = make_user("snapshot@example.com")
    budget_save(user=user, lines=[BudgetLineInput(category="salary", amount=Decimal("5000.00"))])
    before = snapshot.take()
    assert before.counts["borrowers_budgetline"] == 1
    assert before.diff(snapshot.take()) == []

    SessionStore().create()  # bookkeeping: a refused request may write a session
    assert before.diff(snapshot.take()) == []

    BudgetLine.objects.update(amount=F("amount") + Decimal("0.01"))  # same rows, one cent more
    assert before.diff(snapshot.take()) == ["borrowers_budgetline: rows changed"]

    make_user("another@example.com")
    changes = before.diff(snapshot.take())
    assert "accounts_user: 1 -> 2 rows" in changes
    assert "borrowers_budgetline: rows changed" in changes

"""`manage.py seed_demo`: the demo logins, loans and lessons, and running it twice changes nothing."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from accounts.models import User
from borrowers.models import LedgerEntry, Loan, Payment
from education.models import Lesson

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Authenticator.objects.count(),
        Loan.objects.count(),
        LedgerEntry.objects.count(),
        Payment.objects.count(),
        Lesson.objects.count(),
    )


def test_seed_demo_creates_the_logins_loans_and_lessons_and_is_idempotent(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = "2026-11-29"
    first_output = seed()
    first = counts()

    second_output = seed()

    assert counts() == first
    for email in [
        "demo@",
        "other@",
        "editor@",
        "chief.editor@",
        "reviewer@",
        "approver@",
        "support@",
        "auditor@",
    ]:
        assert f"{email}anxin.example" in first_output
    # The same TOTP secrets are printed again, so a tester's authenticator app keeps working.
    secrets = [line for line in first_output.splitlines() if "TOTP secret" in line]
    assert len(secrets) == 6
    assert secrets == [line for line in second_output.splitlines() if "TOTP secret" in line]
    demo_loans = Loan.objects.filter(borrower__user__email="demo@anxin.example")
    assert {loan.status for loan in demo_loans} == {"active", "paid_off"}
    assert max(loan.days_past_due for loan in demo_loans) == 45
    assert Lesson.objects.filter(language="zh-hans").count() >= 10
    assert Lesson.objects.filter(language="en").count() >= 10


def test_seed_demo_refuses_to_run_in_production(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed()
    assert User.objects.count() == 0

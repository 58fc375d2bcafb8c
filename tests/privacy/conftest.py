"""A borrower with two loans and a payment, and a Support agent who handles privacy requests."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from borrowers import services as loan_services
from borrowers.models import Loan
from tests.borrowers.factories import make_borrower, make_loan
from tests.conftest import PASSWORD, enrol_totp, make_user

TODAY = date(2026, 3, 31)
SUPPORT_PERMISSIONS = (
    "view_privacyrequest",
    "change_privacyrequest",
    "view_consentrecord",
    "view_retentionhold",
)


@pytest.fixture(autouse=True)
def _business_date(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()


def borrower_with_loans(email: str, *, loans: int = 2, phone: str = "13800138000") -> tuple[User, list[Loan]]:
    user = make_user(email)
    profile = make_borrower(user, phone=phone)
    made = [make_loan(borrower=profile) for _ in range(loans)]
    for number, loan in enumerate(made):
        loan_services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
        loan_services.payment_record(
            loan_id=loan.pk, receipt_number=f"R-{email}-{number}", amount=Decimal("150.00"), paid_on=TODAY
        )
    return user, made


def support_agent(email: str = "privacy.support@anxin.example") -> User:
    """A member of Support: the group gets this app's rights as its migration 0002 gives them (a browser
    test's flush may have emptied the groups)."""
    group, _ = Group.objects.get_or_create(name="Support")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="privacy", codename__in=SUPPORT_PERMISSIONS)
    )
    agent = User.objects.create_user(email=email, password=PASSWORD, is_staff=True)
    agent.groups.add(group)
    enrol_totp(agent)
    return User.objects.get(pk=agent.pk)  # fresh, without the permission cache


@pytest.fixture
def me(db: None) -> tuple[User, list[Loan]]:
    return borrower_with_loans("me@example.com")


@pytest.fixture
def signed_in(client: Client, me: tuple[User, list[Loan]]) -> Client:
    client.cookies["django_language"] = "en"
    client.force_login(me[0])
    # A fresh sign-in as allauth records it, so asking for deletion does not ask for the password again.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client

"""Promises to pay in the admin: Support (and the hardship teams) read them with their history; nobody adds,
changes or deletes one there. The overdue policy's longest wait for a promise is staff's to set, audited.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import User
from borrowers import services
from borrowers.models import Instalment, OverduePolicy, PromiseToPay
from core.models import AuditEvent
from tests.borrowers.factories import make_borrower, make_loan, make_policy
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

D0 = date(2026, 4, 10)


@pytest.fixture
def promise(settings: Any) -> PromiseToPay:
    settings.ANXIN_BUSINESS_DATE = D0.isoformat()
    settings.LANGUAGE_CODE = "en"
    user = make_user("promiser@example.com")
    loan = make_loan(borrower=make_borrower(user), principal=Decimal("12000.00"))
    services.loan_close_business(loan_id=loan.pk, business_date=D0)
    first = Instalment.objects.get(loan=loan, number=1)
    amount = first.principal_unpaid + first.interest_unpaid + first.fees_unpaid + first.penalty_unpaid
    made = services.promise_make(
        actor=user, loan_id=loan.pk, amount=amount, pay_by=D0 + timedelta(days=2), source="site", today=D0
    )
    services.payment_record(loan_id=loan.pk, receipt_number="ADM-1", amount=Decimal("100.00"), paid_on=D0)
    settings.ANXIN_BUSINESS_DATE = (D0 + timedelta(days=3)).isoformat()
    services.close_business_through(D0 + timedelta(days=3))
    made.refresh_from_db()
    assert made.status == PromiseToPay.Status.BROKEN
    return made


def member_of(client: Client, group: str) -> User:
    agent = User.objects.create_user(
        email=f"{group.split()[0].lower()}@anxin.example", password=PASSWORD, is_staff=True
    )
    agent.groups.add(Group.objects.get(name=group))
    enrol_totp(agent)
    client.force_login(agent)
    return agent


@pytest.mark.parametrize("group", ["Support", "Hardship reviewers", "Hardship approvers"])
def test_staff_read_a_promise_and_its_history_and_cannot_change_it(
    client: Client, promise: PromiseToPay, group: str
) -> None:
    member_of(client, group)
    listing = client.get(reverse("admin:borrowers_promisetopay_changelist"))
    assert listing.status_code == 200
    assert promise.loan.reference in listing.content.decode()
    page = client.get(reverse("admin:borrowers_promisetopay_change", args=[promise.pk]))
    assert page.status_code == 200
    history = page.content.decode()
    for action in ("promise.made", "promise.paid_towards", "promise.broken"):
        assert action in history
    assert client.get(reverse("admin:borrowers_promisetopay_add")).status_code == 403
    assert client.get(reverse("admin:borrowers_promisetopay_delete", args=[promise.pk])).status_code == 403
    before = PromiseToPay.objects.values().get(pk=promise.pk)
    client.post(reverse("admin:borrowers_promisetopay_change", args=[promise.pk]), {"status": "kept"})
    assert PromiseToPay.objects.values().get(pk=promise.pk) == before


def test_support_may_only_view_promises(promise: PromiseToPay) -> None:
    granted = set(
        Group.objects.get(name="Support")
        .permissions.filter(content_type__model="promisetopay")
        .values_list("codename", flat=True)
    )
    assert granted == {"view_promisetopay"}


def test_the_policys_longest_wait_is_set_in_the_admin_and_audited(client: Client, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    admin = User.objects.create_superuser(email="admin@anxin.example", password=PASSWORD)
    enrol_totp(admin)
    client.force_login(admin)
    policy = make_policy(name="Short wait", milestones=())
    data = {
        "name": "Short wait",
        "grace_days": "3",
        "late_fee_flat": "20.00",
        "late_fee_rate": "0.000000",
        "penalty_rate": "0.180000",
        "penalty_basis": "rate",
        "penalty_markup": "0.500000",
        "day_count": "365",
        "promise_max_days": "7",
        "annual_cost_cap": "0.240000",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    url = reverse("admin:borrowers_overduepolicy_change", args=[policy.pk])
    assert client.post(url, data).status_code == 302
    assert OverduePolicy.objects.get(pk=policy.pk).promise_max_days == 7
    changed = AuditEvent.objects.get(action="admin.overduepolicy.changed")
    assert changed.data == {"fields": {"promise_max_days": {"from": 14, "to": 7}}}
    # Out of range: a form error, nothing changed.
    response = client.post(url, {**data, "promise_max_days": "61"})
    assert response.status_code == 200
    assert OverduePolicy.objects.get(pk=policy.pk).promise_max_days == 7

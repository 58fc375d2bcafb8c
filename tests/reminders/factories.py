"""Test data for reminders and calls, made through the real services (tests.borrowers.factories).

The standard loan: ¥12,000.00 over 12 months at 12 % a year, equal principal, lent 2026-01-15, first due
2026-02-15: instalment 1 is ¥1,000.00 principal + ¥120.00 interest = ¥1,120.00. Its policy (the
borrowers factories' default): 3 days' grace, a ¥20.00 late fee, penalty interest at 18 % a year on the
overdue principal (ACT/365): ¥1,000 × 0.18 / 365 = ¥0.4932 a day, so ¥0.49 on the first day.
"""

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group

from accounts.models import User
from borrowers import services as loan_services
from borrowers.models import BorrowerProfile, Loan
from tests.borrowers.factories import make_borrower, make_loan, make_product
from tests.conftest import enrol_totp, make_user

FIRST_DUE = date(2026, 2, 15)
_serial = itertools.count(1)


def borrower(
    *,
    time_zone: str = "Asia/Shanghai",
    language: str = "zh-hans",
    linked: bool = True,
    name: str = "陈小安",
    phone: str | None = None,
) -> BorrowerProfile:
    n = next(_serial)
    user = make_user(f"remind{n}@example.com") if linked else None
    profile = make_borrower(user, full_name=name, phone=phone or f"139{n:08d}")
    profile.time_zone, profile.preferred_language = time_zone, language
    profile.save()
    return profile


def loan(
    profile: BorrowerProfile | None = None,
    *,
    close_through: date | None = None,
    principal: str = "12000.00",
    **kwargs: object,
) -> Loan:
    """The standard loan (see the module's docstring), closed through `close_through` when given."""
    booked = make_loan(
        borrower=profile or borrower(),
        product=make_product(),
        principal=Decimal(principal),
        disbursed_on=date(2026, 1, 15),
        **kwargs,  # type: ignore[arg-type]
    )
    if close_through is not None:
        loan_services.loan_close_business(loan_id=booked.pk, business_date=close_through)
    booked.refresh_from_db()
    return booked


def support_agent(email: str | None = None) -> User:
    """A member of Support with a factor enrolled (the Support group's grants come from the migrations)."""
    agent = make_user(email or f"agent{next(_serial)}@example.com", is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    enrol_totp(agent)
    return User.objects.get(pk=agent.pk)

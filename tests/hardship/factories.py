"""Test data for hardship applications, made through the real services (tests.borrowers.factories for the
loans), so every application, event and ledger entry is one the product itself could have written.

Defaults: the business date is TODAY (2026-03-31; tests pin it with `settings.ANXIN_BUSINESS_DATE`). A
borrower's loan is the borrowers factories' ¥1,200.00 over 12 months, lent 2026-01-15 and closed through
TODAY without a payment, so instalments 1 and 2 (15 Feb, 15 Mar) are overdue with a ¥20 late fee each and
penalty interest: a waiver gives up more than ¥40.
"""

import importlib
import itertools
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.apps import apps as django_apps
from django.contrib.auth.models import Group

import loanmath
from accounts.models import User
from borrowers import services as loan_services
from borrowers.models import Loan
from budget.services import BudgetLineInput
from core.staff_permissions import groups_grant
from hardship import services
from hardship.models import Application, HardshipPolicy
from tests.borrowers.factories import make_borrower, make_loan
from tests.conftest import make_user

TODAY = date(2026, 3, 31)
REVIEWERS = "Hardship reviewers"
APPROVERS = "Hardship approvers"
_serial = itertools.count(1)

STATEMENT = (
    BudgetLineInput(category="salary", amount=Decimal("4200.00")),
    BudgetLineInput(category="housing", amount=Decimal("1800.00"), note="rent"),
    BudgetLineInput(category="food", amount=Decimal("1100.00")),
    BudgetLineInput(category="loans_with_us", amount=Decimal("130.00")),
)
EXTENSION = loanmath.OptionTerms(kind=loanmath.OptionKind.EXTENSION, months=24)
WAIVER = loanmath.OptionTerms(kind=loanmath.OptionKind.WAIVER)


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}@example.com"


def make_loan_for(user: User, *, close_through: date = TODAY, **kwargs: object) -> Loan:
    """A loan linked to ``user`` (their borrower profile, made if need be), closed through
    ``close_through``."""
    profile = getattr(user, "borrower_profile", None) or make_borrower(user)
    loan = make_loan(borrower=profile, **kwargs)  # type: ignore[arg-type]
    loan_services.loan_close_business(loan_id=loan.pk, business_date=close_through)
    loan.refresh_from_db()
    return loan


def make_applicant(email: str | None = None, *, loans: int = 1) -> tuple[User, list[Loan]]:
    user = make_user(email or _unique("applicant"))
    return user, [make_loan_for(user) for _ in range(loans)]


def staff_group(name: str) -> Group:
    """The group migration hardship 0002 made. A transactional test's flush empties the table, so it is
    granted again from the migration's own list when missing."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        migration = importlib.import_module("hardship.migrations.0002_staff_permissions")
        groups_grant(django_apps, migration.GROUP_PERMISSIONS)
        group, _created = Group.objects.get_or_create(name=name)  # another app's group: no permissions
    return group


def make_staff(group: str | None = REVIEWERS, *, email: str | None = None) -> User:
    """A staff member in ``group`` (None: staff with no hardship group)."""
    user = make_user(email or _unique("staff"), is_staff=True)
    if group is not None:
        user.groups.add(staff_group(group))
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


def set_policy(**fields: object) -> HardshipPolicy:
    policy = services.hardship_policy()
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def draft(
    user: User,
    loans: Sequence[Loan],
    *,
    lines: Sequence[BudgetLineInput] = STATEMENT,
    terms: loanmath.OptionTerms | None = EXTENSION,
    situation: bool = True,
    choose: bool = True,
) -> Application:
    """A draft with every wizard step done (unless told otherwise): ready to submit."""
    application = services.application_start(user=user, loan_ids=[loan.pk for loan in loans])
    if situation:
        services.application_situation_save(
            application_id=application.pk,
            user=user,
            reason=Application.Reason.JOB_LOSS,
            reason_text="The factory closed in February.",
            duration=Application.Duration.SHORT,
        )
    if lines:
        services.application_statement_save(application_id=application.pk, user=user, lines=lines)
    if choose:
        services.application_option_choose(application_id=application.pk, user=user, terms=terms)
    return Application.objects.get(pk=application.pk)


def submitted(user: User, loans: Sequence[Loan], **kwargs: object) -> Application:
    application = draft(user, loans, **kwargs)  # type: ignore[arg-type]
    return services.application_submit(application_id=application.pk, user=user, declared=True)


def offered(
    user: User, loans: Sequence[Loan], staff: User, *, terms: loanmath.OptionTerms = EXTENSION
) -> Application:
    """Submitted, then offered ``terms`` by ``staff`` (below the second-approval threshold)."""
    application = submitted(user, loans)
    services.offer_make(application_id=application.pk, staff=staff, terms=terms)
    return Application.objects.get(pk=application.pk)

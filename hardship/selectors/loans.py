"""The borrower's loans as hardship sees them: the ones they can apply for (`applicable_loans`, five
queries), an application's loans as restructuring starts from them (`application_loans`, three) and what
they repay us each month (`loan_repayments_with_us`)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.models import User
from borrowers.selectors import RestructureLoan, borrower_loan_cards, restructure_loans
from borrowers.selectors.lookups import borrower_loans_to_choose
from hardship.models import ApplicationLoan
from hardship.selectors.applications import ApplicationDetail
from loanmath import ZERO


@dataclass(frozen=True)
class ApplicableLoan:
    """One of the borrower's loans as the start page offers it."""

    id: int
    reference: str
    product_name: str
    owed: Decimal
    days_past_due: int
    can_apply: bool  # active, with something left to restructure
    open_application: str  # the reference of the open application it is in, or ""


def applicable_loans(*, user: User) -> tuple[ApplicableLoan, ...]:
    """The account's active loans, each with the open application it is already in (if any). Five
    queries."""
    ids = list(borrower_loans_to_choose(user=user).values_list("pk", flat=True))
    loans = restructure_loans(loan_ids=ids, user=user) if ids else ()
    open_in = dict(
        ApplicationLoan.objects.filter(loan_id__in=ids, is_open=True, application__user=user).values_list(
            "loan_id", "application__reference"
        )
    )
    return tuple(
        ApplicableLoan(
            id=loan.id,
            reference=loan.reference,
            product_name=loan.product_name,
            owed=loan.owed,
            days_past_due=loan.days_past_due,
            can_apply=loan.position is not None,
            open_application=open_in.get(loan.id, ""),
        )
        for loan in loans
        if loan.is_active
    )


def application_loans(*, application: ApplicationDetail) -> tuple[RestructureLoan, ...]:
    """The application's loans as restructuring starts from them. Three queries."""
    return restructure_loans(loan_ids=application.loan_ids)


def loan_repayments_with_us(*, user: User, today: date) -> Decimal | None:
    cards = [card for card in borrower_loan_cards(user=user, today=today) if card.is_active]
    return sum((card.next_due_amount for card in cards), ZERO) if cards else None

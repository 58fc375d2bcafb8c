"""A paid-off loan's settlement: when it was settled and what the borrower paid for it, from its ledger
(the loan page's panel and the printable confirmation)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.models import User
from borrowers.models import LedgerEntry, Loan
from borrowers.selectors.loans import LedgerLine, LoanFacts, ledger_lines, loan_facts
from loanmath import ZERO


@dataclass(frozen=True)
class Settlement:
    """A paid-off loan: when it was settled and what the borrower paid for it, from its ledger.

    Each part is minus the matching column of the loan's payment entries (payments are negative from the
    borrower's side), net of any reversal of a payment; money refunded because it was more than was owed
    never reaches the ledger, so it is not counted. Waivers are what the lender forgave, not paid.
    """

    reference: str
    product_name: str
    borrower_name: str
    customer_number: str
    principal_lent: Decimal
    disbursed_on: date
    settled_on: date  # the date of the payment that settled it
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalty: Decimal
    waived: Decimal
    payments: int

    @property
    def number(self) -> str:
        """The confirmation's own number, the same however often it is printed: JQ (结清), the loan and
        the day it was settled, so whoever is shown it can quote it back to us to check."""
        return f"JQ-{self.reference}-{self.settled_on:%Y%m%d}"

    @property
    def total_paid(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalty


def settlement_of(loan: LoanFacts, entries: Sequence[LedgerLine]) -> Settlement:
    """The settlement of a paid-off loan, from its ledger entries (in date order)."""
    paid = [e for e in entries if e.kind == LedgerEntry.Kind.PAYMENT]
    paid += [
        e
        for e in entries
        if e.kind == LedgerEntry.Kind.REVERSAL and e.reverses_kind == LedgerEntry.Kind.PAYMENT
    ]
    settled_on = max(
        (e.business_date for e in entries if e.kind == LedgerEntry.Kind.PAYMENT),
        default=loan.closed_through or loan.disbursed_on,
    )
    return Settlement(
        reference=loan.reference,
        product_name=loan.product_name,
        borrower_name=loan.borrower_name,
        customer_number=loan.customer_number,
        principal_lent=loan.principal,
        disbursed_on=loan.disbursed_on,
        settled_on=settled_on,
        principal=-sum((e.principal for e in paid), ZERO),
        interest=-sum((e.interest for e in paid), ZERO),
        fees=-sum((e.fees for e in paid), ZERO),
        penalty=-sum((e.penalty for e in paid), ZERO),
        waived=-sum((e.total for e in entries if e.kind == LedgerEntry.Kind.WAIVER), ZERO),
        payments=len({e.payment_id for e in entries if e.kind == LedgerEntry.Kind.PAYMENT}),
    )


def borrower_settlement(*, user: User, reference: str) -> Settlement | None:
    """The settlement confirmation of one of the signed-in borrower's loans; None unless that loan is
    theirs and paid off. Two queries."""
    loan = (
        Loan.objects.filter(borrower__user=user, reference=reference.upper(), status=Loan.Status.PAID_OFF)
        .select_related("product", "borrower")
        .first()
    )
    if loan is None:
        return None
    return settlement_of(loan_facts(loan), ledger_lines(loan_id=loan.pk))

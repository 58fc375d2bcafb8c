"""The borrower's active loans as the repayment planner needs them ("my loans together")."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.models import User
from borrowers.selectors.cards import card_figures
from borrowers.selectors.loans import borrower_loan_infos
from loanmath import ZERO


@dataclass(frozen=True)
class DebtRow:
    """An open loan as the planner needs it: what is owed now, its rate, its regular payment."""

    reference: str
    product_name: str
    balance: Decimal
    annual_rate: Decimal
    minimum_payment: Decimal
    remaining_instalments: int


def borrower_debts(*, user: User, today: date) -> list[DebtRow]:
    """The borrower's active loans, for planning them together. Three queries, whatever the count."""
    rows = []
    for info in borrower_loan_infos(user=user):
        if not info.loan.is_active:
            continue
        card = card_figures(info, today).card
        open_instalments = [i for i in info.instalments if not i.is_settled]
        upcoming = [i for i in open_instalments if i.due_date > today]
        regular = upcoming[0] if upcoming else (open_instalments[-1] if open_instalments else None)
        rows.append(
            DebtRow(
                reference=info.loan.reference,
                product_name=info.loan.product_name,
                balance=card.outstanding,
                annual_rate=info.loan.annual_rate,
                minimum_payment=min(regular.principal + regular.interest, card.outstanding)
                if regular
                else ZERO,
                remaining_instalments=len(open_instalments),
            )
        )
    return rows


def borrower_debts_due(*, user: User, today: date) -> dict[str, tuple[Decimal, tuple[date, ...]]]:
    """For the planner, by reference: each active loan's amount due now (overdue instalments with their
    charges, as its card shows) and the due dates still to come. Three queries, whatever the count."""
    due = {}
    for info in borrower_loan_infos(user=user):
        if info.loan.is_active:
            upcoming = (i.due_date for i in info.instalments if i.due_date > today and not i.is_settled)
            due[info.loan.reference] = (card_figures(info, today).card.amount_due_today, tuple(upcoming))
    return due

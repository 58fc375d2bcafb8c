"""What changes when staff change an overdue policy's terms, or a product's policy."""

from django.db import transaction
from django.db.models import OuterRef, Subquery

from borrowers.models import Instalment, Loan
from loanmath import ZERO


def penalty_periods_restart(*, policy_id: int | None = None, product_id: int | None = None) -> int:
    """A policy's terms (or a product's policy) changed: every penalty accrual period under way ends at its
    loan's last closed day and a new one starts there, so new terms apply from the next day on and never
    reach back over days already charged. One set-based UPDATE; returns the number of instalments.

    Not durable: the admin calls it inside its change transaction, so the new terms and the restart
    commit together (or neither does)."""
    instalments = Instalment.objects.filter(
        loan__status=Loan.Status.ACTIVE, penalty_period_start__isnull=False
    )
    if policy_id is not None:
        instalments = instalments.filter(loan__product__overdue_policy_id=policy_id)
    if product_id is not None:
        instalments = instalments.filter(loan__product_id=product_id)
    closed_through = Loan.objects.filter(pk=OuterRef("loan_id")).values("closed_through")[:1]
    with transaction.atomic():
        return instalments.update(penalty_period_start=Subquery(closed_through), penalty_period_formula=ZERO)

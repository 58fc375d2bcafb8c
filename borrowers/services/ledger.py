"""One locked loan's ledger: the steps close of business and payments share.

Internal to borrowers.services. Every function here assumes its caller holds the transaction and has
locked the loan with `loan_lock`; the cached balances on Loan and Instalment change only together with
the ledger entries that explain them.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

import loanmath
from borrowers.models import Instalment, LedgerEntry, Loan

INSTALMENT_CACHE_FIELDS = [
    "interest",
    "interest_billed",
    "principal_paid",
    "interest_paid",
    "fees_charged",
    "fees_paid",
    "penalty_charged",
    "penalty_paid",
    "penalty_period_start",
    "penalty_period_formula",
]
LOAN_CACHE_FIELDS = [
    "principal_balance",
    "interest_balance",
    "fee_balance",
    "penalty_balance",
    "days_past_due",
    "bucket",
    "closed_through",
    "status",
]


def loan_lock(loan_id: int) -> tuple[Loan, list[Instalment]]:
    """The loan and its instalments, row-locked until the transaction ends (loan first, always)."""
    loan = (
        Loan.objects.select_for_update(of=("self",)).select_related("product__overdue_policy").get(pk=loan_id)
    )
    instalments = list(Instalment.objects.filter(loan=loan).order_by("number").select_for_update())
    return loan, instalments


def entry_post(
    loan: Loan,
    inst: Instalment | None,
    kind: str,
    day: date,
    *,
    basis: dict[str, str | int] | None = None,
    **amounts: Decimal,
) -> int:
    """Write one job entry, unless its idempotency key exists (then write nothing). Returns 1 or 0."""
    if not any(amounts.values()):
        return 0
    try:
        with transaction.atomic():
            LedgerEntry.objects.create(
                loan=loan, instalment=inst, kind=kind, business_date=day, basis=basis or {}, **amounts
            )
    except IntegrityError:
        return 0
    return 1


def loan_classify(loan: Loan, instalments: Sequence[Instalment], day: date) -> None:
    """Days past due, bucket and paid-off status as of `day` (on the objects; `loan_cache_save` writes)."""
    overdue = [i.due_date for i in instalments if i.due_date < day and not i.is_settled]
    loan.days_past_due = loanmath.days_past_due(due_date=min(overdue), on=day) if overdue else 0
    loan.bucket = loanmath.overdue_bucket(loan.days_past_due).value
    if loan.total_balance == 0 and all(i.is_settled for i in instalments):
        loan.status = Loan.Status.PAID_OFF


def loan_cache_save(loan: Loan, instalments: list[Instalment]) -> None:
    """Write the cached balances of the loan and its instalments, in the ledger entries' transaction."""
    Instalment.objects.bulk_update(instalments, INSTALMENT_CACHE_FIELDS)
    loan.save(update_fields=LOAN_CACHE_FIELDS)

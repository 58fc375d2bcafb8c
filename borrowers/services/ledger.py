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

# What is written back with the entries: the caches, the penalty period under way, the interest of the
# periods not yet begun (worked out again after an early repayment) and the loan's paid-off status.
INSTALMENT_CACHE_FIELDS = [
    "interest",
    *Instalment.LEDGER_TOTALS,
    "penalty_period_start",
    "penalty_period_formula",
]
LOAN_CACHE_FIELDS = [*Loan.LEDGER_CACHE, "status"]


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


def charge_post(
    loan: Loan,
    inst: Instalment,
    kind: str,
    day: date,
    *,
    basis: dict[str, str | int] | None = None,
    interest: Decimal = loanmath.ZERO,
    fees: Decimal = loanmath.ZERO,
    penalty: Decimal = loanmath.ZERO,
) -> int:
    """Write one charge (interest falling due, a late fee, penalty interest) and add it to the caches it
    explains: the instalment's charged amount and the loan's balance. An entry already written (its
    idempotency key exists) changes nothing, so nothing is counted twice. Returns 1 or 0."""
    if not entry_post(loan, inst, kind, day, basis=basis, interest=interest, fees=fees, penalty=penalty):
        return 0
    inst.interest_billed += interest
    loan.interest_balance += interest
    inst.fees_charged += fees
    loan.fee_balance += fees
    inst.penalty_charged += penalty
    loan.penalty_balance += penalty
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

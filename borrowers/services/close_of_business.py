"""Close of business: a loan's charges and classification brought up to a business date (the
conventions are in the package notes, borrowers.services)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet

import loanmath
from borrowers.models import Instalment, LedgerEntry, Loan
from borrowers.positions import loan_position, policy_for_loanmath
from borrowers.services.ledger import charge_post, loan_cache_save, loan_classify, loan_lock


@dataclass(frozen=True)
class CloseResult:
    loan_id: int
    days_closed: int
    entries_written: int


def _basis(charge: loanmath.ChargeExplanation) -> dict[str, str | int]:
    return {
        "base": str(charge.base),
        "rate": str(charge.rate),
        "flat": str(charge.flat),
        "start": charge.start.isoformat(),
        "days_in_year": charge.days_in_year,
        "trimmed_by_cap": str(charge.trimmed_by_cap),
    }


def _close_one_day(
    loan: Loan, instalments: list[Instalment], policy: loanmath.OverduePolicy, day: date
) -> int:
    written = 0
    # 1. Contract interest falls due on the due date (never for an instalment whose principal is repaid).
    for inst in instalments:
        if inst.due_date == day and inst.principal_unpaid > 0 and inst.interest_billed < inst.interest:
            amount = inst.interest - inst.interest_billed
            written += charge_post(loan, inst, LedgerEntry.Kind.INTEREST_DUE, inst.due_date, interest=amount)
    # 2. Lateness: whatever loanmath's projection adds between yesterday and today is today's charge.
    position = loan_position(loan, instalments)
    projection = loanmath.project_amount_due(position=position, policy=policy, on=day)
    by_number = {inst.number: inst for inst in instalments}
    basis = {(c.instalment_number, c.kind): _basis(c) for c in projection.charges}
    for line in projection.instalments:
        inst = by_number[line.number]
        fee_basis = basis.get((line.number, loanmath.ChargeKind.LATE_FEE), {})
        written += charge_post(
            loan, inst, LedgerEntry.Kind.LATE_FEE, day, basis=fee_basis, fees=line.new_fees
        )
        penalty_basis = basis.get((line.number, loanmath.ChargeKind.PENALTY_INTEREST), {})
        written += charge_post(
            loan, inst, LedgerEntry.Kind.PENALTY_INTEREST, day, basis=penalty_basis, penalty=line.new_penalty
        )
    for charge in projection.charges:
        if charge.kind is loanmath.ChargeKind.PENALTY_INTEREST:
            inst = by_number[charge.instalment_number]
            inst.penalty_period_start = charge.start
            inst.penalty_period_formula += charge.formula_amount
    loan.closed_through = day
    loan_classify(loan, instalments, day)
    return written


def loan_close_through(loan: Loan, instalments: list[Instalment], business_date: date) -> int:
    """Close each day after the loan's last closed one through `business_date`, on a loan locked by the
    caller (close of business, or a payment bringing charges up to its date). Returns entries written."""
    policy = policy_for_loanmath(loan.product.overdue_policy)
    written = 0
    day = (loan.closed_through or loan.disbursed_on) + timedelta(days=1)
    while day <= business_date and loan.status == Loan.Status.ACTIVE:
        written += _close_one_day(loan, instalments, policy, day)
        day += timedelta(days=1)
    return written


def _close(loan_id: int, business_date: date) -> CloseResult:
    """One loan's close, inside the caller's transaction."""
    loan, instalments = loan_lock(loan_id)
    before = loan.closed_through
    written = loan_close_through(loan, instalments, business_date)
    loan_cache_save(loan, instalments)
    days = (loan.closed_through - before).days if loan.closed_through and before else 0
    return CloseResult(loan_id=loan_id, days_closed=max(days, 0), entries_written=written)


def loan_close_business(*, loan_id: int, business_date: date) -> CloseResult:
    """Bring one loan's charges and classification up to `business_date`, catching up missed days.

    Idempotent: a day already closed is skipped, and each entry's key is unique in the database. Not
    durable: the demo seeds loans, payments and closes in one transaction.
    """
    with transaction.atomic():
        return _close(loan_id, business_date)


def loans_for_close(business_date: date) -> QuerySet[Loan]:
    """Active loans not yet closed through `business_date`, in id order (for chunking)."""
    return Loan.objects.filter(status=Loan.Status.ACTIVE, closed_through__lt=business_date).order_by("pk")


def loans_close_business_chunk(*, loan_ids: Sequence[int], business_date: date) -> list[CloseResult]:
    """Close a chunk of loans, each in its own transaction: one loan's failure neither blocks nor undoes
    the others, and a rerun of the chunk adds nothing for the loans already closed. Each is durable, so
    a caller that wrapped the chunk in a transaction (making it all or nothing) is refused at once."""
    results = []
    for loan_id in loan_ids:
        with transaction.atomic(durable=True):
            results.append(_close(loan_id, business_date))
    return results

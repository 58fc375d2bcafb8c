"""Close of business: a loan's charges and classification brought up to a business date (the
conventions are in the package notes, borrowers.services)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

import loanmath
from borrowers.models import LedgerEntry, Loan
from borrowers.positions import loan_position, policy_for_loanmath
from borrowers.services.ledger import LoanBook, charge_post, loan_book_save, loan_classify, loan_lock


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


def _close_one_day(book: LoanBook, policy: loanmath.OverduePolicy, day: date) -> int:
    """Close one day of a locked loan in memory, by loanmath's projection of the day (the one
    definition of the rules): the position is taken before the day's interest falls due, so that
    interest is counted against the cost cap once, by the projection, exactly as a borrower was told."""
    loan, instalments = book.loan, book.instalments
    projection = loanmath.project_amount_due(position=loan_position(loan, instalments), policy=policy, on=day)
    written = 0
    by_number = {inst.number: inst for inst in instalments}
    # 1. Contract interest falls due on the due date, whatever the instalment's principal (an
    # interest-only instalment has none scheduled). What the cost cap forgoes comes off the schedule.
    for line in projection.instalments:
        if line.due_date != day or not (line.new_interest or line.interest_forgone):
            continue
        inst = by_number[line.number]
        inst.interest -= line.interest_forgone
        trimmed: dict[str, str | int] | None = (
            {"trimmed_by_cap": str(line.interest_forgone)} if line.interest_forgone else None
        )
        written += charge_post(
            book, inst, LedgerEntry.Kind.INTEREST_DUE, day, basis=trimmed, interest=line.new_interest
        )
    # 2. Lateness: whatever the projection adds between yesterday and today is today's charge.
    basis = {(c.instalment_number, c.kind): _basis(c) for c in projection.charges}
    for line in projection.instalments:
        inst = by_number[line.number]
        fee_basis = basis.get((line.number, loanmath.ChargeKind.LATE_FEE), {})
        written += charge_post(
            book, inst, LedgerEntry.Kind.LATE_FEE, day, basis=fee_basis, fees=line.new_fees
        )
        penalty_basis = basis.get((line.number, loanmath.ChargeKind.PENALTY_INTEREST), {})
        written += charge_post(
            book, inst, LedgerEntry.Kind.PENALTY_INTEREST, day, basis=penalty_basis, penalty=line.new_penalty
        )
    for number, start, formula in projection.penalty_periods:
        inst = by_number[number]
        inst.penalty_period_start = start
        inst.penalty_period_formula = formula
    loan.closed_through = day
    loan_classify(book, day)
    return written


def loan_close_through(book: LoanBook, business_date: date) -> int:
    """Close each day after the loan's last closed one through `business_date`, on a loan locked by the
    caller (close of business, or a payment bringing charges up to its date), in memory: the caller's
    `loan_book_save` writes it all at once. Returns the charges added.

    This per-loan path is the reference: the set-based close of a chunk (borrowers.services.bulk_close)
    must write the same ledger, entry for entry, and a differential test holds it to that."""
    loan = book.loan
    policy = policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate)
    written = 0
    day = (loan.closed_through or loan.disbursed_on) + timedelta(days=1)
    while day <= business_date and loan.status == Loan.Status.ACTIVE:
        written += _close_one_day(book, policy, day)
        day += timedelta(days=1)
    return written


def _close(loan_id: int, business_date: date) -> CloseResult:
    """One loan's close, inside the caller's transaction."""
    book = loan_lock(loan_id)
    before = book.loan.closed_through
    loan_close_through(book, business_date)
    written = loan_book_save(book)
    after = book.loan.closed_through
    days = (after - before).days if after and before else 0
    return CloseResult(loan_id=loan_id, days_closed=max(days, 0), entries_written=written)


def loan_close_business(*, loan_id: int, business_date: date) -> CloseResult:
    """Bring one loan's charges and classification up to `business_date`, catching up missed days.

    Idempotent: a day already closed is skipped, and each entry's key is unique in the database. Not
    durable: the demo seeds loans, payments and closes in one transaction.
    """
    with transaction.atomic():
        return _close(loan_id, business_date)

"""One locked loan's ledger: the steps close of business and payments share.

Internal to borrowers.services. A `LoanBook` is a loan and its instalments row-locked by `loan_lock`
until the caller's transaction ends; charges are added to it in memory (entries and the caches they
explain, together) and `loan_book_save` writes them in a fixed number of queries, whatever the number of
days closed: a loan 300 days behind is one pass, not 300 round trips.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import loanmath
from borrowers.models import Instalment, LedgerEntry, Loan, LoanBucketSpell, Payment

# What is written back with the entries: the caches, the penalty period under way, the interest of the
# periods not yet begun (worked out again after an early repayment) and the loan's paid-off status.
INSTALMENT_CACHE_FIELDS = [
    "interest",
    *Instalment.LEDGER_TOTALS,
    "penalty_period_start",
    "penalty_period_formula",
]
LOAN_CACHE_FIELDS = [*Loan.LEDGER_CACHE, "status"]


@dataclass
class LoanBook:
    """A locked loan, its instalments, and what is still to be written: new charge entries and bucket
    moves (the day and the bucket entered)."""

    loan: Loan
    instalments: list[Instalment]
    entries: list[LedgerEntry] = field(default_factory=list)
    bucket_moves: list[tuple[date, str]] = field(default_factory=list)


def loan_lock(loan_id: int) -> LoanBook:
    """The loan and its instalments, row-locked until the transaction ends (loan first, always)."""
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("product__overdue_policy")
        .prefetch_related("product__overdue_policy__milestones")
        .get(pk=loan_id)
    )
    instalments = list(Instalment.objects.filter(loan=loan).order_by("number").select_for_update())
    return LoanBook(loan=loan, instalments=instalments)


def charge_post(
    book: LoanBook,
    inst: Instalment,
    kind: str,
    day: date,
    *,
    basis: dict[str, str | int] | None = None,
    interest: Decimal = loanmath.ZERO,
    fees: Decimal = loanmath.ZERO,
    penalty: Decimal = loanmath.ZERO,
) -> int:
    """Add one charge (interest falling due, a late fee, penalty interest) and the caches it explains:
    the instalment's charged amount and the loan's balance. Nothing for a zero charge. Returns 1 or 0.

    The entry is written by `loan_book_save`. Its idempotency key (loan, kind, date, instalment) is unique
    in the database; because the loan is locked and only days after `closed_through` are charged, a key
    can only exist already if the caches disagree with the ledger, and then the insert fails and the
    whole transaction is undone rather than count a charge twice."""
    if not entry_add(book, inst, kind, day, basis=basis, interest=interest, fees=fees, penalty=penalty):
        return 0
    inst.interest_billed += interest
    inst.fees_charged += fees
    inst.penalty_charged += penalty
    return 1


def entry_add(
    book: LoanBook,
    inst: Instalment,
    kind: str,
    day: date,
    *,
    principal: Decimal = loanmath.ZERO,
    interest: Decimal = loanmath.ZERO,
    fees: Decimal = loanmath.ZERO,
    penalty: Decimal = loanmath.ZERO,
    payment: Payment | None = None,
    basis: dict[str, str | int] | None = None,
    note: str = "",
) -> bool:
    """Add one entry (amounts signed from the borrower's side) and move the loan's balances by it; the
    caller moves the instalment's own totals, which differ by kind (charged, paid, moved). Nothing for an
    all-zero entry; returns whether one was added. Written by `loan_book_save`."""
    if not (principal or interest or fees or penalty):
        return False
    book.entries.append(
        LedgerEntry(
            loan=book.loan,
            instalment=inst,
            kind=kind,
            business_date=day,
            payment=payment,
            basis=basis or {},
            note=note,
            principal=principal,
            interest=interest,
            fees=fees,
            penalty=penalty,
        )
    )
    loan = book.loan
    loan.principal_balance += principal
    loan.interest_balance += interest
    loan.fee_balance += fees
    loan.penalty_balance += penalty
    return True


def loan_classify(book: LoanBook, day: date) -> None:
    """Days past due, bucket and paid-off status as of `day` (on the objects; `loan_book_save` writes)."""
    loan, instalments = book.loan, book.instalments
    overdue = [i.due_date for i in instalments if i.due_date < day and not i.is_settled]
    loan.days_past_due = loanmath.days_past_due(due_date=min(overdue), on=day) if overdue else 0
    bucket = loanmath.overdue_bucket(loan.days_past_due).value
    if bucket != loan.bucket:
        book.bucket_moves.append((day, bucket))
        loan.bucket = bucket
    if loan.total_balance == 0 and all(i.is_settled for i in instalments):
        loan.status = Loan.Status.PAID_OFF


def loan_book_save(book: LoanBook) -> int:
    """Write the new entries, the bucket history and the cached balances of the loan and its instalments,
    in the caller's transaction. Returns the entries written."""
    written = len(book.entries)
    if book.entries:
        LedgerEntry.objects.bulk_create(book.entries)
        book.entries = []
    _bucket_history_save(book.loan, book.bucket_moves)
    book.bucket_moves = []
    Instalment.objects.bulk_update(book.instalments, INSTALMENT_CACHE_FIELDS)
    book.loan.save(update_fields=LOAN_CACHE_FIELDS)
    return written


def _bucket_history_save(loan: Loan, moves: Sequence[tuple[date, str]]) -> None:
    """Close the loan's open spell and open one per move; a loan paid off ends its last spell."""
    if moves:
        spells = [LoanBucketSpell(loan=loan, bucket=bucket, entered_on=day) for day, bucket in moves]
        for spell, (next_day, _bucket) in zip(spells, moves[1:], strict=False):
            spell.left_on = next_day
        LoanBucketSpell.objects.filter(loan=loan, left_on__isnull=True).update(left_on=moves[0][0])
        if loan.status == Loan.Status.PAID_OFF:
            spells[-1].left_on = loan.closed_through or moves[-1][0]
        LoanBucketSpell.objects.bulk_create(spells)
    elif loan.status == Loan.Status.PAID_OFF:
        LoanBucketSpell.objects.filter(loan=loan, left_on__isnull=True).update(
            left_on=loan.closed_through or loan.disbursed_on
        )

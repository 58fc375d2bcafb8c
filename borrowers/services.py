"""Writes to the borrower's money. Every entry point is one transaction that locks the loan row first.

Conventions (the ones a borrower and an auditor need to know):

* Close of business for business date D runs at the start of D (just after midnight in the lender's
  time zone). It bills the contract interest of instalments due on D, charges a late fee on the first
  day after grace, and accrues one more day of penalty interest on each overdue instalment's unpaid
  principal as it stands at the start of D. So a payment made on D stops penalty interest from D + 1.
* Recording a payment first brings the loan's charges up to the payment date (close of business
  through that day), then applies the money by the loanmath waterfall. A payment may not be dated
  before the last closed day, nor after today: those need a manual correction.
* Penalty interest is rounded once per accrual period (a run of days on which the overdue principal
  does not change); each close posts "period-to-date minus what was already posted", so the ledger and
  the borrower's projection agree to the cent.
* Every amount the job posts carries an idempotency key (loan, kind, business date, instalment),
  unique in the database: running close of business again adds nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

import loanmath
from borrowers.identity import national_id_hash, national_id_normalize
from borrowers.models import (
    BorrowerProfile,
    Instalment,
    LedgerEntry,
    Loan,
    LoanProduct,
    Payment,
)
from borrowers.positions import charges_to_date, loan_position, open_items, policy_for_loanmath
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.services import audit_record

__all__ = [
    "charges_to_date",
    "loan_position",
    "national_id_hash",
    "national_id_normalize",
    "open_items",
    "policy_for_loanmath",
]

ZERO = Decimal("0.00")


# identity and positions live in borrowers.identity and borrowers.positions (re-exported here).


# --- creating a loan ---------------------------------------------------------------------------


def loan_create(
    *,
    reference: str,
    borrower: BorrowerProfile,
    product: LoanProduct,
    principal: Decimal,
    disbursed_on: date,
    first_due_date: date | None = None,
    annual_rate: Decimal | None = None,
    term_months: int | None = None,
) -> Loan:
    """Book a disbursed loan: its schedule from loanmath, and the disbursement in the ledger."""
    rate = product.annual_rate if annual_rate is None else annual_rate
    months = product.term_months if term_months is None else term_months
    first_due = first_due_date or loanmath.add_months(disbursed_on, 1)
    if first_due <= disbursed_on:
        raise ApplicationError(_("The first due date must be after the disbursement date."))
    try:
        schedule = loanmath.build_schedule(
            loanmath.LoanTerms(
                principal=principal,
                annual_rate=rate,
                months=months,
                first_due_date=first_due,
                method=loanmath.RepaymentMethod(product.method),
            )
        )
    except loanmath.LoanMathError as exc:
        raise ApplicationError(_("These loan terms are not valid: %(reason)s") % {"reason": exc}) from exc
    with transaction.atomic():
        if Loan.objects.filter(reference=reference).exists():
            raise ApplicationError(
                _("A loan with reference %(reference)s already exists.") % {"reference": reference}
            )
        loan = Loan.objects.create(
            reference=reference,
            borrower=borrower,
            product=product,
            principal=schedule.total_principal,
            annual_rate=rate,
            term_months=months,
            method=product.method,
            disbursed_on=disbursed_on,
            first_due_date=first_due,
            principal_balance=schedule.total_principal,
            closed_through=disbursed_on,
        )
        Instalment.objects.bulk_create(
            Instalment(
                loan=loan,
                number=line.number,
                due_date=line.due_date,
                principal=line.principal,
                interest=line.interest,
            )
            for line in schedule.instalments
        )
        LedgerEntry.objects.create(
            loan=loan,
            kind=LedgerEntry.Kind.DISBURSEMENT,
            business_date=disbursed_on,
            principal=schedule.total_principal,
        )
    return loan


# --- close of business -------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseResult:
    loan_id: int
    days_closed: int
    entries_written: int


def _locked_loan(loan_id: int) -> tuple[Loan, list[Instalment]]:
    loan = (
        Loan.objects.select_for_update(of=("self",)).select_related("product__overdue_policy").get(pk=loan_id)
    )
    instalments = list(Instalment.objects.filter(loan=loan).order_by("number").select_for_update())
    return loan, instalments


def _basis(charge: loanmath.ChargeExplanation) -> dict[str, str | int]:
    return {
        "base": str(charge.base),
        "rate": str(charge.rate),
        "flat": str(charge.flat),
        "start": charge.start.isoformat(),
        "days_in_year": charge.days_in_year,
        "trimmed_by_cap": str(charge.trimmed_by_cap),
    }


def _post(
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


def _close_one_day(
    loan: Loan, instalments: list[Instalment], policy: loanmath.OverduePolicy, day: date
) -> int:
    written = 0
    # 1. Contract interest falls due on the due date (never for an instalment whose principal is repaid).
    for inst in instalments:
        if inst.due_date == day and inst.principal_unpaid > 0 and inst.interest_billed < inst.interest:
            amount = inst.interest - inst.interest_billed
            if _post(loan, inst, LedgerEntry.Kind.INTEREST_DUE, inst.due_date, interest=amount):
                inst.interest_billed += amount
                loan.interest_balance += amount
                written += 1
    # 2. Lateness: whatever loanmath's projection adds between yesterday and today is today's charge.
    position = loan_position(loan, instalments)
    projection = loanmath.project_amount_due(position=position, policy=policy, on=day)
    by_number = {inst.number: inst for inst in instalments}
    basis = {(c.instalment_number, c.kind): _basis(c) for c in projection.charges}
    for line in projection.instalments:
        inst = by_number[line.number]
        fee_basis = basis.get((line.number, loanmath.ChargeKind.LATE_FEE), {})
        if line.new_fees and _post(
            loan, inst, LedgerEntry.Kind.LATE_FEE, day, basis=fee_basis, fees=line.new_fees
        ):
            inst.fees_charged += line.new_fees
            loan.fee_balance += line.new_fees
            written += 1
        penalty_basis = basis.get((line.number, loanmath.ChargeKind.PENALTY_INTEREST), {})
        if line.new_penalty and _post(
            loan, inst, LedgerEntry.Kind.PENALTY_INTEREST, day, basis=penalty_basis, penalty=line.new_penalty
        ):
            inst.penalty_charged += line.new_penalty
            loan.penalty_balance += line.new_penalty
            written += 1
    for charge in projection.charges:
        if charge.kind is loanmath.ChargeKind.PENALTY_INTEREST:
            inst = by_number[charge.instalment_number]
            inst.penalty_period_start = charge.start
            inst.penalty_period_formula += charge.formula_amount
    loan.closed_through = day
    _classify(loan, instalments, day)
    return written


def _classify(loan: Loan, instalments: Sequence[Instalment], day: date) -> None:
    overdue = [i.due_date for i in instalments if i.due_date < day and not i.is_settled]
    loan.days_past_due = loanmath.days_past_due(due_date=min(overdue), on=day) if overdue else 0
    loan.bucket = loanmath.overdue_bucket(loan.days_past_due).value
    if loan.total_balance == 0 and all(i.is_settled for i in instalments):
        loan.status = Loan.Status.PAID_OFF


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


def _save(loan: Loan, instalments: list[Instalment]) -> None:
    Instalment.objects.bulk_update(instalments, INSTALMENT_CACHE_FIELDS)
    loan.save(update_fields=LOAN_CACHE_FIELDS)


def _close_through(loan: Loan, instalments: list[Instalment], business_date: date) -> int:
    policy = policy_for_loanmath(loan.product.overdue_policy)
    written = 0
    day = (loan.closed_through or loan.disbursed_on) + timedelta(days=1)
    while day <= business_date and loan.status == Loan.Status.ACTIVE:
        written += _close_one_day(loan, instalments, policy, day)
        day += timedelta(days=1)
    return written


def loan_close_business(*, loan_id: int, business_date: date) -> CloseResult:
    """Bring one loan's charges and classification up to `business_date`, catching up missed days.

    Idempotent: a day already closed is skipped, and each entry's key is unique in the database.
    """
    with transaction.atomic():
        loan, instalments = _locked_loan(loan_id)
        before = loan.closed_through
        written = _close_through(loan, instalments, business_date)
        _save(loan, instalments)
    days = (loan.closed_through - before).days if loan.closed_through and before else 0
    return CloseResult(loan_id=loan_id, days_closed=max(days, 0), entries_written=written)


# --- payments ----------------------------------------------------------------------------------


def payment_record(
    *,
    loan_id: int,
    receipt_number: str,
    amount: Decimal,
    paid_on: date,
    recorded_by: Any = None,
    source: str = "admin",
) -> Payment:
    """Record money received and allocate it by the waterfall (loanmath.allocate_payment).

    Refused with a clear message, changing nothing: a receipt number already recorded, an amount that
    is not a positive number of whole cents, a date in the future or before the loan's last closed day.
    """
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise ApplicationError(_("A receipt number is required."))
    if (
        not isinstance(amount, Decimal)
        or not amount.is_finite()
        or amount <= 0
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise ApplicationError(_("The amount must be more than zero, in yuan and whole fen (e.g. 1234.56)."))
    if amount >= Decimal("1000000000000"):
        raise ApplicationError(_("The amount is too large."))
    today = business_date_today()
    if paid_on > today:
        raise ApplicationError(_("A payment cannot be dated in the future."))
    with transaction.atomic():
        loan, instalments = _locked_loan(loan_id)
        if Payment.objects.filter(receipt_number=receipt_number).exists():
            raise ApplicationError(
                _("Receipt %(receipt)s has already been recorded; nothing was changed.")
                % {"receipt": receipt_number}
            )
        if loan.status != Loan.Status.ACTIVE:
            raise ApplicationError(
                _("Loan %(reference)s is paid off; it takes no more payments.")
                % {"reference": loan.reference}
            )
        if loan.closed_through and paid_on < loan.closed_through:
            raise ApplicationError(
                _(
                    "Loan %(reference)s is closed through %(closed)s; a payment dated %(paid_on)s needs "
                    "a manual correction."
                )
                % {"reference": loan.reference, "closed": loan.closed_through, "paid_on": paid_on}
            )
        _close_through(loan, instalments, paid_on)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    receipt_number=receipt_number,
                    loan=loan,
                    amount=amount,
                    paid_on=paid_on,
                    recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
                    source=source,
                )
        except IntegrityError as exc:
            # Two clerks recording the same receipt on two loans at once: the unique index decides.
            raise ApplicationError(
                _("Receipt %(receipt)s has already been recorded; nothing was changed.")
                % {"receipt": receipt_number}
            ) from exc
        _apply_payment(loan, instalments, payment)
        _classify(loan, instalments, paid_on)
        _save(loan, instalments)
        audit_record(
            action="payment.recorded",
            actor=recorded_by,
            target=payment,
            data={
                "loan": loan.reference,
                "amount": str(amount),
                "paid_on": paid_on.isoformat(),
                "source": source,
            },
        )
    return payment


def _apply_payment(loan: Loan, instalments: list[Instalment], payment: Payment) -> None:
    paid_on = payment.paid_on
    # What can be paid now: everything fallen due, and the current period's instalment in full (its
    # interest is billed when paid). Later instalments take principal only, by the product's rule.
    current = next((i for i in instalments if i.due_date > paid_on and not i.is_settled), None)
    payable = [i for i in instalments if i.due_date <= paid_on or i is current]
    future = [i for i in instalments if i.due_date > paid_on and i is not current and i.principal_unpaid > 0]
    allocation = loanmath.allocate_payment(
        amount=payment.amount,
        paid_on=paid_on,
        instalments=open_items(payable, as_of=paid_on),
        overpayment_handling=loanmath.OverpaymentHandling(loan.product.overpayment_handling),
        future_principal=[
            loanmath.FuturePrincipal(number=i.number, due_date=i.due_date, principal=i.principal_unpaid)
            for i in future
        ],
    )
    by_number = {inst.number: inst for inst in instalments}
    for line in allocation.lines:
        inst = by_number[line.instalment_number]
        if line.interest > inst.interest_unpaid:
            # Paying the current period's interest before its due date bills it now, under the key the
            # due-date close would use, so the close will not bill it again.
            early = inst.interest - inst.interest_billed
            if _post(loan, inst, LedgerEntry.Kind.INTEREST_DUE, inst.due_date, interest=early):
                inst.interest_billed += early
                loan.interest_balance += early
        _payment_line(
            loan,
            inst,
            payment,
            principal=line.principal,
            interest=line.interest,
            fees=line.fees,
            penalty=line.penalty,
        )
    for prepayment in allocation.prepayments:
        inst = by_number[prepayment.instalment_number]
        _payment_line(loan, inst, payment, principal=prepayment.principal)
    if allocation.prepayments:
        _reprice_future_interest(loan, instalments, after=current)
    # A change of overdue principal ends that instalment's penalty accrual period; the next one
    # starts after today (penalty for a day is on the principal owed at its start).
    principal_changed = {line.instalment_number for line in allocation.lines if line.principal}
    for inst in instalments:
        if inst.penalty_period_start is not None and inst.number in principal_changed:
            inst.penalty_period_start = paid_on
            inst.penalty_period_formula = ZERO
    if allocation.unapplied:
        payment.unapplied = allocation.unapplied
        payment.save(update_fields=["unapplied"])


def _reprice_future_interest(loan: Loan, instalments: list[Instalment], *, after: Instalment | None) -> None:
    """After principal is repaid early, the interest of every period not yet begun is worked out again on
    the principal really outstanding at its start: interest = balance × annual_rate / 12, half up to the
    fen, where balance = the unpaid principal of that instalment and all later ones (the rule the
    original schedule was built by, so with no prepayment nothing changes). The current period keeps its
    interest: it accrues on the balance at the period's start. Unbilled interest is not in the ledger, so
    this changes the schedule only; the old and new totals are audited."""
    later = [
        i for i in instalments if after is not None and i.due_date > after.due_date and i.interest_billed == 0
    ]
    before = sum((i.interest for i in later), ZERO)
    remaining = sum((i.principal_unpaid for i in later), ZERO)
    for inst in later:
        inst.interest = (
            loanmath.monthly_interest(balance=remaining, annual_rate=loan.annual_rate)
            if remaining > 0
            else ZERO
        )
        remaining -= inst.principal_unpaid
    after_total = sum((i.interest for i in later), ZERO)
    if after_total != before:
        audit_record(
            action="loan.interest_repriced",
            target=loan,
            data={"reason": "prepayment", "future_interest_before": str(before), "after": str(after_total)},
        )


def _payment_line(
    loan: Loan,
    inst: Instalment,
    payment: Payment,
    *,
    principal: Decimal = ZERO,
    interest: Decimal = ZERO,
    fees: Decimal = ZERO,
    penalty: Decimal = ZERO,
) -> None:
    if not (principal or interest or fees or penalty):
        return
    LedgerEntry.objects.create(
        loan=loan,
        instalment=inst,
        kind=LedgerEntry.Kind.PAYMENT,
        business_date=payment.paid_on,
        payment=payment,
        principal=-principal,
        interest=-interest,
        fees=-fees,
        penalty=-penalty,
    )
    inst.principal_paid += principal
    inst.interest_paid += interest
    inst.fees_paid += fees
    inst.penalty_paid += penalty
    loan.principal_balance -= principal
    loan.interest_balance -= interest
    loan.fee_balance -= fees
    loan.penalty_balance -= penalty


# --- linking a loan to an account: borrowers/services_link.py -----------------------------------


def loans_for_close(business_date: date) -> QuerySet[Loan]:
    """Active loans not yet closed through `business_date`, in id order (for chunking)."""
    return Loan.objects.filter(status=Loan.Status.ACTIVE, closed_through__lt=business_date).order_by("pk")


def loans_close_business_chunk(*, loan_ids: Sequence[int], business_date: date) -> list[CloseResult]:
    """Close a chunk of loans, each in its own transaction: one loan's failure neither blocks nor undoes
    the others, and a rerun of the chunk adds nothing for the loans already closed."""
    return [loan_close_business(loan_id=loan_id, business_date=business_date) for loan_id in loan_ids]


def penalty_periods_restart(*, policy_id: int | None = None, product_id: int | None = None) -> int:
    """A policy's terms (or a product's policy) changed: every penalty accrual period under way ends at its
    loan's last closed day and a new one starts there, so new terms apply from the next day on and never
    reach back over days already charged. One set-based UPDATE; returns the number of instalments."""
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

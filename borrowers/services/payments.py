"""Recording a payment: charges brought up to its date, then the money applied by the loanmath
waterfall, and the interest of periods not yet begun repriced after an early repayment of principal."""

import dataclasses
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers.models import Instalment, LedgerEntry, Loan, Payment
from borrowers.positions import loan_position, open_items, policy_for_loanmath
from borrowers.services.close_of_business import loan_close_through
from borrowers.services.ledger import (
    LoanBook,
    charge_post,
    entry_add,
    loan_book_save,
    loan_classify,
    loan_lock,
)
from borrowers.services.promises import promise_payment_apply
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.services import audit_record
from loanmath import AMOUNT_MAX, CENT, ZERO


def _already_recorded(receipt_number: str) -> ApplicationError:
    return ApplicationError(
        _("Receipt %(receipt)s has already been recorded; nothing was changed.") % {"receipt": receipt_number}
    )


def payment_record(
    *,
    loan_id: int,
    receipt_number: str,
    amount: Decimal,
    paid_on: date,
    recorded_by: User | None = None,
    source: str = "admin",
) -> Payment:
    """Record money received and allocate it by the waterfall (loanmath.allocate_payment), and count it
    towards the loan's open promise to pay (kept once paid in full: borrowers.services.promises).

    Refused with a clear message, changing nothing: a receipt number already recorded, an amount that
    is not a positive number of whole cents, a date in the future or before the loan's last closed day.
    Writes its audit row, `payment.recorded`, in its transaction. Not durable: an import records every
    row of a file in its one transaction (all or nothing), and the demo seeds in one too.
    """
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise ApplicationError(_("A receipt number is required."))
    if (
        not isinstance(amount, Decimal)
        or not amount.is_finite()
        or amount <= 0
        or amount != amount.quantize(CENT)
    ):
        raise ApplicationError(_("The amount must be more than zero, in yuan and whole fen (e.g. 1234.56)."))
    if amount > AMOUNT_MAX:
        raise ApplicationError(_("The amount is too large."))
    today = business_date_today()
    if paid_on > today:
        raise ApplicationError(_("A payment cannot be dated in the future."))
    with transaction.atomic():
        book = loan_lock(loan_id)
        loan = book.loan
        if Payment.objects.filter(receipt_number=receipt_number).exists():
            raise _already_recorded(receipt_number)
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
        loan_close_through(book, paid_on)
        policy = policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    receipt_number=receipt_number,
                    loan=loan,
                    amount=amount,
                    paid_on=paid_on,
                    recorded_by=recorded_by,
                    source=source,
                    cost_cap_rate=policy.annual_cost_cap,
                )
        except IntegrityError as exc:
            # Two clerks recording the same receipt on two loans at once: the unique index decides.
            raise _already_recorded(receipt_number) from exc
        _apply_payment(book, payment, policy)
        _cost_cap_base_move(loan, payment, policy)
        loan_classify(book, paid_on)
        loan_book_save(book)
        promise_payment_apply(loan=loan, payment=payment)
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


def _cost_cap_base_move(loan: Loan, payment: Payment, policy: loanmath.OverduePolicy) -> None:
    """The cost cap's running base after the money kept (the amount less any refund) is paid."""
    loan.cost_cap_base = loanmath.cost_cap_base_after_payment(
        base=loan.cost_cap_base,
        base_on=loan.cost_cap_base_on,
        paid_on=payment.paid_on,
        amount=payment.amount - payment.unapplied,
        policy=policy,
    )
    loan.cost_cap_base_on = payment.paid_on


def _apply_payment(book: LoanBook, payment: Payment, policy: loanmath.OverduePolicy) -> None:
    loan, instalments = book.loan, book.instalments
    paid_on = payment.paid_on
    handling = loanmath.OverpaymentHandling(loan.product.overpayment_handling)
    # What can be paid now: everything fallen due. A product that prepays principal also takes the
    # current period's instalment in full (its interest is billed when paid), then later instalments'
    # principal only. A product that refunds takes only what has fallen due and refunds the rest, as
    # its name says: nothing is billed early.
    # The current period is the one paid_on falls in: the first instalment due after it. Once that is
    # settled (a second payment the same day), there is no current instalment to pay early: the next
    # period has not begun, so its interest is never billed early; the money goes to future principal.
    # (Instalments a restructuring replaced are history: settled, never a current period.)
    in_period = min(
        (i for i in instalments if i.due_date > paid_on and i.superseded_by_id is None),
        key=lambda i: (i.due_date, i.number),
        default=None,
    )
    current = (
        in_period
        if handling is loanmath.OverpaymentHandling.PREPAY_PRINCIPAL
        and in_period is not None
        and not in_period.is_settled
        else None
    )
    payable = [i for i in instalments if i.due_date <= paid_on or i is current]
    future = [i for i in instalments if i.due_date > paid_on and i is not current and i.principal_unpaid > 0]
    # Billing the current period's interest early is a charge like any other: only as much of it as the
    # cost cap leaves room for today may be asked (loanmath.early_interest_allowed, which the payoff
    # amount a borrower is shown uses too); the rest is forgone.
    today = loanmath.project_amount_due(position=loan_position(loan, instalments), policy=policy, on=paid_on)
    items = []
    early_allowed = ZERO  # of the current instalment's unbilled interest
    for item in open_items(payable, as_of=paid_on):
        if current is not None and item.number == current.number:
            allowed = loanmath.early_interest_allowed(today, item)
            item = dataclasses.replace(
                item, interest=allowed, unbilled_interest=allowed - (item.interest - item.unbilled_interest)
            )
            early_allowed = item.unbilled_interest
        items.append(item)
    # What a restructuring carried onto instalments not yet due is owed now: it is paid in turn, before
    # any principal is repaid early (loanmath.allocate_payment).
    for inst in instalments:
        if inst.due_date <= paid_on or inst is current or inst.superseded_by_id is not None:
            continue
        carried = inst.interest_unpaid + inst.fees_unpaid + inst.penalty_unpaid
        if carried > 0:
            items.append(
                loanmath.OpenInstalment(
                    number=inst.number,
                    due_date=inst.due_date,
                    interest=inst.interest_unpaid,
                    fees=inst.fees_unpaid,
                    penalty=inst.penalty_unpaid,
                )
            )
    allocation = loanmath.allocate_payment(
        amount=payment.amount,
        paid_on=paid_on,
        instalments=items,
        overpayment_handling=handling,
        future_principal=[
            loanmath.FuturePrincipal(number=i.number, due_date=i.due_date, principal=i.principal_unpaid)
            for i in future
        ],
    )
    by_number = {inst.number: inst for inst in instalments}
    paid: dict[int, list[Decimal]] = {}
    for line in allocation.lines:
        inst = by_number[line.instalment_number]
        if line.interest > inst.interest_unpaid:
            # Paying the current period's interest before its due date bills it now, under the key the
            # due-date close would use, so the close will not bill it again.
            unbilled = inst.interest - inst.interest_billed
            early = early_allowed
            inst.interest -= unbilled - early
            trimmed: dict[str, str | int] | None = (
                {"trimmed_by_cap": str(unbilled - early)} if unbilled > early else None
            )
            charge_post(
                book, inst, LedgerEntry.Kind.INTEREST_DUE, inst.due_date, basis=trimmed, interest=early
            )
        paid[line.instalment_number] = [line.principal, line.interest, line.fees, line.penalty]
    # One ledger line per instalment: an instalment not yet due can have both what a restructuring carried
    # onto it paid in turn and its principal repaid early.
    for prepayment in allocation.prepayments:
        paid.setdefault(prepayment.instalment_number, [ZERO, ZERO, ZERO, ZERO])[0] += prepayment.principal
    for number, (principal, interest, fees, penalty) in paid.items():
        _payment_line(
            book,
            by_number[number],
            payment,
            principal=principal,
            interest=interest,
            fees=fees,
            penalty=penalty,
        )
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
    fen, plus any interest the schedule fixed (a payment holiday's deferred interest, owed whatever is
    repaid) and any already fallen due on it (carried by a restructuring), where balance = the unpaid
    principal of that instalment and all later ones (the rule the original schedule was built by, so
    with no prepayment nothing changes). The current period keeps its interest: it accrues on the
    balance at the period's start. Unbilled interest is not in the ledger, so
    this changes the schedule only; the old and new totals are audited."""
    later = [
        i
        for i in instalments
        if after is not None and i.due_date > after.due_date and i.superseded_by_id is None
    ]
    before = sum((i.interest for i in later), ZERO)
    remaining = sum((i.principal_unpaid for i in later), ZERO)
    for inst in later:
        # What has fallen due already (interest a restructuring carried onto it) stays; so does what the
        # schedule fixed; the contract interest of the period is worked out again.
        inst.interest = (
            inst.interest_billed
            + inst.interest_fixed
            + (
                loanmath.monthly_interest(balance=remaining, annual_rate=loan.annual_rate)
                if remaining > 0
                else ZERO
            )
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
    book: LoanBook,
    inst: Instalment,
    payment: Payment,
    *,
    principal: Decimal = ZERO,
    interest: Decimal = ZERO,
    fees: Decimal = ZERO,
    penalty: Decimal = ZERO,
) -> None:
    entry_add(
        book,
        inst,
        LedgerEntry.Kind.PAYMENT,
        payment.paid_on,
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

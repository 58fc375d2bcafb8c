"""Promises to pay: made (by the borrower, or by staff on a call), settled by payments, broken by close of
business, cancelled by a restructuring. Every change writes an audit row on the promise (its history).

The rules of what may be promised are `borrowers.promise_rules` (the promise page reads the same). Making
one pauses the loan's reminders: `notifications.services.messages_cancel` cancels every reminder of the
loan still waiting to be sent, in the promise's transaction (so a reminder released a moment later sees
it cancelled, and a promise that fails cancels nothing); the daily selection (reminders) skips a loan with
an open promise, and picks it again once the promise is no longer open (kept, broken or cancelled).
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers import promise_rules
from borrowers.models import Instalment, Loan, Payment, PromiseToPay
from borrowers.positions import loan_position, policy_for_loanmath
from core.exceptions import ApplicationError
from core.models import AuditEvent
from core.services import audit_record
from core.templatetags.money import day as day_text
from core.templatetags.money import money
from loanmath import AMOUNT_MAX, CENT
from notifications.services import messages_cancel

Status = PromiseToPay.Status
AUDIT_BATCH = 1000


def loan_reminders_pause(*, reference: str) -> int:
    """Cancel the loan's reminders still waiting to be sent (scheduled or queued); returns how many."""
    return messages_cancel(topics=[reference], reason="promise")


def _valid_amount(amount: object) -> Decimal:
    if (
        not isinstance(amount, Decimal)
        or not amount.is_finite()
        or amount <= 0
        or amount != amount.quantize(CENT)
        or amount > AMOUNT_MAX
    ):
        raise ApplicationError(_("Enter the amount in yuan and whole fen, more than zero (e.g. 1234.56)."))
    return amount


def _authorise(actor: User, loan: Loan, source: str) -> None:
    if source not in PromiseToPay.Source.values:
        raise ApplicationError(_("A promise comes from the loan page, a reminder or a call."))
    if source == PromiseToPay.Source.PHONE:
        if not actor.is_staff:
            raise ApplicationError(_("Only staff record a promise made on a call."))
    elif loan.borrower.user_id != actor.pk:
        raise ApplicationError(_("Only the borrower can make a promise on their loan."))


def promise_make(
    *, actor: User, loan_id: int, amount: Decimal, pay_by: date, source: str, today: date
) -> PromiseToPay:
    """Record the promise to pay ``amount`` on the loan by ``pay_by``, made on business date ``today``, and
    pause the loan's reminders. Refused with a clear message, changing nothing: a loan that is not the
    actor's (or, on a call, an actor who is not staff), paid off or not overdue, an open promise already,
    an amount or a date outside `borrowers.promise_rules`, and (unless staff record it on a call) a
    borrower with too many broken promises. Not durable: staff record a call's outcome and the promise
    made on it in one transaction."""
    amount = _valid_amount(amount)
    with transaction.atomic():
        loan = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("product__overdue_policy", "borrower")
            .prefetch_related("product__overdue_policy__milestones")
            .filter(pk=loan_id)
            .first()
        )
        if loan is None:
            raise ApplicationError(_("There is no such loan."))
        _authorise(actor, loan, source)
        if loan.status != Loan.Status.ACTIVE:
            raise ApplicationError(_("This loan is paid off: there is nothing to promise."))
        current = PromiseToPay.objects.filter(loan=loan, status=Status.OPEN).first()
        if current is not None:
            raise ApplicationError(
                _("There is already a promise on this loan: %(amount)s by %(day)s.")
                % {"amount": money(current.amount), "day": day_text(current.pay_by)}
            )
        policy = policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate)
        instalments = list(Instalment.objects.filter(loan=loan).order_by("number"))
        bounds = promise_rules.promise_bounds(
            position=loan_position(loan, instalments),
            policy=policy,
            today=today,
            max_days=loan.product.overdue_policy.promise_max_days,
            refunds_overpayment=loan.product.overpayment_handling
            == loanmath.OverpaymentHandling.REFUND.value,
        )
        if not bounds.is_overdue:
            raise ApplicationError(
                _("This loan is not overdue, so there is nothing to promise: pay each instalment on time.")
            )
        refusal = promise_rules.amount_refusal(bounds, amount) or promise_rules.date_refusal(bounds, pay_by)
        if refusal:
            raise ApplicationError(refusal)
        broken = PromiseToPay.objects.filter(
            loan__borrower_id=loan.borrower_id,
            status=Status.BROKEN,
            closed_on__gte=promise_rules.broken_since(today),
        ).count()
        if source != PromiseToPay.Source.PHONE and promise_rules.too_many_broken(broken):
            raise ApplicationError(promise_rules.too_many_broken_message())
        try:
            with transaction.atomic():
                promise = PromiseToPay.objects.create(
                    loan=loan,
                    amount=amount,
                    pay_by=pay_by,
                    made_on=today,
                    made_by=actor,
                    source=source,
                )
        except IntegrityError as exc:  # two tabs at once: the partial unique index decides
            raise ApplicationError(_("There is already a promise on this loan.")) from exc
        audit_record(
            action="promise.made",
            actor=actor,
            target=promise,
            data={
                "loan": loan.reference,
                "amount": str(amount),
                "pay_by": pay_by.isoformat(),
                "source": source,
                "minimum": str(bounds.minimum),
                "broken_in_window": broken,
            },
        )
        loan_reminders_pause(reference=loan.reference)
    return promise


def promise_payment_apply(*, loan: Loan, payment: Payment) -> PromiseToPay | None:
    """A payment just recorded on the loan (inside `payment_record`'s transaction) counts towards its open
    promise: the money kept (the amount less any refund) is added to what was paid towards it, and the
    promise is kept once that reaches the amount. A loan repaid in full with less paid towards the promise
    (it cost less than promised) ends the promise as cancelled: nothing is left to pay."""
    promise = PromiseToPay.objects.select_for_update().filter(loan=loan, status=Status.OPEN).first()
    kept = payment.amount - payment.unapplied
    if promise is None or kept <= 0:
        return None
    promise.paid_towards += kept
    on = max(payment.paid_on, promise.made_on)
    action = "promise.paid_towards"
    if promise.paid_towards >= promise.amount:
        promise.status, promise.closed_on, action = Status.KEPT, on, "promise.kept"
    elif loan.status == Loan.Status.PAID_OFF:
        promise.status, promise.closed_on, action = Status.CANCELLED, on, "promise.cancelled"
    promise.save(update_fields=["paid_towards", "status", "closed_on"])
    audit_record(
        action=action,
        actor=payment.recorded_by,
        target=promise,
        data={
            "loan": loan.reference,
            "receipt": payment.receipt_number,
            "paid": str(kept),
            "paid_towards": str(promise.paid_towards),
            "amount": str(promise.amount),
            **({"reason": "paid_off"} if promise.status == Status.CANCELLED else {}),
        },
    )
    return promise


def promises_cancel(*, loan: Loan, on: date, reason: str, actor: User | None = None) -> bool:
    """End the loan's open promise as cancelled (its schedule was replaced); whether there was one."""
    promise = PromiseToPay.objects.select_for_update().filter(loan=loan, status=Status.OPEN).first()
    if promise is None:
        return False
    promise.status, promise.closed_on = Status.CANCELLED, max(on, promise.made_on)
    promise.save(update_fields=["status", "closed_on"])
    audit_record(
        action="promise.cancelled",
        actor=actor,
        target=promise,
        data={"loan": loan.reference, "reason": reason, "paid_towards": str(promise.paid_towards)},
    )
    return True


def promises_break(*, business_date: date) -> int:
    """Close of business begins ``business_date``: every promise still open whose date has passed
    (pay_by before it) is broken, closed on that date, set-based (a fixed number of queries whatever the
    count), each with its audit row. Idempotent: a promise broken already is not open. Returns how many."""
    due = PromiseToPay.objects.select_for_update().filter(status=Status.OPEN, pay_by__lt=business_date)
    rows = list(due.values_list("pk", "loan__reference", "amount", "paid_towards", "pay_by"))
    if not rows:
        return 0
    # The same rows: they are locked, and no promise made from now on can be dated before today.
    PromiseToPay.objects.filter(status=Status.OPEN, pay_by__lt=business_date).update(
        status=Status.BROKEN, closed_on=business_date
    )
    label = PromiseToPay._meta.label_lower
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                action="promise.broken",
                object_type=label,
                object_id=str(pk),
                data={
                    "loan": reference,
                    "amount": str(amount),
                    "paid_towards": str(paid),
                    "pay_by": pay_by.isoformat(),
                    "business_date": business_date.isoformat(),
                },
            )
            for pk, reference, amount, paid, pay_by in rows
        ),
        batch_size=AUDIT_BATCH,
    )
    return len(rows)

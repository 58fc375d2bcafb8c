"""Booking a loan: its schedule from loanmath, and the disbursement in the ledger."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers.models import BorrowerProfile, Instalment, LedgerEntry, Loan, LoanBucketSpell, LoanProduct
from core.exceptions import ApplicationError
from core.services import audit_record
from core.templatetags.money import money


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
    booked_by: User | None = None,
    request: HttpRequest | None = None,
) -> Loan:
    """Book a disbursed loan: its schedule from loanmath, and the disbursement in the ledger.

    Terms whose rounded payment does not amortise (loanmath.schedule: every instalment but the last must
    repay some principal) are refused with `non_amortising_message`: whether they do depends on the
    principal as well as the product's rate and term, so it is checked here, on each loan, and not on
    the product.

    A loan booked by hand (`booked_by`, from the admin) writes its own audit row, `loan.booked`, in the
    same transaction. A loan booked by an import writes none: the import's own rows account for the
    file, rather than one more row per loan.

    Not durable: an import books every row of a file in its one transaction (all or nothing), and the
    demo seeds in one too, so this joins the caller's transaction when there is one.
    """
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
    except loanmath.NonAmortisingTermsError as exc:
        raise ApplicationError(non_amortising_message(exc), code="non_amortising") from exc
    except loanmath.LoanMathError as exc:
        raise ApplicationError(_("These loan terms are not valid: %(reason)s") % {"reason": exc}) from exc
    if schedule.total_payment > loanmath.AMOUNT_MAX:
        # Principal plus interest must fit the ledger's money columns (found by the attack pass).
        raise ApplicationError(
            _("With these terms the loan would owe more than %(most)s in all, the most the ledger holds.")
            % {"most": f"¥{loanmath.AMOUNT_MAX:,}"}
        )
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
            cost_cap_base=schedule.total_principal,
            cost_cap_base_on=disbursed_on,
        )
        LoanBucketSpell.objects.create(loan=loan, bucket=loan.bucket, entered_on=disbursed_on)
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
        if booked_by is not None:
            audit_record(
                action="loan.booked",
                actor=booked_by,
                target=loan,
                data={"reference": loan.reference, "principal": str(loan.principal), "source": "admin"},
                request=request,
            )
    return loan


def non_amortising_message(error: "loanmath.NonAmortisingTermsError") -> str:
    """What staff read when a loan's rounded payment only covers the interest (a balloon in disguise)."""
    return _(
        "With these terms the loan is never paid down: the monthly payment of %(payment)s only covers the "
        "interest (%(interest)s in the first month), so no principal is repaid before the last instalment, "
        "which would be %(last)s. Choose a product with a shorter term or a lower rate."
    ) % {
        "payment": money(error.payment),
        "interest": money(error.interest),
        "last": money(error.last_payment),
    }

"""Applying a restructuring to a loan, and pausing its late fees and penalty interest (breathing space).

`loan_restructure` works the chosen option out with loanmath (`restructure_plan`, from the same
`positions.restructure_position` the borrower's preview came from) after bringing the loan's charges up to
today, then, in the caller's transaction:

1. writes a `Restructure` record with the loan's terms and open schedule before;
2. on each old open instalment: a WAIVER entry for the fees and penalty waived, then a RESTRUCTURE entry
   moving everything still unpaid off it (principal, interest fallen due, fees, penalty); its scheduled
   principal and interest become what was paid, so it is settled, and it is marked replaced (kept as
   history, with its payments);
3. creates the new instalments, each with a RESTRUCTURE entry bringing on its principal and what it
   carries (interest fallen due, fees, penalty) — so the loan's principal balance is unchanged and every
   other balance changes by exactly the waiver;
4. sets the loan's rate, term and pause from the plan, classifies it, cancels an open promise to pay
   (it was about the schedule replaced), writes the audit row.

Steps 2 and 3 are `schedule_replace`, which the due-day move (borrowers.services.due_day) shares.

One restructuring per application (`Restructure.source` is unique), so a second "accept" applies nothing.
"""

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers.models import Instalment, LedgerEntry, Loan, Restructure
from borrowers.positions import restructure_position
from borrowers.services.close_of_business import loan_close_through
from borrowers.services.ledger import LoanBook, entry_add, loan_book_save, loan_classify, loan_lock
from borrowers.services.promises import promises_cancel
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.services import audit_record
from loanmath import ZERO

_METHOD_AFTER = {
    loanmath.OptionKind.EXTENSION: loanmath.RepaymentMethod.EQUAL_INSTALMENT,
    loanmath.OptionKind.HOLIDAY: loanmath.RepaymentMethod.EQUAL_INSTALMENT,
    loanmath.OptionKind.LOWER_RATE: loanmath.RepaymentMethod.EQUAL_INSTALMENT,
    loanmath.OptionKind.FREEZE: loanmath.RepaymentMethod.EQUAL_PRINCIPAL,
}
OLD_INSTALMENT_FIELDS = [
    "principal",
    "interest",
    "interest_billed",
    "fees_charged",
    "penalty_charged",
    "penalty_period_start",
    "penalty_period_formula",
    "interest_fixed",
    "superseded_by",
]


def schedule_row(inst: Instalment) -> dict[str, str | int]:
    return {
        "number": inst.number,
        "due_date": inst.due_date.isoformat(),
        **{name: str(getattr(inst, name)) for name in ("principal", "interest", *Instalment.LEDGER_TOTALS)},
    }


def loan_restructure_plan(*, loan_id: int, terms: loanmath.OptionTerms) -> loanmath.RestructurePlan:
    """What applying ``terms`` to the loan now would do (read only: the loan as its last close left it)."""
    loan = Loan.objects.get(pk=loan_id)
    instalments = list(Instalment.objects.filter(loan=loan).order_by("number"))
    return loanmath.restructure_plan(position=restructure_position(loan, instalments), terms=terms)


def loan_restructure(
    *, loan_id: int, terms: loanmath.OptionTerms, source: str, actor: User | None = None
) -> Restructure:
    """Apply ``terms`` to the loan (module docstring). Not durable: the hardship application's accept
    wraps it with its own state change, so both commit or neither. Refused with a clear message, changing
    nothing: a loan paid off, nothing left to restructure, terms loanmath refuses, ``source`` applied
    already."""
    today = business_date_today()
    with transaction.atomic():
        book = loan_lock(loan_id)
        loan = book.loan
        if Restructure.objects.filter(source=source).exists():
            raise ApplicationError(_("This restructuring has already been applied; nothing was changed."))
        if loan.status != Loan.Status.ACTIVE:
            raise ApplicationError(
                _("Loan %(reference)s is paid off; there is nothing to restructure.")
                % {"reference": loan.reference}
            )
        loan_close_through(book, today)
        position = restructure_position(loan, book.instalments)
        try:
            plan = loanmath.restructure_plan(position=position, terms=terms)
        except loanmath.InvalidInputError as exc:
            raise ApplicationError(
                _("These terms cannot be applied to loan %(reference)s.") % {"reference": loan.reference}
            ) from exc
        open_numbers = {i.number for i in position.instalments}
        old = [i for i in book.instalments if i.number in open_numbers]
        try:
            with transaction.atomic():
                record = Restructure.objects.create(
                    loan=loan,
                    applied_on=position.on,
                    kind=terms.kind.value,
                    terms=terms.as_dict(),
                    source=source,
                    terms_before={
                        "annual_rate": str(loan.annual_rate),
                        "term_months": loan.term_months,
                        "method": loan.method,
                        "charges_paused_through": loan.charges_paused_through.isoformat()
                        if loan.charges_paused_through
                        else "",
                    },
                    schedule_before=[schedule_row(i) for i in old],
                    owed_before=plan.owed_before,
                    waived_fees=plan.waived_fees,
                    waived_penalty=plan.waived_penalty,
                    interest_given_up=plan.interest_given_up,
                    total_to_pay=plan.total_to_pay,
                    applied_by=actor,
                )
        except IntegrityError as exc:
            raise ApplicationError(
                _("This restructuring has already been applied; nothing was changed.")
            ) from exc
        schedule_replace(
            book,
            record=record,
            old=old,
            lines=plan.instalments,
            day=position.on,
            note=f"{source} {terms.kind.value}",
            waive=terms.waive_fees_and_penalty,
        )
        loan.annual_rate = plan.annual_rate
        loan.term_months = sum(1 for i in book.instalments if i.superseded_by_id is None)
        loan.method = _METHOD_AFTER.get(terms.kind, loanmath.RepaymentMethod(loan.method)).value
        loan.charges_paused_through = plan.charges_paused_through
        loan_classify(book, today)
        loan_book_save(book)
        loan.save(update_fields=["annual_rate", "term_months", "method", "charges_paused_through"])
        # A promise to pay was about the schedule just replaced: it no longer stands.
        promises_cancel(loan=loan, on=today, reason="restructure", actor=actor)
        audit_record(
            action="loan.restructured",
            actor=actor,
            target=loan,
            data={
                "source": source,
                "terms": terms.as_dict(),
                "owed_before": str(plan.owed_before),
                "waived": str(plan.waived),
                "given_up": str(plan.given_up),
                "instalments": len(plan.instalments),
            },
        )
    return record


def schedule_replace(
    book: LoanBook,
    *,
    record: Restructure,
    old: Sequence[Instalment],
    lines: Sequence[loanmath.NewInstalment],
    day: date,
    note: str,
    waive: bool = False,
) -> list[Instalment]:
    """Steps 2 and 3 of the module docstring on a locked loan: move everything unpaid off the ``old``
    instalments (waiving their fees and penalty first if ``waive``), mark them replaced by ``record``,
    and create the new instalments of ``lines`` with what they bring on. The loan's principal balance is
    unchanged, every other balance moves by the waiver only. Returns the new instalments (also added to
    ``book.instalments``); the caller classifies and saves the book."""
    loan = book.loan
    for inst in old:
        if waive:
            fees, penalty = inst.fees_unpaid, inst.penalty_unpaid
            entry_add(book, inst, LedgerEntry.Kind.WAIVER, day, note=note, fees=-fees, penalty=-penalty)
            inst.fees_charged -= fees
            inst.penalty_charged -= penalty
        principal, interest = inst.principal_unpaid, inst.interest_unpaid
        fees, penalty = inst.fees_unpaid, inst.penalty_unpaid
        entry_add(
            book,
            inst,
            LedgerEntry.Kind.RESTRUCTURE,
            day,
            note=note,
            principal=-principal,
            interest=-interest,
            fees=-fees,
            penalty=-penalty,
        )
        inst.principal = inst.principal_paid
        inst.interest_billed -= interest
        inst.interest = inst.interest_paid
        inst.fees_charged -= fees
        inst.penalty_charged -= penalty
        inst.penalty_period_start = None
        inst.penalty_period_formula = ZERO
        inst.interest_fixed = ZERO
        inst.superseded_by = record
    Instalment.objects.bulk_update(old, OLD_INSTALMENT_FIELDS)
    number = max((i.number for i in book.instalments), default=0)
    new = Instalment.objects.bulk_create(
        [
            Instalment(
                loan=loan,
                number=number + n,
                due_date=line.due_date,
                principal=line.principal,
                interest=line.interest,
                interest_billed=line.interest_carried,
                fees_charged=line.fees,
                penalty_charged=line.penalty,
                interest_fixed=line.interest_fixed,
                restructure=record,
            )
            for n, line in enumerate(lines, start=1)
        ]
    )
    for inst, line in zip(new, lines, strict=True):
        entry_add(
            book,
            inst,
            LedgerEntry.Kind.RESTRUCTURE,
            day,
            note=note,
            principal=line.principal,
            interest=line.interest_carried,
            fees=line.fees,
            penalty=line.penalty,
        )
    book.instalments = [*book.instalments, *new]
    return new


def loans_pause_charges(*, loan_ids: list[int], through: date) -> list[int]:
    """Pause late fees and penalty interest on the loans through ``through`` (a breathing space), unless a
    longer pause is in force. Returns the ids of the loans this paused (to resume them later)."""
    paused = []
    with transaction.atomic():
        for loan in Loan.objects.select_for_update().filter(pk__in=sorted(loan_ids)).order_by("pk"):
            if loan.charges_paused_through is None or loan.charges_paused_through < through:
                loan.charges_paused_through = through
                loan.save(update_fields=["charges_paused_through"])
                paused.append(loan.pk)
    return paused


def loans_resume_charges(*, loan_ids: list[int], paused_through: date, on: date) -> None:
    """End a breathing space early: the loans whose pause is still the one set through ``paused_through``
    charge again from the day after ``on``. A pause set since (a freeze) is left alone."""
    with transaction.atomic():
        for loan in Loan.objects.select_for_update().filter(pk__in=sorted(loan_ids)).order_by("pk"):
            if loan.charges_paused_through == paused_through and on < paused_through:
                loan.charges_paused_through = on
                loan.save(update_fields=["charges_paused_through"])

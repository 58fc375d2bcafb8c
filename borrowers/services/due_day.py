"""Moving a loan's monthly due day: the borrower's once-a-year change, applied like a restructuring.

`loan_due_day_move` brings the loan's charges up to today, decides by `borrowers.due_day_rules` whether
it may move, works the new schedule out with `loanmath.due_day_move_plan` from the same position the
borrower's preview came from (`borrowers.selectors.due_day`), then replaces the open instalments with the
restructuring machinery (`borrowers.services.restructure.schedule_replace`): a `Restructure` record of
kind "due_day" keeping the schedule before, the old instalments kept as history, RESTRUCTURE entries
moving their unpaid principal onto the new ones. Nothing owed changes: the principal balance stays, and
the first moved period's interest (counted by the day) is scheduled, not billed, so `reconcile` holds.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers import due_day_rules
from borrowers.models import Loan, PromiseToPay, Restructure
from borrowers.positions import current_period_start, policy_for_loanmath, restructure_position
from borrowers.services.close_of_business import loan_close_through
from borrowers.services.ledger import loan_book_save, loan_classify, loan_lock
from borrowers.services.restructure import schedule_replace, schedule_row
from core.exceptions import ApplicationError
from core.services import audit_record
from loanmath import ZERO


def due_day_source(loan_id: int, today: date) -> str:
    """The move's `Restructure.source`: one per loan and business date, so a double-click applies once."""
    return f"due-day:{loan_id}:{today.isoformat()}"


def _applied_on_by_record(loan_id: int) -> dict[int, date]:
    return dict(Restructure.objects.filter(loan_id=loan_id).values_list("pk", "applied_on"))


def loan_due_day_move(*, user: User, loan_id: int, day: int, today: date) -> Restructure:
    """Move the loan's monthly due day to ``day`` (1 to 28) on business date ``today`` (module
    docstring). Refused with a clear message, changing nothing: a loan that is not ``user``'s, one the
    rules refuse today (`borrowers.due_day_rules`), a day loanmath refuses (out of range, the day it
    has), a second move the same day."""
    with transaction.atomic(durable=True):
        book = loan_lock(loan_id)
        loan = book.loan
        if loan.borrower.user_id != user.pk:
            raise ApplicationError(_("There is no such loan."))
        loan_close_through(book, today)
        loan_classify(book, today)
        live = [i for i in book.instalments if i.superseded_by_id is None]
        position = restructure_position(loan, book.instalments)
        upcoming = [i for i in live if i.due_date > today and not i.is_settled]
        current = min(upcoming, key=lambda i: (i.due_date, i.number), default=None)
        last_move = (
            Restructure.objects.filter(loan=loan, kind=Restructure.Kind.DUE_DAY)
            .order_by("-applied_on")
            .values_list("applied_on", flat=True)
            .first()
        )
        refusal = due_day_rules.due_day_refusal(
            due_day_rules.DueDayFacts(
                today=today,
                is_active=loan.status == Loan.Status.ACTIVE,
                days_past_due=loan.days_past_due,
                next_due_date=position.instalments[0].due_date if position.instalments else None,
                last_move_on=last_move,
                charges_paused_through=loan.charges_paused_through,
                has_open_promise=PromiseToPay.objects.filter(
                    loan=loan, status=PromiseToPay.Status.OPEN
                ).exists(),
                next_instalment_part_paid=current is not None
                and (current.principal_paid > 0 or current.interest_paid > 0),
            )
        )
        if refusal:
            raise ApplicationError(refusal)
        first_due = position.instalments[0].due_date
        if day == first_due.day:
            raise ApplicationError(
                _("Your loan falls due on day %(day)s already: choose another day.") % {"day": day}
            )
        applied_on = _applied_on_by_record(loan.pk)
        period_start = current_period_start(
            disbursed_on=loan.disbursed_on,
            first_due=first_due,
            schedule=[
                (i.due_date, applied_on.get(i.superseded_by_id) if i.superseded_by_id else None)
                for i in book.instalments
            ],
        )
        policy = policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate)
        open_numbers = {i.number for i in position.instalments}
        old = [i for i in book.instalments if i.number in open_numbers]
        try:
            move = loanmath.due_day_move_plan(
                position=position,
                on=today,
                day=day,
                period_start=period_start,
                day_count=policy.day_count,
                fixed={i.number: i.interest_fixed for i in old if i.interest_fixed},
            )
        except loanmath.InvalidInputError as exc:
            raise ApplicationError(
                _("Choose a day from 1 to 28 that is not the day your loan falls due now.")
            ) from exc
        try:
            with transaction.atomic():
                record = Restructure.objects.create(
                    loan=loan,
                    applied_on=today,
                    kind=Restructure.Kind.DUE_DAY,
                    terms={
                        "due_day": day,
                        "period_start": move.period_start.isoformat(),
                        "first_due_before": move.first_due_before.isoformat(),
                        "first_due_after": move.first_due_after.isoformat(),
                        "days": move.days,
                        "days_in_year": move.days_in_year,
                        "interest_before": str(move.interest_before),
                        "interest_after": str(move.interest_after),
                    },
                    source=due_day_source(loan.pk, today),
                    terms_before={
                        "annual_rate": str(loan.annual_rate),
                        "term_months": loan.term_months,
                        "method": loan.method,
                        "due_day": first_due.day,
                    },
                    schedule_before=[schedule_row(i) for i in old],
                    owed_before=move.owed_before,
                    waived_fees=ZERO,
                    waived_penalty=ZERO,
                    interest_given_up=move.interest_given_up,
                    total_to_pay=move.total_to_pay,
                    applied_by=user,
                )
        except IntegrityError as exc:
            raise ApplicationError(_("The due day was moved already today; nothing was changed.")) from exc
        schedule_replace(
            book, record=record, old=old, lines=move.instalments, day=today, note=f"due day {day}"
        )
        loan.term_months = sum(1 for i in book.instalments if i.superseded_by_id is None)
        loan_classify(book, today)
        loan_book_save(book)
        loan.save(update_fields=["term_months"])
        audit_record(
            action="loan.due_day_moved",
            actor=user,
            target=loan,
            data={
                "day": day,
                "from": first_due.isoformat(),
                "to": move.first_due_after.isoformat(),
                "days": move.days,
                "extra_interest": str(move.extra_interest),
            },
        )
    return record

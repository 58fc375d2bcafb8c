"""The due-day page: whether the loan's monthly due day may move today (`borrowers.due_day_rules`) and,
for a chosen day, the new schedule and the first moved period's interest (`loanmath.due_day_move_plan`,
from the same position `borrowers.services.due_day.loan_due_day_move` applies it from).

`due_day_page` is a pure function over a `loans.LoanBundle`; `due_day_last_move` is its one query.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import loanmath
from borrowers import due_day_rules
from borrowers.models import Restructure
from borrowers.positions import current_period_start, restructure_position
from borrowers.selectors.cards import LoanCard, card_figures
from borrowers.selectors.loans import LoanBundle


@dataclass(frozen=True)
class DueDayRow:
    """One instalment of the schedule, before and after the move."""

    due_before: date
    due_after: date
    principal: Decimal
    interest_before: Decimal
    interest_after: Decimal
    payment_before: Decimal
    payment_after: Decimal


@dataclass(frozen=True)
class DueDayPage:
    card: LoanCard
    refusal: str | None  # why the due day cannot move today (then nothing else is offered)
    current_day: int | None  # the day of the month the loan falls due on now
    next_due_date: date | None
    last_move_on: date | None
    next_move_on: date | None  # the first day it may move again after this move (or the last one)
    annual_rate: Decimal
    day_count: str  # ACT/360 or ACT/365
    day: int | None  # the day chosen (None until one is)
    move: loanmath.DueDayMove | None  # the chosen day worked out
    rows: tuple[DueDayRow, ...]
    day_error: str | None  # the chosen day cannot be worked out (the page says why)

    @property
    def can_move(self) -> bool:
        return self.refusal is None


def due_day_last_move(*, loan_id: int) -> date | None:
    """The business date the loan's due day was last moved, if ever. One query."""
    return (
        Restructure.objects.filter(loan_id=loan_id, kind=Restructure.Kind.DUE_DAY)
        .order_by("-applied_on")
        .values_list("applied_on", flat=True)
        .first()
    )


def due_day_page(
    *, loan: LoanBundle, today: date, last_move_on: date | None, day: int | None = None
) -> DueDayPage:
    """The due-day page for the loan today, with ``day`` worked out when given (no query)."""
    info = loan.info
    figures = card_figures(info, today)
    card = figures.card
    position = restructure_position(info.loan, info.instalments)
    first = position.instalments[0] if position.instalments else None
    live = [i for i in info.instalments if not i.superseded and i.due_date > today and not i.is_settled]
    current = min(live, key=lambda i: (i.due_date, i.number), default=None)
    refusal = due_day_rules.due_day_refusal(
        due_day_rules.DueDayFacts(
            today=today,
            is_active=card.is_active,
            days_past_due=card.days_past_due,
            next_due_date=first.due_date if first else None,
            last_move_on=last_move_on,
            charges_paused_through=info.loan.charges_paused_through,
            has_open_promise=info.loan.open_promise is not None,
            next_instalment_part_paid=current is not None
            and (current.principal_paid > 0 or current.interest_paid > 0),
        )
    )
    move: loanmath.DueDayMove | None = None
    day_error: str | None = None
    if refusal is None and day is not None and first is not None:
        period_start = current_period_start(
            disbursed_on=info.loan.disbursed_on,
            first_due=first.due_date,
            schedule=[(i.due_date, i.superseded_on) for i in info.instalments],
        )
        try:
            move = loanmath.due_day_move_plan(
                position=position,
                on=today,
                day=day,
                period_start=period_start,
                day_count=info.policy.day_count,
                fixed={i.number: i.interest_fixed for i in info.instalments if i.interest_fixed},
            )
        except loanmath.InvalidInputError:
            move, day_error = None, "invalid"
    rows = (
        tuple(
            DueDayRow(
                due_before=old.due_date,
                due_after=new.due_date,
                principal=new.principal,
                interest_before=old.interest,
                interest_after=new.interest,
                payment_before=old.total,
                payment_after=new.payment,
            )
            for old, new in zip(move.before, move.instalments, strict=True)
        )
        if move
        else ()
    )
    return DueDayPage(
        card=card,
        refusal=refusal,
        current_day=first.due_date.day if first else None,
        next_due_date=first.due_date if first else None,
        last_move_on=last_move_on,
        next_move_on=due_day_rules.next_move_allowed_on(today if move else last_move_on),
        annual_rate=info.loan.annual_rate,
        day_count=info.policy.day_count.value,
        day=day,
        move=move,
        rows=rows,
        day_error=day_error,
    )

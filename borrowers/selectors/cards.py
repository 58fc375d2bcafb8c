"""A loan's card (/loans/, the dashboard): what is owed now, what is due next, how far behind it is.

Pure functions over `loans.LoanInfo`; `borrower_loan_cards` is the one read here.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import loanmath
from accounts.models import User
from borrowers.models import Loan
from borrowers.positions import loan_position
from borrowers.selectors.loans import LoanInfo, LoanStatusMixin, borrower_loan_infos
from loanmath import ZERO


@dataclass(frozen=True)
class MilestoneView:
    day: int
    kind: str
    kind_label: str
    text: str  # what the borrower reads before it happens (staff's words, in the future or present tense)
    on: date | None = None  # the date this loan reaches it, if known
    happened: bool = False  # the loan is already this many days past due: say so, in the past tense
    ends_grace: bool = False  # the reminder on the last day of grace


@dataclass(frozen=True)
class PromiseCard:
    """The loan's open promise to pay, as its card and page show it: what is left of it by when, and the
    day it counts as missed if that is still unpaid (reminders start again then)."""

    amount: Decimal
    pay_by: date
    made_on: date
    paid_towards: Decimal
    remaining: Decimal
    missed_on: date


@dataclass(frozen=True)
class LoanCard(LoanStatusMixin):
    """One loan as /loans/ shows it."""

    reference: str
    product_name: str
    principal: Decimal
    status: str
    status_label: str
    outstanding: Decimal
    amount_due_today: Decimal
    payoff_today: Decimal
    # payoff_today - outstanding: the interest of the current period, charged in full when the loan is
    # repaid early (loanmath.payoff_amount); the period ends on next_due_date.
    payoff_extra: Decimal
    # A product that refunds money beyond what is due takes no early repayment: its card shows no payoff.
    can_repay_early: bool
    next_due_date: date | None
    next_due_amount: Decimal
    days_past_due: int
    bucket: str
    is_overdue: bool
    next_milestone: MilestoneView | None
    # No late fee or penalty interest is added through this date (a hardship review's breathing space, a
    # freeze), when that is today or later.
    charges_paused_through: date | None = None
    promise: PromiseCard | None = None  # the open promise to pay, if any


@dataclass(frozen=True)
class CardFigures:
    """A loan's card with what it was worked out from, for the reads that go on from there (the loan page
    projects further dates from the same position)."""

    card: LoanCard
    position: loanmath.LoanPosition
    projection: loanmath.Projection | None  # to today; None for a paid-off loan


def milestone_views(
    info: LoanInfo, first_overdue: date | None, days_past_due: int
) -> tuple[MilestoneView, ...]:
    """The policy's milestones as this loan meets them: dated from its oldest unpaid due date, and marked
    as happened once the loan is that many days past due."""
    grace_days = info.policy.grace_days
    return tuple(
        MilestoneView(
            day=m.day,
            kind=m.kind,
            kind_label=m.kind_label,
            text=m.text,
            on=first_overdue + timedelta(days=m.day) if first_overdue else None,
            happened=first_overdue is not None and m.day <= days_past_due,
            ends_grace=m.kind == loanmath.MilestoneKind.REMINDER.value and m.day == grace_days,
        )
        for m in info.milestones
    )


def _paid_off_card(info: LoanInfo) -> LoanCard:
    loan = info.loan
    return LoanCard(
        reference=loan.reference,
        product_name=loan.product_name,
        principal=loan.principal,
        status=loan.status,
        status_label=loan.status_label,
        outstanding=ZERO,
        amount_due_today=ZERO,
        payoff_today=ZERO,
        payoff_extra=ZERO,
        can_repay_early=False,
        next_due_date=None,
        next_due_amount=ZERO,
        days_past_due=0,
        bucket=loanmath.OverdueBucket.CURRENT.value,
        is_overdue=False,
        next_milestone=None,
    )


def card_figures(info: LoanInfo, today: date) -> CardFigures:
    """The loan's card, with the position and the projection to today it was worked out from."""
    loan, policy = info.loan, info.policy
    position = loan_position(loan, info.instalments)
    if loan.is_paid_off:
        return CardFigures(card=_paid_off_card(info), position=position, projection=None)
    on = max(today, position.as_of)
    projection = loanmath.project_amount_due(position=position, policy=policy, on=on)
    upcoming = [i for i in position.instalments if i.due_date > on]
    next_item = min(upcoming, key=lambda i: i.due_date) if upcoming else None
    oldest = min((i.due_date for i in projection.instalments), default=None)
    milestones = milestone_views(info, oldest, projection.days_past_due)
    next_milestone = next((m for m in milestones if not m.happened), None)
    payoff = loanmath.payoff_amount(position=position, policy=policy, on=on, projection=projection)
    # Not yet due: the principal, and what a restructuring carried onto those instalments (fallen due
    # already: interest, late fees, penalty); their interest still to fall due is not owed yet.
    outstanding = projection.amount_due + sum(
        (i.principal + i.fees + i.penalty + i.interest - i.unbilled_interest for i in upcoming), ZERO
    )
    card = LoanCard(
        reference=loan.reference,
        product_name=loan.product_name,
        principal=loan.principal,
        status=loan.status,
        status_label=loan.status_label,
        outstanding=outstanding,
        amount_due_today=projection.amount_due,
        payoff_today=payoff,
        payoff_extra=payoff - outstanding,
        can_repay_early=not loan.overpayment_refunded,
        next_due_date=next_item.due_date if next_item else None,
        next_due_amount=next_item.total if next_item else ZERO,
        days_past_due=projection.days_past_due,
        bucket=projection.bucket.value,
        is_overdue=projection.days_past_due > 0,
        next_milestone=next_milestone if projection.days_past_due > 0 else None,
        charges_paused_through=loan.charges_paused_through
        if loan.charges_paused_through is not None and loan.charges_paused_through >= on
        else None,
        promise=promise_card(info),
    )
    return CardFigures(card=card, position=position, projection=projection)


def promise_card(info: LoanInfo) -> PromiseCard | None:
    """The loan's open promise (fetched with the loan: no query), or None."""
    promise = info.loan.open_promise
    if promise is None:
        return None
    return PromiseCard(
        amount=promise.amount,
        pay_by=promise.pay_by,
        made_on=promise.made_on,
        paid_towards=promise.paid_towards,
        remaining=promise.remaining,
        missed_on=promise.pay_by + timedelta(days=1),
    )


def loan_cards(infos: list[LoanInfo], today: date) -> list[LoanCard]:
    """Overdue loans first, then active before paid off, each group by reference."""
    cards = [card_figures(info, today).card for info in infos]
    return sorted(cards, key=lambda c: (not c.is_overdue, c.status != Loan.Status.ACTIVE, c.reference))


def borrower_loan_cards(*, user: User, today: date) -> list[LoanCard]:
    """Every loan of the signed-in borrower, newest problems first. Three queries, whatever the count."""
    return loan_cards(borrower_loan_infos(user=user), today)

"""Promises to pay: the loan's promise page (what may be promised, and what waiting until that date still
costs), its history, and the bulk reads the reminders and the call list need (one query each).

`promise_page` and `promise_preview` are pure functions over a `loans.LoanBundle` (fetched by
`loans.borrower_loan`); the bounds are `borrowers.promise_rules`, the ones `promise_make` applies.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet

import loanmath
from borrowers import promise_rules
from borrowers.models import PromiseToPay
from borrowers.selectors.cards import LoanCard, MilestoneView, PromiseCard, card_figures, milestone_views
from borrowers.selectors.loans import LoanBundle
from loanmath import ZERO

# The date a promise form suggests: a week from today (or the latest allowed, if sooner).
SUGGESTED_DAYS = 7


@dataclass(frozen=True)
class PromiseRow:
    """One promise of the loan's history, newest first."""

    amount: Decimal
    pay_by: date
    made_on: date
    source: str
    source_label: str
    status: str
    status_label: str
    closed_on: date | None
    paid_towards: Decimal


@dataclass(frozen=True)
class PromisePage:
    """What the promise page shows before anything is typed."""

    card: LoanCard
    bounds: promise_rules.PromiseBounds
    open_promise: PromiseCard | None
    broken_recently: int
    blocked_by_broken: bool  # too many broken promises: the page says to call
    suggested_date: date
    penalty_rate: Decimal
    days_in_year: int
    history: tuple[PromiseRow, ...]

    @property
    def can_promise(self) -> bool:
        return (
            self.card.is_active
            and self.bounds.is_overdue
            and self.open_promise is None
            and not self.blocked_by_broken
        )


@dataclass(frozen=True)
class PromisePreview:
    """The confirm step: paying ``amount`` by ``pay_by``, and what the loan's rules add until then if
    nothing is paid before it (penalty interest keeps accruing on overdue principal; a late fee may fall)."""

    amount: Decimal
    pay_by: date
    days: int
    amount_due_today: Decimal
    amount_due_then: Decimal
    penalty_added: Decimal
    fees_added: Decimal
    milestones: tuple[MilestoneView, ...]
    covers_all_due: bool  # the amount pays everything due by that date
    left_due_then: Decimal  # what stays overdue on that date after paying the amount

    @property
    def added(self) -> Decimal:
        return self.penalty_added + self.fees_added


def promise_history(*, loan_id: int) -> tuple[PromiseRow, ...]:
    """Every promise made on the loan, newest first. One query."""
    return tuple(
        PromiseRow(
            amount=p.amount,
            pay_by=p.pay_by,
            made_on=p.made_on,
            source=p.source,
            source_label=str(p.get_source_display()),
            status=p.status,
            status_label=str(p.get_status_display()),
            closed_on=p.closed_on,
            paid_towards=p.paid_towards,
        )
        for p in PromiseToPay.objects.filter(loan_id=loan_id).order_by("-made_on", "-pk")
    )


def promise_open_loan_ids(*, loan_ids: Iterable[int]) -> frozenset[int]:
    """Which of these loans have an open promise to pay (their reminders and calls wait). One query."""
    ids = list(loan_ids)
    if not ids:
        return frozenset()
    return frozenset(
        PromiseToPay.objects.filter(loan_id__in=ids, status=PromiseToPay.Status.OPEN).values_list(
            "loan_id", flat=True
        )
    )


def promise_broken_counts(*, user_ids: Iterable[int], since: date) -> dict[int, int]:
    """How many promises each of these borrowers (by user id) broke on or after ``since``, across all
    their loans; a borrower with none is left out. One query."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = (
        PromiseToPay.objects.filter(
            loan__borrower__user_id__in=ids, status=PromiseToPay.Status.BROKEN, closed_on__gte=since
        )
        .values_list("loan__borrower__user_id")
        .order_by()
        .annotate(broken=Count("pk"))
    )
    return {int(user_id): int(broken) for user_id, broken in rows}


def promise_page(
    *, loan: LoanBundle, today: date, broken_recently: int, history: tuple[PromiseRow, ...] = ()
) -> PromisePage:
    """The promise page of the loan (no query: the bundle, the broken count and the history are given)."""
    info = loan.info
    figures = card_figures(info, today)
    bounds = promise_rules.promise_bounds(
        position=figures.position,
        policy=info.policy,
        today=today,
        max_days=info.loan.promise_max_days,
        refunds_overpayment=info.loan.overpayment_refunded,
        projection=figures.projection,
    )
    return PromisePage(
        card=figures.card,
        bounds=bounds,
        open_promise=figures.card.promise,
        broken_recently=broken_recently,
        blocked_by_broken=promise_rules.too_many_broken(broken_recently),
        suggested_date=min(today + timedelta(days=SUGGESTED_DAYS), bounds.latest),
        penalty_rate=info.policy.penalty_rate,
        days_in_year=info.policy.day_count.days_in_year,
        history=history,
    )


def _added(projection: loanmath.Projection, kind: loanmath.ChargeKind) -> Decimal:
    return sum((c.amount for c in projection.charges if c.kind is kind), ZERO)


def promise_preview(*, loan: LoanBundle, today: date, amount: Decimal, pay_by: date) -> PromisePreview:
    """What promising ``amount`` by ``pay_by`` means on this loan, by loanmath's projection with the loan's
    own rules (no query)."""
    info = loan.info
    figures = card_figures(info, today)
    position = figures.position
    start = max(today, position.as_of)
    now = figures.projection or loanmath.project_amount_due(position=position, policy=info.policy, on=start)
    then = loanmath.project_amount_due(position=position, policy=info.policy, on=max(pay_by, start))
    oldest = min((i.due_date for i in now.instalments if i.days_past_due > 0), default=None)
    views = {m.day: m for m in milestone_views(info, oldest, now.days_past_due)}
    crossed = loanmath.milestones_crossed(
        milestones=info.policy.milestones,
        from_days_past_due=now.days_past_due,
        to_days_past_due=then.days_past_due,
    )
    return PromisePreview(
        amount=amount,
        pay_by=pay_by,
        days=(pay_by - today).days,
        amount_due_today=now.amount_due,
        amount_due_then=then.amount_due,
        penalty_added=_added(then, loanmath.ChargeKind.PENALTY_INTEREST)
        - _added(now, loanmath.ChargeKind.PENALTY_INTEREST),
        fees_added=_added(then, loanmath.ChargeKind.LATE_FEE) - _added(now, loanmath.ChargeKind.LATE_FEE),
        milestones=tuple(views[m.day] for m in crossed if m.day in views),
        covers_all_due=amount >= then.amount_due,
        left_due_then=max(then.amount_due - amount, ZERO),
    )


def promise_open_borrower_ids() -> "QuerySet[PromiseToPay, int]":
    """The borrower profiles with an open promise on any loan, as a lazy subquery (Support's call list
    leaves them out: no call while a promise is open). No query until it is used inside another."""
    return PromiseToPay.objects.filter(status=PromiseToPay.Status.OPEN).values_list(
        "loan__borrower_id", flat=True
    )

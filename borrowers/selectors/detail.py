"""A loan's own page: its card, schedule and ledger, "if you pay on…" and "why this amount".

`borrower_loan_detail` is a pure function of a `loans.LoanBundle` (fetched by `loans.borrower_loan`) and
the dates; nothing here queries the database.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import loanmath
from borrowers.due_day_rules import next_move_allowed_on
from borrowers.models import LedgerEntry, Restructure
from borrowers.selectors.cards import LoanCard, MilestoneView, card_figures, milestone_views
from borrowers.selectors.charges import ChargeLine, charge_lines
from borrowers.selectors.loans import InstalmentInfo, LoanBundle
from borrowers.selectors.settlement import Settlement, settlement_of
from core.charts import bar_lengths
from loanmath import ZERO

# How far ahead "if you pay on…" looks; the form refuses a later date (the view passes it the bound).
PAY_ON_HORIZON_DAYS = 365
DUE_DAY = Restructure.Kind.DUE_DAY.value


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    payment: Decimal
    paid: Decimal
    unpaid: Decimal
    state: str  # paid | overdue | due_today | upcoming


@dataclass(frozen=True)
class PayOnRow:
    """What paying on one date costs: the amount due, the late fees and penalty interest that waiting
    until then adds (not the instalments that simply fall due meanwhile), and what happens by then."""

    on: date
    days_from_today: int
    amount_due: Decimal
    added_by_waiting: Decimal
    days_past_due: int
    milestones: tuple[MilestoneView, ...]


@dataclass(frozen=True)
class ChartBar:
    """One horizontal bar of the "if you pay on" chart, in the SVG's 0-100 coordinates."""

    y: int
    width: Decimal


@dataclass(frozen=True)
class LedgerRow:
    business_date: date
    kind: str
    kind_label: str
    instalment_number: int | None
    amount: Decimal


@dataclass(frozen=True)
class LoanDetail:
    card: LoanCard
    annual_rate: Decimal
    term_months: int
    method_label: str
    disbursed_on: date
    policy: loanmath.OverduePolicy  # the rules of lateness, as loanmath applies them
    overpayment_refunded: bool
    schedule: tuple[ScheduleRow, ...]
    ledger: tuple[LedgerRow, ...]
    pay_on_rows: tuple[PayOnRow, ...]
    chosen: PayOnRow
    charges: tuple[ChargeLine, ...]
    owed_limit: Decimal  # the most the cost cap lets the borrower owe on the chosen date
    owed_on_chosen: Decimal  # what they would owe then (principal not yet due included)
    interest_forgone: Decimal  # contract interest the cost cap did not charge (ledger, then projected)
    schedule_apr: Decimal | None  # the schedule's true yearly rate on its real dates (None if it has none)
    milestones: tuple[MilestoneView, ...]
    chart: tuple[ChartBar, ...]
    chart_height: int
    settlement: Settlement | None  # for a paid-off loan: when and how it was repaid
    # No late fee or penalty interest is added through this date (a hardship review's breathing space, a
    # freeze), when that is today or later.
    charges_paused_through: date | None = None
    # The restructurings applied, as (applied on, kind label), oldest first, and the schedule they replaced.
    restructures: tuple[tuple[date, str], ...] = ()
    schedule_replaced: tuple[ScheduleRow, ...] = ()
    # Offer the hardship application: the loan is overdue, or a payment falls due within 3 days.
    offer_hardship: bool = False
    # The business dates the borrower moved the due day (restructurings of kind "due_day", not counted in
    # ``restructures``), oldest first.
    due_day_moves: tuple[date, ...] = ()
    # Offer a promise to pay (an overdue loan with none open), and the due-day move (an active loan not
    # overdue: the page it leads to says whether it can move today).
    offer_promise: bool = False
    offer_due_day: bool = False


def _schedule(instalments: Sequence[InstalmentInfo], today: date) -> tuple[ScheduleRow, ...]:
    rows = []
    for inst in instalments:
        paid = inst.principal_paid + inst.interest_paid + inst.fees_paid + inst.penalty_paid
        unpaid = inst.principal_unpaid + inst.interest_unpaid + inst.fees_unpaid + inst.penalty_unpaid
        if inst.is_settled and (inst.due_date <= today or inst.principal_paid == inst.principal):
            state = "paid"
        elif inst.due_date < today:
            state = "overdue"
        elif inst.due_date == today:
            state = "due_today"
        else:
            state = "upcoming"
            unpaid = (
                inst.principal_unpaid
                + (inst.interest - inst.interest_billed)
                + inst.interest_unpaid
                + inst.fees_unpaid
                + inst.penalty_unpaid
            )
        principal, interest = inst.scheduled_before or (inst.principal, inst.interest)
        rows.append(
            ScheduleRow(
                number=inst.number,
                due_date=inst.due_date,
                principal=principal,
                interest=interest,
                payment=principal + interest,
                paid=paid,
                unpaid=unpaid,
                state=state,
            )
        )
    return tuple(rows)


def _pay_on_row(
    policy: loanmath.OverduePolicy,
    today_projection: loanmath.Projection,
    views: dict[int, MilestoneView],
    projection: loanmath.Projection,
    today: date,
    *,
    since_days_past_due: int | None = None,
) -> PayOnRow:
    """What paying on ``projection.on`` costs. Its milestones are those reached after
    ``since_days_past_due`` (today's, unless given: the table passes the row before, so that each
    milestone is named once, on the first date that reaches it)."""
    on = projection.on
    crossed = loanmath.milestones_crossed(
        milestones=policy.milestones,
        from_days_past_due=today_projection.days_past_due
        if since_days_past_due is None
        else since_days_past_due,
        to_days_past_due=projection.days_past_due,
    )
    return PayOnRow(
        on=on,
        days_from_today=(on - today).days,
        amount_due=projection.amount_due,
        added_by_waiting=projection.cost_of_waiting - today_projection.cost_of_waiting,
        days_past_due=projection.days_past_due,
        milestones=tuple(views[m.day] for m in crossed if m.day in views),
    )


def _schedule_apr(
    principal: Decimal, disbursed_on: date, instalments: Sequence[InstalmentInfo]
) -> Decimal | None:
    """The nominal APR of the money lent and the schedule's payments on their due dates
    (loanmath.dated_nominal_apr): what the loan's actual dates and interest cost, not the rate quoted."""
    flows = [loanmath.DatedCashFlow(on=disbursed_on, amount=-principal)] + [
        loanmath.DatedCashFlow(on=i.due_date, amount=i.principal + i.interest) for i in instalments
    ]
    try:
        return loanmath.dated_nominal_apr(flows)
    except loanmath.LoanMathError:
        return None


def _chart(rows: Sequence[PayOnRow]) -> tuple[ChartBar, ...]:
    widths = bar_lengths([row.amount_due for row in rows])
    return tuple(ChartBar(y=n * 10, width=width) for n, width in enumerate(widths))


def borrower_loan_detail(*, loan: LoanBundle, today: date, pay_on: date | None = None) -> LoanDetail:
    """The loan page: schedule, ledger, "if you pay on…" and "why this amount", from the loan's bundle
    (no query: `borrower_loan` fetched it, in four whatever the number of instalments)."""
    info = loan.info
    policy = info.policy
    figures = card_figures(info, today)
    position = figures.position
    start = max(today, position.as_of)
    projections: dict[date, loanmath.Projection] = {}
    if figures.projection is not None:
        projections[figures.projection.on] = figures.projection

    def projected(on: date) -> loanmath.Projection:
        # Each date is projected once: the card's "today", the horizons and the chosen date overlap.
        if on not in projections:
            projections[on] = loanmath.project_amount_due(position=position, policy=policy, on=on)
        return projections[on]

    today_projection = projected(start)
    oldest = min((i.due_date for i in today_projection.instalments), default=None)
    milestones = milestone_views(info, oldest, today_projection.days_past_due)
    views = {m.day: m for m in milestones}
    rows: list[PayOnRow] = []
    for d in (0, *loanmath.BORROWER_HORIZONS_IN_DAYS):
        since = rows[-1].days_past_due if rows else None
        rows.append(
            _pay_on_row(
                policy,
                today_projection,
                views,
                projected(start + timedelta(days=d)),
                today,
                since_days_past_due=since,
            )
        )
    chosen_on = min(max(pay_on or start, start), start + timedelta(days=PAY_ON_HORIZON_DAYS))
    chosen_projection = projected(chosen_on)
    chosen = _pay_on_row(policy, today_projection, views, chosen_projection, today)
    return LoanDetail(
        card=figures.card,
        annual_rate=info.loan.annual_rate,
        term_months=info.loan.term_months,
        method_label=info.loan.method_label,
        disbursed_on=info.loan.disbursed_on,
        policy=policy,
        overpayment_refunded=info.loan.overpayment_refunded,
        schedule=_schedule([i for i in info.instalments if not i.superseded], today),
        schedule_replaced=_schedule([i for i in info.instalments if i.superseded], today),
        restructures=tuple(
            dict.fromkeys(
                i.created_by_restructure
                for i in info.instalments
                if i.created_by_restructure and i.created_by_kind != DUE_DAY
            )
        ),
        due_day_moves=tuple(
            dict.fromkeys(
                i.created_by_restructure[0]
                for i in info.instalments
                if i.created_by_restructure and i.created_by_kind == DUE_DAY
            )
        ),
        offer_promise=figures.card.is_active and figures.card.is_overdue and figures.card.promise is None,
        # Not offered again within a year of a move (the page it leads to would only say so).
        offer_due_day=figures.card.is_active
        and not figures.card.is_overdue
        and not any(
            (allowed := next_move_allowed_on(moved)) is not None and today < allowed
            for moved in (
                i.created_by_restructure[0]
                for i in info.instalments
                if i.created_by_restructure and i.created_by_kind == DUE_DAY
            )
        ),
        offer_hardship=figures.card.status == "active"
        and (
            figures.card.is_overdue
            or (
                figures.card.next_due_date is not None
                and figures.card.next_due_date <= today + timedelta(days=3)
            )
        ),
        charges_paused_through=figures.card.charges_paused_through,
        ledger=tuple(
            LedgerRow(
                business_date=e.business_date,
                kind=e.kind,
                kind_label=e.kind_label,
                instalment_number=e.instalment_number,
                amount=e.total,
            )
            for e in loan.ledger
        ),
        pay_on_rows=tuple(rows),
        chosen=chosen,
        charges=charge_lines(loan.ledger, chosen_projection),
        owed_limit=chosen_projection.owed_limit,
        owed_on_chosen=chosen_projection.owed,
        # A restructured loan's schedule no longer starts from the money lent: no single rate describes it.
        schedule_apr=None
        if any(i.superseded for i in info.instalments)
        else _schedule_apr(info.loan.principal, info.loan.disbursed_on, info.instalments),
        interest_forgone=sum(
            (
                Decimal(e.basis.get("trimmed_by_cap", "0"))
                for e in loan.ledger
                if e.kind == LedgerEntry.Kind.INTEREST_DUE and e.basis
            ),
            ZERO,
        )
        + sum((line.interest_forgone for line in chosen_projection.instalments), ZERO),
        milestones=milestones,
        chart=_chart(rows),
        chart_height=len(rows) * 10,
        settlement=settlement_of(info.loan, loan.ledger) if info.loan.is_paid_off else None,
    )

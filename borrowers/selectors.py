"""Reads for the borrower's pages: fetch in a fixed number of queries, then compute with loanmath.

Every figure a borrower sees is computed here (or in loanmath), never in a template.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

import loanmath
from borrowers.models import Instalment, LedgerEntry, Loan, Milestone
from borrowers.positions import loan_position, policy_for_loanmath

ZERO = Decimal("0.00")
PAY_ON_HORIZON_DAYS = 365


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
class LoanCard:
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
    next_due_date: date | None
    next_due_amount: Decimal
    days_past_due: int
    bucket: str
    is_overdue: bool
    next_milestone: MilestoneView | None


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
class ChargeLine:
    """One fee or penalty, with its formula's parts, for "why this amount"."""

    kind: str  # late_fee | penalty_interest
    instalment_number: int
    base: Decimal
    rate: Decimal
    flat: Decimal
    start: date
    end: date
    days: int
    days_in_year: int
    amount: Decimal
    trimmed_by_cap: Decimal
    already_charged: bool


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
    cost_cap_to_date: Decimal
    total_cost_to_date: Decimal
    milestones: tuple[MilestoneView, ...]
    chart: tuple["ChartBar", ...]
    chart_height: int
    settlement: "Settlement | None"  # for a paid-off loan: when and how it was repaid


@dataclass(frozen=True)
class Settlement:
    """A paid-off loan: when it was settled and what the borrower paid for it, from its ledger.

    Each part is minus the matching column of the loan's payment entries (payments are negative from the
    borrower's side), net of any reversal of a payment; money refunded because it was more than was owed
    never reaches the ledger, so it is not counted. Waivers are what the lender forgave, not paid.
    """

    reference: str
    product_name: str
    borrower_name: str
    customer_number: str
    principal_lent: Decimal
    disbursed_on: date
    settled_on: date  # the date of the payment that settled it
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalty: Decimal
    waived: Decimal
    payments: int

    @property
    def number(self) -> str:
        """The confirmation's own number, the same however often it is printed: JQ (结清), the loan and
        the day it was settled, so whoever is shown it can quote it back to us to check."""
        return f"JQ-{self.reference}-{self.settled_on:%Y%m%d}"

    @property
    def total_paid(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalty


def _settlement(loan: Loan, entries: Sequence[LedgerEntry]) -> Settlement:
    """The settlement of a paid-off loan, from its ledger entries (in date order)."""
    paid = [e for e in entries if e.kind == LedgerEntry.Kind.PAYMENT]
    paid += [
        e
        for e in entries
        if e.kind == LedgerEntry.Kind.REVERSAL
        and e.reverses is not None
        and e.reverses.kind == LedgerEntry.Kind.PAYMENT
    ]
    settled_on = max(
        (e.business_date for e in entries if e.kind == LedgerEntry.Kind.PAYMENT),
        default=loan.closed_through or loan.disbursed_on,
    )
    return Settlement(
        reference=loan.reference,
        product_name=loan.product.name,
        borrower_name=loan.borrower.full_name,
        customer_number=loan.borrower.customer_number,
        principal_lent=loan.principal,
        disbursed_on=loan.disbursed_on,
        settled_on=settled_on,
        principal=-sum((e.principal for e in paid), ZERO),
        interest=-sum((e.interest for e in paid), ZERO),
        fees=-sum((e.fees for e in paid), ZERO),
        penalty=-sum((e.penalty for e in paid), ZERO),
        waived=-sum((e.total for e in entries if e.kind == LedgerEntry.Kind.WAIVER), ZERO),
        payments=len({e.payment_id for e in entries if e.kind == LedgerEntry.Kind.PAYMENT}),
    )


def borrower_settlement(*, user: Any, reference: str) -> Settlement | None:
    """The settlement confirmation of one of the signed-in borrower's loans; None unless that loan is
    theirs and paid off. Two queries."""
    loan = (
        Loan.objects.filter(borrower__user=user, reference=reference.upper(), status=Loan.Status.PAID_OFF)
        .select_related("product", "borrower")
        .first()
    )
    if loan is None:
        return None
    entries = list(
        LedgerEntry.objects.filter(loan=loan).select_related("reverses").order_by("business_date", "id")
    )
    return _settlement(loan, entries)


@dataclass(frozen=True)
class ChartBar:
    """One horizontal bar of the "if you pay on" chart, in the SVG's 0-100 coordinates."""

    y: int
    width: Decimal


def _chart(rows: Sequence[PayOnRow]) -> tuple[ChartBar, ...]:
    largest = max((row.amount_due for row in rows), default=ZERO)
    return tuple(
        ChartBar(
            y=n * 10, width=(row.amount_due * 100 / largest).quantize(Decimal("0.1")) if largest else ZERO
        )
        for n, row in enumerate(rows)
    )


def _loans(user: Any) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(borrower__user=user)
        .select_related("product__overdue_policy", "borrower")
        .prefetch_related(
            Prefetch("instalments", queryset=Instalment.objects.order_by("number")),
            Prefetch(
                "product__overdue_policy__milestones", queryset=Milestone.objects.order_by("day", "kind")
            ),
        )
        .order_by("status", "disbursed_on", "reference")
    )


def _milestone_views(loan: Loan, first_overdue: date | None, days_past_due: int) -> tuple[MilestoneView, ...]:
    """The policy's milestones as this loan meets them: dated from its oldest unpaid due date, and marked
    as happened once the loan is that many days past due."""
    grace_days = loan.product.overdue_policy.grace_days
    return tuple(
        MilestoneView(
            day=m.day,
            kind=m.kind,
            kind_label=str(m.get_kind_display()),
            text=m.text,
            on=first_overdue + timedelta(days=m.day) if first_overdue else None,
            happened=first_overdue is not None and m.day <= days_past_due,
            ends_grace=m.kind == loanmath.MilestoneKind.REMINDER.value and m.day == grace_days,
        )
        for m in loan.product.overdue_policy.milestones.all()
    )


def _card(
    loan: Loan, today: date
) -> tuple[LoanCard, loanmath.LoanPosition, loanmath.OverduePolicy, loanmath.Projection | None]:
    """The loan's card, with what it was worked out from (the projection to today, unless paid off)."""
    instalments: list[Instalment] = list(loan.instalments.all())
    policy = policy_for_loanmath(loan.product.overdue_policy)
    position = loan_position(loan, instalments)
    on = max(today, position.as_of)
    if loan.status == Loan.Status.PAID_OFF:
        return (
            LoanCard(
                reference=loan.reference,
                product_name=loan.product.name,
                principal=loan.principal,
                status=loan.status,
                status_label=str(loan.get_status_display()),
                outstanding=ZERO,
                amount_due_today=ZERO,
                payoff_today=ZERO,
                payoff_extra=ZERO,
                next_due_date=None,
                next_due_amount=ZERO,
                days_past_due=0,
                bucket=loanmath.OverdueBucket.CURRENT.value,
                is_overdue=False,
                next_milestone=None,
            ),
            position,
            policy,
            None,
        )
    projection = loanmath.project_amount_due(position=position, policy=policy, on=on)
    upcoming = [i for i in position.instalments if i.due_date > on]
    next_item = min(upcoming, key=lambda i: i.due_date) if upcoming else None
    oldest = min((i.due_date for i in projection.instalments), default=None)
    milestones = _milestone_views(loan, oldest, projection.days_past_due)
    next_milestone = next((m for m in milestones if not m.happened), None)
    payoff = loanmath.payoff_amount(position=position, policy=policy, on=on, projection=projection)
    outstanding = projection.amount_due + sum((i.principal for i in upcoming), ZERO)
    return (
        LoanCard(
            reference=loan.reference,
            product_name=loan.product.name,
            principal=loan.principal,
            status=loan.status,
            status_label=str(loan.get_status_display()),
            outstanding=outstanding,
            amount_due_today=projection.amount_due,
            payoff_today=payoff,
            payoff_extra=payoff - outstanding,
            next_due_date=next_item.due_date if next_item else None,
            next_due_amount=next_item.total if next_item else ZERO,
            days_past_due=projection.days_past_due,
            bucket=projection.bucket.value,
            is_overdue=projection.days_past_due > 0,
            next_milestone=next_milestone if projection.days_past_due > 0 else None,
        ),
        position,
        policy,
        projection,
    )


def borrower_loan_cards(*, user: Any, today: date) -> list[LoanCard]:
    """Every loan of the signed-in borrower, newest problems first. Three queries, whatever the count."""
    cards = [_card(loan, today)[0] for loan in _loans(user)]
    return sorted(cards, key=lambda c: (not c.is_overdue, c.status != Loan.Status.ACTIVE, c.reference))


def borrower_loan_or_404(*, user: Any, reference: str) -> Loan:
    loan = _loans(user).filter(reference=reference.upper()).first()
    if loan is None:
        raise Http404
    return loan


def _schedule(instalments: Sequence[Instalment], today: date) -> tuple[ScheduleRow, ...]:
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
            unpaid = inst.principal_unpaid + (inst.interest - inst.interest_billed) + inst.interest_unpaid
        rows.append(
            ScheduleRow(
                number=inst.number,
                due_date=inst.due_date,
                principal=inst.principal,
                interest=inst.interest,
                payment=inst.principal + inst.interest,
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


def borrower_loan_detail(*, loan: Loan, today: date, pay_on: date | None = None) -> LoanDetail:
    """The loan page: schedule, ledger, "if you pay on…" and "why this amount". Two queries beyond the
    loan's own three (its ledger and nothing else), whatever the number of instalments."""
    card, position, policy, card_projection = _card(loan, today)
    instalments = list(loan.instalments.all())
    entries = list(
        LedgerEntry.objects.filter(loan=loan)
        .select_related("instalment", "reverses")
        .order_by("business_date", "id")
    )
    start = max(today, position.as_of)
    projections: dict[date, loanmath.Projection] = {}
    if card_projection is not None:
        projections[card_projection.on] = card_projection

    def projected(on: date) -> loanmath.Projection:
        # Each date is projected once: the card's "today", the horizons and the chosen date overlap.
        if on not in projections:
            projections[on] = loanmath.project_amount_due(position=position, policy=policy, on=on)
        return projections[on]

    today_projection = projected(start)
    oldest = min((i.due_date for i in today_projection.instalments), default=None)
    milestones = _milestone_views(loan, oldest, today_projection.days_past_due)
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
    charges = _charges(entries, chosen_projection)
    return LoanDetail(
        card=card,
        annual_rate=loan.annual_rate,
        term_months=loan.term_months,
        method_label=str(
            dict(loan.product._meta.get_field("method").choices or []).get(loan.method, loan.method)
        ),
        disbursed_on=loan.disbursed_on,
        policy=policy,
        overpayment_refunded=loan.product.overpayment_handling == loanmath.OverpaymentHandling.REFUND.value,
        schedule=_schedule(instalments, today),
        ledger=tuple(
            LedgerRow(
                business_date=e.business_date,
                kind=e.kind,
                kind_label=str(e.get_kind_display()),
                instalment_number=e.instalment.number if e.instalment else None,
                amount=e.total,
            )
            for e in entries
        ),
        pay_on_rows=tuple(rows),
        chosen=chosen,
        charges=charges,
        cost_cap_to_date=chosen_projection.cost_cap,
        total_cost_to_date=chosen_projection.total_cost,
        milestones=milestones,
        chart=_chart(rows),
        chart_height=len(rows) * 10,
        settlement=_settlement(loan, entries) if loan.status == Loan.Status.PAID_OFF else None,
    )


def _charges(entries: Sequence[LedgerEntry], projection: loanmath.Projection) -> tuple[ChargeLine, ...]:
    """Fees and penalty already in the ledger (grouped by instalment and accrual period), then those the
    projection adds by the chosen date."""
    lines: list[ChargeLine] = []
    penalty_groups: dict[tuple[int, str, str], list[LedgerEntry]] = {}
    for entry in entries:
        if entry.instalment is None or not entry.basis:
            continue
        number = entry.instalment.number
        if entry.kind == LedgerEntry.Kind.LATE_FEE:
            lines.append(
                ChargeLine(
                    kind="late_fee",
                    instalment_number=number,
                    base=Decimal(entry.basis["base"]),
                    rate=Decimal(entry.basis["rate"]),
                    flat=Decimal(entry.basis["flat"]),
                    start=entry.business_date,
                    end=entry.business_date,
                    days=0,
                    days_in_year=int(entry.basis["days_in_year"]),
                    amount=entry.fees,
                    trimmed_by_cap=Decimal(entry.basis.get("trimmed_by_cap", "0")),
                    already_charged=True,
                )
            )
        elif entry.kind == LedgerEntry.Kind.PENALTY_INTEREST:
            key = (number, entry.basis["start"], entry.basis["base"])
            penalty_groups.setdefault(key, []).append(entry)
    for (number, start, base), group in penalty_groups.items():
        first = group[0]
        start_date = date.fromisoformat(start)
        end = group[-1].business_date
        lines.append(
            ChargeLine(
                kind="penalty_interest",
                instalment_number=number,
                base=Decimal(base),
                rate=Decimal(first.basis["rate"]),
                flat=ZERO,
                start=start_date + timedelta(days=1),
                end=end,
                days=(end - start_date).days,
                days_in_year=int(first.basis["days_in_year"]),
                amount=sum((e.penalty for e in group), ZERO),
                trimmed_by_cap=sum((Decimal(e.basis.get("trimmed_by_cap", "0")) for e in group), ZERO),
                already_charged=True,
            )
        )
    for charge in projection.charges:
        if charge.amount == 0 and charge.trimmed_by_cap == 0:
            continue
        is_fee = charge.kind is loanmath.ChargeKind.LATE_FEE
        lines.append(
            ChargeLine(
                kind=charge.kind.value,
                instalment_number=charge.instalment_number,
                base=charge.base,
                rate=charge.rate,
                flat=charge.flat,
                start=charge.start if is_fee else projection.as_of + timedelta(days=1),
                end=charge.end,
                days=charge.days if is_fee else (charge.end - projection.as_of).days,
                days_in_year=charge.days_in_year,
                amount=charge.amount,
                trimmed_by_cap=charge.trimmed_by_cap,
                already_charged=False,
            )
        )
    return tuple(sorted(lines, key=lambda c: (c.instalment_number, c.start, c.kind)))


@dataclass(frozen=True)
class DebtRow:
    """An open loan as the planner needs it: what is owed now, its rate, its regular payment."""

    reference: str
    product_name: str
    balance: Decimal
    annual_rate: Decimal
    minimum_payment: Decimal
    remaining_instalments: int


def borrower_debts(*, user: Any, today: date) -> list[DebtRow]:
    """The borrower's active loans, for planning them together. Three queries, whatever the count."""
    rows = []
    for loan in _loans(user):
        if loan.status != Loan.Status.ACTIVE:
            continue
        card = _card(loan, today)[0]
        open_instalments = [i for i in loan.instalments.all() if not i.is_settled]
        upcoming = [i for i in open_instalments if i.due_date > today]
        regular = upcoming[0] if upcoming else (open_instalments[-1] if open_instalments else None)
        rows.append(
            DebtRow(
                reference=loan.reference,
                product_name=loan.product.name,
                balance=card.outstanding,
                annual_rate=loan.annual_rate,
                minimum_payment=min(regular.principal + regular.interest, card.outstanding)
                if regular
                else ZERO,
                remaining_instalments=len(open_instalments),
            )
        )
    return rows


def borrower_debts_due(*, user: Any, today: date) -> dict[str, tuple[Decimal, tuple[date, ...]]]:
    """For the planner, by reference: each active loan's amount due now (overdue instalments with their
    charges, as its card shows) and the due dates still to come. Three queries, whatever the count."""
    due = {}
    for loan in _loans(user):
        if loan.status == Loan.Status.ACTIVE:
            upcoming = (i.due_date for i in loan.instalments.all() if i.due_date > today and not i.is_settled)
            due[loan.reference] = (_card(loan, today)[0].amount_due_today, tuple(upcoming))
    return due

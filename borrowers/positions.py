"""The ledger's rows as loanmath's inputs: the one adapter between the models and the pure arithmetic.

Reads only: selectors and services both build loanmath positions through here, so neither depends on the
other. A loan and its instalments are read through the figures they must have (`LoanFigures`,
`InstalmentFigures`), so the same functions take the models (services) or the selectors' frozen copies
of them.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

import loanmath
from borrowers.models import OverduePolicy
from loanmath import ZERO


class InstalmentFigures(Protocol):
    """What loanmath needs of an instalment: `borrowers.models.Instalment` or a frozen copy of it."""

    @property
    def number(self) -> int: ...
    @property
    def due_date(self) -> date: ...
    @property
    def interest(self) -> Decimal: ...
    @property
    def interest_billed(self) -> Decimal: ...
    @property
    def fees_charged(self) -> Decimal: ...
    @property
    def penalty_charged(self) -> Decimal: ...
    @property
    def principal_unpaid(self) -> Decimal: ...
    @property
    def interest_unpaid(self) -> Decimal: ...
    @property
    def fees_unpaid(self) -> Decimal: ...
    @property
    def penalty_unpaid(self) -> Decimal: ...
    @property
    def penalty_period_start(self) -> date | None: ...
    @property
    def penalty_period_formula(self) -> Decimal: ...


class LoanFigures(Protocol):
    """What loanmath needs of a loan: `borrowers.models.Loan` or a frozen copy of it."""

    @property
    def principal(self) -> Decimal: ...
    @property
    def annual_rate(self) -> Decimal: ...
    @property
    def disbursed_on(self) -> date: ...
    @property
    def closed_through(self) -> date | None: ...
    @property
    def cost_cap_base(self) -> Decimal: ...
    @property
    def cost_cap_base_on(self) -> date: ...
    @property
    def charges_paused_through(self) -> date | None: ...


def policy_for_loanmath(policy: OverduePolicy, *, contract_rate: Decimal) -> loanmath.OverduePolicy:
    """The staff-edited policy as loanmath's frozen dataclass, for a loan at ``contract_rate`` (penalty
    interest may be a markup on it; milestones must be prefetched)."""
    return loanmath.OverduePolicy(
        grace_days=policy.grace_days,
        late_fee_flat=policy.late_fee_flat,
        late_fee_rate=policy.late_fee_rate,
        penalty_rate=policy.penalty_rate_for(contract_rate),
        day_count=policy.day_count_convention,
        annual_cost_cap=policy.annual_cost_cap,
        milestones=tuple(
            loanmath.Milestone(day=m.day, kind=loanmath.MilestoneKind(m.kind))
            for m in policy.milestones.all()
        ),
    )


def open_items(
    instalments: Iterable[InstalmentFigures], *, as_of: date
) -> tuple[loanmath.OpenInstalment, ...]:
    """What is unpaid on each instalment, for loanmath. Interest not yet fallen due is included as
    scheduled (a projection bills it on its due date). An instalment with no principal scheduled (every
    instalment but the last of an interest-only loan) still owes its interest; the interest of periods
    whose principal was repaid early is repriced to what is really owed (often 0.00) when it is repaid,
    so it is never billed on principal that is gone."""
    items = []
    for inst in instalments:
        unbilled = inst.interest - inst.interest_billed if inst.due_date > as_of else ZERO
        item = loanmath.OpenInstalment(
            number=inst.number,
            due_date=inst.due_date,
            principal=inst.principal_unpaid,
            interest=inst.interest_unpaid + unbilled,
            unbilled_interest=unbilled,
            fees=inst.fees_unpaid,
            penalty=inst.penalty_unpaid,
            penalty_from=inst.penalty_period_start,
            penalty_in_period=inst.penalty_period_formula,
        )
        if item.total > 0:
            items.append(item)
    return tuple(items)


def loan_position(loan: LoanFigures, instalments: Sequence[InstalmentFigures]) -> loanmath.LoanPosition:
    """The loan as the ledger has it after its last close of business, for loanmath."""
    as_of = loan.closed_through or loan.disbursed_on
    return loanmath.LoanPosition(
        principal=loan.principal,
        disbursed_on=loan.disbursed_on,
        as_of=as_of,
        owed=amount_owed(instalments),
        cap_base=loan.cost_cap_base,
        cap_base_on=loan.cost_cap_base_on,
        charges_paused_through=loan.charges_paused_through,
        instalments=open_items(instalments, as_of=as_of),
    )


def amount_owed(instalments: Iterable[InstalmentFigures]) -> Decimal:
    """The ledger's balance: principal outstanding (due or not) + interest fallen due + late fees +
    penalty interest, all unpaid (what the cost cap holds below its limit)."""
    return sum(
        (i.principal_unpaid + i.interest_unpaid + i.fees_unpaid + i.penalty_unpaid for i in instalments), ZERO
    )


def restructure_position(
    loan: LoanFigures, instalments: Sequence[InstalmentFigures]
) -> loanmath.RestructurePosition:
    """The loan as a restructuring starts from: its open instalments after its last close of business
    (the preview a borrower is shown and the restructuring applied are both worked out from this)."""
    as_of = loan.closed_through or loan.disbursed_on
    return loanmath.RestructurePosition(
        on=as_of, annual_rate=loan.annual_rate, instalments=open_items(instalments, as_of=as_of)
    )


def current_period_start(
    *, disbursed_on: date, first_due: date, schedule: Iterable[tuple[date, date | None]]
) -> date:
    """The day the period ending on ``first_due`` began: the latest due date before it of an instalment
    that fell due on the schedule in force on its day (one still in force, or one a restructuring replaced
    on or after its due date), else the day the loan was paid out. ``schedule`` gives each instalment's
    due date and, for one replaced, the business date of the restructuring that replaced it (a due date
    of the old schedule that was replaced before it came is not a period's end)."""
    starts = [
        due
        for due, replaced_on in schedule
        if due < first_due and (replaced_on is None or due <= replaced_on)
    ]
    return max(starts, default=disbursed_on)

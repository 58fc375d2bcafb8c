"""What the borrower will owe on a later date if nothing is paid, and why.

A projection starts from the loan's position at the end of ``as_of``, after that day's close of
business: every late fee and every day of penalty interest up to and including ``as_of`` is already in
the open instalments' ``fees`` and ``penalty``. It then walks forward one day at a time, exactly as the
nightly close of business would, applying the rules of :mod:`loanmath.overdue`:

* on an instalment's due date its unbilled contract interest falls due (it is owed from then on, less
  any part the cost cap forgoes);
* on the first day after grace (due date + grace_days + 1), if that day is after ``as_of``, a late fee
  of late_fee_flat + (unpaid principal + unpaid interest) * late_fee_rate is proposed;
* every day after max(as_of, last day of grace), penalty interest on the instalment's unpaid principal
  is proposed; the period's penalty is principal * penalty_rate * days / days_in_year rounded half up
  once, and each day proposes the increase of that rounded figure, so the days add up to it exactly;
* each day's proposals are trimmed to the cost cap: to the headroom between what the borrower owes and
  the most the cap allows that day (late fees first, then penalty interest, oldest instalment first;
  see :func:`loanmath.overdue.cost_cap_limit`).

Because nothing is paid and every day only adds, the amount due never decreases with a later date.
A projection can differ from the ledger by a cent per instalment when the ledger's accrual period
started before ``as_of``, because the ledger rounds that longer period once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from loanmath.errors import InvalidInputError
from loanmath.money import ZERO, quantize, require_cents
from loanmath.open_items import OpenInstalment, require_distinct_numbers
from loanmath.overdue import (
    Milestone,
    OverdueBucket,
    OverduePolicy,
    cost_cap_headroom,
    cost_cap_limit,
    days_past_due,
    last_day_of_grace,
    late_fee,
    late_fee_charge_date,
    milestones_crossed,
    overdue_bucket,
    penalty_interest,
    trim_to_cap,
)

BORROWER_HORIZONS_IN_DAYS = (1, 7, 30, 60, 90)


@dataclass(frozen=True)
class LoanPosition:
    """A loan at the end of ``as_of``, as the ledger has it after that day's close of business.

    principal: the amount lent.
    disbursed_on: the day the money was paid out.
    owed: the ledger's balance at the end of ``as_of``: principal outstanding (due or not), interest
        fallen due, late fees and penalty interest, all unpaid.
    cap_base, cap_base_on: the cost cap's running base (see :func:`loanmath.overdue.cost_cap_limit`):
        the principal on the disbursement date, then after each payment the limit less the payment.
        Left out, the loan is taken to have had no payment (the principal on ``disbursed_on``).
    charges_paused_through: no late fee and no penalty interest on any day up to and including this date
        (a hardship application's breathing space, an interest and penalty freeze). A late fee whose day
        falls in the pause is never charged; penalty interest starts a new accrual period after it.
    instalments: every instalment with anything unpaid, due or not yet due.
    """

    principal: Decimal
    disbursed_on: date
    as_of: date
    owed: Decimal
    instalments: tuple[OpenInstalment, ...]
    cap_base: Decimal | None = None
    cap_base_on: date | None = None
    charges_paused_through: date | None = None

    def __post_init__(self) -> None:
        require_cents("principal", self.principal)
        require_cents("owed", self.owed)
        object.__setattr__(self, "principal", quantize(self.principal))
        object.__setattr__(self, "owed", quantize(self.owed))
        if self.cap_base_on is not None and self.cap_base_on > self.as_of:
            raise InvalidInputError(f"the cost cap base is dated {self.cap_base_on}, after {self.as_of}")
        object.__setattr__(self, "instalments", tuple(self.instalments))
        if self.as_of < self.disbursed_on:
            raise InvalidInputError(f"as_of {self.as_of} is before the disbursement on {self.disbursed_on}")
        require_distinct_numbers(self.instalments)

    @property
    def cap_anchor(self) -> tuple[Decimal, date]:
        """The cost cap's running base and its date."""
        if self.cap_base is None or self.cap_base_on is None:
            return self.principal, self.disbursed_on
        return self.cap_base, self.cap_base_on


class ChargeKind(StrEnum):
    """The two charges that lateness adds."""

    LATE_FEE = "late_fee"
    PENALTY_INTEREST = "penalty_interest"


@dataclass(frozen=True)
class ChargeExplanation:
    """One new charge between ``as_of`` and the projected date, with everything needed to check it.

    Late fee: formula_amount = flat + base * rate, charged once on ``start`` (= ``end``); days = 0;
        base = the instalment's unpaid principal + unpaid interest.
    Penalty interest: the accrual period runs over the ``days`` days after ``start`` up to and including
        ``end``; base = the instalment's unpaid principal; flat = 0. formula_amount is what the
        period's formula (base * rate * days / days_in_year, rounded once) adds after ``as_of``: the
        whole period's figure when the period starts at or after ``as_of``, and its increase over the
        instalment's ``penalty_in_period`` when the period was already under way.
    amount: what is actually charged, after the cost cap; trimmed_by_cap = formula_amount - amount.
    """

    instalment_number: int
    kind: ChargeKind
    base: Decimal
    rate: Decimal
    flat: Decimal
    start: date
    end: date
    days: int
    days_in_year: int
    formula_amount: Decimal
    amount: Decimal

    @property
    def trimmed_by_cap(self) -> Decimal:
        """What the cost cap took off the formula amount."""
        return self.formula_amount - self.amount


@dataclass(frozen=True)
class ProjectedInstalment:
    """An instalment due by the projected date: what will be owed on it, and what lateness added."""

    number: int
    due_date: date
    days_past_due: int
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalty: Decimal
    new_fees: Decimal
    new_penalty: Decimal
    # Contract interest falling due after ``as_of``: what is billed, and what the cost cap forgoes.
    new_interest: Decimal = ZERO
    interest_forgone: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """principal + interest + fees + penalty (fees and penalty include the new ones; interest is net
        of any the cost cap forgoes)."""
        return self.principal + self.interest + self.fees + self.penalty


@dataclass(frozen=True)
class Projection:
    """What the borrower will owe on ``on`` if nothing is paid after ``as_of``.

    amount_due: everything due on or before ``on``: the sum of ``instalments``' totals.
    not_yet_due: what the open instalments falling due after ``on`` carry (not part of amount_due).
    cost_of_waiting: the late fees and penalty interest added between ``as_of`` and ``on``.
    days_past_due, bucket: of the oldest unpaid instalment, on ``on``.
    milestones_crossed: the policy milestones reached after ``as_of`` up to and including ``on``.
    owed, owed_limit: the whole balance owed at the end of ``on`` (principal not yet due included) and
        the most the cost cap allows then.
    penalty_periods: for each instalment whose penalty accrual period has begun by ``on``: (number,
        the day the period runs from, the period's formula amount so far), for the ledger to keep.
    """

    as_of: date
    on: date
    instalments: tuple[ProjectedInstalment, ...]
    not_yet_due: Decimal
    days_past_due: int
    bucket: OverdueBucket
    milestones_crossed: tuple[Milestone, ...]
    charges: tuple[ChargeExplanation, ...]
    owed: Decimal
    owed_limit: Decimal
    penalty_periods: tuple[tuple[int, date, Decimal], ...] = ()
    amount_due: Decimal = field(init=False)
    cost_of_waiting: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount_due", sum((i.total for i in self.instalments), ZERO))
        object.__setattr__(self, "cost_of_waiting", sum((c.amount for c in self.charges), ZERO))


def _oldest_unpaid_days_past_due(instalments: Sequence[OpenInstalment], on: date) -> int:
    due = [i.due_date for i in instalments if i.total > 0 and i.due_date <= on]
    return days_past_due(due_date=min(due), on=on) if due else 0


def project_amount_due(*, position: LoanPosition, policy: OverduePolicy, on: date) -> Projection:
    """What the borrower will owe on ``on`` if nothing is paid, by the rules in this module's docstring."""
    as_of = position.as_of
    if on < as_of:
        raise InvalidInputError(f"a projection looks forward from {as_of}, not back to {on}")
    instalments = sorted(
        (i for i in position.instalments if i.total > 0), key=lambda i: (i.due_date, i.number)
    )
    count = len(instalments)
    fee_dates = [late_fee_charge_date(due_date=i.due_date, policy=policy) for i in instalments]
    paused = position.charges_paused_through
    fee_formulas = [
        late_fee(overdue_amount=i.principal + i.interest, policy=policy)
        if fee_dates[n] > as_of and (paused is None or fee_dates[n] > paused)
        else ZERO
        for n, i in enumerate(instalments)
    ]
    penalty_starts = [
        i.penalty_from
        if i.penalty_from is not None
        else max(as_of, last_day_of_grace(due_date=i.due_date, policy=policy))
        for i in instalments
    ]
    penalty_already = [i.penalty_in_period for i in instalments]
    if paused is not None:
        # No penalty accrues on a paused day: a period under way before the pause ends at its start, and
        # the next begins after its last day (what was charged before it stays charged).
        for n, start in enumerate(penalty_starts):
            if start < paused:
                penalty_starts[n] = paused
                penalty_already[n] = ZERO
    penalty_formulas = list(penalty_already)
    new_fees = [ZERO] * count
    new_penalty = [ZERO] * count
    new_interest = [ZERO] * count
    interest_forgone = [ZERO] * count

    cap_base, cap_base_on = position.cap_anchor
    owed = position.owed
    day = as_of
    while day < on:
        day += timedelta(days=1)
        # The day's charges in the order they are granted: contract interest falling due, then late
        # fees, then penalty interest (oldest instalment first in each), so the cap trims penalty first
        # and contract interest last.
        proposals: list[tuple[int, ChargeKind | None, Decimal]] = [
            (n, None, instalment.unbilled_interest)
            for n, instalment in enumerate(instalments)
            if instalment.due_date == day and instalment.unbilled_interest > 0
        ]
        proposals += [
            (n, ChargeKind.LATE_FEE, fee_formulas[n])
            for n in range(count)
            if fee_dates[n] == day and fee_formulas[n] > 0
        ]
        for n, instalment in enumerate(instalments):
            if day > penalty_starts[n] and instalment.principal > 0:
                to_date = penalty_interest(
                    overdue_principal=instalment.principal, start=penalty_starts[n], end=day, policy=policy
                )
                # Never a negative charge: if the period's recorded formula is above today's (its terms
                # were lowered without the caller starting a new period), nothing is added until the
                # formula catches up; the caller's job is to restart the period when terms change.
                proposals.append((n, ChargeKind.PENALTY_INTEREST, max(to_date - penalty_formulas[n], ZERO)))
                penalty_formulas[n] = max(to_date, penalty_formulas[n])
        if not proposals:
            continue
        limit = cost_cap_limit(base=cap_base, base_on=cap_base_on, on=day, policy=policy)
        granted = trim_to_cap(
            [amount for _, _, amount in proposals], cost_cap_headroom(limit=limit, owed=owed)
        )
        for (n, kind, proposed), amount in zip(proposals, granted, strict=True):
            if kind is None:
                new_interest[n] += amount
                interest_forgone[n] += proposed - amount
            elif kind is ChargeKind.LATE_FEE:
                new_fees[n] += amount
            else:
                new_penalty[n] += amount
        owed += sum(granted, ZERO)

    days_in_year = policy.day_count.days_in_year
    projected: list[ProjectedInstalment] = []
    explanations: list[ChargeExplanation] = []
    not_yet_due = ZERO
    for n, instalment in enumerate(instalments):
        if instalment.due_date > on:
            not_yet_due += instalment.total
            continue
        projected.append(
            ProjectedInstalment(
                number=instalment.number,
                due_date=instalment.due_date,
                days_past_due=days_past_due(due_date=instalment.due_date, on=on),
                principal=instalment.principal,
                interest=instalment.interest - interest_forgone[n],
                fees=instalment.fees + new_fees[n],
                penalty=instalment.penalty + new_penalty[n],
                new_fees=new_fees[n],
                new_penalty=new_penalty[n],
                new_interest=new_interest[n],
                interest_forgone=interest_forgone[n],
            )
        )
        if fee_formulas[n] > 0 and fee_dates[n] <= on:
            explanations.append(
                ChargeExplanation(
                    instalment_number=instalment.number,
                    kind=ChargeKind.LATE_FEE,
                    base=instalment.principal + instalment.interest,
                    rate=policy.late_fee_rate,
                    flat=policy.late_fee_flat,
                    start=fee_dates[n],
                    end=fee_dates[n],
                    days=0,
                    days_in_year=days_in_year,
                    formula_amount=fee_formulas[n],
                    amount=new_fees[n],
                )
            )
        if penalty_formulas[n] > penalty_already[n]:
            explanations.append(
                ChargeExplanation(
                    instalment_number=instalment.number,
                    kind=ChargeKind.PENALTY_INTEREST,
                    base=instalment.principal,
                    rate=policy.penalty_rate,
                    flat=ZERO,
                    start=penalty_starts[n],
                    end=on,
                    days=(on - penalty_starts[n]).days,
                    days_in_year=days_in_year,
                    formula_amount=penalty_formulas[n] - penalty_already[n],
                    amount=new_penalty[n],
                )
            )

    days_late_then = _oldest_unpaid_days_past_due(instalments, as_of)
    days_late = _oldest_unpaid_days_past_due(instalments, on)
    return Projection(
        as_of=as_of,
        on=on,
        instalments=tuple(projected),
        not_yet_due=not_yet_due,
        days_past_due=days_late,
        bucket=overdue_bucket(days_late),
        milestones_crossed=milestones_crossed(
            milestones=policy.milestones, from_days_past_due=days_late_then, to_days_past_due=days_late
        ),
        charges=tuple(explanations),
        owed=owed,
        owed_limit=cost_cap_limit(base=cap_base, base_on=cap_base_on, on=on, policy=policy),
        penalty_periods=tuple(
            (instalment.number, penalty_starts[n], penalty_formulas[n])
            for n, instalment in enumerate(instalments)
            if on > penalty_starts[n] and instalment.principal > 0
        ),
    )


def project_amounts_due(
    *,
    position: LoanPosition,
    policy: OverduePolicy,
    after_days: Sequence[int] = BORROWER_HORIZONS_IN_DAYS,
) -> tuple[Projection, ...]:
    """Projections for paying 1, 7, 30, 60 and 90 days after ``as_of`` (or the days given)."""
    if any(days < 0 for days in after_days):
        raise InvalidInputError(f"projections look forward, got {list(after_days)} days")
    return tuple(
        project_amount_due(position=position, policy=policy, on=position.as_of + timedelta(days=days))
        for days in after_days
    )


def payoff_amount(
    *, position: LoanPosition, policy: OverduePolicy, on: date, projection: Projection | None = None
) -> Decimal:
    """What repays the whole loan on ``on``: everything due by then (with the late fees and penalty
    interest that waiting until ``on`` adds), all principal not yet due with whatever has already fallen
    due on those instalments (what a restructuring carried there), and the contract interest of
    the current period (the first instalment falling due after ``on``) in full, as far as the cost cap
    leaves room for it (:func:`early_interest_allowed`). The interest of later
    periods is not charged: paying off early saves it. Pass ``projection`` (``position`` projected to
    ``on``) if you already have it, to save walking the days again."""
    if projection is None or projection.on != on or projection.as_of != position.as_of:
        projection = project_amount_due(position=position, policy=policy, on=on)
    later = sorted((i for i in position.instalments if i.due_date > on), key=lambda i: (i.due_date, i.number))
    current_interest = later[0].interest if later else ZERO
    return (
        projection.amount_due
        + sum((i.principal + i.fees + i.penalty for i in later), ZERO)
        # Interest already fallen due on a later instalment (a restructuring carried it there) is owed.
        + sum((i.interest - i.unbilled_interest for i in later[1:]), ZERO)
        + min(current_interest, early_interest_allowed(projection, later[0] if later else None))
    )


def early_interest_allowed(projection: Projection, current: OpenInstalment | None) -> Decimal:
    """How much of the current period's interest may be asked on ``projection.on``, when it is paid then
    (a payoff, or a payment reaching it): what of it is already billed and unpaid, plus as much of its
    unbilled interest as the cost cap leaves room for that day (owed_limit - owed). Paying early bills
    the period's interest at once, so it is a charge like any other; the rest is forgone."""
    if current is None:
        return ZERO
    billed = current.interest - current.unbilled_interest
    return billed + min(current.unbilled_interest, max(ZERO, projection.owed_limit - projection.owed))

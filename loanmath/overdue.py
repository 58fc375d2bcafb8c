"""What being late costs: days past due, grace, late fees, penalty interest, the cost cap, milestones.

Day conventions, used everywhere in loanmath:

* An instalment is payable on its due date; it is 1 day past due on the day after, 2 days on the day
  after that, and so on. Days past due of a loan come from its oldest unpaid instalment.
* Grace: with ``grace_days`` = g, the days due date + 1 ... due date + g are grace days. Paying within
  grace costs nothing extra. Grace days are never charged, even when the borrower pays after grace:
  penalty interest accrues from the first day after grace (due date + g + 1) onwards.
* Late fee: charged once per instalment, on the first day after grace (due date + g + 1), if anything
  of that instalment is still unpaid that day.
* Penalty interest (罚息): daily simple interest on the instalment's unpaid principal only, never on
  interest, fees or earlier penalty (no interest on interest, no interest on fees). One day's penalty is
  principal * penalty_rate / days_in_year (360 or 365, the product's day count).
* Rounding: penalty interest for an accrual period (a run of days over which the overdue principal does
  not change) is computed on the whole period and rounded half up to the cent once. A nightly job that
  posts a day at a time should post "period-to-date tonight minus period-to-date last night", so the
  posted days add up to the rounded period figure instead of accumulating a rounding error each day.
* The cost cap: see :func:`cost_cap`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from loanmath.dates import DayCount, days_between
from loanmath.errors import InvalidInputError
from loanmath.money import ZERO, calculation_context, quantize, require_cents, require_rate

DEFAULT_ANNUAL_COST_CAP = Decimal("0.24")


class MilestoneKind(StrEnum):
    """What happens on a milestone day. The words a borrower reads live in the database, not here."""

    REMINDER = "reminder"
    CREDIT_BUREAU = "credit_bureau"  # reported to the credit reference centre (征信)
    COLLECTIONS = "collections"
    LEGAL = "legal"


@dataclass(frozen=True)
class Milestone:
    """On the ``day``-th day past due, ``kind`` happens."""

    day: int
    kind: MilestoneKind

    def __post_init__(self) -> None:
        if isinstance(self.day, bool) or not isinstance(self.day, int) or self.day < 1:
            raise InvalidInputError(f"a milestone falls on day 1 or later, got {self.day!r}")


class OverdueBucket(StrEnum):
    """The industry's overdue classes, by days past due of the oldest unpaid instalment."""

    CURRENT = "current"  # 0 days
    M1 = "M1"  # 1-30
    M2 = "M2"  # 31-60
    M3 = "M3"  # 61-90
    M3_PLUS = "M3+"  # over 90


@dataclass(frozen=True)
class OverduePolicy:
    """A product's overdue policy, as staff set it.

    grace_days: days after the due date with no late fee and no penalty interest.
    late_fee_flat: the fixed part of the late fee, in yuan.
    late_fee_rate: the proportional part of the late fee, a fraction of what is overdue on the
        instalment (unpaid principal + unpaid interest) on the day the fee is charged.
    penalty_rate: the yearly penalty interest rate on overdue principal, charged by the day.
    day_count: ACT/360 or ACT/365, the days in a year for the daily penalty rate and the cost cap.
    annual_cost_cap: the yearly ceiling on the loan's total cost (contract interest + penalty + fees),
        as a fraction of the principal lent; 0.24 by default.
    milestones: what happens on which day past due (kept sorted by day).
    """

    grace_days: int = 0
    late_fee_flat: Decimal = ZERO
    late_fee_rate: Decimal = Decimal(0)
    penalty_rate: Decimal = Decimal(0)
    day_count: DayCount = DayCount.ACT_365
    annual_cost_cap: Decimal = DEFAULT_ANNUAL_COST_CAP
    milestones: tuple[Milestone, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.grace_days, bool) or not isinstance(self.grace_days, int) or self.grace_days < 0:
            raise InvalidInputError(f"grace_days must be a whole number from 0, got {self.grace_days!r}")
        require_cents("late_fee_flat", self.late_fee_flat)
        require_rate("late_fee_rate", self.late_fee_rate)
        require_rate("penalty_rate", self.penalty_rate)
        require_rate("annual_cost_cap", self.annual_cost_cap)
        if not isinstance(self.day_count, DayCount):
            raise InvalidInputError(f"day_count must be a DayCount, got {self.day_count!r}")
        object.__setattr__(self, "milestones", tuple(sorted(self.milestones, key=lambda m: m.day)))


def days_past_due(*, due_date: date, on: date) -> int:
    """Days past due on ``on``: 0 up to and including the due date, then 1, 2, 3..."""
    return max(0, days_between(due_date, on))


def overdue_bucket(days_past_due: int) -> OverdueBucket:
    """current (0), M1 (1-30), M2 (31-60), M3 (61-90), M3+ (over 90)."""
    if days_past_due <= 0:
        return OverdueBucket.CURRENT
    if days_past_due <= 30:
        return OverdueBucket.M1
    if days_past_due <= 60:
        return OverdueBucket.M2
    if days_past_due <= 90:
        return OverdueBucket.M3
    return OverdueBucket.M3_PLUS


def last_day_of_grace(*, due_date: date, policy: OverduePolicy) -> date:
    """due date + grace_days: the last day on which paying costs nothing extra (the due date if no grace)."""
    return due_date + timedelta(days=policy.grace_days)


def is_past_grace(*, due_date: date, on: date, policy: OverduePolicy) -> bool:
    """True from due date + grace_days + 1 onwards."""
    return on > last_day_of_grace(due_date=due_date, policy=policy)


def late_fee_charge_date(*, due_date: date, policy: OverduePolicy) -> date:
    """The one day a late fee is charged: due date + grace_days + 1."""
    return last_day_of_grace(due_date=due_date, policy=policy) + timedelta(days=1)


def late_fee(*, overdue_amount: Decimal, policy: OverduePolicy) -> Decimal:
    """The late fee for one instalment: late_fee_flat + overdue_amount * late_fee_rate, to the cent.

    ``overdue_amount`` is the instalment's unpaid principal + unpaid interest on the charge day; fees and
    penalty are left out because a fee is never charged on a fee. Nothing overdue, no fee.
    Charge it once per instalment, on :func:`late_fee_charge_date`.
    """
    require_cents("overdue_amount", overdue_amount)
    if overdue_amount == 0:
        return ZERO
    with calculation_context():
        return quantize(policy.late_fee_flat + overdue_amount * policy.late_fee_rate)


def _pro_rata(amount: Decimal, annual_rate: Decimal, days: int, day_count: DayCount) -> Decimal:
    """amount * annual_rate * days / days_in_year, rounded half up to the cent once: the penalty interest
    of a period and the cost cap by a day are both a yearly rate for so many days of the product's year."""
    with calculation_context():
        return quantize(amount * annual_rate * days / day_count.days_in_year)


def penalty_interest(*, overdue_principal: Decimal, start: date, end: date, policy: OverduePolicy) -> Decimal:
    """Penalty interest for the days after ``start`` up to and including ``end``.

    penalty = overdue_principal * penalty_rate * days / days_in_year, days = end - start, rounded half
    up to the cent once for the whole period. The base is principal only: interest, fees and penalty
    are never charged penalty.

    For an instalment past grace, pass ``start`` = due date + grace_days (see
    :func:`last_day_of_grace`), or the day its overdue principal last changed.
    Example: 10,000.00 at 18 % ACT/365 for 30 days = 10,000.00 * 0.18 * 30 / 365 = 147.95.
    """
    require_cents("overdue_principal", overdue_principal)
    days = days_between(start, end)
    if days < 0:
        raise InvalidInputError(f"penalty period ends ({end}) before it starts ({start})")
    return _pro_rata(overdue_principal, policy.penalty_rate, days, policy.day_count)


def cost_cap(*, principal: Decimal, disbursed_on: date, on: date, policy: OverduePolicy) -> Decimal:
    """The most the loan may have cost by the end of day ``on``.

    cap = principal * annual_cost_cap * (on - disbursed_on) / days_in_year, rounded half up to the cent,
    where ``principal`` is the amount lent (not the balance still owed) and days_in_year follows the
    policy's day count.

    How the cap is applied (the same rule in the nightly accrual and in every projection):

    * The loan's total cost on day d = all contract interest that has fallen due + all late fees + all
      penalty interest from disbursement to d, whether paid or not, net of waivers and reversals.
    * Contract interest is never trimmed: it was priced within the cap when the loan was made.
    * Each day, the new late fees and penalty interest are granted only up to the headroom
      cap(d) - total cost so far (never below zero), in the order given to :func:`trim_to_cap`:
      late fees first, then penalty interest, oldest instalment first. So penalty interest is trimmed
      first, and a late fee only if there is no room for it at all.
    * What is trimmed is forgone, never charged later when the cap has grown.

    Example: 10,000.00 lent on 1 Jan 2024 with a 24 % cap, ACT/365: by 1 Mar 2024 (60 days) the loan may
    have cost at most 10,000.00 * 0.24 * 60 / 365 = 394.52.
    """
    require_cents("principal", principal)
    days = days_between(disbursed_on, on)
    if days < 0:
        raise InvalidInputError(f"the cost cap starts on the disbursement date {disbursed_on}, not {on}")
    return _pro_rata(principal, policy.annual_cost_cap, days, policy.day_count)


def cost_cap_headroom(
    *, principal: Decimal, disbursed_on: date, on: date, charges_to_date: Decimal, policy: OverduePolicy
) -> Decimal:
    """How much more fees and penalty may be charged on ``on``: cost_cap - charges_to_date, at least 0."""
    require_cents("charges_to_date", charges_to_date)
    cap = cost_cap(principal=principal, disbursed_on=disbursed_on, on=on, policy=policy)
    return max(ZERO, cap - charges_to_date)


def trim_to_cap(proposed: Sequence[Decimal], headroom: Decimal) -> tuple[Decimal, ...]:
    """Grant each proposed charge in turn until ``headroom`` is used up; later charges are trimmed first.

    trim_to_cap([50.00, 30.00, 20.00], 60.00) = (50.00, 10.00, 0.00).
    """
    require_cents("headroom", headroom)
    granted: list[Decimal] = []
    left = headroom
    for amount in proposed:
        require_cents("proposed charge", amount)
        grant = min(amount, left)
        granted.append(grant)
        left -= grant
    return tuple(granted)


def milestones_crossed(
    *, milestones: Iterable[Milestone], from_days_past_due: int, to_days_past_due: int
) -> tuple[Milestone, ...]:
    """The milestones reached after ``from_days_past_due`` up to and including ``to_days_past_due``."""
    return tuple(m for m in milestones if from_days_past_due < m.day <= to_days_past_due)

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
* The cost cap: see :func:`cost_cap_limit`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from enum import StrEnum
from functools import lru_cache

from loanmath.dates import DayCount, days_between
from loanmath.errors import InvalidInputError
from loanmath.money import CENT, ZERO, calculation_context, quantize, require_cents, require_rate

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
    day_count: ACT/360 or ACT/365, the days in a year for the daily penalty rate (the cost cap always
        counts a 365-day year, see :func:`cost_cap_growth`).
    annual_cost_cap: the ceiling on the loan's annualised cost, as a nominal yearly IRR (contract
        interest, penalty and fees all included, see :func:`cost_cap_limit`); 0.24 by default.
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
    """amount * annual_rate * days / days_in_year, rounded half up to the cent once (a period's penalty)."""
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


COST_CAP_DAYS_IN_YEAR = 365
_GROWTH_PLACES = Decimal("1e-30")
_EXACT = Context(prec=80, rounding=ROUND_FLOOR, traps=[InvalidOperation, DivisionByZero, Overflow])


@lru_cache(maxsize=65536)
def cost_cap_growth(annual_cost_cap: Decimal, days: int) -> Decimal:
    """What one yuan grows to in ``days`` days at the cap: (1 + cap / 12) ** (12 * days / 365).

    The cap is a nominal yearly rate compounded monthly: the convention of the APR a borrower is shown
    (the IRR per month times 12, see :mod:`loanmath.apr`). A month is 365 / 12 days whatever the
    product's day count, so a 24 % cap is 24 % of a calendar year under ACT/360 and ACT/365 alike.
    Computed in 40 digits and rounded down to 30 decimal places: that figure is the definition, so the
    nightly job and every projection (in Python or in SQL) multiply by the same number.
    """
    require_rate("annual_cost_cap", annual_cost_cap)
    if days < 0:
        raise InvalidInputError(f"the cost cap grows forward in time, got {days} days")
    with calculation_context():
        exponent = Decimal(12 * days) / COST_CAP_DAYS_IN_YEAR
        growth = (exponent * (1 + annual_cost_cap / 12).ln()).exp()
    return growth.quantize(_GROWTH_PLACES, rounding=ROUND_FLOOR, context=_EXACT)


def _floor_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_FLOOR, context=_EXACT)


def cost_cap_limit(*, base: Decimal, base_on: date, on: date, policy: OverduePolicy) -> Decimal:
    """The most the borrower may owe at the end of ``on``: ``base`` grown at the cap from ``base_on``.

    The rule (PBOC announcement [2021] No. 3 measures a loan's cost as the annualised IRR of its real
    cash flows, every cost included): on any date, the IRR of (the money lent, every payment made, and
    what is owed that day as if it were repaid then) never exceeds ``annual_cost_cap``. The amount
    owed at which that IRR equals the cap exactly is

        limit(d) = principal * g(d - disbursed_on) - sum(payment_i * g(d - paid_on_i)),

    g = :func:`cost_cap_growth`. It is kept as a running ``base`` on a date: the principal on the
    disbursement date, and after each payment (money kept, net of any refund) ``base`` =
    :func:`cost_cap_base_after_payment`. limit(d) = base * g(d - base_on), rounded down to the fen, so
    the limit is never above the exact one (at most a fen per payment below it).

    "What is owed" is the ledger's balance: principal outstanding (due or not) + interest fallen due +
    late fees + penalty interest, all unpaid. How the cap is applied, the same way in the nightly close
    and in every projection:

    * Each day, the day's new charges are granted only up to the headroom limit(d) - owed (never below
      zero), in the order given to :func:`trim_to_cap`: the contract interest falling due that day
      first, then late fees, then penalty interest, oldest instalment first within each. So penalty
      interest is trimmed first, a late fee only if there is no room for it, and contract interest only
      if the contract alone would pass the cap (a product whose rate is above the cap is refused, but
      a month of 28 days charges a twelfth of a year's interest for less than a twelfth of a year, and
      late charges granted earlier may have used the room that month's interest needs).
    * What is trimmed is forgone, never charged later when the limit has grown: forgone contract
      interest is taken off the instalment's scheduled interest.

    Example: 1,200.00 lent on 15 Jan 2026 at a 24 % cap, nothing paid: on 23 Feb 2026 (39 days) the
    borrower may owe at most 1,200.00 * 1.02 ** (12 * 39 / 365) = 1,230.85 (floored to the fen).
    """
    days = days_between(base_on, on)
    if days < 0:
        raise InvalidInputError(f"the cost cap is measured from {base_on}, not back to {on}")
    if not isinstance(base, Decimal) or not base.is_finite() or base != base.quantize(CENT):
        raise InvalidInputError(f"the cost cap base must be a Decimal in whole cents, got {base!r}")
    growth = cost_cap_growth(policy.annual_cost_cap, days)
    return _floor_cents(_EXACT.multiply(base, growth))


def cost_cap_base_after_payment(
    *, base: Decimal, base_on: date, paid_on: date, amount: Decimal, policy: OverduePolicy
) -> Decimal:
    """The running base after ``amount`` (kept, net of refund) is paid on ``paid_on``: the limit on that
    day less the payment. It may be negative only if contract interest alone took the loan past the cap."""
    require_cents("payment kept", amount)
    return cost_cap_limit(base=base, base_on=base_on, on=paid_on, policy=policy) - amount


def cost_cap_headroom(*, limit: Decimal, owed: Decimal) -> Decimal:
    """How much more fees and penalty may be charged: limit - owed, at least 0."""
    return max(ZERO, limit - owed)


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

"""Moving a loan's monthly due day (to just after payday, say): the new schedule and what it costs.

A sibling of :mod:`loanmath.restructure`: it starts from the same
:class:`~loanmath.restructure_types.RestructurePosition` (the loan's open instalments after its last close
of business) and works out new instalments (:class:`~loanmath.restructure_types.NewInstalment`) that
replace every open one, so the ledger applies it with the restructuring machinery. The rules:

* **When.** The move is made on ``on`` (the business date). Nothing may be due and unpaid: every open
  instalment falls due after ``on``, and the first of them (the current period, due on D1) more than
  :data:`DUE_DAY_NOTICE_DAYS` days after it. The current period began on ``period_start`` (L): the due
  date before D1 (or the day the loan was paid out); the caller reads it from the schedule.
* **The new day** d is 1 to 28, so that every month has it and no date is ever moved to a month's end.
  It must differ from D1's day.
* **The first new due date** N is day d of D1's month when that is later than both ``on`` +
  :data:`DUE_DAY_NOTICE_DAYS` days and L; otherwise day d of the month after D1's. So a later day moves
  the date on within the month (more days), an earlier one back (fewer days), unless that would fall too
  soon, when it goes on to the next month.
* **Later due dates**: N + k months for the k-th instalment after the first. Every open instalment keeps
  its place: the same number of instalments, each with the principal it had unpaid, the interest already
  fallen due on it, and the late fees and penalty interest carried onto it (a restructuring's), so nothing
  owed moves from one instalment to another.
* **The first moved period's interest** is counted by the day, with the loan's day count (its overdue
  policy's ACT/360 or ACT/365): P * r * (N - L) / days_in_year, rounded half up to the fen once, where P
  is the principal unpaid on ``on`` (all of it: nothing is overdue) and r the yearly contract rate. It
  replaces the contract interest the current period had scheduled (one month's, balance * r / 12, from
  :mod:`loanmath.schedule`); the difference, more (a later day) or less (an earlier one), is
  :attr:`DueDayMove.extra_interest`, what the borrower is shown before confirming.
* **Every later period** is still one month long, and its balance is unchanged (no principal part
  moves), so its interest is the one already scheduled: it stays as it is.
* Interest the schedule fixed (a payment holiday's deferred interest, not worked out again on early
  repayment, given per instalment number in ``fixed``) stays where it was, on top of the contract
  interest: on the first instalment, day-count interest + fixed + fallen due.

Example: ¥12,000.00 unpaid at 12 % a year, ACT/365; last due date 15 March 2026, the next 15 April (its
interest 120.00). Moved on 1 April to day 25: N = 25 April 2026, 41 days after 15 March, so the first
moved period's interest is 12,000.00 * 0.12 * 41 / 365 = 161.753... -> 161.75, 41.75 more than
scheduled; May's instalment falls due on 25 May with its interest as before.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from loanmath.dates import DayCount, add_months
from loanmath.errors import InvalidInputError
from loanmath.money import ZERO, calculation_context, quantize
from loanmath.open_items import OpenInstalment
from loanmath.restructure_types import NewInstalment, RestructurePosition

DUE_DAY_MIN = 1
DUE_DAY_MAX = 28
# The first due date is never this close (or closer) to the day of the move; nor may the current one be.
DUE_DAY_NOTICE_DAYS = 3


@dataclass(frozen=True)
class DueDayMove:
    """A due-day move worked out: the new schedule and the figures the borrower is shown.

    before: the open instalments it replaces (in due order); instalments: the new ones, one for each, in
    the same order. interest_before: the current period's scheduled contract interest; interest_after:
    the first moved period's (``days`` days of interest on ``principal`` at ``annual_rate``, counted
    over ``days_in_year``)."""

    on: date
    day: int
    annual_rate: Decimal
    period_start: date
    first_due_before: date
    first_due_after: date
    days: int
    days_in_year: int
    principal: Decimal
    interest_before: Decimal
    interest_after: Decimal
    before: tuple[OpenInstalment, ...]
    instalments: tuple[NewInstalment, ...]
    owed_before: Decimal
    extra_interest: Decimal = field(init=False)
    total_to_pay: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra_interest", self.interest_after - self.interest_before)
        object.__setattr__(self, "total_to_pay", sum((i.payment for i in self.instalments), ZERO))

    @property
    def interest_given_up(self) -> Decimal:
        """Scheduled contract interest the new schedule no longer charges (an earlier day's fewer days)."""
        return max(ZERO, -self.extra_interest)

    @property
    def end_before(self) -> date:
        return self.before[-1].due_date

    @property
    def end_after(self) -> date:
        return self.instalments[-1].due_date


def due_day_first_date(*, on: date, day: int, current_due: date, period_start: date) -> date:
    """N, the first new due date (module docstring): day ``day`` of ``current_due``'s month if that is
    after both ``on`` + the notice days and ``period_start``, else day ``day`` of the month after."""
    candidate = current_due.replace(day=day)
    if candidate > on + timedelta(days=DUE_DAY_NOTICE_DAYS) and candidate > period_start:
        return candidate
    return add_months(candidate, 1)


def period_interest_by_days(
    *, principal: Decimal, annual_rate: Decimal, days: int, day_count: DayCount
) -> Decimal:
    """principal * annual_rate * days / days_in_year, rounded half up to the fen once."""
    with calculation_context():
        return quantize(principal * annual_rate * days / day_count.days_in_year)


def due_day_move_plan(
    *,
    position: RestructurePosition,
    on: date,
    day: int,
    period_start: date,
    day_count: DayCount,
    fixed: Mapping[int, Decimal] | None = None,
) -> DueDayMove:
    """The loan at ``position`` with its due day moved to ``day`` on ``on``, by the module's rules.

    Refused (InvalidInputError): a day outside 1 to 28 or the day it already has, a position after
    ``on``, nothing left to fall due, anything due and unpaid by ``on``, a current due date within the
    notice days, a period start not before the current due date."""
    if isinstance(day, bool) or not isinstance(day, int) or not DUE_DAY_MIN <= day <= DUE_DAY_MAX:
        raise InvalidInputError(f"the due day must be {DUE_DAY_MIN} to {DUE_DAY_MAX}, got {day!r}")
    if position.on > on:
        raise InvalidInputError(f"the position is dated {position.on}, after the move on {on}")
    instalments = position.instalments
    if not instalments:
        raise InvalidInputError("the loan has nothing left to fall due")
    if any(i.due_date <= on for i in instalments):
        raise InvalidInputError("something is due and unpaid: the due day cannot move")
    first = instalments[0]
    if first.due_date <= on + timedelta(days=DUE_DAY_NOTICE_DAYS):
        raise InvalidInputError(f"the next due date {first.due_date} is within {DUE_DAY_NOTICE_DAYS} days")
    if first.due_date.day == day:
        raise InvalidInputError(f"the loan already falls due on day {day}")
    if period_start >= first.due_date:
        raise InvalidInputError(f"the period cannot start on {period_start}, not before {first.due_date}")
    fixed = fixed or {}
    new_first = due_day_first_date(on=on, day=day, current_due=first.due_date, period_start=period_start)
    days = (new_first - period_start).days
    principal = position.principal
    interest_after = period_interest_by_days(
        principal=principal, annual_rate=position.annual_rate, days=days, day_count=day_count
    )
    first_fixed = fixed.get(first.number, ZERO)
    interest_before = first.unbilled_interest - first_fixed
    new = []
    for n, item in enumerate(instalments):
        carried = item.interest - item.unbilled_interest
        kept_fixed = fixed.get(item.number, ZERO)
        interest = (interest_after + first_fixed + carried) if n == 0 else item.interest
        new.append(
            NewInstalment(
                due_date=add_months(new_first, n),
                principal=item.principal,
                interest=interest,
                interest_carried=carried,
                interest_fixed=kept_fixed,
                fees=item.fees,
                penalty=item.penalty,
            )
        )
    return DueDayMove(
        on=on,
        day=day,
        annual_rate=position.annual_rate,
        period_start=period_start,
        first_due_before=first.due_date,
        first_due_after=new_first,
        days=days,
        days_in_year=day_count.days_in_year,
        principal=principal,
        interest_before=interest_before,
        interest_after=interest_after,
        before=instalments,
        instalments=tuple(new),
        owed_before=position.owed,
    )

"""An independent model of loanmath.due_day, for tests: its docstring's rules written down again in exact
``Fraction`` arithmetic, with its own calendar, from the same open instalments and the chosen day.

Nothing here imports loanmath. The rules, as the oracle reads them:

* refused: a day outside 1..28 or equal to the current due date's day; no instalment; one falling due on
  or before the day of the move; a current due date within 3 days of it; a period start not before it;
* the first new due date: day d of the current due date's month if that is after both the day of the
  move + 3 days and the period start, else day d of the following month; then one a month, same day;
* the first period's interest: unpaid principal * rate * days / (360 or 365), half up to the fen, days
  from the period start to the new first due date; plus whatever the instalment had fallen due (carried)
  and had fixed; every later instalment keeps its interest; principal, fees and penalty stay where they
  were.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

NIL = Decimal("0.00")
NOTICE_DAYS = 3


class OracleRefusalError(Exception):
    """A move the rules refuse (the code under test must refuse it too)."""


def half_up(amount: Fraction) -> Decimal:
    cents = amount * 100
    whole = math.floor(cents)
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-2)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass(frozen=True)
class OracleItem:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal  # fallen due and unpaid + scheduled not yet due
    unbilled: Decimal
    fees: Decimal = NIL
    penalty: Decimal = NIL
    fixed: Decimal = NIL


@dataclass(frozen=True)
class OracleLine:
    due_date: date
    principal: Decimal
    interest: Decimal
    carried: Decimal
    fixed: Decimal
    fees: Decimal
    penalty: Decimal


@dataclass(frozen=True)
class OracleMove:
    first_due: date
    days: int
    interest_after: Decimal
    interest_before: Decimal
    extra: Decimal
    lines: list[OracleLine]


def expected_move(
    *,
    on: date,
    rate: Decimal,
    items: list[OracleItem],
    day: int,
    period_start: date,
    days_in_year: int,
) -> OracleMove:
    if not 1 <= day <= 28:
        raise OracleRefusalError("day out of range")
    if not items:
        raise OracleRefusalError("nothing to move")
    items = sorted(items, key=lambda i: (i.due_date, i.number))
    first = items[0]
    if first.due_date <= on:
        raise OracleRefusalError("something is due")
    if (first.due_date - on).days <= NOTICE_DAYS:
        raise OracleRefusalError("too soon")
    if first.due_date.day == day:
        raise OracleRefusalError("same day")
    if period_start >= first.due_date:
        raise OracleRefusalError("bad period start")
    year, month = first.due_date.year, first.due_date.month
    candidate = date(year, month, day)
    if not (candidate > on + timedelta(days=NOTICE_DAYS) and candidate > period_start):
        year, month = next_month(year, month)
        candidate = date(year, month, day)
    days = (candidate - period_start).days
    principal = sum((i.principal for i in items), NIL)
    interest_after = half_up(Fraction(principal) * Fraction(rate) * days / days_in_year)
    lines = []
    y, m = candidate.year, candidate.month
    for n, item in enumerate(items):
        carried = item.interest - item.unbilled
        interest = interest_after + item.fixed + carried if n == 0 else item.interest
        lines.append(
            OracleLine(
                due_date=date(y, m, day),
                principal=item.principal,
                interest=interest,
                carried=carried,
                fixed=item.fixed,
                fees=item.fees,
                penalty=item.penalty,
            )
        )
        y, m = next_month(y, m)
    interest_before = first.unbilled - first.fixed
    return OracleMove(
        first_due=candidate,
        days=days,
        interest_after=interest_after,
        interest_before=interest_before,
        extra=interest_after - interest_before,
        lines=lines,
    )

"""Calendar rules: monthly due dates and day counts.

A loan falls due on the same day of every month as its first due date. When a month is too short for
that day, the instalment falls due on the month's last day, and the next month goes back to the
original day: a loan first due on 31 January falls due on 28 February (29 in a leap year), then
31 March, 30 April, 31 May. Every due date is therefore computed from the first due date plus n months,
never from the previous due date (chaining would drift to the 28th for the rest of the loan).
"""

from datetime import date
from enum import StrEnum

from loanmath.errors import InvalidInputError


class DayCount(StrEnum):
    """How many days make a year when a yearly rate is charged by the day (a product setting).

    ACT/365 is "ACT/365 Fixed": a leap year still counts as 365 days, so 29 February costs one more
    day of penalty interest, at the same daily rate as any other day.
    """

    ACT_360 = "ACT/360"
    ACT_365 = "ACT/365"

    @property
    def days_in_year(self) -> int:
        """The divisor of the daily rate: 360 or 365."""
        return 360 if self is DayCount.ACT_360 else 365


def days_in_month(year: int, month: int) -> int:
    """The number of days in a calendar month (28 to 31)."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (or earlier), or that month's last day if shorter.

    31 Jan 2024 + 1 month = 29 Feb 2024; 31 Jan 2024 + 2 months = 31 Mar 2024.
    """
    month_count = day.year * 12 + (day.month - 1) + months
    year, month_index = divmod(month_count, 12)
    month = month_index + 1
    if not 1 <= year <= 9999:
        raise InvalidInputError(f"{day} + {months} months falls outside the calendar (years 1 to 9999)")
    return date(year, month, min(day.day, days_in_month(year, month)))


def monthly_due_dates(first_due_date: date, count: int) -> tuple[date, ...]:
    """The due dates of ``count`` monthly instalments: first due date + 0, 1, ..., count - 1 months."""
    return tuple(add_months(first_due_date, n) for n in range(count))


def days_between(start: date, end: date) -> int:
    """Actual calendar days from ``start`` to ``end`` (end - start; negative if end is earlier)."""
    return (end - start).days

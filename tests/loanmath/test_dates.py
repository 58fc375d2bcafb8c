from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loanmath import DayCount, add_months, days_between, days_in_month, monthly_due_dates
from tests.loanmath.strategies import days_in, examples


def test_loan_first_due_31_january_2024_falls_due_29_february_then_back_on_the_31st() -> None:
    assert monthly_due_dates(date(2024, 1, 31), 5) == (
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    )


def test_loan_first_due_31_january_2023_falls_due_28_february_in_a_common_year() -> None:
    assert monthly_due_dates(date(2023, 1, 31), 3) == (
        date(2023, 1, 31),
        date(2023, 2, 28),
        date(2023, 3, 31),
    )


def test_due_dates_come_from_the_first_due_date_not_from_the_previous_one() -> None:
    # Chaining would give 31 Jan -> 29 Feb -> 29 Mar; each date is first due date + n months instead.
    chained = add_months(add_months(date(2024, 1, 31), 1), 1)
    assert chained == date(2024, 3, 29)
    assert monthly_due_dates(date(2024, 1, 31), 3)[2] == date(2024, 3, 31)


def test_29_february_plus_twelve_months_is_28_february_of_a_common_year() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_december_rolls_into_january_of_the_next_year_and_months_can_go_back() -> None:
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 15), -13) == date(2022, 12, 15)


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [(2024, 2, 29), (2023, 2, 28), (1900, 2, 28), (2000, 2, 29), (2024, 4, 30), (2024, 12, 31)],
)
def test_days_in_month_knows_leap_years_including_centuries(year: int, month: int, days: int) -> None:
    assert days_in_month(year, month) == days


def test_day_counts_divide_the_year_into_360_or_365_days_even_in_a_leap_year() -> None:
    assert DayCount.ACT_360.days_in_year == 360
    assert DayCount.ACT_365.days_in_year == 365
    assert days_between(date(2024, 2, 28), date(2024, 3, 1)) == 2
    assert days_between(date(2023, 2, 28), date(2023, 3, 1)) == 1


@examples(200)
@given(start=days_in(date(1990, 1, 1), date(2060, 12, 31)), months=st.integers(-240, 480))
def test_add_months_moves_exactly_that_many_months_and_keeps_the_day_when_the_month_allows(
    start: date, months: int
) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    last_day = days_in_month(result.year, result.month)
    assert result.day == min(start.day, last_day)

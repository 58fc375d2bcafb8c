"""loanmath.due_day held to its docstring: the hand example, a month-end loan, February (leap and not),
ACT/360 and ACT/365, and on generated positions the same schedule as tests/loanmath/due_day_oracle.py
works out independently in exact fractions; every instalment keeps what it owed but its dates and the
first period's interest; every refusal the oracle makes, the code makes."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from loanmath import (
    DayCount,
    DueDayMove,
    InvalidInputError,
    OpenInstalment,
    RestructurePosition,
    add_months,
    due_day_move_plan,
    equal_instalment_schedule,
    monthly_interest,
)
from tests.loanmath.due_day_oracle import (
    OracleItem,
    OracleMove,
    OracleRefusalError,
    expected_move,
)
from tests.loanmath.strategies import annual_rates, cents, examples, yuan

NIL = Decimal("0.00")
COUNTS = {360: DayCount.ACT_360, 365: DayCount.ACT_365}


def item(number: int, due: date, principal: str, interest: str, **kw: Decimal) -> OpenInstalment:
    return OpenInstalment(
        number=number,
        due_date=due,
        principal=yuan(principal),
        interest=yuan(interest),
        unbilled_interest=kw.pop("unbilled", yuan(interest)),
        **kw,
    )


def oracle_of(
    position: RestructurePosition,
    *,
    on: date,
    day: int,
    period_start: date,
    days_in_year: int,
    fixed: dict[int, Decimal] | None = None,
) -> OracleMove:
    fixed = fixed or {}
    return expected_move(
        on=on,
        rate=position.annual_rate,
        items=[
            OracleItem(
                number=i.number,
                due_date=i.due_date,
                principal=i.principal,
                interest=i.interest,
                unbilled=i.unbilled_interest,
                fees=i.fees,
                penalty=i.penalty,
                fixed=fixed.get(i.number, NIL),
            )
            for i in position.instalments
        ],
        day=day,
        period_start=period_start,
        days_in_year=days_in_year,
    )


def lines_of(move: DueDayMove) -> list[tuple[object, ...]]:
    return [
        (i.due_date, i.principal, i.interest, i.interest_carried, i.interest_fixed, i.fees, i.penalty)
        for i in move.instalments
    ]


def oracle_lines(expected: OracleMove) -> list[tuple[object, ...]]:
    return [
        (x.due_date, x.principal, x.interest, x.carried, x.fixed, x.fees, x.penalty) for x in expected.lines
    ]


def assert_matches_oracle(
    position: RestructurePosition,
    *,
    on: date,
    day: int,
    period_start: date,
    days_in_year: int,
    fixed: dict[int, Decimal] | None = None,
) -> DueDayMove:
    expected = oracle_of(
        position, on=on, day=day, period_start=period_start, days_in_year=days_in_year, fixed=fixed
    )
    move = due_day_move_plan(
        position=position,
        on=on,
        day=day,
        period_start=period_start,
        day_count=COUNTS[days_in_year],
        fixed=fixed,
    )
    assert lines_of(move) == oracle_lines(expected)
    assert (
        move.first_due_after,
        move.days,
        move.interest_after,
        move.interest_before,
        move.extra_interest,
    ) == (
        expected.first_due,
        expected.days,
        expected.interest_after,
        expected.interest_before,
        expected.extra,
    )
    return move


# --- by hand -------------------------------------------------------------------------------------------


def test_the_docstring_example_by_hand() -> None:
    """¥12,000.00 at 12 %, ACT/365, last due 15 March 2026, next 15 April; moved on 1 April to day 25."""
    position = RestructurePosition(
        on=date(2026, 4, 1),
        annual_rate=Decimal("0.12"),
        instalments=(
            item(2, date(2026, 4, 15), "1000.00", "120.00"),
            item(3, date(2026, 5, 15), "11000.00", "110.00"),
        ),
    )
    move = assert_matches_oracle(
        position, on=date(2026, 4, 1), day=25, period_start=date(2026, 3, 15), days_in_year=365
    )
    # 12,000.00 × 0.12 × 41 ÷ 365 = 161.7534… → 161.75; one month's would have been 120.00.
    assert move.first_due_after == date(2026, 4, 25)
    assert move.days == 41
    assert move.interest_after == yuan("161.75")
    assert move.extra_interest == yuan("41.75")
    assert [i.due_date for i in move.instalments] == [date(2026, 4, 25), date(2026, 5, 25)]
    assert move.instalments[1].interest == yuan("110.00")
    assert move.total_to_pay == yuan("12000.00") + yuan("161.75") + yuan("110.00")
    assert move.interest_given_up == NIL


def test_an_earlier_day_counts_fewer_days_and_gives_interest_back() -> None:
    position = RestructurePosition(
        on=date(2026, 4, 1),
        annual_rate=Decimal("0.12"),
        instalments=(item(2, date(2026, 4, 25), "12000.00", "120.00"),),
    )
    move = assert_matches_oracle(
        position, on=date(2026, 4, 1), day=10, period_start=date(2026, 3, 25), days_in_year=360
    )
    # 25 March → 10 April: 16 days; 12,000 × 0.12 × 16 ÷ 360 = 64.00.
    assert (move.first_due_after, move.days, move.interest_after) == (date(2026, 4, 10), 16, yuan("64.00"))
    assert move.extra_interest == yuan("-56.00")
    assert move.interest_given_up == yuan("56.00")


def test_a_day_too_soon_goes_on_to_the_next_month() -> None:
    """On 8 April, day 10 of April is within 3 days: the first new date is 10 May."""
    position = RestructurePosition(
        on=date(2026, 4, 8),
        annual_rate=Decimal("0.12"),
        instalments=(item(2, date(2026, 4, 25), "12000.00", "120.00"),),
    )
    move = assert_matches_oracle(
        position, on=date(2026, 4, 8), day=10, period_start=date(2026, 3, 25), days_in_year=365
    )
    assert move.first_due_after == date(2026, 5, 10)
    assert move.days == 46
    # Day 11: 11 April is exactly 3 days after the 8th, still too soon; day 12 is the first in April.
    assert due_day_move_plan(
        position=position,
        on=date(2026, 4, 8),
        day=11,
        period_start=date(2026, 3, 25),
        day_count=DayCount.ACT_365,
    ).first_due_after == date(2026, 5, 11)
    assert due_day_move_plan(
        position=position,
        on=date(2026, 4, 8),
        day=12,
        period_start=date(2026, 3, 25),
        day_count=DayCount.ACT_365,
    ).first_due_after == date(2026, 4, 12)


def test_a_month_end_loan_moves_off_the_31st_and_never_clamps_again() -> None:
    """A loan falling due on the 31st (28 Feb, 31 Mar, 30 Apr…), moved on 10 March 2026 to day 5: the
    period began 28 February (the clamped date), the first new date is 5 April (5 March is too soon)."""
    schedule = equal_instalment_schedule(
        principal=yuan("6000.00"), annual_rate=Decimal("0.154"), months=6, first_due_date=date(2026, 1, 31)
    )
    open_ones = tuple(
        item(i.number, i.due_date, str(i.principal), str(i.interest)) for i in schedule.instalments[2:]
    )
    assert open_ones[0].due_date == date(2026, 3, 31)
    balance = sum((i.principal for i in open_ones), NIL)
    position = RestructurePosition(on=date(2026, 3, 10), annual_rate=Decimal("0.154"), instalments=open_ones)
    move = assert_matches_oracle(
        position, on=date(2026, 3, 10), day=5, period_start=date(2026, 2, 28), days_in_year=365
    )
    assert [i.due_date for i in move.instalments] == [
        date(2026, 4, 5),
        date(2026, 5, 5),
        date(2026, 6, 5),
        date(2026, 7, 5),
    ]
    assert move.days == 36
    assert move.interest_after == (balance * Decimal("0.154") * 36 / 365).quantize(Decimal("0.01"))
    # Day 28 stays in March: 28 February → 28 March, 28 days.
    late = assert_matches_oracle(
        position, on=date(2026, 3, 10), day=28, period_start=date(2026, 2, 28), days_in_year=365
    )
    assert (late.first_due_after, late.days) == (date(2026, 3, 28), 28)
    assert late.interest_after < monthly_interest(balance=balance, annual_rate=Decimal("0.154"))


@pytest.mark.parametrize(("year", "days"), [(2028, 15), (2027, 14)])
def test_a_period_across_february_counts_its_real_days_on_acts_360_and_365(year: int, days: int) -> None:
    """Last due 15 February, next 15 March; moved on 20 February to day 1: the first new date is 1 March,
    15 days on in a leap year (29 February counts), 14 otherwise; then 1 April, 1 May."""
    position = RestructurePosition(
        on=date(year, 2, 20),
        annual_rate=Decimal("0.18"),
        instalments=(
            item(2, date(year, 3, 15), "500.00", "15.00"),
            item(3, date(year, 4, 15), "500.00", "7.50"),
        ),
    )
    for basis in (360, 365):
        move = assert_matches_oracle(
            position, on=date(year, 2, 20), day=1, period_start=date(year, 2, 15), days_in_year=basis
        )
        assert move.first_due_after == date(year, 3, 1)
        assert move.days == days
        assert [i.due_date for i in move.instalments] == [date(year, 3, 1), date(year, 4, 1)]
        # 1,000.00 × 0.18 × days ÷ basis, e.g. 15 ÷ 360: 7.50 (less than the month's 15.00).
        assert move.interest_after == (Decimal("180") * days / basis).quantize(Decimal("0.01"))
        assert move.extra_interest < 0


def test_day_28_from_january_into_february() -> None:
    """Last due 15 January 2027, next 15 February; moved on 20 January to day 28: 28 February, 44 days."""
    position = RestructurePosition(
        on=date(2027, 1, 20),
        annual_rate=Decimal("0.18"),
        instalments=(item(1, date(2027, 2, 15), "1000.00", "15.00"),),
    )
    move = assert_matches_oracle(
        position, on=date(2027, 1, 20), day=28, period_start=date(2027, 1, 15), days_in_year=360
    )
    assert (move.first_due_after, move.days, move.interest_after) == (date(2027, 2, 28), 44, yuan("22.00"))


def test_carried_fees_penalty_and_fixed_interest_stay_on_their_instalment() -> None:
    """A restructured loan's instalments carry what fell due before; a holiday's deferred interest is
    fixed: all of it stays where it was, only the first period's contract interest is counted again."""
    position = RestructurePosition(
        on=date(2026, 6, 1),
        annual_rate=Decimal("0.12"),
        instalments=(
            OpenInstalment(
                number=14,
                due_date=date(2026, 6, 15),
                principal=yuan("1000.00"),
                interest=yuan("145.00"),
                unbilled_interest=yuan("130.00"),
                fees=yuan("20.00"),
                penalty=yuan("3.21"),
            ),
            OpenInstalment(
                number=15,
                due_date=date(2026, 7, 15),
                principal=yuan("9000.00"),
                interest=yuan("100.00"),
                unbilled_interest=yuan("100.00"),
                fees=yuan("20.00"),
            ),
        ),
    )
    fixed = {14: yuan("30.00"), 15: yuan("10.00")}
    move = assert_matches_oracle(
        position, on=date(2026, 6, 1), day=20, period_start=date(2026, 5, 15), days_in_year=365, fixed=fixed
    )
    first, second = move.instalments
    # 10,000 × 0.12 × 36 ÷ 365 = 118.356… → 118.36, + 30.00 fixed + 15.00 fallen due.
    assert first.interest == yuan("118.36") + yuan("30.00") + yuan("15.00")
    assert (first.interest_carried, first.interest_fixed, first.fees, first.penalty) == (
        yuan("15.00"),
        yuan("30.00"),
        yuan("20.00"),
        yuan("3.21"),
    )
    assert move.interest_before == yuan("100.00")
    assert (second.interest, second.interest_fixed, second.fees) == (
        yuan("100.00"),
        yuan("10.00"),
        yuan("20.00"),
    )


# --- refusals ------------------------------------------------------------------------------------------

BASE = RestructurePosition(
    on=date(2026, 4, 1),
    annual_rate=Decimal("0.12"),
    instalments=(item(2, date(2026, 4, 15), "1000.00", "10.00"),),
)


@pytest.mark.parametrize(
    ("position", "on", "day", "start"),
    [
        (BASE, date(2026, 4, 1), 0, date(2026, 3, 15)),  # no day 0
        (BASE, date(2026, 4, 1), 29, date(2026, 3, 15)),  # not every month has a 29th
        (BASE, date(2026, 4, 1), 15, date(2026, 3, 15)),  # the day it has already
        (BASE, date(2026, 4, 12), 20, date(2026, 3, 15)),  # next due within 3 days
        (BASE, date(2026, 4, 15), 20, date(2026, 3, 15)),  # due today: something is due
        (BASE, date(2026, 3, 31), 20, date(2026, 3, 15)),  # a position after the day of the move
        (BASE, date(2026, 4, 1), 20, date(2026, 4, 15)),  # a period that starts on its own end
        (
            RestructurePosition(on=date(2026, 4, 1), annual_rate=Decimal("0.12"), instalments=()),
            date(2026, 4, 1),
            20,
            date(2026, 3, 15),
        ),
    ],
)
def test_moves_the_rules_refuse_are_refused(
    position: RestructurePosition, on: date, day: int, start: date
) -> None:
    with pytest.raises(InvalidInputError):
        due_day_move_plan(position=position, on=on, day=day, period_start=start, day_count=DayCount.ACT_365)


def test_an_overdue_instalment_is_refused_even_with_later_ones() -> None:
    position = RestructurePosition(
        on=date(2026, 4, 20),
        annual_rate=Decimal("0.12"),
        instalments=(
            item(1, date(2026, 4, 15), "1000.00", "10.00"),
            item(2, date(2026, 5, 15), "1000.00", "10.00"),
        ),
    )
    with pytest.raises(InvalidInputError):
        due_day_move_plan(
            position=position,
            on=date(2026, 4, 20),
            day=1,
            period_start=date(2026, 4, 15),
            day_count=DayCount.ACT_365,
        )


# --- properties ----------------------------------------------------------------------------------------


@st.composite
def positions(draw: st.DrawFn) -> tuple[RestructurePosition, date, date, dict[int, Decimal]]:
    """A loan with its open instalments one a month from a first due date, the day of the move before it,
    and the day its period began (a month before, or its disbursement)."""
    first_due = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
    count = draw(st.integers(1, 36))
    start = draw(st.sampled_from(["month", "disbursed"]))
    period_start = (
        add_months(first_due, -1)
        if start == "month"
        else first_due - timedelta(days=draw(st.integers(10, 60)))
    )
    on = draw(st.dates(min_value=max(period_start, first_due - timedelta(days=45)), max_value=first_due))
    fixed: dict[int, Decimal] = {}
    items = []
    for n in range(count):
        principal = draw(cents(0, 5_000_000))
        unbilled = draw(cents(0, 200_000))
        carried = draw(cents(0, 5_000)) if draw(st.booleans()) else NIL
        fix = draw(cents(0, min(int(unbilled * 100), 10_000))) if draw(st.booleans()) else NIL
        if fix:
            fixed[n + 1] = fix
        items.append(
            OpenInstalment(
                number=n + 1,
                due_date=add_months(first_due, n),
                principal=principal,
                interest=unbilled + carried,
                unbilled_interest=unbilled,
                fees=draw(cents(0, 5_000)) if draw(st.booleans()) else NIL,
                penalty=draw(cents(0, 5_000)) if draw(st.booleans()) else NIL,
            )
        )
    rate = draw(annual_rates(360_000))
    return (
        RestructurePosition(on=on, annual_rate=rate, instalments=tuple(i for i in items if i.total > 0)),
        on,
        period_start,
        fixed,
    )


@examples(400)
@given(case=positions(), day=st.integers(-1, 31), basis=st.sampled_from([360, 365]))
def test_every_move_is_the_oracles_or_refused_by_both(
    case: tuple[RestructurePosition, date, date, dict[int, Decimal]], day: int, basis: int
) -> None:
    position, on, period_start, fixed = case
    fixed = {n: f for n, f in fixed.items() if any(i.number == n for i in position.instalments)}
    try:
        oracle_of(position, on=on, day=day, period_start=period_start, days_in_year=basis, fixed=fixed)
    except OracleRefusalError:
        with pytest.raises(InvalidInputError):
            due_day_move_plan(
                position=position,
                on=on,
                day=day,
                period_start=period_start,
                day_count=COUNTS[basis],
                fixed=fixed,
            )
        return
    move = assert_matches_oracle(
        position, on=on, day=day, period_start=period_start, days_in_year=basis, fixed=fixed
    )
    # Nothing owed moves between instalments: principal, carried interest, fees and penalty, one for one.
    for old, new in zip(position.instalments, move.instalments, strict=True):
        assert (new.principal, new.interest_carried, new.fees, new.penalty) == (
            old.principal,
            old.interest - old.unbilled_interest,
            old.fees,
            old.penalty,
        )
    assert len(move.instalments) == len(position.instalments)
    # Every new date is on the chosen day, a month apart, the first after the notice and the period start.
    dates = [i.due_date for i in move.instalments]
    assert all(d.day == day for d in dates)
    assert all((b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in itertools.pairwise(dates))
    assert dates[0] > on + timedelta(days=3)
    assert dates[0] > period_start
    # Only the first instalment's interest changes, by exactly the extra interest.
    assert (
        sum((i.interest for i in move.instalments), NIL)
        == sum((i.interest for i in position.instalments), NIL) + move.extra_interest
    )
    assert move.owed_before == position.owed


@examples(200)
@given(case=positions(), basis=st.sampled_from([360, 365]))
def test_a_later_day_never_costs_less_than_an_earlier_one_in_the_same_month(
    case: tuple[RestructurePosition, date, date, dict[int, Decimal]], basis: int
) -> None:
    position, on, period_start, _fixed = case
    assume(position.instalments)
    moves = []
    for day in range(1, 29):
        try:
            moves.append(
                due_day_move_plan(
                    position=position, on=on, day=day, period_start=period_start, day_count=COUNTS[basis]
                )
            )
        except InvalidInputError:
            continue
    by_date = sorted(moves, key=lambda m: m.first_due_after)
    assert [m.interest_after for m in by_date] == sorted(m.interest_after for m in by_date)

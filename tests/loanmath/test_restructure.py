"""loanmath.restructure held to its docstring: every option conserves what is owed (principal exactly,
arrears carried + waived = arrears unpaid, component by component), its spreads add up, and its schedule
is the one tests/loanmath/restructure_oracle.py works out independently; and the projection's pause of
late fees and penalty interest (LoanPosition.charges_paused_through)."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from loanmath import (
    ChargeKind,
    DayCount,
    InvalidInputError,
    LoanPosition,
    NonAmortisingTermsError,
    OpenInstalment,
    OptionKind,
    OptionTerms,
    OverduePolicy,
    RestructurePlan,
    RestructurePosition,
    equal_instalment_schedule,
    project_amount_due,
    restructure_options,
    restructure_plan,
)
from loanmath.restructure import spread
from tests.loanmath.restructure_oracle import (
    Expected,
    Item,
    OracleRefusalError,
    expected_plan,
    half_up,
    penalty_after_pause,
    plus_months,
)
from tests.loanmath.strategies import annual_rates, cents, examples, yuan

NIL = Decimal("0.00")


def annuity_parts(principal: Decimal, rate: Decimal, months: int) -> list[Decimal]:
    """The one shortcut the oracle takes: the annuity's principal parts from loanmath.schedule."""
    schedule = equal_instalment_schedule(
        principal=principal, annual_rate=rate, months=months, first_due_date=date(2000, 1, 31)
    )
    return [i.principal for i in schedule.instalments]


def as_items(position: RestructurePosition) -> list[Item]:
    return [
        Item(i.number, i.due_date, i.principal, i.interest, i.unbilled_interest, i.fees, i.penalty)
        for i in position.instalments
    ]


def oracle_for(position: RestructurePosition, terms: OptionTerms) -> Expected:
    return expected_plan(
        on=position.on,
        rate=position.annual_rate,
        items=as_items(position),
        kind=terms.kind.value,
        months=terms.months,
        new_rate=terms.annual_rate,
        interest_during_holiday=terms.interest_during_holiday,
        waive=terms.waive_fees_and_penalty,
        annuity_parts=annuity_parts,
    )


def rows_of(plan: RestructurePlan) -> list[tuple[Any, ...]]:
    return [
        (
            i.due_date,
            i.principal,
            i.interest,
            i.interest_carried,
            i.interest_fixed,
            i.fees,
            i.penalty,
        )
        for i in plan.instalments
    ]


def expected_rows(expected: Expected) -> list[tuple[Any, ...]]:
    return [
        (r.due_date, r.principal, r.interest, r.carried, r.fixed, r.fees, r.penalty) for r in expected.rows
    ]


def assert_conserves(position: RestructurePosition, plan: RestructurePlan) -> None:
    """Nothing owed is lost and nothing is counted twice (the module docstring's two equations)."""
    assert plan.principal == position.principal
    assert sum((i.interest_carried for i in plan.instalments), NIL) == position.interest_billed
    assert sum((i.fees for i in plan.instalments), NIL) + plan.waived_fees == position.fees
    assert sum((i.penalty for i in plan.instalments), NIL) + plan.waived_penalty == position.penalty
    assert plan.given_up == plan.waived_fees + plan.waived_penalty + plan.interest_given_up
    assert plan.total_to_pay == sum(
        (i.principal + i.interest + i.fees + i.penalty for i in plan.instalments), NIL
    )


# --- positions -----------------------------------------------------------------------------------------


@st.composite
def positions(draw: st.DrawFn) -> RestructurePosition:
    """A loan on the day it is restructured: a few monthly instalments from a first due date, some
    overdue (interest fallen due, late fees, penalty unpaid), the rest not yet due (scheduled interest)."""
    first = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)))
    count = draw(st.integers(1, 8))
    dues = [plus_months(first, n) for n in range(count)]
    overdue_count = draw(st.integers(0, count))
    if overdue_count:
        # ``on`` on or after the last overdue due date, before the next one.
        last = dues[overdue_count - 1]
        upper = dues[overdue_count] - timedelta(days=1) if overdue_count < count else last + timedelta(90)
        on = draw(st.dates(min_value=last, max_value=max(last, upper)))
    else:
        on = first - timedelta(days=draw(st.integers(1, 27)))
    items = []
    for n, due in enumerate(dues, start=1):
        principal = draw(cents(0, 2_000_000))
        if due <= on:
            interest = draw(cents(0, 30_000))
            fees = draw(st.sampled_from([NIL, yuan("20.00"), yuan("50.00")]) | cents(0, 10_000))
            penalty = draw(cents(0, 20_000))
            unbilled = NIL
        else:
            interest = draw(cents(0, 30_000))
            fees = penalty = NIL
            unbilled = interest
        item = OpenInstalment(
            number=n,
            due_date=due,
            principal=principal,
            interest=interest,
            unbilled_interest=unbilled,
            fees=fees,
            penalty=penalty,
        )
        if item.total > 0:
            items.append(item)
    if not items:
        items.append(OpenInstalment(number=1, due_date=dues[0], principal=yuan("100.00")))
    rate = draw(annual_rates(360_000))
    return RestructurePosition(on=on, annual_rate=rate, instalments=tuple(items))


def terms_for(kind: OptionKind) -> st.SearchStrategy[OptionTerms]:
    waive = st.booleans()
    if kind is OptionKind.EXTENSION:
        return st.builds(
            OptionTerms, kind=st.just(kind), months=st.integers(2, 60), waive_fees_and_penalty=waive
        )
    if kind is OptionKind.HOLIDAY:
        return st.builds(
            OptionTerms,
            kind=st.just(kind),
            months=st.integers(1, 3),
            interest_during_holiday=st.booleans(),
            waive_fees_and_penalty=waive,
        )
    if kind is OptionKind.FREEZE:
        return st.builds(
            OptionTerms, kind=st.just(kind), months=st.integers(1, 60), waive_fees_and_penalty=waive
        )
    if kind is OptionKind.ARREARS_PLAN:
        return st.builds(
            OptionTerms, kind=st.just(kind), months=st.integers(1, 24), waive_fees_and_penalty=waive
        )
    if kind is OptionKind.LOWER_RATE:
        return st.builds(
            OptionTerms, kind=st.just(kind), annual_rate=annual_rates(360_000), waive_fees_and_penalty=waive
        )
    return st.just(OptionTerms(kind=OptionKind.WAIVER))


def _plan_or_refusal(
    position: RestructurePosition, terms: OptionTerms, *, dates: bool = True
) -> RestructurePlan | None:
    """The plan, or None when both the code and the oracle refuse the terms (``dates``: compare the
    due dates too)."""
    try:
        expected: Expected | None = oracle_for(position, terms)
    except (OracleRefusalError, InvalidInputError):
        expected = None
    if expected is None:
        with pytest.raises(InvalidInputError):
            restructure_plan(position=position, terms=terms)
        return None
    plan = restructure_plan(position=position, terms=terms)
    if dates:
        assert rows_of(plan) == expected_rows(expected)
    else:
        assert [row[1:] for row in rows_of(plan)] == [row[1:] for row in expected_rows(expected)]
    assert (
        plan.annual_rate,
        plan.waived_fees,
        plan.waived_penalty,
        plan.interest_given_up,
        plan.charges_paused_through,
        plan.owed_before,
        plan.total_today,
        plan.total_to_pay,
        plan.given_up,
    ) == (
        expected.annual_rate,
        expected.waived_fees,
        expected.waived_penalty,
        expected.interest_given_up,
        expected.charges_paused_through,
        expected.owed_before,
        expected.total_today,
        expected.total_to_pay,
        expected.given_up,
    )
    return plan


# --- the properties, one per kind ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(OptionKind))
@examples(60)
@given(data=st.data())
def test_every_option_conserves_what_is_owed(kind: OptionKind, data: st.DataObject) -> None:
    """Conservation, independent of the oracle: principal exactly, arrears carried + waived = unpaid."""
    position = data.draw(positions())
    terms = data.draw(terms_for(kind))
    if (
        kind is OptionKind.LOWER_RATE
        and terms.annual_rate is not None
        and terms.annual_rate >= position.annual_rate
    ):
        with pytest.raises(InvalidInputError):
            restructure_plan(position=position, terms=terms)
        return
    try:
        plan = restructure_plan(position=position, terms=terms)
    except NonAmortisingTermsError:
        # A few fen of principal over many months: the level would repay nothing (loanmath.schedule).
        assert position.principal < yuan("100.00")
        event("refused: does not amortise")
        return
    assert_conserves(position, plan)
    if kind is OptionKind.WAIVER:
        assert plan.waived == position.fees + position.penalty
        assert [i.due_date for i in plan.instalments] == [i.due_date for i in position.instalments]
    if kind is OptionKind.FREEZE:
        assert plan.annual_rate == 0
        assert all(i.interest == i.interest_carried for i in plan.instalments)
        assert plan.charges_paused_through == plan.instalments[-1].due_date
        assert len(plan.instalments) == terms.months
    else:
        assert plan.charges_paused_through is None
    if kind is OptionKind.HOLIDAY:
        holiday = plan.instalments[: terms.months]
        assert all(i.principal == 0 for i in holiday)
        assert all(i.fees == i.penalty == i.interest_carried == 0 for i in holiday)
        assert len(plan.instalments) == terms.months + position.months_left
    if kind is OptionKind.ARREARS_PLAN:
        kept = {i.due_date for i in position.not_yet_due}
        assert kept <= {i.due_date for i in plan.instalments}
        assert len(plan.instalments) == max(terms.months, len(position.not_yet_due))
        # Beyond the first N, instalments not yet due are untouched.
        for new, old in zip(
            plan.instalments[terms.months :], position.not_yet_due[terms.months :], strict=False
        ):
            assert (new.due_date, new.principal, new.interest) == (old.due_date, old.principal, old.interest)
    if kind in (OptionKind.EXTENSION, OptionKind.LOWER_RATE, OptionKind.HOLIDAY, OptionKind.FREEZE):
        first = position.not_yet_due[0].due_date if position.not_yet_due else plus_months(position.on, 1)
        assert plan.instalments[0].due_date == first
    # Nothing new falls due on or before ``on`` except what the waiver leaves due as it was.
    if kind is not OptionKind.WAIVER:
        assert all(i.due_date > position.on for i in plan.instalments)


@pytest.mark.parametrize("kind", list(OptionKind))
@examples(60)
@given(data=st.data())
def test_every_option_is_the_schedule_the_rules_give(kind: OptionKind, data: st.DataObject) -> None:
    """Every figure of every line is the oracle's (the dates of a holiday and an arrears plan are held
    to the calendar rule by the test below)."""
    position = data.draw(positions())
    terms = data.draw(terms_for(kind))
    _plan_or_refusal(position, terms, dates=kind not in (OptionKind.HOLIDAY, OptionKind.ARREARS_PLAN))


@pytest.mark.parametrize("kind", [OptionKind.HOLIDAY, OptionKind.ARREARS_PLAN])
@examples(60)
@given(data=st.data())
def test_holiday_and_arrears_plan_are_the_schedule_the_rules_give(
    kind: OptionKind, data: st.DataObject
) -> None:
    """Dates included: every new monthly date is a first date plus n months (loanmath.dates), never
    chained from the previous one; the rest of the figures are the oracle's too."""
    position = data.draw(positions())
    terms = data.draw(terms_for(kind))
    _plan_or_refusal(position, terms)


def _month_end_position() -> RestructurePosition:
    """Due on the 31st: one instalment overdue on 31 Jan 2026, the next due 28 Feb (31 Jan + 1 month)."""
    return RestructurePosition(
        on=date(2026, 2, 10),
        annual_rate=yuan("0.12"),
        instalments=(
            OpenInstalment(
                number=1,
                due_date=date(2026, 1, 31),
                principal=yuan("1000.00"),
                interest=yuan("30.00"),
                fees=yuan("20.00"),
                penalty=yuan("1.50"),
            ),
            OpenInstalment(
                number=2,
                due_date=date(2026, 2, 28),
                principal=yuan("1000.00"),
                interest=yuan("20.00"),
                unbilled_interest=yuan("20.00"),
            ),
        ),
    )


def test_a_payment_holiday_keeps_the_month_end_due_day() -> None:
    """The current period falls due 31 Jan 2026: after a one-month holiday the instalments fall due
    31 Jan + 1, 2 months (28 Feb, 31 Mar), not 28 Feb then 28 Mar (a date chained from the one before,
    which loanmath.dates rules out: it would drift to the 28th for the rest of the loan)."""
    position = RestructurePosition(
        on=date(2026, 1, 10),
        annual_rate=yuan("0.12"),
        instalments=(
            OpenInstalment(
                number=1,
                due_date=date(2026, 1, 31),
                principal=yuan("1000.00"),
                interest=yuan("20.00"),
                unbilled_interest=yuan("20.00"),
            ),
            OpenInstalment(
                number=2,
                due_date=date(2026, 2, 28),
                principal=yuan("1000.00"),
                interest=yuan("10.00"),
                unbilled_interest=yuan("10.00"),
            ),
        ),
    )
    plan = restructure_plan(position=position, terms=OptionTerms(kind=OptionKind.HOLIDAY, months=1))
    assert [i.due_date for i in plan.instalments] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]


def test_an_arrears_plan_adds_months_from_the_last_due_date_without_chaining() -> None:
    """Fewer instalments left than the plan's months: the new ones fall due the last due date + 1, 2, 3
    months (31 Jan -> 28 Feb -> 31 Mar -> 30 Apr), never the previous new date + 1 month (28 Mar)."""
    position = RestructurePosition(
        on=date(2026, 1, 5),
        annual_rate=yuan("0.12"),
        instalments=(
            OpenInstalment(
                number=1, due_date=date(2025, 12, 31), principal=yuan("300.00"), fees=yuan("20.00")
            ),
            OpenInstalment(
                number=2,
                due_date=date(2026, 1, 31),
                principal=yuan("300.00"),
                interest=yuan("3.00"),
                unbilled_interest=yuan("3.00"),
            ),
        ),
    )
    plan = restructure_plan(position=position, terms=OptionTerms(kind=OptionKind.ARREARS_PLAN, months=4))
    assert [i.due_date for i in plan.instalments] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


# --- hand examples -------------------------------------------------------------------------------------


def test_an_extension_worked_by_hand() -> None:
    """2,000.00 unpaid principal at 12 % over 2 months from 28 Feb: payment 1,015.02 (annuity), interest
    20.00 then 10.05; 30.00 interest fallen due, 20.00 fees and 1.50 penalty carried 15.00/15.00,
    10.00/10.00, 0.75/0.75; 20.00 of unbilled interest today, 30.05 on the new schedule, nothing given up."""
    position = _month_end_position()
    plan = restructure_plan(position=position, terms=OptionTerms(kind=OptionKind.EXTENSION, months=2))
    assert rows_of(plan) == [
        (date(2026, 2, 28), yuan("995.02"), yuan("35.00"), yuan("15.00"), NIL, yuan("10.00"), yuan("0.75")),
        (date(2026, 3, 28), yuan("1004.98"), yuan("25.05"), yuan("15.00"), NIL, yuan("10.00"), yuan("0.75")),
    ]
    assert plan.interest_given_up == NIL
    assert plan.owed_before == yuan("2051.50")
    assert plan.total_today == yuan("2071.50")


def test_a_freeze_worked_by_hand() -> None:
    """2,000.00 over 3 months at 0 %: 666.67, 666.67, 666.66; 20.00 of scheduled interest given up; the
    30.00 interest fallen due carried 10.00 a month; fees and penalty waived: 21.50 given up with it."""
    position = _month_end_position()
    plan = restructure_plan(
        position=position,
        terms=OptionTerms(kind=OptionKind.FREEZE, months=3, waive_fees_and_penalty=True),
    )
    assert [(i.principal, i.interest, i.fees, i.penalty) for i in plan.instalments] == [
        (yuan("666.67"), yuan("10.00"), NIL, NIL),
        (yuan("666.67"), yuan("10.00"), NIL, NIL),
        (yuan("666.66"), yuan("10.00"), NIL, NIL),
    ]
    assert (plan.waived_fees, plan.waived_penalty, plan.interest_given_up) == (
        yuan("20.00"),
        yuan("1.50"),
        yuan("20.00"),
    )
    assert plan.given_up == yuan("41.50")
    assert plan.charges_paused_through == plan.instalments[-1].due_date
    assert plan.annual_rate == 0


def test_a_holiday_without_interest_defers_it_unchanged() -> None:
    """Two months' holiday on 2,000.00 at 12 %: 20.00 a month deferred, 40.00 spread 20.00/20.00 over the
    two instalments after it as fixed interest (not worked out again on an early repayment)."""
    position = _month_end_position()
    plan = restructure_plan(
        position=position,
        terms=OptionTerms(kind=OptionKind.HOLIDAY, months=2, interest_during_holiday=False),
    )
    assert [i.principal for i in plan.instalments[:2]] == [NIL, NIL]
    assert [i.interest for i in plan.instalments[:2]] == [NIL, NIL]
    after = plan.instalments[2:]
    assert len(after) == position.months_left == 1
    assert after[0].interest_fixed == yuan("40.00")
    # The one instalment after: all principal, a month's interest, the deferred 40.00, the 30.00 carried.
    assert after[0].principal == yuan("2000.00")
    assert after[0].interest == yuan("20.00") + yuan("40.00") + yuan("30.00")
    assert (after[0].fees, after[0].penalty) == (yuan("20.00"), yuan("1.50"))


# --- spread --------------------------------------------------------------------------------------------


@examples(200)
@given(amount=cents(0, 10**12), parts=st.integers(1, 60))
@example(amount=yuan("0.05"), parts=6)
@example(amount=yuan("100.00"), parts=3)
def test_spread_parts_add_up_and_differ_by_at_most_the_remainder(amount: Decimal, parts: int) -> None:
    shares = spread(amount, parts)
    assert len(shares) == parts
    assert sum(shares, NIL) == amount
    assert all(s >= 0 and s == s.quantize(Decimal("0.01")) for s in shares)
    assert len(set(shares[:-1])) <= 1
    share = shares[0]
    # The equal part is amount / parts rounded down; the last takes what the others leave, less than
    # ``parts`` fen more.
    assert share * 100 <= amount * 100 / parts < share * 100 + 1
    assert 0 <= shares[-1] - share < Decimal(parts) * Decimal("0.01")


def test_spread_refuses_no_parts() -> None:
    with pytest.raises(InvalidInputError):
        spread(yuan("1.00"), 0)


# --- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "months"),
    [
        (OptionKind.EXTENSION, 1),
        (OptionKind.EXTENSION, 61),
        (OptionKind.HOLIDAY, 0),
        (OptionKind.HOLIDAY, 4),
        (OptionKind.FREEZE, 0),
        (OptionKind.FREEZE, 61),
        (OptionKind.ARREARS_PLAN, 0),
        (OptionKind.ARREARS_PLAN, 25),
    ],
)
def test_months_out_of_range_are_refused(kind: OptionKind, months: int) -> None:
    with pytest.raises(InvalidInputError):
        OptionTerms(kind=kind, months=months)


def test_months_must_be_a_whole_number() -> None:
    with pytest.raises(InvalidInputError):
        OptionTerms(kind=OptionKind.EXTENSION, months=True)
    with pytest.raises(InvalidInputError):
        OptionTerms(kind=OptionKind.EXTENSION, months=12.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", ["0.12", "0.13", "0.500000"])
def test_a_lower_rate_not_below_todays_is_refused(rate: str) -> None:
    with pytest.raises(InvalidInputError):
        restructure_plan(
            position=_month_end_position(),
            terms=OptionTerms(kind=OptionKind.LOWER_RATE, annual_rate=Decimal(rate)),
        )


def test_a_lower_rate_needs_a_rate_and_a_valid_one() -> None:
    with pytest.raises(InvalidInputError):
        OptionTerms(kind=OptionKind.LOWER_RATE)
    with pytest.raises(InvalidInputError):
        OptionTerms(kind=OptionKind.LOWER_RATE, annual_rate=Decimal("-0.01"))


@pytest.mark.parametrize("kind", list(OptionKind))
def test_an_empty_position_is_refused(kind: OptionKind) -> None:
    months = {
        OptionKind.EXTENSION: 12,
        OptionKind.HOLIDAY: 1,
        OptionKind.FREEZE: 12,
        OptionKind.ARREARS_PLAN: 3,
    }
    terms = OptionTerms(
        kind=kind,
        months=months.get(kind, 0),
        annual_rate=yuan("0.01") if kind is OptionKind.LOWER_RATE else None,
    )
    with pytest.raises(InvalidInputError):
        restructure_plan(
            position=RestructurePosition(on=date(2026, 1, 1), annual_rate=yuan("0.12"), instalments=()),
            terms=terms,
        )


def test_the_terms_round_trip_through_their_dict() -> None:
    for terms in (
        OptionTerms(kind=OptionKind.HOLIDAY, months=2, interest_during_holiday=False),
        OptionTerms(kind=OptionKind.LOWER_RATE, annual_rate=Decimal("0.080000"), waive_fees_and_penalty=True),
        OptionTerms(kind=OptionKind.WAIVER),
    ):
        assert OptionTerms.from_dict(dict(terms.as_dict())) == terms
    assert OptionTerms(kind=OptionKind.WAIVER).waive_fees_and_penalty is True


def test_the_options_shown_are_the_documented_ones() -> None:
    position = _month_end_position()
    plans = restructure_options(position=position)
    by_kind = {p.terms.kind: p.terms for p in plans}
    assert set(by_kind) == set(OptionKind)
    assert by_kind[OptionKind.EXTENSION].months == 12  # twice 1 left, at least 12
    assert by_kind[OptionKind.HOLIDAY].months == 3
    assert by_kind[OptionKind.HOLIDAY].interest_during_holiday
    assert by_kind[OptionKind.LOWER_RATE].annual_rate == Decimal("0.080000")
    assert by_kind[OptionKind.FREEZE].months == 36
    assert by_kind[OptionKind.ARREARS_PLAN].months == 6
    for plan in plans:
        assert_conserves(position, plan)
    # Nothing overdue, nothing to waive, no rate: those options are left out.
    clean = RestructurePosition(
        on=date(2026, 1, 1),
        annual_rate=Decimal(0),
        instalments=(OpenInstalment(number=1, due_date=date(2026, 1, 31), principal=yuan("500.00")),),
    )
    assert {p.terms.kind for p in restructure_options(position=clean)} == {
        OptionKind.EXTENSION,
        OptionKind.HOLIDAY,
        OptionKind.FREEZE,
    }


# --- the projection's pause ----------------------------------------------------------------------------

POLICY = OverduePolicy(
    grace_days=3,
    late_fee_flat=yuan("20.00"),
    late_fee_rate=yuan("0.05"),
    penalty_rate=yuan("0.18"),
    day_count=DayCount.ACT_365,
    annual_cost_cap=Decimal("5"),  # far above anything here: nothing is trimmed
)


def _overdue(
    *, due: date, as_of: date, paused: date | None, penalty_from: date | None = None, already: Decimal = NIL
) -> LoanPosition:
    inst = OpenInstalment(
        number=1,
        due_date=due,
        principal=yuan("1000.00"),
        interest=yuan("100.00"),
        penalty_from=penalty_from,
        penalty_in_period=already,
        penalty=already,
    )
    return LoanPosition(
        principal=yuan("12000.00"),
        disbursed_on=due - timedelta(days=31),
        as_of=as_of,
        owed=yuan("1100.00") + already,
        instalments=(inst,),
        charges_paused_through=paused,
    )


def _charges(position: LoanPosition, on: date) -> tuple[Decimal, Decimal]:
    projection = project_amount_due(position=position, policy=POLICY, on=on)
    (line,) = projection.instalments
    return line.new_fees, line.new_penalty


def test_a_late_fee_whose_day_falls_in_the_pause_is_never_charged() -> None:
    due = date(2026, 3, 10)  # the fee's day is 14 Mar
    position = _overdue(due=due, as_of=due, paused=date(2026, 3, 14))
    fees, _penalty = _charges(position, date(2026, 6, 30))
    assert fees == NIL
    # A day later and the fee is charged: 20.00 + 5 % of 1,100.00.
    fees, _penalty = _charges(_overdue(due=due, as_of=due, paused=date(2026, 3, 13)), date(2026, 3, 14))
    assert fees == yuan("75.00")


def test_no_penalty_on_paused_days_and_a_new_period_after() -> None:
    due = date(2026, 3, 10)
    paused = date(2026, 4, 20)
    position = _overdue(due=due, as_of=due, paused=paused)
    for day in (date(2026, 3, 14), date(2026, 4, 1), paused):
        assert _charges(position, day) == (NIL, NIL)
    on = date(2026, 5, 31)
    _fees, penalty = _charges(position, on)
    assert penalty == penalty_after_pause(
        principal=yuan("1000.00"), rate=yuan("0.18"), days=(on - paused).days, days_in_year=365
    )


@examples(150)
@given(
    grace_to_pause=st.integers(-10, 60),
    under_way=st.integers(0, 40),
    after=st.integers(0, 120),
    principal=cents(1, 5_000_000),
    rate=annual_rates(500_000),
    act_360=st.booleans(),
)
def test_penalty_after_a_pause_is_a_new_period_rounded_once(
    grace_to_pause: int, under_way: int, after: int, principal: Decimal, rate: Decimal, act_360: bool
) -> None:
    """A penalty period under way (from ``penalty_from``, ``under_way`` days before ``as_of``) stops at
    the pause; after it, penalty = principal * rate * days after the pause / days_in_year, half up."""
    policy = OverduePolicy(
        grace_days=2,
        penalty_rate=rate,
        day_count=DayCount.ACT_360 if act_360 else DayCount.ACT_365,
        annual_cost_cap=Decimal("5"),
    )
    days_in_year = 360 if act_360 else 365
    due = date(2025, 7, 31)
    grace_end = due + timedelta(days=2)
    as_of = grace_end + timedelta(days=under_way)
    penalty_from = grace_end if under_way else None
    already = penalty_after_pause(principal=principal, rate=rate, days=under_way, days_in_year=days_in_year)
    paused = max(as_of, grace_end + timedelta(days=grace_to_pause))
    inst = OpenInstalment(
        number=1,
        due_date=due,
        principal=principal,
        penalty=already,
        penalty_from=penalty_from,
        penalty_in_period=already,
    )
    position = LoanPosition(
        principal=principal,
        disbursed_on=due - timedelta(days=30),
        as_of=as_of,
        owed=principal + already,
        instalments=(inst,),
        charges_paused_through=paused,
    )
    on = paused + timedelta(days=after)
    projection = project_amount_due(position=position, policy=policy, on=on)
    (line,) = projection.instalments
    assert line.new_penalty == half_up_exact(principal, rate, after, days_in_year)
    assert line.penalty == already + line.new_penalty
    assert line.new_fees == NIL
    if line.new_penalty:
        (charge,) = [c for c in projection.charges if c.kind is ChargeKind.PENALTY_INTEREST]
        assert (charge.start, charge.days) == (paused, after)


def half_up_exact(principal: Decimal, rate: Decimal, days: int, days_in_year: int) -> Decimal:
    return half_up(Fraction(principal) * Fraction(rate) * days / days_in_year)


def test_without_a_pause_nothing_changes() -> None:
    due = date(2026, 3, 10)
    position = _overdue(due=due, as_of=due, paused=None)
    fees, penalty = _charges(position, date(2026, 3, 24))
    assert fees == yuan("75.00")
    assert penalty == penalty_after_pause(
        principal=yuan("1000.00"), rate=yuan("0.18"), days=11, days_in_year=365
    )

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loanmath import (
    ChargeKind,
    DayCount,
    InvalidInputError,
    LoanPosition,
    Milestone,
    MilestoneKind,
    OpenInstalment,
    OverdueBucket,
    OverduePolicy,
    project_amount_due,
    project_amounts_due,
)
from tests.loanmath.strategies import annual_rates, cents, examples, yuan

# A 12,000.00 loan; the instalment due 10 Mar 2024 (1,000.00 principal + 100.00 interest) is unpaid.
MARCH_DUE = date(2024, 3, 10)
GRACE_POLICY = OverduePolicy(
    grace_days=3,
    late_fee_flat=yuan("20.00"),
    late_fee_rate=yuan("0.05"),
    penalty_rate=yuan("0.18"),
    day_count=DayCount.ACT_365,
)
ON_DUE_DATE = LoanPosition(
    principal=yuan("12000.00"),
    disbursed_on=date(2024, 2, 10),
    as_of=MARCH_DUE,
    owed=yuan("12100.00"),
    instalments=(
        OpenInstalment(number=1, due_date=MARCH_DUE, principal=yuan("1000.00"), interest=yuan("100.00")),
    ),
)


def test_paying_on_the_last_grace_day_costs_nothing_extra() -> None:
    projection = project_amount_due(position=ON_DUE_DATE, policy=GRACE_POLICY, on=date(2024, 3, 13))
    assert projection.amount_due == yuan("1100.00")
    assert projection.cost_of_waiting == 0
    assert projection.charges == ()


def test_the_first_day_after_grace_adds_the_late_fee_and_one_day_of_penalty() -> None:
    # Late fee: 20.00 + 1,100.00 * 5 % = 75.00. Penalty: 1,000.00 * 0.18 * 1 / 365 = 0.49.
    projection = project_amount_due(position=ON_DUE_DATE, policy=GRACE_POLICY, on=date(2024, 3, 14))
    fee, penalty = projection.charges
    assert (fee.kind, fee.base, fee.flat, fee.rate, fee.start, fee.amount) == (
        ChargeKind.LATE_FEE,
        yuan("1100.00"),
        yuan("20.00"),
        yuan("0.05"),
        date(2024, 3, 14),
        yuan("75.00"),
    )
    assert (penalty.kind, penalty.base, penalty.days, penalty.amount) == (
        ChargeKind.PENALTY_INTEREST,
        yuan("1000.00"),
        1,
        yuan("0.49"),
    )
    assert projection.amount_due == yuan("1175.49")
    assert projection.days_past_due == 4


def test_thirty_days_after_the_due_date_the_borrower_owes_the_fee_and_27_days_of_penalty() -> None:
    # 9 Apr is 30 days past due; grace days 1-3 are free, so penalty runs 27 days:
    # 1,000.00 * 0.18 * 27 / 365 = 13.315... -> 13.32; 1,100.00 + 75.00 + 13.32 = 1,188.32.
    projection = project_amount_due(position=ON_DUE_DATE, policy=GRACE_POLICY, on=date(2024, 4, 9))
    penalty = projection.charges[1]
    assert (penalty.start, penalty.end, penalty.days, penalty.days_in_year) == (
        date(2024, 3, 13),
        date(2024, 4, 9),
        27,
        365,
    )
    assert projection.amount_due == yuan("1188.32")
    assert projection.bucket is OverdueBucket.M1


def test_a_late_fee_already_charged_before_as_of_is_not_charged_again() -> None:
    # As of 20 Mar the close of business has charged the 75.00 fee and 7 days' penalty (3.45).
    position = LoanPosition(
        principal=yuan("12000.00"),
        disbursed_on=date(2024, 2, 10),
        as_of=date(2024, 3, 20),
        owed=yuan("12178.45"),
        instalments=(
            OpenInstalment(
                number=1,
                due_date=MARCH_DUE,
                principal=yuan("1000.00"),
                interest=yuan("100.00"),
                fees=yuan("75.00"),
                penalty=yuan("3.45"),
            ),
        ),
    )
    projection = project_amount_due(position=position, policy=GRACE_POLICY, on=date(2024, 3, 30))
    # Ten more days: 1,000.00 * 0.18 * 10 / 365 = 4.93.
    assert [c.kind for c in projection.charges] == [ChargeKind.PENALTY_INTEREST]
    assert projection.instalments[0].fees == yuan("75.00")
    assert projection.instalments[0].penalty == yuan("8.38")


def test_the_cost_cap_trims_penalty_interest_so_the_annualised_cost_stays_within_24pct() -> None:
    # 10,000.00 lent 1 Jan 2024, one instalment due 31 Jan: 10,000.00 + 150.00 interest, unpaid.
    # Penalty 36 % ACT/365 would be 10,000 * 0.36 * 30 / 365 = 295.89 by 1 Mar. At a 24 % cap
    # (nominal, compounded monthly) the most owed on 1 Mar (60 days) is 10,000 * 1.02 ** (12 * 60 / 365)
    # = 10,398.35 (floored to the fen): 10,150.00 is owed already, so penalty is held to 248.35.
    position = LoanPosition(
        principal=yuan("10000.00"),
        disbursed_on=date(2024, 1, 1),
        as_of=date(2024, 1, 31),
        owed=yuan("10150.00"),
        instalments=(
            OpenInstalment(
                number=1, due_date=date(2024, 1, 31), principal=yuan("10000.00"), interest=yuan("150.00")
            ),
        ),
    )
    policy = OverduePolicy(penalty_rate=yuan("0.36"))
    projection = project_amount_due(position=position, policy=policy, on=date(2024, 3, 1))
    (penalty,) = projection.charges
    assert (penalty.formula_amount, penalty.amount, penalty.trimmed_by_cap) == (
        yuan("295.89"),
        yuan("248.35"),
        yuan("47.54"),
    )
    assert abs(float(projection.owed_limit) - 10_000 * 1.02 ** (12 * 60 / 365)) < 0.01  # an outside check
    assert projection.owed == projection.owed_limit == yuan("10398.35")
    assert projection.amount_due == yuan("10398.35")


def test_the_cost_cap_trims_penalty_interest_before_the_late_fee() -> None:
    # As above, with a 50.00 late fee and no grace. On 1 Feb the most owed is 10,000 * 1.02 ** (12 * 31 /
    # 365) = 10,203.87; 10,150.00 owed leaves 53.87: the fee takes 50.00, penalty gets 3.87 of its 9.86.
    position = LoanPosition(
        principal=yuan("10000.00"),
        disbursed_on=date(2024, 1, 1),
        as_of=date(2024, 1, 31),
        owed=yuan("10150.00"),
        instalments=(
            OpenInstalment(
                number=1, due_date=date(2024, 1, 31), principal=yuan("10000.00"), interest=yuan("150.00")
            ),
        ),
    )
    policy = OverduePolicy(penalty_rate=yuan("0.36"), late_fee_flat=yuan("50.00"))
    fee, penalty = project_amount_due(position=position, policy=policy, on=date(2024, 2, 1)).charges
    assert (fee.amount, penalty.formula_amount, penalty.amount) == (yuan("50.00"), yuan("9.86"), yuan("3.87"))


def test_an_instalment_falling_due_after_as_of_joins_the_amount_due_on_its_due_date() -> None:
    position = LoanPosition(
        principal=yuan("12000.00"),
        disbursed_on=date(2024, 2, 10),
        as_of=date(2024, 3, 1),
        owed=yuan("1000.00"),
        instalments=(
            OpenInstalment(
                number=1,
                due_date=MARCH_DUE,
                principal=yuan("1000.00"),
                interest=yuan("100.00"),
                unbilled_interest=yuan("100.00"),
            ),
        ),
    )
    before = project_amount_due(position=position, policy=GRACE_POLICY, on=date(2024, 3, 9))
    on_the_day = project_amount_due(position=position, policy=GRACE_POLICY, on=MARCH_DUE)
    assert (before.amount_due, before.not_yet_due) == (yuan("0.00"), yuan("1100.00"))
    assert (on_the_day.amount_due, on_the_day.not_yet_due) == (yuan("1100.00"), yuan("0.00"))
    assert (before.owed, on_the_day.owed) == (yuan("1000.00"), yuan("1100.00"))


def test_projections_for_1_7_30_60_90_days_name_the_milestones_each_date_crosses() -> None:
    # As of 15 Mar the instalment due 10 Mar is 5 days past due; paying in 30 days means 35 days.
    policy = OverduePolicy(
        penalty_rate=yuan("0.18"),
        milestones=(
            Milestone(day=1, kind=MilestoneKind.REMINDER),
            Milestone(day=30, kind=MilestoneKind.CREDIT_BUREAU),
            Milestone(day=60, kind=MilestoneKind.COLLECTIONS),
            Milestone(day=90, kind=MilestoneKind.LEGAL),
        ),
    )
    position = LoanPosition(
        principal=yuan("12000.00"),
        disbursed_on=date(2024, 2, 10),
        as_of=date(2024, 3, 15),
        owed=yuan("12102.47"),
        instalments=(
            OpenInstalment(
                number=1,
                due_date=MARCH_DUE,
                principal=yuan("1000.00"),
                interest=yuan("100.00"),
                penalty=yuan("2.47"),
            ),
        ),
    )
    projections = project_amounts_due(position=position, policy=policy)
    assert [p.days_past_due for p in projections] == [6, 12, 35, 65, 95]
    assert [[m.kind for m in p.milestones_crossed] for p in projections] == [
        [],
        [],
        [MilestoneKind.CREDIT_BUREAU],
        [MilestoneKind.CREDIT_BUREAU, MilestoneKind.COLLECTIONS],
        [MilestoneKind.CREDIT_BUREAU, MilestoneKind.COLLECTIONS, MilestoneKind.LEGAL],
    ]
    amounts = [p.amount_due for p in projections]
    assert amounts == sorted(amounts)


def test_a_projection_on_as_of_is_what_is_owed_now_and_cannot_look_back() -> None:
    today = project_amount_due(position=ON_DUE_DATE, policy=GRACE_POLICY, on=ON_DUE_DATE.as_of)
    assert (today.amount_due, today.cost_of_waiting) == (yuan("1100.00"), yuan("0.00"))
    with pytest.raises(InvalidInputError):
        project_amount_due(position=ON_DUE_DATE, policy=GRACE_POLICY, on=date(2024, 3, 9))


@st.composite
def positions(draw: st.DrawFn) -> LoanPosition:
    disbursed_on = date(2024, 1, 1)
    as_of = disbursed_on + timedelta(days=draw(st.integers(0, 200)))
    count = draw(st.integers(0, 6))
    instalments = tuple(
        OpenInstalment(
            number=n + 1,
            due_date=date(2024, 1, 31) + timedelta(days=30 * n),
            principal=draw(cents(0, 2_000_00)),
            interest=draw(cents(0, 200_00)),
            fees=draw(cents(0, 100_00)),
            penalty=draw(cents(0, 100_00)),
        )
        for n in range(count)
    )
    return LoanPosition(
        principal=draw(cents(1_000_00, 20_000_00)),
        disbursed_on=disbursed_on,
        as_of=as_of,
        owed=sum((i.total for i in instalments), Decimal(0)) + draw(cents(0, 2_000_00)),
        instalments=instalments,
    )


policies = st.builds(
    OverduePolicy,
    grace_days=st.integers(0, 5),
    late_fee_flat=cents(0, 100_00),
    late_fee_rate=annual_rates(100_000),
    penalty_rate=annual_rates(500_000),
    day_count=st.sampled_from(DayCount),
    annual_cost_cap=annual_rates(400_000),
)


@examples(60)
@given(position=positions(), policy=policies, first=st.integers(0, 150), later=st.integers(0, 150))
def test_a_projection_never_decreases_with_a_later_date(
    position: LoanPosition, policy: OverduePolicy, first: int, later: int
) -> None:
    earlier = project_amount_due(position=position, policy=policy, on=position.as_of + timedelta(days=first))
    then = project_amount_due(
        position=position, policy=policy, on=position.as_of + timedelta(days=first + later)
    )
    assert earlier.amount_due <= then.amount_due
    assert earlier.amount_due + earlier.not_yet_due <= then.amount_due + then.not_yet_due
    assert earlier.cost_of_waiting <= then.cost_of_waiting
    assert earlier.days_past_due <= then.days_past_due
    for charge in then.charges:
        assert Decimal(0) <= charge.amount <= charge.formula_amount


@examples(60)
@given(position=positions(), policy=policies, days=st.integers(1, 150))
def test_new_fees_and_penalty_never_take_what_is_owed_over_the_cap(
    position: LoanPosition, policy: OverduePolicy, days: int
) -> None:
    # Only late charges can be trimmed, so check loans whose contract interest has all fallen due.
    due_already = tuple(i for i in position.instalments if i.due_date <= position.as_of)
    position = LoanPosition(
        principal=position.principal,
        disbursed_on=position.disbursed_on,
        as_of=position.as_of,
        owed=position.owed,
        instalments=due_already,
    )
    projection = project_amount_due(
        position=position, policy=policy, on=position.as_of + timedelta(days=days)
    )
    if projection.cost_of_waiting > 0:
        assert projection.owed <= projection.owed_limit
    assert projection.owed == position.owed + projection.cost_of_waiting


def _advance(position: LoanPosition, projection_on: date) -> LoanPosition:
    """What the nightly close would store after one day: charges added, the penalty period carried on."""
    projection = project_amount_due(position=position, policy=GRACE_POLICY, on=projection_on)
    penalty = {c.instalment_number: c for c in projection.charges if c.kind is ChargeKind.PENALTY_INTEREST}
    lines = {line.number: line for line in projection.instalments}
    instalments = []
    for item in position.instalments:
        line = lines.get(item.number)
        carried = penalty.get(item.number)
        instalments.append(
            OpenInstalment(
                number=item.number,
                due_date=item.due_date,
                principal=item.principal,
                interest=item.interest,
                fees=line.fees if line else item.fees,
                penalty=line.penalty if line else item.penalty,
                penalty_from=carried.start if carried else item.penalty_from,
                penalty_in_period=item.penalty_in_period + (carried.formula_amount if carried else 0),
            )
        )
    return LoanPosition(
        principal=position.principal,
        disbursed_on=position.disbursed_on,
        as_of=projection_on,
        owed=projection.owed,
        instalments=tuple(instalments),
    )


@given(days=st.integers(min_value=1, max_value=120))
@examples(40)
def test_projecting_day_by_day_with_the_period_carried_equals_projecting_at_once(days: int) -> None:
    """The nightly close posts one day at a time; the borrower's projection looks many days ahead.
    Carrying the penalty accrual period (penalty_from, penalty_in_period) makes them agree to the cent,
    where re-rounding every day would drift by up to half a fen a day."""
    target = MARCH_DUE + timedelta(days=days)
    at_once = project_amount_due(position=ON_DUE_DATE, policy=GRACE_POLICY, on=target)

    position = ON_DUE_DATE
    while position.as_of < target:
        position = _advance(position, position.as_of + timedelta(days=1))
    day_by_day = project_amount_due(position=position, policy=GRACE_POLICY, on=target)

    assert day_by_day.amount_due == at_once.amount_due
    assert position.owed == at_once.owed


APRIL_DUE, MAY_DUE = date(2024, 4, 10), date(2024, 5, 10)


def test_payoff_is_everything_due_plus_future_principal_plus_the_current_periods_interest() -> None:
    from loanmath import payoff_amount

    position = LoanPosition(
        principal=yuan("12000.00"),
        disbursed_on=date(2024, 2, 10),
        as_of=MARCH_DUE,
        owed=yuan("3100.00"),
        instalments=(
            OpenInstalment(number=1, due_date=MARCH_DUE, principal=yuan("1000.00"), interest=yuan("100.00")),
            # Not yet due: their interest has not fallen due (as borrowers.positions.open_items gives it).
            OpenInstalment(
                number=2,
                due_date=APRIL_DUE,
                principal=yuan("1000.00"),
                interest=yuan("90.00"),
                unbilled_interest=yuan("90.00"),
            ),
            OpenInstalment(
                number=3,
                due_date=MAY_DUE,
                principal=yuan("1000.00"),
                interest=yuan("80.00"),
                unbilled_interest=yuan("80.00"),
            ),
        ),
    )

    # On the due date of instalment 1: 1,100.00 due + 2,000.00 principal + 90.00 (April's interest);
    # May's 80.00 of interest is saved.
    assert payoff_amount(position=position, policy=GRACE_POLICY, on=MARCH_DUE) == yuan("3190.00")

    # A restructuring carried 25.00 of interest already fallen due onto May's instalment: it is owed now,
    # so the payoff takes it too (May's own 80.00 of contract interest is still saved).
    carried = dataclasses.replace(
        position.instalments[2], interest=yuan("105.00"), unbilled_interest=yuan("80.00")
    )
    position = dataclasses.replace(
        position, instalments=(*position.instalments[:2], carried), owed=yuan("3125.00")
    )
    assert payoff_amount(position=position, policy=GRACE_POLICY, on=MARCH_DUE) == yuan("3215.00")

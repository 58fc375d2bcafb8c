from datetime import date
from decimal import Decimal

import pytest

from loanmath import (
    DayCount,
    InvalidInputError,
    Milestone,
    MilestoneKind,
    OverdueBucket,
    OverduePolicy,
    cost_cap_base_after_payment,
    cost_cap_growth,
    cost_cap_headroom,
    cost_cap_limit,
    days_past_due,
    is_past_grace,
    last_day_of_grace,
    late_fee,
    late_fee_charge_date,
    milestones_crossed,
    overdue_bucket,
    penalty_interest,
    trim_to_cap,
)
from tests.loanmath.strategies import yuan

DUE = date(2024, 3, 10)
PENALTY_18_PCT = OverduePolicy(penalty_rate=yuan("0.18"), day_count=DayCount.ACT_365)


def test_an_instalment_is_not_past_due_on_its_due_date_and_one_day_past_due_the_day_after() -> None:
    assert days_past_due(due_date=DUE, on=date(2024, 3, 9)) == 0
    assert days_past_due(due_date=DUE, on=DUE) == 0
    assert days_past_due(due_date=DUE, on=date(2024, 3, 11)) == 1
    assert days_past_due(due_date=DUE, on=date(2024, 4, 10)) == 31


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, OverdueBucket.CURRENT),
        (1, OverdueBucket.M1),
        (30, OverdueBucket.M1),
        (31, OverdueBucket.M2),
        (60, OverdueBucket.M2),
        (61, OverdueBucket.M3),
        (90, OverdueBucket.M3),
        (91, OverdueBucket.M3_PLUS),
    ],
)
def test_overdue_buckets_follow_the_design_boundaries(days: int, bucket: OverdueBucket) -> None:
    assert overdue_bucket(days) is bucket


def test_with_3_grace_days_the_third_day_is_still_grace_and_the_fourth_is_not() -> None:
    policy = OverduePolicy(grace_days=3)
    assert last_day_of_grace(due_date=DUE, policy=policy) == date(2024, 3, 13)
    assert not is_past_grace(due_date=DUE, on=date(2024, 3, 13), policy=policy)
    assert is_past_grace(due_date=DUE, on=date(2024, 3, 14), policy=policy)
    assert late_fee_charge_date(due_date=DUE, policy=policy) == date(2024, 3, 14)


def test_without_grace_the_late_fee_is_charged_the_day_after_the_due_date() -> None:
    policy = OverduePolicy(grace_days=0)
    assert not is_past_grace(due_date=DUE, on=DUE, policy=policy)
    assert late_fee_charge_date(due_date=DUE, policy=policy) == date(2024, 3, 11)


def test_grace_running_over_a_leap_day_counts_29_february() -> None:
    policy = OverduePolicy(grace_days=3)
    assert late_fee_charge_date(due_date=date(2024, 2, 27), policy=policy) == date(2024, 3, 2)
    assert late_fee_charge_date(due_date=date(2023, 2, 27), policy=policy) == date(2023, 3, 3)


def test_penalty_on_10000_at_18pct_act365_for_30_days_is_147_95() -> None:
    # 10,000.00 * 0.18 * 30 / 365 = 147.945... -> 147.95.
    amount = penalty_interest(
        overdue_principal=yuan("10000.00"),
        start=date(2024, 3, 10),
        end=date(2024, 4, 9),
        policy=PENALTY_18_PCT,
    )
    assert amount == yuan("147.95")


def test_penalty_on_10000_at_18pct_act360_for_30_days_is_150_00() -> None:
    # 10,000.00 * 0.18 * 30 / 360 = 150.00.
    policy = OverduePolicy(penalty_rate=yuan("0.18"), day_count=DayCount.ACT_360)
    amount = penalty_interest(
        overdue_principal=yuan("10000.00"), start=date(2024, 3, 10), end=date(2024, 4, 9), policy=policy
    )
    assert amount == yuan("150.00")


def test_penalty_across_29_february_charges_the_leap_day_at_the_same_daily_rate() -> None:
    # 28 Feb -> 1 Mar is 2 days in 2024 and 1 day in 2023: 36,500 * 0.18 / 365 = 18.00 a day.
    principal = yuan("36500.00")
    leap = penalty_interest(
        overdue_principal=principal, start=date(2024, 2, 28), end=date(2024, 3, 1), policy=PENALTY_18_PCT
    )
    common = penalty_interest(
        overdue_principal=principal, start=date(2023, 2, 28), end=date(2023, 3, 1), policy=PENALTY_18_PCT
    )
    assert (leap, common) == (yuan("36.00"), yuan("18.00"))


def test_penalty_is_rounded_once_per_accrual_period_not_once_a_day() -> None:
    # One day on 1,000.00 at 18 %: 0.4931... -> 0.49; three days: 1.4794... -> 1.48, not 3 * 0.49 = 1.47.
    principal = yuan("1000.00")
    one_day = penalty_interest(
        overdue_principal=principal, start=date(2024, 3, 10), end=date(2024, 3, 11), policy=PENALTY_18_PCT
    )
    three_days = penalty_interest(
        overdue_principal=principal, start=date(2024, 3, 10), end=date(2024, 3, 13), policy=PENALTY_18_PCT
    )
    assert (one_day, three_days) == (yuan("0.49"), yuan("1.48"))


def test_penalty_for_no_days_is_zero_and_for_a_period_ending_before_it_starts_is_refused() -> None:
    assert penalty_interest(overdue_principal=yuan("1000.00"), start=DUE, end=DUE, policy=PENALTY_18_PCT) == 0
    with pytest.raises(InvalidInputError):
        penalty_interest(
            overdue_principal=yuan("1000.00"), start=DUE, end=date(2024, 3, 9), policy=PENALTY_18_PCT
        )


def test_late_fee_is_the_flat_part_plus_the_rate_on_what_is_overdue() -> None:
    # 20.00 + 1,100.00 * 5 % = 75.00.
    policy = OverduePolicy(late_fee_flat=yuan("20.00"), late_fee_rate=yuan("0.05"))
    assert late_fee(overdue_amount=yuan("1100.00"), policy=policy) == yuan("75.00")
    # 20.00 + 333.33 * 5 % = 36.6665 -> 36.67.
    assert late_fee(overdue_amount=yuan("333.33"), policy=policy) == yuan("36.67")


def test_no_late_fee_when_nothing_is_overdue() -> None:
    policy = OverduePolicy(late_fee_flat=yuan("20.00"), late_fee_rate=yuan("0.05"))
    assert late_fee(overdue_amount=yuan("0.00"), policy=policy) == 0


def test_the_most_owed_on_10000_lent_for_60_days_at_a_24pct_cap_is_10398_35() -> None:
    # 10,000.00 * (1 + 0.24 / 12) ** (12 * 60 / 365) = 10,398.3569... -> floored to 10,398.35.
    policy = OverduePolicy()
    assert policy.annual_cost_cap == yuan("0.24")
    limit = cost_cap_limit(
        base=yuan("10000.00"), base_on=date(2024, 1, 1), on=date(2024, 3, 1), policy=policy
    )
    assert limit == yuan("10398.35")
    assert abs(float(limit) - 10_000 * 1.02 ** (12 * 60 / 365)) < 0.01


def test_a_24pct_cap_grows_money_by_exactly_24pct_nominal_over_a_365_day_year() -> None:
    # Over 365 days, twelve months of 2 %: (1.02) ** 12, exactly as a monthly IRR of 2 % times 12.
    assert cost_cap_growth(Decimal("0.24"), 365) == Decimal("1.02") ** 12
    # ACT/360 products use the same calendar year for the cap: it stays 24 %, not 24.33 %.
    assert cost_cap_growth(Decimal("0.24"), 0) == 1


def test_after_a_payment_the_base_is_the_limit_that_day_less_the_money_kept() -> None:
    policy = OverduePolicy()
    base = cost_cap_base_after_payment(
        base=yuan("10000.00"),
        base_on=date(2024, 1, 1),
        paid_on=date(2024, 3, 1),
        amount=yuan("5000.00"),
        policy=policy,
    )
    assert base == yuan("5398.35")
    # And it keeps growing at the cap from the day of the payment.
    later = cost_cap_limit(base=base, base_on=date(2024, 3, 1), on=date(2024, 4, 1), policy=policy)
    assert abs(float(later) - 5398.35 * 1.02 ** (12 * 31 / 365)) < 0.01


def test_cost_cap_headroom_is_what_is_left_under_the_limit_and_never_negative() -> None:
    assert cost_cap_headroom(limit=yuan("10398.35"), owed=yuan("10300.00")) == yuan("98.35")
    assert cost_cap_headroom(limit=yuan("10398.35"), owed=yuan("10500.00")) == 0


def test_trim_to_cap_grants_charges_in_order_and_trims_the_later_ones_first() -> None:
    granted = trim_to_cap([yuan("50.00"), yuan("30.00"), yuan("20.00")], yuan("60.00"))
    assert granted == (yuan("50.00"), yuan("10.00"), yuan("0.00"))
    assert trim_to_cap([yuan("50.00")], yuan("80.00")) == (yuan("50.00"),)


def test_milestones_are_crossed_after_the_start_day_up_to_and_including_the_end_day() -> None:
    policy = OverduePolicy(
        milestones=(
            Milestone(day=30, kind=MilestoneKind.CREDIT_BUREAU),
            Milestone(day=1, kind=MilestoneKind.REMINDER),
            Milestone(day=90, kind=MilestoneKind.LEGAL),
            Milestone(day=60, kind=MilestoneKind.COLLECTIONS),
        )
    )
    assert [m.day for m in policy.milestones] == [1, 30, 60, 90]
    crossed = milestones_crossed(milestones=policy.milestones, from_days_past_due=1, to_days_past_due=60)
    assert [m.kind for m in crossed] == [MilestoneKind.CREDIT_BUREAU, MilestoneKind.COLLECTIONS]
    assert milestones_crossed(milestones=policy.milestones, from_days_past_due=30, to_days_past_due=59) == ()


@pytest.mark.parametrize(
    "settings",
    [
        {"grace_days": -1},
        {"late_fee_flat": yuan("-5.00")},
        {"late_fee_flat": yuan("5.001")},
        {"penalty_rate": yuan("-0.1")},
        {"annual_cost_cap": 0.24},
        {"day_count": "ACT/366"},
    ],
)
def test_a_policy_that_makes_no_sense_is_refused(settings: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        OverduePolicy(**settings)  # type: ignore[arg-type]


def test_a_milestone_before_day_one_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        Milestone(day=0, kind=MilestoneKind.REMINDER)


def test_penalty_base_is_a_principal_amount_in_cents() -> None:
    with pytest.raises(InvalidInputError):
        penalty_interest(overdue_principal=Decimal("10.005"), start=DUE, end=DUE, policy=PENALTY_18_PCT)

"""loanmath.budget: a month's totals, what is left for debts, flags over guidelines, and 50/30/20.

Every expected figure below is worked out by hand in the comment beside it.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loanmath import (
    BudgetItem,
    BudgetSection,
    InvalidInputError,
    RuleVerdict,
    ShareStatus,
    fifty_thirty_twenty,
    percent_of_income,
    summarise_budget,
)
from tests.loanmath.strategies import cents, examples, yuan

INCOME = BudgetSection.INCOME
FIXED = BudgetSection.FIXED
FLEXIBLE = BudgetSection.FLEXIBLE
SAVINGS = BudgetSection.SAVINGS
DEBT = BudgetSection.DEBT_REPAYMENTS


def item(section: BudgetSection, category: str, amount: str, guideline: str | None = None) -> BudgetItem:
    return BudgetItem(
        section=section,
        category=category,
        amount=yuan(amount),
        guideline=yuan(guideline) if guideline is not None else None,
    )


# A young office worker in a tier-2 city, figures as a borrower would type them.
WORKER = [
    item(INCOME, "salary", "6000.00"),
    item(INCOME, "side_income", "800.00"),
    item(FIXED, "housing", "1800.00"),
    item(FIXED, "utilities", "150.00"),
    item(FIXED, "phone_internet", "99.00"),
    item(FIXED, "transport", "200.00"),
    item(FLEXIBLE, "food", "1350.50", guideline="1200.00"),
    item(FLEXIBLE, "eating_out", "600.00", guideline="600.00"),
    item(FLEXIBLE, "shopping", "420.00", guideline="500.00"),
    item(FLEXIBLE, "entertainment", "158.00", guideline="300.00"),
    item(SAVINGS, "savings", "300.00"),
    item(DEBT, "loans_with_us", "1032.17"),
]


def test_totals_left_for_debts_and_surplus_of_a_worked_example() -> None:
    summary = summarise_budget(WORKER)

    assert summary.total_income == yuan("6800.00")  # 6000.00 + 800.00
    assert summary.total_fixed == yuan("2249.00")  # 1800 + 150 + 99 + 200
    assert summary.total_flexible == yuan("2528.50")  # 1350.50 + 600 + 420 + 158
    assert summary.total_savings == yuan("300.00")
    assert summary.total_debt_repayments == yuan("1032.17")
    assert summary.left_for_debts == yuan("1722.50")  # 6800.00 − 2249.00 − 2528.50 − 300.00
    assert summary.surplus == yuan("690.33")  # 1722.50 − 1032.17
    assert not summary.is_shortfall
    assert summary.shortfall == yuan("0.00")


def test_fifty_thirty_twenty_of_the_worked_example() -> None:
    rule = summarise_budget(WORKER).rule

    # Needs 2249.00 / 6800.00 = 33.07…% → 33.1; target 3400.00 (50 %).
    assert (rule.needs.amount, rule.needs.percent_of_income) == (yuan("2249.00"), Decimal("33.1"))
    assert rule.needs.target_amount == yuan("3400.00")
    assert rule.needs.status is ShareStatus.WITHIN
    assert rule.needs.difference == yuan("-1151.00")
    # Wants 2528.50 / 6800.00 = 37.18…% → 37.2; target 2040.00 (30 %), 488.50 above.
    assert (rule.wants.amount, rule.wants.percent_of_income) == (yuan("2528.50"), Decimal("37.2"))
    assert rule.wants.target_amount == yuan("2040.00")
    assert rule.wants.status is ShareStatus.ABOVE
    assert rule.wants.gap == yuan("488.50")
    # Savings + debts 300.00 + 1032.17 = 1332.17; / 6800.00 = 19.59…% → 19.6; target 1360.00, 27.83 short.
    rest = rule.savings_and_debts
    assert (rest.amount, rest.percent_of_income) == (yuan("1332.17"), Decimal("19.6"))
    assert rest.target_amount == yuan("1360.00")
    assert rest.status is ShareStatus.BELOW
    assert rest.gap == yuan("27.83")
    # Wants come before savings in the verdict: needs are within, wants are not.
    assert rule.verdict is RuleVerdict.WANTS_ABOVE


def test_a_flexible_cost_above_its_guideline_is_flagged_and_one_equal_to_it_is_not() -> None:
    flags = summarise_budget(WORKER).above_guideline

    # Food 1350.50 against 1200.00: 150.50 over. Eating out is exactly at its 600.00 guideline: not flagged.
    assert [(f.category, f.amount, f.guideline, f.over_by) for f in flags] == [
        ("food", yuan("1350.50"), yuan("1200.00"), yuan("150.50"))
    ]


def test_a_flagged_cost_still_counts_in_full() -> None:
    summary = summarise_budget(
        [item(INCOME, "salary", "3000.00"), item(FLEXIBLE, "shopping", "2500.00", "500.00")]
    )

    assert summary.total_flexible == yuan("2500.00")
    assert summary.above_guideline[0].over_by == yuan("2000.00")


def test_a_flexible_cost_without_a_guideline_is_never_flagged() -> None:
    summary = summarise_budget([item(FLEXIBLE, "other_flexible", "99999.00")])

    assert summary.above_guideline == ()


def test_spending_more_than_income_is_a_shortfall() -> None:
    summary = summarise_budget(
        [
            item(INCOME, "salary", "3000.00"),
            item(FIXED, "housing", "2500.00"),
            item(FLEXIBLE, "food", "800.00"),
            item(DEBT, "loans_with_us", "500.00"),
        ]
    )

    assert summary.left_for_debts == yuan("-300.00")  # 3000 − 2500 − 800 − 0
    assert summary.surplus == yuan("-800.00")  # −300 − 500
    assert summary.is_shortfall
    assert summary.shortfall == yuan("800.00")
    # Needs 2500 of 3000 = 83.3 % (83.33…), above the 1500.00 target: the verdict names needs first.
    assert summary.rule.needs.percent_of_income == Decimal("83.3")
    assert summary.rule.verdict is RuleVerdict.NEEDS_ABOVE


def test_a_budget_on_the_50_30_20_lines_is_on_track() -> None:
    # 10,000 income: needs 4,000 (40.0 %), wants 2,500 (25.0 %), savings 1,000 + debts 1,000 (20.0 %).
    summary = summarise_budget(
        [
            item(INCOME, "salary", "10000.00"),
            item(FIXED, "housing", "4000.00"),
            item(FLEXIBLE, "food", "2500.00"),
            item(SAVINGS, "savings", "1000.00"),
            item(DEBT, "credit_cards", "1000.00"),
        ]
    )

    rule = summary.rule
    assert [
        rule.needs.percent_of_income,
        rule.wants.percent_of_income,
        rule.savings_and_debts.percent_of_income,
    ] == [
        Decimal("40.0"),
        Decimal("25.0"),
        Decimal("20.0"),
    ]
    assert rule.savings_and_debts.status is ShareStatus.REACHED
    assert rule.verdict is RuleVerdict.ON_TRACK
    assert summary.surplus == yuan("1500.00")  # 10000 − 4000 − 2500 − 1000 − 1000


def test_saving_too_little_is_the_verdict_when_needs_and_wants_are_within() -> None:
    # 10,000 income: needs 5,000 (exactly 50 %: within), wants 3,000 (exactly 30 %: within), 1,500 (15 %).
    rule = fifty_thirty_twenty(
        income=yuan("10000.00"),
        needs=yuan("5000.00"),
        wants=yuan("3000.00"),
        savings_and_debts=yuan("1500.00"),
    )

    assert rule.needs.status is ShareStatus.WITHIN
    assert rule.wants.status is ShareStatus.WITHIN
    assert rule.savings_and_debts.status is ShareStatus.BELOW
    assert rule.verdict is RuleVerdict.SAVINGS_BELOW


def test_one_fen_above_half_is_above_although_it_shows_as_50_0_percent() -> None:
    rule = fifty_thirty_twenty(
        income=yuan("1000.00"), needs=yuan("500.01"), wants=yuan("0.00"), savings_and_debts=yuan("499.99")
    )

    assert rule.needs.percent_of_income == Decimal("50.0")  # 50.001 % rounds to 50.0
    assert rule.needs.status is ShareStatus.ABOVE
    assert rule.needs.gap == yuan("0.01")


def test_with_no_income_there_are_no_percentages_and_nothing_to_compare() -> None:
    summary = summarise_budget([item(FIXED, "housing", "1500.00")])

    rule = summary.rule
    assert rule.verdict is RuleVerdict.NO_INCOME
    assert rule.needs.percent_of_income is None
    assert rule.needs.status is ShareStatus.NO_INCOME
    assert rule.needs.target_amount == yuan("0.00")
    assert summary.surplus == yuan("-1500.00")


def test_an_empty_budget_is_all_zero() -> None:
    summary = summarise_budget([])

    assert summary.total_income == summary.surplus == yuan("0.00")
    assert summary.rule.verdict is RuleVerdict.NO_INCOME


@pytest.mark.parametrize(
    ("amount", "income", "expected"),
    [
        # Half up to 0.1: 522.50 / 1000 = 52.25 % → 52.3 (banker's rounding would give 52.2).
        ("522.50", "1000.00", "52.3"),
        ("521.50", "1000.00", "52.2"),  # 52.15 → 52.2 (half up; banker's gives 52.2 too)
        ("100.00", "300.00", "33.3"),  # 33.333… %
        ("200.00", "300.00", "66.7"),  # 66.666… %
        ("0.01", "20.00", "0.1"),  # 0.05 % → 0.1
        ("0.01", "30.00", "0.0"),  # 0.0333… % → 0.0
        ("5000.00", "100.00", "5000.0"),  # far above income is shown as it is
        ("0.00", "100.00", "0.0"),
    ],
)
def test_percent_of_income_rounds_half_up_to_a_tenth(amount: str, income: str, expected: str) -> None:
    assert percent_of_income(yuan(amount), yuan(income)) == Decimal(expected)


@pytest.mark.parametrize(
    ("income", "needs", "wants", "rest"),
    [
        # 50 % and 30 % rounded half up to the fen; 20 % is what remains, so the three add up to the income.
        ("1000.01", "500.01", "300.00", "200.00"),  # 500.005 → 500.01, 300.003 → 300.00
        ("0.01", "0.01", "0.00", "0.00"),  # 0.005 → 0.01, 0.003 → 0.00
        ("3333.33", "1666.67", "1000.00", "666.66"),  # 1666.665 → 1666.67, 999.999 → 1000.00
        ("6800.00", "3400.00", "2040.00", "1360.00"),
    ],
)
def test_targets_are_rounded_half_up_and_add_up_to_the_income(
    income: str, needs: str, wants: str, rest: str
) -> None:
    rule = fifty_thirty_twenty(
        income=yuan(income), needs=yuan("0.00"), wants=yuan("0.00"), savings_and_debts=yuan("0.00")
    )

    assert (rule.needs.target_amount, rule.wants.target_amount, rule.savings_and_debts.target_amount) == (
        yuan(needs),
        yuan(wants),
        yuan(rest),
    )


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("1.001"), Decimal("NaN"), Decimal("Infinity")])
def test_an_amount_that_is_not_whole_non_negative_cents_is_refused(amount: Decimal) -> None:
    with pytest.raises(InvalidInputError):
        BudgetItem(section=INCOME, category="salary", amount=amount)


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        BudgetItem(section=INCOME, category="salary", amount=1200.5)  # type: ignore[arg-type]


def test_only_flexible_costs_have_a_guideline() -> None:
    with pytest.raises(InvalidInputError):
        item(FIXED, "housing", "1000.00", guideline="800.00")


def test_a_section_must_be_a_budget_section() -> None:
    with pytest.raises(InvalidInputError):
        BudgetItem(section="income", category="salary", amount=yuan("1.00"))  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------------------

AMOUNTS = cents(0, 1_000_000_000)  # ¥0.00 to ¥10,000,000.00, the page's bounds


@st.composite
def budgets(draw: st.DrawFn) -> list[BudgetItem]:
    items = []
    for section in BudgetSection:
        for n in range(draw(st.integers(0, 7))):
            guideline = draw(st.none() | AMOUNTS) if section is FLEXIBLE else None
            items.append(
                BudgetItem(
                    section=section, category=f"{section}-{n}", amount=draw(AMOUNTS), guideline=guideline
                )
            )
    return items


def _sum(items: list[BudgetItem], section: BudgetSection) -> Decimal:
    return sum((i.amount for i in items if i.section is section), Decimal("0.00"))


@given(budgets())
@examples(300)
def test_totals_add_up_exactly(items: list[BudgetItem]) -> None:
    summary = summarise_budget(items)

    assert summary.total_income == _sum(items, INCOME)
    assert summary.total_fixed == _sum(items, FIXED)
    assert summary.total_flexible == _sum(items, FLEXIBLE)
    assert summary.total_savings == _sum(items, SAVINGS)
    assert summary.total_debt_repayments == _sum(items, DEBT)
    assert summary.total_income + summary.total_fixed + summary.total_flexible + summary.total_savings + (
        summary.total_debt_repayments
    ) == sum((i.amount for i in items), Decimal("0.00"))


@given(budgets())
@examples(300)
def test_left_for_debts_is_income_less_fixed_flexible_and_savings_exactly(items: list[BudgetItem]) -> None:
    s = summarise_budget(items)

    assert s.left_for_debts == s.total_income - s.total_fixed - s.total_flexible - s.total_savings
    assert s.surplus == s.left_for_debts - s.total_debt_repayments
    assert s.shortfall == (-s.surplus if s.surplus < 0 else 0)
    for amount in (s.left_for_debts, s.surplus, s.shortfall):
        assert amount == amount.quantize(Decimal("0.01"))


@given(budgets())
@examples(300)
def test_exactly_the_flexible_costs_above_their_guideline_are_flagged(items: list[BudgetItem]) -> None:
    flagged = {f.category: f for f in summarise_budget(items).above_guideline}

    for i in items:
        above = i.section is FLEXIBLE and i.guideline is not None and i.amount > i.guideline
        assert (i.category in flagged) == above
        if above:
            assert i.guideline is not None
            assert flagged[i.category].over_by == i.amount - i.guideline > 0


@given(income=AMOUNTS, needs=AMOUNTS, wants=AMOUNTS, rest=AMOUNTS)
@examples(300)
def test_fifty_thirty_twenty_targets_percentages_and_statuses_agree(
    income: Decimal, needs: Decimal, wants: Decimal, rest: Decimal
) -> None:
    rule = fifty_thirty_twenty(income=income, needs=needs, wants=wants, savings_and_debts=rest)

    shares = (rule.needs, rule.wants, rule.savings_and_debts)
    assert sum((s.target_amount for s in shares), Decimal("0.00")) == income
    for share, exact_target in zip(shares, (Decimal("0.5"), Decimal("0.3"), Decimal("0.2")), strict=True):
        assert abs(share.target_amount - income * exact_target) <= Decimal("0.01")
        assert share.difference == share.amount - share.target_amount
        if income == 0:
            assert share.percent_of_income is None
        else:
            assert share.percent_of_income is not None
            assert abs(share.percent_of_income - share.amount * 100 / income) <= Decimal("0.05")
    if income:
        assert (rule.needs.status is ShareStatus.WITHIN) == (needs <= rule.needs.target_amount)
        assert (rule.wants.status is ShareStatus.WITHIN) == (wants <= rule.wants.target_amount)
        assert (rule.savings_and_debts.status is ShareStatus.REACHED) == (
            rest >= rule.savings_and_debts.target_amount
        )
        on_track = all(s.status in (ShareStatus.WITHIN, ShareStatus.REACHED) for s in shares)
        assert (rule.verdict is RuleVerdict.ON_TRACK) == on_track

"""Budget: a month's income and spending, shaped like the UK Standard Financial Statement (SFS).

A budget is a list of items, each a monthly amount in one of five sections: income, fixed costs,
flexible costs, savings and debt repayments. Every amount is a non-negative ``Decimal`` in whole cents.

Totals and what is left (nothing here is rounded: whole cents add and subtract to whole cents)::

    total of a section  = the sum of its items
    left for debts      = income − fixed costs − flexible costs − savings        (may be negative)
    surplus             = left for debts − debt repayments                      (negative: a shortfall)

Flexible costs and their guidelines: a flexible item whose amount is strictly above its guideline (the
monthly figure staff set for one person) is flagged, with ``over by = amount − guideline``. It is never
refused: the guideline is a prompt to look again, not a limit.

The 50/30/20 rule of thumb compares three parts of spending with shares of income::

    needs             = fixed costs                       target 50 % of income
    wants             = flexible costs                    target 30 % of income
    savings and debts = savings + debt repayments         target 20 % of income

* Target amounts: 50 % and 30 % of income, each rounded half up to the cent; the 20 % target is income
  minus those two, so the three targets add up to the income exactly (the rounding remainder goes to the
  last part, as in a repayment schedule).
* Share of income, in percent = amount ÷ income × 100, rounded half up to 0.1 (52.25 → 52.3). There is
  none when the income is zero.
* Needs and wants are "within" their target when the amount is at or below the target amount, "above"
  otherwise; savings and debts have "reached" theirs at or above the target amount, "below" otherwise.
  The comparison is on amounts to the cent, not on rounded percentages, so ¥500.01 of needs on an
  income of ¥1,000.00 is above the ¥500.00 target although its share shows as 50.0 %.
* The verdict names the first part off target in this order: needs (fixed costs are the hardest to change
  and the first thing to look at), then wants, then savings and debts; "on track" when none is.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from loanmath.errors import InvalidInputError
from loanmath.money import ZERO, calculation_context, quantize, require_cents

PERCENT_STEP = Decimal("0.1")
HUNDRED = Decimal(100)
NEEDS_PERCENT = Decimal(50)
WANTS_PERCENT = Decimal(30)
SAVINGS_AND_DEBTS_PERCENT = Decimal(20)


class BudgetSection(StrEnum):
    INCOME = "income"
    FIXED = "fixed"
    FLEXIBLE = "flexible"
    SAVINGS = "savings"
    DEBT_REPAYMENTS = "debt"


@dataclass(frozen=True)
class BudgetItem:
    """One monthly amount. ``guideline`` is for flexible costs only: the amount above which it is flagged."""

    section: BudgetSection
    category: str
    amount: Decimal
    guideline: Decimal | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.section, BudgetSection):
            raise InvalidInputError(f"section must be a BudgetSection, got {self.section!r}")
        require_cents(f"amount of {self.category}", self.amount)
        if self.guideline is not None:
            if self.section is not BudgetSection.FLEXIBLE:
                raise InvalidInputError(f"only flexible costs have a guideline, not {self.category}")
            require_cents(f"guideline of {self.category}", self.guideline)


@dataclass(frozen=True)
class AboveGuideline:
    """A flexible cost above its guideline, and by how much."""

    category: str
    amount: Decimal
    guideline: Decimal
    over_by: Decimal


class ShareStatus(StrEnum):
    WITHIN = "within"  # needs or wants at or below their target
    ABOVE = "above"  # needs or wants above their target
    REACHED = "reached"  # savings and debts at or above their target
    BELOW = "below"  # savings and debts below their target
    NO_INCOME = "no_income"  # nothing to compare with


class RuleVerdict(StrEnum):
    NO_INCOME = "no_income"
    ON_TRACK = "on_track"
    NEEDS_ABOVE = "needs_above"
    WANTS_ABOVE = "wants_above"
    SAVINGS_BELOW = "savings_below"


@dataclass(frozen=True)
class RuleShare:
    """One part of the 50/30/20 comparison. ``difference`` is amount − target (negative: under it)."""

    amount: Decimal
    percent_of_income: Decimal | None
    target_percent: Decimal
    target_amount: Decimal
    difference: Decimal
    status: ShareStatus

    @property
    def gap(self) -> Decimal:
        """How far from the target, whichever side: |amount − target|."""
        return abs(self.difference)


@dataclass(frozen=True)
class FiftyThirtyTwenty:
    needs: RuleShare
    wants: RuleShare
    savings_and_debts: RuleShare
    verdict: RuleVerdict


@dataclass(frozen=True)
class BudgetSummary:
    total_income: Decimal
    total_fixed: Decimal
    total_flexible: Decimal
    total_savings: Decimal
    total_debt_repayments: Decimal
    left_for_debts: Decimal
    surplus: Decimal
    above_guideline: tuple[AboveGuideline, ...]
    rule: FiftyThirtyTwenty

    @property
    def is_shortfall(self) -> bool:
        return self.surplus < 0

    @property
    def shortfall(self) -> Decimal:
        """How much is missing each month (zero when the budget balances or has a surplus)."""
        return -self.surplus if self.surplus < 0 else ZERO


def percent_of_income(amount: Decimal, income: Decimal) -> Decimal | None:
    """``amount`` as a percentage of ``income``, half up to 0.1; None when there is no income.

    >>> percent_of_income(Decimal("522.50"), Decimal("1000.00"))
    Decimal('52.3')
    """
    require_cents("amount", amount)
    require_cents("income", income)
    if income == 0:
        return None
    with calculation_context():
        return (amount * HUNDRED / income).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


def _share(
    amount: Decimal, income: Decimal, target_percent: Decimal, target_amount: Decimal, *, is_floor: bool
) -> RuleShare:
    if income == 0:
        status = ShareStatus.NO_INCOME
    elif is_floor:
        status = ShareStatus.REACHED if amount >= target_amount else ShareStatus.BELOW
    else:
        status = ShareStatus.WITHIN if amount <= target_amount else ShareStatus.ABOVE
    return RuleShare(
        amount=amount,
        percent_of_income=percent_of_income(amount, income),
        target_percent=target_percent,
        target_amount=target_amount,
        difference=amount - target_amount,
        status=status,
    )


def fifty_thirty_twenty(
    *, income: Decimal, needs: Decimal, wants: Decimal, savings_and_debts: Decimal
) -> FiftyThirtyTwenty:
    """Needs, wants and savings-and-debts against 50 %, 30 % and 20 % of income (see the module docstring)."""
    for name, amount in (
        ("income", income),
        ("needs", needs),
        ("wants", wants),
        ("savings and debts", savings_and_debts),
    ):
        require_cents(name, amount)
    with calculation_context():
        needs_target = quantize(income * NEEDS_PERCENT / HUNDRED)
        wants_target = quantize(income * WANTS_PERCENT / HUNDRED)
    rest_target = income - needs_target - wants_target
    needs_share = _share(needs, income, NEEDS_PERCENT, needs_target, is_floor=False)
    wants_share = _share(wants, income, WANTS_PERCENT, wants_target, is_floor=False)
    rest_share = _share(savings_and_debts, income, SAVINGS_AND_DEBTS_PERCENT, rest_target, is_floor=True)
    if income == 0:
        verdict = RuleVerdict.NO_INCOME
    elif needs_share.status is ShareStatus.ABOVE:
        verdict = RuleVerdict.NEEDS_ABOVE
    elif wants_share.status is ShareStatus.ABOVE:
        verdict = RuleVerdict.WANTS_ABOVE
    elif rest_share.status is ShareStatus.BELOW:
        verdict = RuleVerdict.SAVINGS_BELOW
    else:
        verdict = RuleVerdict.ON_TRACK
    return FiftyThirtyTwenty(
        needs=needs_share, wants=wants_share, savings_and_debts=rest_share, verdict=verdict
    )


def above_guideline(items: Iterable[BudgetItem]) -> tuple[AboveGuideline, ...]:
    """The flexible costs strictly above their guideline, in the order given."""
    return tuple(
        AboveGuideline(
            category=item.category,
            amount=item.amount,
            guideline=item.guideline,
            over_by=item.amount - item.guideline,
        )
        for item in items
        if item.section is BudgetSection.FLEXIBLE
        and item.guideline is not None
        and item.amount > item.guideline
    )


def summarise_budget(items: Iterable[BudgetItem]) -> BudgetSummary:
    """Totals, what is left for debts, the surplus or shortfall, flags and 50/30/20 for one month."""
    items = tuple(items)
    totals = dict.fromkeys(BudgetSection, ZERO)
    with calculation_context():
        for item in items:
            totals[item.section] += item.amount
    income = totals[BudgetSection.INCOME]
    fixed = totals[BudgetSection.FIXED]
    flexible = totals[BudgetSection.FLEXIBLE]
    savings = totals[BudgetSection.SAVINGS]
    debts = totals[BudgetSection.DEBT_REPAYMENTS]
    left_for_debts = income - fixed - flexible - savings
    return BudgetSummary(
        total_income=income,
        total_fixed=fixed,
        total_flexible=flexible,
        total_savings=savings,
        total_debt_repayments=debts,
        left_for_debts=left_for_debts,
        surplus=left_for_debts - debts,
        above_guideline=above_guideline(items),
        rule=fifty_thirty_twenty(
            income=income, needs=fixed, wants=flexible, savings_and_debts=savings + debts
        ),
    )

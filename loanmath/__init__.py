"""loanmath: all of Anxin's money arithmetic, in plain Python.

Pure functions over frozen dataclasses, ``Decimal`` only, no I/O, and no imports beyond the standard
library: never Django, never numpy. Each module's docstring states its formulas and rounding so that a
loan officer can check them by hand:

* :mod:`loanmath.money`: the one rounding rule (half up to the cent).
* :mod:`loanmath.dates`: monthly due dates that survive month ends, day counts.
* :mod:`loanmath.schedule`: 等额本息, 等额本金 and 先息后本 schedules.
* :mod:`loanmath.overdue`: grace, late fees, penalty interest, the cost cap, milestones.
* :mod:`loanmath.allocation`: the repayment waterfall.
* :mod:`loanmath.projection`: what waiting will cost, and why.
* :mod:`loanmath.apr`: IRR and APR.
* :mod:`loanmath.budget`: a month's income and spending, flags over guidelines, 50/30/20.
* :mod:`loanmath.debts`: several debts paid from one monthly budget: which first, when each is paid off.
* :mod:`loanmath.planner`: one loan planned with extra payments; its input in :mod:`loanmath.plan_input`,
  its months in :mod:`loanmath.plan_lines`.
"""

from loanmath.allocation import (
    Allocation,
    AllocationLine,
    FuturePrincipal,
    OverpaymentHandling,
    PrincipalPrepayment,
    allocate_payment,
)
from loanmath.apr import (
    Apr,
    DatedCashFlow,
    apr_from_periodic_flows,
    dated_irr,
    periodic_irr,
    schedule_apr,
)
from loanmath.budget import (
    AboveGuideline,
    BudgetItem,
    BudgetSection,
    BudgetSummary,
    FiftyThirtyTwenty,
    RuleShare,
    RuleVerdict,
    ShareStatus,
    fifty_thirty_twenty,
    percent_of_income,
    summarise_budget,
)
from loanmath.dates import DayCount, add_months, days_between, days_in_month, monthly_due_dates
from loanmath.debts import (
    DEBT_MAX_ANNUAL_RATE,
    DEBT_PLAN_MAX_MONTHS,
    Debt,
    DebtMonth,
    DebtPlan,
    Strategy,
    debts_compare,
    debts_plan,
)
from loanmath.errors import InvalidInputError, LoanMathError, NoIrrSolutionError
from loanmath.money import AMOUNT_MAX, BORROWER_AMOUNT_MAX, CENT, ZERO, quantize
from loanmath.open_items import OpenInstalment
from loanmath.overdue import (
    COST_CAP_DAYS_IN_YEAR,
    DEFAULT_ANNUAL_COST_CAP,
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
from loanmath.plan_input import (
    PLAN_MAX_ANNUAL_RATE,
    PLAN_MAX_MONTHLY_FEE_RATE,
    PLAN_MAX_MONTHS,
    PLAN_MAX_PRINCIPAL,
    PLAN_MIN_PRINCIPAL,
    ExtraEffect,
    LumpSum,
    PlanInput,
    PlanMethod,
)
from loanmath.plan_lines import PlanLine
from loanmath.planner import PlanResult, plan_simulate
from loanmath.projection import (
    BORROWER_HORIZONS_IN_DAYS,
    ChargeExplanation,
    ChargeKind,
    LoanPosition,
    ProjectedInstalment,
    Projection,
    payoff_amount,
    project_amount_due,
    project_amounts_due,
)
from loanmath.schedule import (
    Instalment,
    LoanTerms,
    NonAmortisingTermsError,
    RepaymentMethod,
    Schedule,
    annuity_payment,
    build_schedule,
    equal_instalment_schedule,
    equal_principal_schedule,
    interest_only_schedule,
    monthly_interest,
)

__all__ = [
    "AMOUNT_MAX",
    "BORROWER_AMOUNT_MAX",
    "BORROWER_HORIZONS_IN_DAYS",
    "CENT",
    "COST_CAP_DAYS_IN_YEAR",
    "DEBT_MAX_ANNUAL_RATE",
    "DEBT_PLAN_MAX_MONTHS",
    "DEFAULT_ANNUAL_COST_CAP",
    "PLAN_MAX_ANNUAL_RATE",
    "PLAN_MAX_MONTHLY_FEE_RATE",
    "PLAN_MAX_MONTHS",
    "PLAN_MAX_PRINCIPAL",
    "PLAN_MIN_PRINCIPAL",
    "ZERO",
    "AboveGuideline",
    "Allocation",
    "AllocationLine",
    "Apr",
    "BudgetItem",
    "BudgetSection",
    "BudgetSummary",
    "ChargeExplanation",
    "ChargeKind",
    "DatedCashFlow",
    "DayCount",
    "Debt",
    "DebtMonth",
    "DebtPlan",
    "ExtraEffect",
    "FiftyThirtyTwenty",
    "FuturePrincipal",
    "Instalment",
    "InvalidInputError",
    "LoanMathError",
    "LoanPosition",
    "LoanTerms",
    "LumpSum",
    "Milestone",
    "MilestoneKind",
    "NoIrrSolutionError",
    "NonAmortisingTermsError",
    "OpenInstalment",
    "OverdueBucket",
    "OverduePolicy",
    "OverpaymentHandling",
    "PlanInput",
    "PlanLine",
    "PlanMethod",
    "PlanResult",
    "PrincipalPrepayment",
    "ProjectedInstalment",
    "Projection",
    "RepaymentMethod",
    "RuleShare",
    "RuleVerdict",
    "Schedule",
    "ShareStatus",
    "Strategy",
    "add_months",
    "allocate_payment",
    "annuity_payment",
    "apr_from_periodic_flows",
    "build_schedule",
    "cost_cap_base_after_payment",
    "cost_cap_growth",
    "cost_cap_headroom",
    "cost_cap_limit",
    "dated_irr",
    "days_between",
    "days_in_month",
    "days_past_due",
    "debts_compare",
    "debts_plan",
    "equal_instalment_schedule",
    "equal_principal_schedule",
    "fifty_thirty_twenty",
    "interest_only_schedule",
    "is_past_grace",
    "last_day_of_grace",
    "late_fee",
    "late_fee_charge_date",
    "milestones_crossed",
    "monthly_due_dates",
    "monthly_interest",
    "overdue_bucket",
    "payoff_amount",
    "penalty_interest",
    "percent_of_income",
    "periodic_irr",
    "plan_simulate",
    "project_amount_due",
    "project_amounts_due",
    "quantize",
    "schedule_apr",
    "summarise_budget",
    "trim_to_cap",
]

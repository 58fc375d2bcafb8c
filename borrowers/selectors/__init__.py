"""Reads for the borrower's pages: fetch in a fixed number of queries, then compute with loanmath.

Every figure a borrower sees is computed here (or in loanmath), never in a template. Each read has two
steps: `loans` fetches a borrower's loans as frozen plain data (`LoanInfo`, `LoanBundle`), and the other
modules are pure functions over that data: `cards` (a loan's card), `detail` and `charges` (its page),
`settlement` (a paid-off loan's confirmation), `debts` (the planner's view); `lookups` holds the
small one-query reads other apps need (a phone number masked, a preferred language). Everything hands
out frozen dataclasses; no model leaves this package (but for the loans a form offers, see `lookups`).
"""

from borrowers.selectors.cards import LoanCard, MilestoneView, borrower_loan_cards
from borrowers.selectors.charges import ChargeLine
from borrowers.selectors.debts import DebtRow, borrower_debts, borrower_debts_due
from borrowers.selectors.detail import (
    PAY_ON_HORIZON_DAYS,
    ChartBar,
    LedgerRow,
    LoanDetail,
    PayOnRow,
    ScheduleRow,
    borrower_loan_detail,
)
from borrowers.selectors.loans import (
    LoanBundle,
    LoanInfo,
    borrower_days_behind,
    borrower_has_loan_fallen_due,
    borrower_loan,
)
from borrowers.selectors.restructure import (
    RestructureLoan,
    RestructureRecord,
    loans_restructured_since,
    restructure_loans,
)
from borrowers.selectors.settlement import Settlement, borrower_settlement

__all__ = [
    "PAY_ON_HORIZON_DAYS",
    "ChargeLine",
    "ChartBar",
    "DebtRow",
    "LedgerRow",
    "LoanBundle",
    "LoanCard",
    "LoanDetail",
    "LoanInfo",
    "MilestoneView",
    "PayOnRow",
    "RestructureLoan",
    "RestructureRecord",
    "ScheduleRow",
    "Settlement",
    "borrower_days_behind",
    "borrower_debts",
    "borrower_debts_due",
    "borrower_has_loan_fallen_due",
    "borrower_loan",
    "borrower_loan_cards",
    "borrower_loan_detail",
    "borrower_settlement",
    "loans_restructured_since",
    "restructure_loans",
]

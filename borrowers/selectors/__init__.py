"""Reads for the borrower's pages: fetch in a fixed number of queries, then compute with loanmath.

Every figure a borrower sees is computed here (or in loanmath), never in a template. Each read has two
steps: `loans` fetches a borrower's loans as frozen plain data (`LoanInfo`, `LoanBundle`), and the other
modules are pure functions over that data: `cards` (a loan's card), `detail` and `charges` (its page),
`settlement` (a paid-off loan's confirmation), `debts` (the planner's view), `promises` (promises to pay:
the promise page, the history, and the bulk reads of reminders and calls), `due_day` (moving the due
day); `lookups` holds the small one-query reads other apps need (a phone number masked, a preferred
language). Everything hands out frozen dataclasses; no model leaves this package (but for the loans a
form offers, see `lookups`).
"""

from borrowers.selectors.cards import LoanCard, MilestoneView, PromiseCard, borrower_loan_cards
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
from borrowers.selectors.due_day import DueDayPage, DueDayRow, due_day_last_move, due_day_page
from borrowers.selectors.loans import (
    LoanBundle,
    LoanInfo,
    borrower_days_behind,
    borrower_has_loan_fallen_due,
    borrower_loan,
)
from borrowers.selectors.promises import (
    PromisePage,
    PromisePreview,
    PromiseRow,
    promise_broken_counts,
    promise_history,
    promise_open_borrower_ids,
    promise_open_loan_ids,
    promise_page,
    promise_preview,
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
    "DueDayPage",
    "DueDayRow",
    "LedgerRow",
    "LoanBundle",
    "LoanCard",
    "LoanDetail",
    "LoanInfo",
    "MilestoneView",
    "PayOnRow",
    "PromiseCard",
    "PromisePage",
    "PromisePreview",
    "PromiseRow",
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
    "due_day_last_move",
    "due_day_page",
    "loans_restructured_since",
    "promise_broken_counts",
    "promise_history",
    "promise_open_borrower_ids",
    "promise_open_loan_ids",
    "promise_page",
    "promise_preview",
    "restructure_loans",
]

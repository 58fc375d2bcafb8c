"""Writes to the borrower's money. Every entry point is one transaction that locks the loan row first.

One module per thing written (HackSoft's "services as a package"): ``loans`` books a loan,
``close_of_business`` brings charges up to a day, ``payments`` records and allocates money, ``policies``
restarts penalty periods when terms change, ``close_runs`` plans a night's close of business as runs and
chunks and ``bulk_close`` closes a chunk set-based (PostgreSQL), equal entry for entry to
``close_of_business``, the per-loan reference, ``linking`` links a loan to an account,
``restructure`` applies a hardship restructuring and pauses charges for a breathing space,
``due_day`` moves a loan's monthly due day (with the restructuring machinery), ``promises`` makes,
settles, breaks and cancels promises to pay,
``profiles`` saves a borrower's record. ``ledger`` holds the steps close of business and payments share
on a locked loan.
Callers use the names re-exported here (``from borrowers import services; services.loan_create(...)``).

Conventions (the ones a borrower and an auditor need to know):

* Close of business for business date D runs at the start of D (just after midnight in the lender's
  time zone). It bills the contract interest of instalments due on D, charges a late fee on the first
  day after grace, and accrues one more day of penalty interest on each overdue instalment's unpaid
  principal as it stands at the start of D. So a payment made on D stops penalty interest from D + 1.
* Recording a payment first brings the loan's charges up to the payment date (close of business
  through that day), then applies the money by the loanmath waterfall. A payment may not be dated
  before the last closed day, nor after today: those need a manual correction.
* Penalty interest is rounded once per accrual period (a run of days on which the overdue principal
  does not change); each close posts "period-to-date minus what was already posted", so the ledger and
  the borrower's projection agree to the cent.
* Every amount the job posts carries an idempotency key (loan, kind, business date, instalment),
  unique in the database: running close of business again adds nothing.

Transactions: the services are the only transaction and audit boundary (callers never wrap them). The
ones that compose — ``loan_create`` and ``payment_record`` run once per row inside an import's single
transaction, the demo seeds everything in one — open an ordinary (nestable) transaction. The ones whose
point is that their work is committed when they return are durable: ``loan_link`` (a failed attempt must
count even though an error follows) and a close-of-business chunk with its done-marker
(``close_chunk_run``: one chunk's close is never undone by another's).
"""

from borrowers.identity import national_id_hash, national_id_normalize
from borrowers.positions import amount_owed, loan_position, open_items, policy_for_loanmath
from borrowers.services.close_of_business import (
    CloseResult,
    loan_close_business,
)
from borrowers.services.close_runs import (
    CLOSE_CHUNK_SIZE,
    CloseSummary,
    close_business_through,
    close_chunk_run,
    close_next_date,
    close_run_plan,
)
from borrowers.services.due_day import loan_due_day_move
from borrowers.services.linking import loan_link
from borrowers.services.loans import loan_create
from borrowers.services.payments import payment_record
from borrowers.services.policies import penalty_periods_restart
from borrowers.services.profiles import borrower_profile_save
from borrowers.services.promises import promise_make, promises_break
from borrowers.services.restructure import (
    loan_restructure,
    loan_restructure_plan,
    loans_pause_charges,
    loans_resume_charges,
)

__all__ = [
    "CLOSE_CHUNK_SIZE",
    "CloseResult",
    "CloseSummary",
    "amount_owed",
    "borrower_profile_save",
    "close_business_through",
    "close_chunk_run",
    "close_next_date",
    "close_run_plan",
    "loan_close_business",
    "loan_create",
    "loan_due_day_move",
    "loan_link",
    "loan_position",
    "loan_restructure",
    "loan_restructure_plan",
    "loans_pause_charges",
    "loans_resume_charges",
    "national_id_hash",
    "national_id_normalize",
    "open_items",
    "payment_record",
    "penalty_periods_restart",
    "policy_for_loanmath",
    "promise_make",
    "promises_break",
]

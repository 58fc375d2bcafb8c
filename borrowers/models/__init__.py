"""The borrower's money: who owes, under which product and policy, the schedule, and the ledger.

The ledger is the truth. The balances on Loan and the paid/charged amounts on Instalment are caches
for reading speed: they change only in the same transaction as the ledger entries that explain them
(see borrowers.services), and `manage.py reconcile` proves they agree.

One module per part (fields, profiles, policies, loans, ledger, intake, close, restructure, promises);
every name is imported here, so `from borrowers.models import Loan` is the one way to reach them, and
Django finds the models by importing this package. The order below is the order the models were
defined in before the split.
"""

# In the order the models were defined (each module imports the ones above it), not sorted.
# isort: off
from borrowers.models.fields import MoneyField, RateField
from borrowers.models.profiles import BorrowerProfile
from borrowers.models.policies import LoanProduct, Milestone, OverduePolicy
from borrowers.models.loans import Instalment, Loan, Payment
from borrowers.models.ledger import LedgerEntry, LedgerIsAppendOnlyError
from borrowers.models.intake import ImportJob, LinkAttempt
from borrowers.models.close import CloseChunk, CloseRun, LoanBucketSpell
from borrowers.models.restructure import Restructure, RestructureIsAppendOnlyError
from borrowers.models.promises import PromiseToPay
# isort: on

__all__ = [
    "BorrowerProfile",
    "CloseChunk",
    "CloseRun",
    "ImportJob",
    "Instalment",
    "LedgerEntry",
    "LedgerIsAppendOnlyError",
    "LinkAttempt",
    "Loan",
    "LoanBucketSpell",
    "LoanProduct",
    "Milestone",
    "MoneyField",
    "OverduePolicy",
    "Payment",
    "PromiseToPay",
    "RateField",
    "Restructure",
    "RestructureIsAppendOnlyError",
]

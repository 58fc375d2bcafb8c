"""The staff backend for borrowers' money, one module per thing shown (importing them registers them).

Money moves only through the services: a loan is booked by `loan_create`, a payment by `payment_record`,
a file by the import. So loans, payments and the ledger have no editable admin form at all; their "add"
pages are small forms that call the service and show its refusal as a form error
(core.admin_service.ServiceAddViewMixin). Everything else (policies, products, borrowers) is edited
directly, and every change writes an audit row (core.admin.AuditedModelAdmin).
"""

import borrowers.admin.promises  # (registers the promises' admin)
import borrowers.admin.restructures  # noqa: F401  (registers the restructurings' admin)
from borrowers.admin import close_runs, import_jobs, ledger, loans, payments, policies, profiles
from borrowers.admin.import_jobs import import_progress_context

__all__ = [
    "close_runs",
    "import_jobs",
    "import_progress_context",
    "ledger",
    "loans",
    "payments",
    "policies",
    "profiles",
]

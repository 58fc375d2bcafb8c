"""Reads for the borrower's hardship pages: their applications, one application with everything its pages
show, the loans they can apply for, the statement's figures and the options worked out for their loans.

Fetch, then compute (frozen dataclasses of plain values, never a model instance). Queries, whatever the
number of loans, lines, files, events or messages: `borrower_applications` 2; `borrower_application` 7;
`borrower_evidence` 1; `applicable_loans` 5; `application_loans` 3 (borrowers' restructure_loans).

One module per thing read: ``applications`` (the list, one application, its documents), ``loans`` (the
loans one can apply for, an application's loans), ``statement`` (the statement's figures), ``options``
(the options worked out, their words, the terms a form carries) and ``applied`` (an applied arrangement).
Callers use the names re-exported here (``from hardship.selectors import borrower_application``).
"""

from hardship.selectors.applications import (
    STEP_COUNT,
    ApplicationDetail,
    ApplicationSummary,
    EventView,
    EvidenceFile,
    EvidenceItem,
    LoanRef,
    MessageView,
    OfferView,
    RejectionView,
    StatementLineView,
    Status,
    borrower_application,
    borrower_applications,
    borrower_evidence,
    evidence_file_of,
    has_open_application,
)
from hardship.selectors.applied import AppliedLoan, applied_loans
from hardship.selectors.loans import (
    ApplicableLoan,
    applicable_loans,
    application_loans,
    loan_repayments_with_us,
)
from hardship.selectors.options import (
    STAFF_TO_PROPOSE,
    LoanPlanView,
    OptionView,
    ScheduleLine,
    application_options,
    credit_record,
    kind_name,
    option_view,
    terms_description,
    terms_from_mapping,
    terms_from_value,
    terms_value,
)
from hardship.selectors.reminders import borrowers_under_review, loans_under_review
from hardship.selectors.statement import (
    OTHER_DEBT_CATEGORIES,
    StatementFigures,
    statement_figures,
    statement_initial,
)

__all__ = [
    "OTHER_DEBT_CATEGORIES",
    "STAFF_TO_PROPOSE",
    "STEP_COUNT",
    "ApplicableLoan",
    "ApplicationDetail",
    "ApplicationSummary",
    "AppliedLoan",
    "EventView",
    "EvidenceFile",
    "EvidenceItem",
    "LoanPlanView",
    "LoanRef",
    "MessageView",
    "OfferView",
    "OptionView",
    "RejectionView",
    "ScheduleLine",
    "StatementFigures",
    "StatementLineView",
    "Status",
    "applicable_loans",
    "application_loans",
    "application_options",
    "applied_loans",
    "borrower_application",
    "borrower_applications",
    "borrower_evidence",
    "borrowers_under_review",
    "credit_record",
    "evidence_file_of",
    "has_open_application",
    "kind_name",
    "loan_repayments_with_us",
    "loans_under_review",
    "option_view",
    "statement_figures",
    "statement_initial",
    "terms_description",
    "terms_from_mapping",
    "terms_from_value",
    "terms_value",
]

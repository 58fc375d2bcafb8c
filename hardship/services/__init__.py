"""Writes to hardship applications. Every status change goes through `application_transition` (row lock,
the table in hardship.rules, an ApplicationEvent and an audit row); every refusal is an ApplicationError
with a message the borrower or staff member can act on, and changes nothing.

One module per kind of writer: ``wizard`` holds the borrower's steps (start, what happened, the
statement, the option, the documents, send, withdraw, answer), ``staff`` the reviewers' and approvers'
(review, information request, offers and their approval, reject), ``decisions`` how an application ends
without staff (the borrower accepts the offer, the nightly expiry). ``common`` holds what they share: the
policy, working days, the locks, the refusals, `application_transition` and `offer_plans`.
Callers use the names re-exported here (``from hardship import services; services.offer_make(...)``).
"""

from hardship.services.common import (
    MESSAGE_MAX_LENGTH,
    Status,
    add_working_days,
    amount_given_up,
    application_transition,
    hardship_policy,
    offer_plans,
)
from hardship.services.common import _locked as _locked
from hardship.services.decisions import applications_expire, offer_accept
from hardship.services.staff import (
    application_reject,
    information_request,
    offer_approve,
    offer_decline,
    offer_make,
    review_start,
)
from hardship.services.wizard import (
    EVIDENCE_MAX_FILES,
    EVIDENCE_STATUSES,
    application_option_choose,
    application_situation_save,
    application_start,
    application_statement_save,
    application_submit,
    application_withdraw,
    evidence_add,
    evidence_remove,
    information_answer,
)

__all__ = [
    "EVIDENCE_MAX_FILES",
    "EVIDENCE_STATUSES",
    "MESSAGE_MAX_LENGTH",
    "Status",
    "add_working_days",
    "amount_given_up",
    "application_option_choose",
    "application_reject",
    "application_situation_save",
    "application_start",
    "application_statement_save",
    "application_submit",
    "application_transition",
    "application_withdraw",
    "applications_expire",
    "evidence_add",
    "evidence_remove",
    "hardship_policy",
    "information_answer",
    "information_request",
    "offer_accept",
    "offer_approve",
    "offer_decline",
    "offer_make",
    "offer_plans",
    "review_start",
]

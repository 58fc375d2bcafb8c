"""The hardship staff backend: the queue of applications, each application's review page, the policy
(one module per thing shown; importing them registers them).

Applications are never added, edited or deleted here. Staff act on one on its review page
(`<id>/review/`, hardship.admin.applications): each action is a small POST form that calls one
hardship.services entry point, which checks the right again (REVIEW_PERMISSION, APPROVE_PERMISSION, four
eyes), locks the application, moves it through the transition table and writes the event and the audit
row. What the page shows is built in hardship.admin.review; the policy and the read-only inlines are in
hardship.admin.policy, the helpers they share in hardship.admin.common.

Only staff holding REVIEW_PERMISSION (Hardship reviewers and approvers) see applications at all; the
policy is changed by those holding change_hardshippolicy (Hardship approvers).
"""

from hardship.admin import applications, common, policy, review
from hardship.admin.applications import ApplicationAdmin, ServiceLevelFilter
from hardship.admin.common import WAITING_ON_STAFF, Status, past_service_level, terms_label
from hardship.admin.policy import (
    ApplicationEventInline,
    EvidenceInline,
    HardshipPolicyAdmin,
    MessageInline,
    OfferInline,
)
from hardship.admin.review import (
    FORM_CLASSES,
    LOANS_WITH_US,
    OFFER_APPROVE,
    OFFER_DECLINE,
    OFFER_MAKE,
    OFFER_PREVIEW,
    PANEL_ORDER,
    REJECT,
    REQUEST_INFORMATION,
    SECTION_LABELS,
    START_REVIEW,
    ActionPanel,
    OptionTotal,
    Statement,
    StatementRow,
    option_totals,
    plans_total,
    statement_of,
)
from hardship.views import evidence_response

__all__ = [
    "FORM_CLASSES",
    "LOANS_WITH_US",
    "OFFER_APPROVE",
    "OFFER_DECLINE",
    "OFFER_MAKE",
    "OFFER_PREVIEW",
    "PANEL_ORDER",
    "REJECT",
    "REQUEST_INFORMATION",
    "SECTION_LABELS",
    "START_REVIEW",
    "WAITING_ON_STAFF",
    "ActionPanel",
    "ApplicationAdmin",
    "ApplicationEventInline",
    "EvidenceInline",
    "HardshipPolicyAdmin",
    "MessageInline",
    "OfferInline",
    "OptionTotal",
    "ServiceLevelFilter",
    "Statement",
    "StatementRow",
    "Status",
    "applications",
    "common",
    "evidence_response",
    "option_totals",
    "past_service_level",
    "plans_total",
    "policy",
    "review",
    "statement_of",
    "terms_label",
]

"""The application's workflow as data: which action moves which status to which, and who may take it.

Read by the services (to move) and by the selectors and admin (to offer only the actions that apply), so
it lives here, below both. `application_transition` is the one place a status changes.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from hardship.models import Application

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

Status = Application.Status
REVIEW_PERMISSION = "hardship.review_application"
APPROVE_PERMISSION = "hardship.approve_offer"


class Actor(StrEnum):
    BORROWER = "borrower"  # the application's own borrower
    STAFF = "staff"  # a member of Hardship reviewers or approvers (REVIEW_PERMISSION)
    SYSTEM = "system"  # a scheduled job (expiry) or the service itself (applied after accepted)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actor: Actor
    label: "StrOrPromise"
    needs_note: bool = False


def _t(
    action: str, sources: set[str], target: str, actor: Actor, label: "StrOrPromise", **kw: bool
) -> Transition:
    return Transition(action, frozenset(sources), target, actor, label, **kw)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("submit", {Status.DRAFT}, Status.SUBMITTED, Actor.BORROWER, gettext_lazy("Submit")),
        _t("start_review", {Status.SUBMITTED}, Status.IN_REVIEW, Actor.STAFF, gettext_lazy("Start review")),
        _t(
            "request_information",
            {Status.SUBMITTED, Status.IN_REVIEW},
            Status.INFORMATION_REQUESTED,
            Actor.STAFF,
            gettext_lazy("Ask for information"),
            needs_note=True,
        ),
        _t(
            "answer",
            {Status.INFORMATION_REQUESTED},
            Status.SUBMITTED,
            Actor.BORROWER,
            gettext_lazy("Send the answer"),
            needs_note=True,
        ),
        _t(
            "offer",
            {Status.SUBMITTED, Status.IN_REVIEW},
            Status.OFFERED,
            Actor.STAFF,
            gettext_lazy("Make the offer"),
        ),
        _t("accept", {Status.OFFERED}, Status.ACCEPTED, Actor.BORROWER, gettext_lazy("Accept the offer")),
        _t(
            "apply",
            {Status.ACCEPTED},
            Status.APPLIED,
            Actor.SYSTEM,
            gettext_lazy("Apply the new arrangement"),
        ),
        _t(
            "reject",
            {Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED},
            Status.REJECTED,
            Actor.STAFF,
            gettext_lazy("Reject"),
        ),
        _t(
            "withdraw",
            {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED, Status.OFFERED},
            Status.WITHDRAWN,
            Actor.BORROWER,
            gettext_lazy("Withdraw"),
        ),
        # An offer whose figures grew past what one person may agree (the second-approval threshold)
        # before the borrower accepted: it goes back to staff.
        _t(
            "reconsider",
            {Status.OFFERED},
            Status.IN_REVIEW,
            Actor.SYSTEM,
            gettext_lazy("Back to review: the offer's figures changed"),
        ),
        _t(
            "expire",
            {Status.INFORMATION_REQUESTED, Status.OFFERED},
            Status.EXPIRED,
            Actor.SYSTEM,
            gettext_lazy("Expire"),
        ),
    )
}


class RejectionReason(StrEnum):
    """Why an application was not approved, each with what the borrower can do next (selectors)."""

    AFFORDABLE = "affordable"  # the statement shows the current payments can be met
    NOT_ENOUGH_INFORMATION = "not_enough_information"
    NO_SUSTAINABLE_OPTION = "no_sustainable_option"  # no option the budget can carry
    RECENT_FORBEARANCE = "recent_forbearance"
    OTHER = "other"


REJECTION_REASON_LABELS: dict[str, "StrOrPromise"] = {
    RejectionReason.AFFORDABLE: gettext_lazy("Your statement shows you can keep up the current payments"),
    RejectionReason.NOT_ENOUGH_INFORMATION: gettext_lazy("We did not have enough information to decide"),
    RejectionReason.NO_SUSTAINABLE_OPTION: gettext_lazy("None of the options is affordable on your budget"),
    RejectionReason.RECENT_FORBEARANCE: gettext_lazy(
        "You or this loan had another arrangement with us in the last 12 months"
    ),
    RejectionReason.OTHER: gettext_lazy("Another reason, explained below"),
}

"""What the hardship admin modules share: who the member of staff is, the service level, the terms
in words."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from hardship.forms_admin import OPTION_KIND_LABELS
from hardship.models import Application
from hardship.rules import REVIEW_PERMISSION

Status = Application.Status
# Waiting on staff: what the answer-by date (the service level) is about.
WAITING_ON_STAFF = (Status.SUBMITTED, Status.IN_REVIEW)


def staff_user(request: HttpRequest) -> User:
    """The member of staff on an admin page (admin_view lets only active staff in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def is_reviewer(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.has_perm(REVIEW_PERMISSION))


def past_service_level(application: Application, today: date) -> bool:
    return (
        application.status in WAITING_ON_STAFF
        and application.answer_due_on is not None
        and application.answer_due_on < today
    )


def terms_label(terms: loanmath.OptionTerms) -> str:
    """The terms in one line for staff: "Term extension, 24 months, fees and penalty waived"."""
    parts = [str(OPTION_KIND_LABELS[terms.kind])]
    if terms.months:
        parts.append(_("%(n)d months") % {"n": terms.months})
    if terms.annual_rate is not None:
        parts.append(_("rate %(rate)s") % {"rate": f"{terms.annual_rate * 100:.2f}%"})
    if terms.kind is loanmath.OptionKind.HOLIDAY:
        parts.append(
            _("interest paid during the holiday") if terms.interest_during_holiday else _("no payments")
        )
    if terms.waive_fees_and_penalty and terms.kind is not loanmath.OptionKind.WAIVER:
        parts.append(_("fees and penalty waived"))
    return ", ".join(parts)


def terms_or_none(data: dict[str, Any]) -> loanmath.OptionTerms | None:
    if not data:
        return None
    try:
        return loanmath.OptionTerms.from_dict(data)
    except (loanmath.InvalidInputError, KeyError, ValueError):
        return None

"""What every hardship write shares: the policy, working days, the row locks (always the application
before its offer), the refusals (ownership, staff permissions, a message's length), `application_transition`
and the breathing space's end, and `offer_plans`, the terms worked out for the application's loans.

The other modules call `common._locked(...)` (looked up here at call time, never bound to their own
name), so a test can hold a thread just after it has taken its first lock by patching this one name."""

import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers import selectors as loan_selectors
from borrowers import services as loan_services
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.services import audit_record
from hardship import notices
from hardship.models import Application, ApplicationEvent, HardshipPolicy, Offer
from hardship.rules import APPROVE_PERMISSION, REVIEW_PERMISSION, TRANSITIONS, Actor
from loanmath import ZERO

Status = Application.Status
MESSAGE_MAX_LENGTH = 2000


def hardship_policy() -> HardshipPolicy:
    policy, _created = HardshipPolicy.objects.get_or_create(pk=1)
    return policy


def add_working_days(day: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``day``. Public holidays are not known here."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "HA-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _locked(application_id: int) -> Application:
    try:
        return Application.objects.select_for_update().get(pk=application_id)
    except Application.DoesNotExist as exc:
        raise ApplicationError(_("This application does not exist.")) from exc


def _own(application: Application, user: User) -> None:
    if application.user_id != user.pk:
        raise ApplicationError(_("This application does not exist."))


def _require_staff(user: User, *, approver: bool = False) -> None:
    if not user.is_active or not user.has_perm(REVIEW_PERMISSION):
        raise ApplicationError(_("Only hardship reviewers and approvers can do this."))
    if approver and not user.has_perm(APPROVE_PERMISSION):
        raise ApplicationError(_("Only a hardship approver can approve an offer."))


def _not_their_own(application: Application, staff: User) -> None:
    if application.user_id == staff.pk:
        raise ApplicationError(_("Someone else must handle your own application."))


def _locked_for_offer(offer_id: int) -> tuple[Application, Offer]:
    """The offer's application, then the offer, locked in that order (the order every other service
    locks them in, so two of them never wait on each other)."""
    application_id = Offer.objects.filter(pk=offer_id).values_list("application_id", flat=True).first()
    if application_id is None:
        raise ApplicationError(_("This offer does not exist."))
    application = _locked(application_id)
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    return application, offer


def _live_offers_withdraw(application: Application, status: str = Offer.Status.WITHDRAWN) -> None:
    application.offers.filter(status__in=[Offer.Status.OPEN, Offer.Status.AWAITING_APPROVAL]).update(
        status=status
    )


def _clean_message(text: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ApplicationError(_("Please write a message."))
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(
            _("A message can be at most %(max)d characters long.") % {"max": MESSAGE_MAX_LENGTH}
        )
    return text


def _loan_ids(application: Application) -> list[int]:
    return list(application.loans.values_list("loan_id", flat=True))


def application_transition(
    *, application: Application, action: str, actor: User | None, note: str = "", by: Actor
) -> Application:
    """Move a locked application by ``action`` (hardship.rules.TRANSITIONS), in the caller's transaction:
    refused unless the action exists, starts from the application's status and is ``by`` the right kind of
    actor. Writes the event and the audit row; the loans' `is_open` follows the new status."""
    transition = TRANSITIONS.get(action)
    if transition is None or transition.actor is not by:
        raise ApplicationError(_("This action is not available."))
    if application.status not in transition.sources:
        raise ApplicationError(
            _("This application is %(status)s; it cannot be moved that way now.")
            % {"status": application.get_status_display()}
        )
    before = application.status
    application.status = transition.target
    application.save()
    if application.status not in Application.OPEN:
        application.loans.update(is_open=False)
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_status=before,
        to_status=application.status,
        note=note,
    )
    audit_record(
        action=f"hardship.{action}",
        actor=actor,
        target=application,
        data={"reference": application.reference, "from": before, "to": application.status},
    )
    notices.borrower_told(application)
    return application


def _end_breathing_space(application: Application, on: date | None = None) -> None:
    if application.breathing_space_through is not None:
        loan_services.loans_resume_charges(
            loan_ids=_loan_ids(application),
            paused_through=application.breathing_space_through,
            on=on or business_date_today(),
        )


def offer_plans(*, application: Application, terms: loanmath.OptionTerms) -> list[loanmath.RestructurePlan]:
    """The terms worked out for each of the application's loans as they stand (the preview staff and the
    borrower see)."""
    plans = []
    for loan in loan_selectors.restructure_loans(loan_ids=_loan_ids(application)):
        if loan.position is None:
            continue
        try:
            plans.append(loanmath.restructure_plan(position=loan.position, terms=terms))
        except loanmath.InvalidInputError as exc:
            raise ApplicationError(
                _("These terms cannot be applied to loan %(reference)s.") % {"reference": loan.reference}
            ) from exc
    if not plans:
        raise ApplicationError(_("None of the application's loans has anything left to restructure."))
    return plans


def amount_given_up(plans: Sequence[loanmath.RestructurePlan]) -> Decimal:
    """What the plans give up together (interest, fees, penalty): what the second-approval threshold is
    held against."""
    return sum((plan.given_up for plan in plans), ZERO)

"""How an application ends without staff: the borrower accepts the open offer (restructuring each loan
in the same transaction), or the nightly job expires what waited too long."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers import selectors as loan_selectors
from borrowers import services as loan_services
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from hardship import notices
from hardship.models import Application, Offer
from hardship.rules import Actor
from hardship.services import common
from hardship.services.common import (
    _end_breathing_space,
    _live_offers_withdraw,
    _loan_ids,
    _own,
    amount_given_up,
    application_transition,
    hardship_policy,
    offer_plans,
)

Status = Application.Status


def offer_accept(*, application_id: int, user: User) -> Application:
    """The borrower accepts the open offer: in one transaction the application is accepted, each loan is
    restructured (borrowers.services.loan_restructure, once per application and loan), and it is applied.
    A second accept (a double-click) finds it applied and changes nothing."""
    with transaction.atomic(durable=True):
        application = common._locked(application_id)
        _own(application, user)
        offer = application.offers.filter(status=Offer.Status.OPEN).first()
        if application.status != Status.OFFERED or offer is None:
            if application.status == Status.APPLIED:
                raise ApplicationError(_("You have already accepted this offer; it is in place."))
            raise ApplicationError(_("There is no offer to accept."))
        if application.offer_expires_on and business_date_today() > application.offer_expires_on:
            raise ApplicationError(_("This offer has expired. You can apply again."))
        terms = loanmath.OptionTerms.from_dict(offer.terms)
        # A loan paid off since the offer has nothing left to restructure: the others still are.
        loans = [
            loan.id
            for loan in loan_selectors.restructure_loans(loan_ids=_loan_ids(application))
            if loan.position is not None
        ]
        if not loans:
            raise ApplicationError(
                _("Your loans have nothing left to restructure: there is nothing to accept.")
            )
        given_up = amount_given_up(offer_plans(application=application, terms=terms))
        if offer.approved_by_id is None and given_up > hardship_policy().second_approval_threshold:
            reconsider = True  # the figures moved past what one person may agree: back to staff
        else:
            reconsider = False
            application_transition(application=application, action="accept", actor=user, by=Actor.BORROWER)
            for loan_id in sorted(loans):
                loan_services.loan_restructure(
                    loan_id=loan_id, terms=terms, source=f"{application.reference}-{loan_id}", actor=user
                )
        if reconsider:
            offer.status = Offer.Status.WITHDRAWN
            offer.save()
            application.offer_expires_on = None
            application_transition(
                application=application, action="reconsider", actor=None, note=str(given_up), by=Actor.SYSTEM
            )
        if not reconsider:
            offer.status = Offer.Status.ACCEPTED
            offer.save()
            notices.staff_told_accepted(application, offer.made_by)
            application.decided_at = timezone.now()
            application_transition(application=application, action="apply", actor=None, by=Actor.SYSTEM)
    if reconsider:
        raise ApplicationError(
            _(
                "The figures of this offer have changed since it was made, so a second member of our staff "
                "must look at it again. We will send you a new offer soon."
            )
        )
    return application


def applications_expire(*, today: date | None = None) -> int:
    """Expire what waited too long: information not sent by its date, an offer not accepted by its date.
    Returns how many expired. Safe to run again."""
    today = today or business_date_today()
    due = Application.objects.filter(
        status=Status.INFORMATION_REQUESTED, information_due_on__lt=today
    ) | Application.objects.filter(status=Status.OFFERED, offer_expires_on__lt=today)
    expired = 0
    for application_id in due.values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            application = common._locked(application_id)
            late_info = application.status == Status.INFORMATION_REQUESTED and (
                application.information_due_on is not None and application.information_due_on < today
            )
            late_offer = application.status == Status.OFFERED and (
                application.offer_expires_on is not None and application.offer_expires_on < today
            )
            if not (late_info or late_offer):
                continue
            application_transition(application=application, action="expire", actor=None, by=Actor.SYSTEM)
            _live_offers_withdraw(application, Offer.Status.EXPIRED)
            _end_breathing_space(application, on=today)
            expired += 1
    return expired

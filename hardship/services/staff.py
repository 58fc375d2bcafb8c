"""Staff's writes: starting a review, asking for information, making an offer (and its second approval or
decline) and rejecting an application. Each refuses a user without the hardship permissions, and anyone
handling their own application."""

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.services import audit_record
from hardship.models import Application, Message, Offer
from hardship.rules import TRANSITIONS, Actor, RejectionReason
from hardship.services import common
from hardship.services.common import (
    _clean_message,
    _end_breathing_space,
    _live_offers_withdraw,
    _locked_for_offer,
    _not_their_own,
    _require_staff,
    amount_given_up,
    application_transition,
    hardship_policy,
    offer_plans,
)


def review_start(*, application_id: int, staff: User) -> Application:
    _require_staff(staff)
    with transaction.atomic(durable=True):
        application = common._locked(application_id)
        _not_their_own(application, staff)
        return application_transition(
            application=application, action="start_review", actor=staff, by=Actor.STAFF
        )


def information_request(*, application_id: int, staff: User, message: str) -> Application:
    _require_staff(staff)
    text = _clean_message(message)
    with transaction.atomic(durable=True):
        application = common._locked(application_id)
        _not_their_own(application, staff)
        application_transition(
            application=application, action="request_information", actor=staff, note=text, by=Actor.STAFF
        )
        Message.objects.create(application=application, author=staff, from_staff=True, body=text)
        application.information_due_on = business_date_today() + timedelta(
            days=hardship_policy().information_days
        )
        application.save()
    return application


def offer_make(*, application_id: int, staff: User, terms: loanmath.OptionTerms, note: str = "") -> Offer:
    """Offer ``terms``. What it gives up (interest, fees, penalty, over its loans) above the policy's
    threshold waits for a second approver; otherwise the borrower sees it at once."""
    _require_staff(staff)
    text = _clean_message(note, required=False)
    with transaction.atomic(durable=True):
        application = common._locked(application_id)
        _not_their_own(application, staff)
        if application.status not in TRANSITIONS["offer"].sources:
            raise ApplicationError(
                _("This application is %(status)s; an offer cannot be made now.")
                % {"status": application.get_status_display()}
            )
        if application.offers.filter(status=Offer.Status.AWAITING_APPROVAL).exists():
            raise ApplicationError(_("An offer is already waiting for a second approval."))
        plans = offer_plans(application=application, terms=terms)
        given_up = amount_given_up(plans)
        needs_second = given_up > hardship_policy().second_approval_threshold
        offer = Offer.objects.create(
            application=application,
            terms=terms.as_dict(),
            given_up=given_up,
            note=text,
            status=Offer.Status.AWAITING_APPROVAL if needs_second else Offer.Status.OPEN,
            made_by=staff,
        )
        audit_record(
            action="hardship.offer_made",
            actor=staff,
            target=application,
            data={
                "offer": offer.pk,
                "terms": terms.as_dict(),
                "given_up": str(given_up),
                "second": needs_second,
            },
        )
        if not needs_second:
            _offer_open(application, offer, staff)
    return offer


def _offer_open(application: Application, offer: Offer, staff: User) -> None:
    application.offer_expires_on = business_date_today() + timedelta(days=hardship_policy().offer_days)
    application_transition(
        application=application, action="offer", actor=staff, note=offer.note, by=Actor.STAFF
    )


def offer_approve(*, offer_id: int, approver: User) -> Offer:
    """The second approval: a Hardship approver who did not make the offer."""
    _require_staff(approver, approver=True)
    with transaction.atomic(durable=True):
        application, offer = _locked_for_offer(offer_id)
        _not_their_own(application, approver)
        if offer.status != Offer.Status.AWAITING_APPROVAL:
            raise ApplicationError(_("This offer is not waiting for approval."))
        if offer.made_by_id == approver.pk:
            raise ApplicationError(_("Someone else must approve an offer you made."))
        offer.status, offer.approved_by, offer.approved_at = Offer.Status.OPEN, approver, timezone.now()
        offer.save()
        audit_record(
            action="hardship.offer_approved", actor=approver, target=application, data={"offer": offer.pk}
        )
        _offer_open(application, offer, approver)
    return offer


def offer_decline(*, offer_id: int, approver: User, note: str) -> Offer:
    """The second approver does not agree: the offer goes, the application stays in review."""
    _require_staff(approver, approver=True)
    text = _clean_message(note)
    with transaction.atomic(durable=True):
        application, offer = _locked_for_offer(offer_id)
        _not_their_own(application, approver)
        if offer.status != Offer.Status.AWAITING_APPROVAL:
            raise ApplicationError(_("This offer is not waiting for approval."))
        if offer.made_by_id == approver.pk:
            raise ApplicationError(_("Someone else must decide on an offer you made."))
        offer.status = Offer.Status.DECLINED
        offer.save()
        audit_record(
            action="hardship.offer_declined",
            actor=approver,
            target=offer.application,
            data={"offer": offer.pk, "note": text},
        )
    return offer


def application_reject(
    *, application_id: int, staff: User, reasons: Sequence[str], note: str = ""
) -> Application:
    _require_staff(staff)
    if not reasons or any(r not in RejectionReason.__members__.values() for r in reasons):
        raise ApplicationError(_("Choose at least one reason from the list."))
    text = _clean_message(note, required=RejectionReason.OTHER in reasons)
    with transaction.atomic(durable=True):
        application = common._locked(application_id)
        _not_their_own(application, staff)
        application.rejection_reasons = list(dict.fromkeys(reasons))
        application.rejection_note = text
        application.decided_at = timezone.now()
        application_transition(
            application=application, action="reject", actor=staff, note=text, by=Actor.STAFF
        )
        _end_breathing_space(application)
        _live_offers_withdraw(application)
    return application

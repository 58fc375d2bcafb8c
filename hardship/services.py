"""Writes to hardship applications. Every status change goes through `application_transition` (row lock,
the table in hardship.rules, an ApplicationEvent and an audit row); every refusal is an ApplicationError
with a message the borrower or staff member can act on, and changes nothing."""

import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import loanmath
from accounts.models import User
from borrowers import selectors as loan_selectors
from borrowers import services as loan_services
from budget.selectors import BUDGET_SECTION_OF, saved_budget
from budget.services import BudgetLineInput, budget_save
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.services import audit_record
from hardship import evidence as evidence_files
from hardship import notices
from hardship.models import (
    Application,
    ApplicationEvent,
    ApplicationLoan,
    Evidence,
    HardshipPolicy,
    Message,
    Offer,
    StatementLine,
)
from hardship.rules import APPROVE_PERMISSION, REVIEW_PERMISSION, TRANSITIONS, Actor, RejectionReason
from loanmath import ZERO

Status = Application.Status
MESSAGE_MAX_LENGTH = 2000
EVIDENCE_MAX_FILES = 5


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


# --- the borrower's wizard -------------------------------------------------------------------------


def application_start(*, user: User, loan_ids: Sequence[int]) -> Application:
    """A draft for these loans of the user's (at least one, active). Refused if a loan already has an open
    application: the message names it, so the borrower can go back to it."""
    loans = [
        loan
        for loan in loan_selectors.restructure_loans(loan_ids=loan_ids, user=user)
        if loan.position is not None
    ]
    if not loans or len(loans) != len(set(loan_ids)):
        raise ApplicationError(_("Choose at least one of your loans that still has something to pay."))
    with transaction.atomic(durable=True):
        application = Application.objects.create(user=user, reference=_new_reference(), step_reached=2)
        try:
            with transaction.atomic():
                ApplicationLoan.objects.bulk_create(
                    [ApplicationLoan(application=application, loan_id=loan.id) for loan in loans]
                )
        except IntegrityError as exc:
            raise ApplicationError(
                _("One of these loans already has an application in progress; continue that one instead.")
            ) from exc
        ApplicationEvent.objects.create(
            application=application, actor=user, action="start", from_status="", to_status=Status.DRAFT
        )
        _statement_prefill(application, user)
        audit_record(
            action="hardship.start", actor=user, target=application, data={"loans": [x.id for x in loans]}
        )
    return application


def _statement_prefill(application: Application, user: User) -> None:
    saved = saved_budget(user=user)
    if saved is None:
        return
    StatementLine.objects.bulk_create(
        [
            StatementLine(
                application=application,
                section=BUDGET_SECTION_OF[line.category],
                category=line.category,
                amount=line.amount,
                note=line.note,
            )
            for line in saved.lines
            if line.category in BUDGET_SECTION_OF
        ]
    )


def _draft(application_id: int, user: User) -> Application:
    application = _locked(application_id)
    _own(application, user)
    if application.status != Status.DRAFT:
        raise ApplicationError(_("This application has been sent; it can no longer be changed."))
    return application


def application_situation_save(
    *, application_id: int, user: User, reason: str, reason_text: str, duration: str
) -> Application:
    if reason not in Application.Reason.values or duration not in Application.Duration.values:
        raise ApplicationError(_("Choose what happened and how long you expect it to last."))
    text = _clean_message(reason_text, required=reason == Application.Reason.OTHER)
    with transaction.atomic(durable=True):
        application = _draft(application_id, user)
        application.reason, application.reason_text, application.duration = reason, text, duration
        application.step_reached = max(application.step_reached, 3)
        application.save()
    return application


def application_statement_save(
    *, application_id: int, user: User, lines: Sequence[BudgetLineInput]
) -> Application:
    """The statement's lines, saved with the application and back to the borrower's budget (one
    transaction; a bad line refuses both)."""
    with transaction.atomic(durable=True):
        application = _draft(application_id, user)
        budget_save(user=user, lines=lines)
        application.statement_lines.all().delete()
        StatementLine.objects.bulk_create(
            [
                StatementLine(
                    application=application,
                    section=BUDGET_SECTION_OF[line.category],
                    category=line.category,
                    amount=line.amount,
                    note=line.note.strip(),
                )
                for line in lines
                if line.amount or line.note.strip()
            ]
        )
        application.step_reached = max(application.step_reached, 4)
        application.save()
    return application


def application_option_choose(
    *, application_id: int, user: User, terms: loanmath.OptionTerms | None
) -> Application:
    """The option the borrower chose, or None: they ask staff to propose one."""
    with transaction.atomic(durable=True):
        application = _draft(application_id, user)
        if terms is not None:
            for loan in loan_selectors.restructure_loans(loan_ids=_loan_ids(application), user=user):
                if loan.position is None:
                    continue
                try:
                    loanmath.restructure_plan(position=loan.position, terms=terms)
                except loanmath.InvalidInputError as exc:
                    raise ApplicationError(_("This option cannot be worked out for your loans.")) from exc
        application.chosen_terms = terms.as_dict() if terms is not None else {}
        application.staff_to_propose = terms is None
        application.step_reached = max(application.step_reached, 5)
        application.save()
    return application


EVIDENCE_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED)


def _evidence_allowed(application: Application | None, user: User) -> None:
    if application is None:
        raise ApplicationError(_("This application does not exist."))
    _own(application, user)
    if application.status not in EVIDENCE_STATUSES:
        raise ApplicationError(_("Documents can be added until we decide on the application."))
    if application.evidence.count() >= EVIDENCE_MAX_FILES:
        raise ApplicationError(_("You can send at most %(max)d files.") % {"max": EVIDENCE_MAX_FILES})


def evidence_add(*, application_id: int, user: User, upload: UploadedFile) -> Evidence:
    """Store one document after checking it (hardship.evidence); at most EVIDENCE_MAX_FILES. Allowed
    until staff decide: while the application is a draft, sent, in review or waiting for information."""
    # The cheap refusals first, so a file is only read when it could be kept; again under the lock.
    _evidence_allowed(Application.objects.filter(pk=application_id).first(), user)
    checked = evidence_files.check_upload(upload)
    with transaction.atomic(durable=True):
        application = _locked(application_id)
        _evidence_allowed(application, user)
        item = evidence_files.store(application=application, checked=checked)
        audit_record(
            action="hardship.evidence_added",
            actor=user,
            target=application,
            data={"evidence": item.pk, "type": item.content_type, "size": item.size},
        )
    return item


def evidence_remove(*, application_id: int, user: User, token: str) -> None:
    with transaction.atomic(durable=True):
        application = _draft(application_id, user)
        item = application.evidence.filter(token=token).first()
        if item is None:
            raise ApplicationError(_("This file does not exist."))
        item.file.delete(save=False)
        item.delete()


def application_submit(*, application_id: int, user: User, declared: bool) -> Application:
    """Send the application: it must name loans, what happened, a statement and the declaration. Starts the
    breathing space on its loans and sets when to expect an answer."""
    if not declared:
        raise ApplicationError(_("Please confirm the declaration before you send the application."))
    today = business_date_today()
    with transaction.atomic(durable=True):
        application = _locked(application_id)
        _own(application, user)
        if application.status != Status.DRAFT:
            raise ApplicationError(_("This application has already been sent."))
        if not application.loans.exists():
            raise ApplicationError(_("Choose at least one of your loans that still has something to pay."))
        if not application.reason or not application.duration:
            raise ApplicationError(_("Tell us what happened before you send the application."))
        if not application.statement_lines.filter(section="income").exists():
            raise ApplicationError(_("Fill in your income and spending before you send the application."))
        if not application.chosen_terms and not application.staff_to_propose:
            raise ApplicationError(
                _("Choose an option, or ask us to propose one, before you send the application.")
            )
        policy = hardship_policy()
        loan_ids = _loan_ids(application)
        since = loanmath.add_months(today, -policy.repeat_window_months)
        earlier = Application.objects.filter(
            loans__loan_id__in=loan_ids, status=Status.APPLIED, decided_at__date__gte=since
        ).exclude(pk=application.pk)
        application.repeat_forbearance = (
            bool(loan_selectors.loans_restructured_since(loan_ids=loan_ids, since=since)) or earlier.exists()
        )
        application.declared_at = application.submitted_at = timezone.now()
        application.answer_due_on = add_working_days(today, policy.service_level_working_days)
        if policy.breathing_space_days:
            application.breathing_space_through = today + timedelta(days=policy.breathing_space_days)
            loan_services.loans_pause_charges(loan_ids=loan_ids, through=application.breathing_space_through)
        application.step_reached = 6
        application_transition(application=application, action="submit", actor=user, by=Actor.BORROWER)
    return application


def application_withdraw(*, application_id: int, user: User) -> Application:
    with transaction.atomic(durable=True):
        application = _locked(application_id)
        _own(application, user)
        application_transition(application=application, action="withdraw", actor=user, by=Actor.BORROWER)
        _end_breathing_space(application)
        _live_offers_withdraw(application)
    return application


def information_answer(*, application_id: int, user: User, message: str) -> Application:
    text = _clean_message(message)
    with transaction.atomic(durable=True):
        application = _locked(application_id)
        _own(application, user)
        application_transition(
            application=application, action="answer", actor=user, note=text, by=Actor.BORROWER
        )
        Message.objects.create(application=application, author=user, from_staff=False, body=text)
        application.information_due_on = None
        application.save()
    return application


# --- staff -------------------------------------------------------------------------------------------


def review_start(*, application_id: int, staff: User) -> Application:
    _require_staff(staff)
    with transaction.atomic(durable=True):
        application = _locked(application_id)
        _not_their_own(application, staff)
        return application_transition(
            application=application, action="start_review", actor=staff, by=Actor.STAFF
        )


def information_request(*, application_id: int, staff: User, message: str) -> Application:
    _require_staff(staff)
    text = _clean_message(message)
    with transaction.atomic(durable=True):
        application = _locked(application_id)
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


def offer_make(*, application_id: int, staff: User, terms: loanmath.OptionTerms, note: str = "") -> Offer:
    """Offer ``terms``. What it gives up (interest, fees, penalty, over its loans) above the policy's
    threshold waits for a second approver; otherwise the borrower sees it at once."""
    _require_staff(staff)
    text = _clean_message(note, required=False)
    with transaction.atomic(durable=True):
        application = _locked(application_id)
        _not_their_own(application, staff)
        if application.status not in TRANSITIONS["offer"].sources:
            raise ApplicationError(
                _("This application is %(status)s; an offer cannot be made now.")
                % {"status": application.get_status_display()}
            )
        if application.offers.filter(status=Offer.Status.AWAITING_APPROVAL).exists():
            raise ApplicationError(_("An offer is already waiting for a second approval."))
        plans = offer_plans(application=application, terms=terms)
        given_up = sum((plan.given_up for plan in plans), ZERO)
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
        application = _locked(application_id)
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


def offer_accept(*, application_id: int, user: User) -> Application:
    """The borrower accepts the open offer: in one transaction the application is accepted, each loan is
    restructured (borrowers.services.loan_restructure, once per application and loan), and it is applied.
    A second accept (a double-click) finds it applied and changes nothing."""
    with transaction.atomic(durable=True):
        application = _locked(application_id)
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
            application = _locked(application_id)
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


def amount_given_up(plans: Sequence[loanmath.RestructurePlan]) -> Decimal:
    return sum((plan.given_up for plan in plans), ZERO)

"""The borrower's writes: the wizard's steps (start, what happened, the statement, the option, the
documents), sending the application, withdrawing it and answering staff's request for information."""

from collections.abc import Sequence
from datetime import timedelta

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
from hardship.models import Application, ApplicationEvent, ApplicationLoan, Evidence, Message, StatementLine
from hardship.rules import Actor
from hardship.services import common
from hardship.services.common import (
    _clean_message,
    _end_breathing_space,
    _live_offers_withdraw,
    _loan_ids,
    _new_reference,
    _own,
    add_working_days,
    application_transition,
    hardship_policy,
)
from notifications.services import messages_cancel

Status = Application.Status
EVIDENCE_MAX_FILES = 5


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
    application = common._locked(application_id)
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
        application = common._locked(application_id)
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
        application = common._locked(application_id)
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
        # The review pauses the loans' reminders: those still waiting are cancelled with the submission.
        messages_cancel(
            topics=list(application.loans.values_list("loan__reference", flat=True)), reason="hardship"
        )
    return application


def application_withdraw(*, application_id: int, user: User) -> Application:
    with transaction.atomic(durable=True):
        application = common._locked(application_id)
        _own(application, user)
        application_transition(application=application, action="withdraw", actor=user, by=Actor.BORROWER)
        _end_breathing_space(application)
        _live_offers_withdraw(application)
    return application


def information_answer(*, application_id: int, user: User, message: str) -> Application:
    text = _clean_message(message)
    with transaction.atomic(durable=True):
        application = common._locked(application_id)
        _own(application, user)
        application_transition(
            application=application, action="answer", actor=user, note=text, by=Actor.BORROWER
        )
        Message.objects.create(application=application, author=user, from_staff=False, body=text)
        application.information_due_on = None
        application.save()
    return application

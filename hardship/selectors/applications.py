"""The account's applications: the list (`borrower_applications`, two queries), whether one is open
(`has_open_application`, one), one application with everything its pages show (`borrower_application`,
seven) and one of its documents (`borrower_evidence`, one), as frozen dataclasses."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import User
from hardship.models import Application, ApplicationLoan, Evidence, Offer
from hardship.rules import REJECTION_REASON_LABELS, TRANSITIONS

Status = Application.Status
STEP_COUNT = 6


@dataclass(frozen=True)
class ApplicationSummary:
    reference: str
    status: str
    status_label: str
    created_at: datetime
    submitted_at: datetime | None
    step_reached: int
    is_open: bool
    is_draft: bool
    loan_references: tuple[str, ...]
    # What the borrower must do by when: answer staff's request, or decide on an offer.
    information_due_on: date | None = None
    offer_expires_on: date | None = None
    answer_due_on: date | None = None


@dataclass(frozen=True)
class LoanRef:
    id: int
    reference: str


@dataclass(frozen=True)
class StatementLineView:
    section: str
    category: str
    amount: Decimal
    note: str


@dataclass(frozen=True)
class EvidenceItem:
    token: str
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime


@dataclass(frozen=True)
class EvidenceFile:
    """What the download needs: the stored file's name in the storage, and how to hand it out."""

    token: str
    original_name: str
    content_type: str
    storage_name: str


@dataclass(frozen=True)
class EventView:
    action: str
    from_status: str
    to_status: str
    to_status_label: str
    note: str
    at: datetime
    by_borrower: bool


@dataclass(frozen=True)
class MessageView:
    from_staff: bool
    body: str
    created_at: datetime


@dataclass(frozen=True)
class OfferView:
    id: int
    terms: Mapping[str, Any]
    status: str
    note: str
    made_at: datetime
    given_up: Decimal


@dataclass(frozen=True)
class RejectionView:
    code: str
    label: str
    next_step: str


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    reference: str
    status: str
    status_label: str
    reason: str
    reason_label: str
    reason_text: str
    duration: str
    duration_label: str
    chosen_terms: Mapping[str, Any]
    staff_to_propose: bool
    step_reached: int
    declared_at: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None
    answer_due_on: date | None
    breathing_space_through: date | None
    information_due_on: date | None
    offer_expires_on: date | None
    rejections: tuple[RejectionView, ...]
    rejection_note: str
    created_at: datetime
    loans: tuple[LoanRef, ...]
    statement_lines: tuple[StatementLineView, ...]
    evidence: tuple[EvidenceItem, ...]
    events: tuple[EventView, ...]
    messages: tuple[MessageView, ...]
    open_offer: OfferView | None
    accepted_offer: OfferView | None

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in Application.OPEN

    @property
    def can_withdraw(self) -> bool:
        return self.status in TRANSITIONS["withdraw"].sources

    @property
    def can_add_evidence(self) -> bool:
        return self.status in (Status.DRAFT, Status.INFORMATION_REQUESTED)

    @property
    def information_requested(self) -> bool:
        return self.status == Status.INFORMATION_REQUESTED

    @property
    def is_applied(self) -> bool:
        return self.status == Status.APPLIED

    @property
    def loan_ids(self) -> tuple[int, ...]:
        return tuple(loan.id for loan in self.loans)

    @property
    def statement_amounts(self) -> dict[str, Decimal]:
        return {line.category: line.amount for line in self.statement_lines}

    @property
    def statement_notes(self) -> dict[str, str]:
        return {line.category: line.note for line in self.statement_lines if line.note}

    @property
    def resume_step(self) -> int:
        return min(max(self.step_reached, 1), STEP_COUNT)


def _next_step(code: str) -> str:
    texts = {
        "affordable": _(
            "Keep paying as planned. If your situation changes, update your budget and apply again."
        ),
        "not_enough_information": _(
            "Apply again with your income and spending filled in, and send the documents we asked for."
        ),
        "no_sustainable_option": _(
            "Call us or send us a message: we can talk through other ways to help, such as free debt advice."
        ),
        "recent_forbearance": _(
            "Call us or send us a message to talk about your situation; we will look at it with you."
        ),
        "other": _("Read our note above. Call us or send us a message if anything is unclear."),
    }
    return texts.get(code, texts["other"])


def borrower_applications(*, user: User) -> tuple[ApplicationSummary, ...]:
    """The account's own applications, newest first. Two queries."""
    rows = list(
        Application.objects.filter(user=user).prefetch_related(
            Prefetch(
                "loans", queryset=ApplicationLoan.objects.select_related("loan").order_by("loan__reference")
            )
        )
    )
    return tuple(
        ApplicationSummary(
            reference=a.reference,
            status=a.status,
            status_label=str(a.get_status_display()),
            created_at=a.created_at,
            submitted_at=a.submitted_at,
            step_reached=min(max(a.step_reached, 1), STEP_COUNT),
            is_open=a.is_open,
            is_draft=a.status == Status.DRAFT,
            loan_references=tuple(al.loan.reference for al in a.loans.all()),
            information_due_on=a.information_due_on,
            offer_expires_on=a.offer_expires_on,
            answer_due_on=a.answer_due_on,
        )
        for a in rows
    )


def has_open_application(*, user: User) -> bool:
    """Whether the account has an application still open (draft to accepted). One query."""
    return Application.objects.filter(user=user, status__in=Application.OPEN).exists()


def _offer_view(offer: Offer) -> OfferView:
    return OfferView(
        id=offer.pk,
        terms=MappingProxyType(dict(offer.terms)),
        status=offer.status,
        note=offer.note,
        made_at=offer.made_at,
        given_up=offer.given_up,
    )


def borrower_application(*, user: User, reference: str) -> ApplicationDetail | None:
    """The account's own application with this reference and everything its pages show, or None (not
    there, or someone else's). Seven queries."""
    application = (
        Application.objects.filter(user=user, reference=(reference or "").strip().upper())
        .prefetch_related(
            Prefetch(
                "loans", queryset=ApplicationLoan.objects.select_related("loan").order_by("loan__reference")
            ),
            "statement_lines",
            "evidence",
            "events",
            "messages",
            "offers",
        )
        .first()
    )
    if application is None:
        return None
    offers = list(application.offers.all())
    open_offer = next((o for o in offers if o.status == Offer.Status.OPEN), None)
    accepted = next((o for o in offers if o.status == Offer.Status.ACCEPTED), None)
    status_labels = dict(Status.choices)
    return ApplicationDetail(
        id=application.pk,
        reference=application.reference,
        status=application.status,
        status_label=str(application.get_status_display()),
        reason=application.reason,
        reason_label=str(application.get_reason_display()) if application.reason else "",
        reason_text=application.reason_text,
        duration=application.duration,
        duration_label=str(application.get_duration_display()) if application.duration else "",
        chosen_terms=MappingProxyType(dict(application.chosen_terms or {})),
        staff_to_propose=application.staff_to_propose,
        step_reached=application.step_reached,
        declared_at=application.declared_at,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
        answer_due_on=application.answer_due_on,
        breathing_space_through=application.breathing_space_through,
        information_due_on=application.information_due_on,
        offer_expires_on=application.offer_expires_on,
        rejections=tuple(
            RejectionView(
                code=str(code),
                label=str(REJECTION_REASON_LABELS.get(code, REJECTION_REASON_LABELS["other"])),
                next_step=_next_step(str(code)),
            )
            for code in application.rejection_reasons or ()
        ),
        rejection_note=application.rejection_note,
        created_at=application.created_at,
        loans=tuple(LoanRef(id=al.loan_id, reference=al.loan.reference) for al in application.loans.all()),
        statement_lines=tuple(
            StatementLineView(section=ln.section, category=ln.category, amount=ln.amount, note=ln.note)
            for ln in application.statement_lines.all()
        ),
        evidence=tuple(
            EvidenceItem(
                token=e.token,
                original_name=e.original_name,
                content_type=e.content_type,
                size=e.size,
                uploaded_at=e.uploaded_at,
            )
            for e in application.evidence.all()
        ),
        events=tuple(
            EventView(
                action=ev.action,
                from_status=ev.from_status,
                to_status=ev.to_status,
                to_status_label=str(status_labels.get(ev.to_status, ev.to_status)),
                note=ev.note,
                at=ev.at,
                by_borrower=ev.actor_id == application.user_id,
            )
            for ev in application.events.all()
        ),
        messages=tuple(
            MessageView(from_staff=m.from_staff, body=m.body, created_at=m.created_at)
            for m in application.messages.all()
        ),
        open_offer=_offer_view(open_offer) if open_offer is not None else None,
        accepted_offer=_offer_view(accepted) if accepted is not None else None,
    )


def evidence_file_of(item: Evidence) -> EvidenceFile:
    """A stored document as the download needs it (for the admin, which has the model instance)."""
    return EvidenceFile(
        token=item.token,
        original_name=item.original_name,
        content_type=item.content_type,
        storage_name=item.file.name or "",
    )


def borrower_evidence(*, user: User, reference: str, token: str) -> EvidenceFile | None:
    """One document of the account's own application, or None (not there, or not theirs). One query."""
    item = Evidence.objects.filter(
        application__user=user, application__reference=(reference or "").strip().upper(), token=token
    ).first()
    return evidence_file_of(item) if item is not None else None

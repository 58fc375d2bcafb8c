"""Reads for the borrower's hardship pages: their applications, one application with everything its pages
show, the loans they can apply for, the statement's figures and the options worked out for their loans.

Fetch, then compute (frozen dataclasses of plain values, never a model instance). Queries, whatever the
number of loans, lines, files, events or messages: `borrower_applications` 2; `borrower_application` 7;
`borrower_evidence` 1; `applicable_loans` 5; `application_loans` 3 (borrowers' restructure_loans).
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import loanmath
from accounts.models import User
from borrowers.selectors import RestructureLoan, borrower_loan_cards, restructure_loans
from borrowers.selectors.lookups import borrower_loans_to_choose
from budget.selectors import BudgetResults, budget_results
from hardship.models import Application, ApplicationLoan, Evidence, Offer
from hardship.rules import REJECTION_REASON_LABELS, TRANSITIONS
from loanmath import ZERO, OptionKind

Status = Application.Status
STEP_COUNT = 6
# Debt repayments the affordable payment leaves out: what the borrower owes elsewhere. "Loans with us" is
# what the application is about, so it is not taken off.
OTHER_DEBT_CATEGORIES = ("credit_cards", "other_loans", "other_debts")
STAFF_TO_PROPOSE = "staff"


# --- applications ------------------------------------------------------------------------------------


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


# --- loans ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicableLoan:
    """One of the borrower's loans as the start page offers it."""

    id: int
    reference: str
    product_name: str
    owed: Decimal
    days_past_due: int
    can_apply: bool  # active, with something left to restructure
    open_application: str  # the reference of the open application it is in, or ""


def applicable_loans(*, user: User) -> tuple[ApplicableLoan, ...]:
    """The account's active loans, each with the open application it is already in (if any). Five
    queries."""
    ids = list(borrower_loans_to_choose(user=user).values_list("pk", flat=True))
    loans = restructure_loans(loan_ids=ids, user=user) if ids else ()
    open_in = dict(
        ApplicationLoan.objects.filter(loan_id__in=ids, is_open=True, application__user=user).values_list(
            "loan_id", "application__reference"
        )
    )
    return tuple(
        ApplicableLoan(
            id=loan.id,
            reference=loan.reference,
            product_name=loan.product_name,
            owed=loan.owed,
            days_past_due=loan.days_past_due,
            can_apply=loan.position is not None,
            open_application=open_in.get(loan.id, ""),
        )
        for loan in loans
        if loan.is_active
    )


def application_loans(*, application: ApplicationDetail) -> tuple[RestructureLoan, ...]:
    """The application's loans as restructuring starts from them. Three queries."""
    return restructure_loans(loan_ids=application.loan_ids)


def loan_repayments_with_us(*, user: User, today: date) -> Decimal | None:
    cards = [card for card in borrower_loan_cards(user=user, today=today) if card.is_active]
    return sum((card.next_due_amount for card in cards), ZERO) if cards else None


# --- the statement ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFigures:
    results: BudgetResults
    other_debt_repayments: Decimal
    affordable: Decimal  # income - fixed - flexible - savings - other debt repayments, at least 0
    left_for_loans: Decimal  # the same before the floor: below 0 it is a shortfall (staff see it)


def statement_figures(
    *, amounts: Mapping[str, Decimal], guidelines: Mapping[str, Decimal]
) -> StatementFigures:
    """The statement's totals and flags (budget.selectors.budget_results) and what it leaves for the loans
    with us each month. No query."""
    results = budget_results(amounts=amounts, guidelines=guidelines)
    summary = results.summary
    other = sum((amounts.get(c, ZERO) for c in OTHER_DEBT_CATEGORIES), ZERO)
    left = summary.total_income - summary.total_fixed - summary.total_flexible - summary.total_savings - other
    return StatementFigures(
        results=results, other_debt_repayments=other, affordable=max(ZERO, left), left_for_loans=left
    )


def statement_initial(*, application: ApplicationDetail, loan_repayments: Decimal | None) -> dict[str, Any]:
    """The statement form's starting figures: the application's lines (prefilled from the budget)."""
    initial: dict[str, Any] = {}
    for line in application.statement_lines:
        initial[line.category] = line.amount
        if line.note:
            initial[f"{line.category}_note"] = line.note
    if not initial and loan_repayments is not None:
        initial["loans_with_us"] = loan_repayments
    return initial


# --- the options -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleLine:
    number: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    charges: Decimal  # late fees and penalty interest carried


@dataclass(frozen=True)
class LoanPlanView:
    reference: str
    monthly_payment: Decimal
    apr: Decimal | None
    apr_today: Decimal | None
    total_to_pay: Decimal
    total_today: Decimal
    waived: Decimal
    schedule: tuple[ScheduleLine, ...]


@dataclass(frozen=True)
class OptionView:
    """One option, worked out for every loan of the application with the same terms, and summed."""

    value: str  # the radio's value: the terms as JSON
    kind: str
    name: str
    description: str
    credit_record: str
    monthly_payment: Decimal
    first_due_date: date | None
    end_date: date | None
    total_to_pay: Decimal
    total_today: Decimal
    waived: Decimal
    given_up: Decimal
    affordable: Decimal | None
    loans: tuple[LoanPlanView, ...]
    schedule: tuple[ScheduleLine, ...]  # every loan's instalments together, by due date
    # A payment holiday: what is paid each month of the holiday, and for how many months.
    holiday_payment: Decimal | None = None
    holiday_months: int = 0

    @property
    def unaffordable(self) -> bool:
        return self.affordable is not None and self.monthly_payment > self.affordable

    @property
    def difference(self) -> Decimal:
        """What it costs in all beside keeping to the schedule as it is (negative: it costs less)."""
        return self.total_to_pay - self.total_today


def kind_name(kind: str) -> str:
    names = {
        OptionKind.EXTENSION: _("Longer term"),
        OptionKind.HOLIDAY: _("Payment holiday"),
        OptionKind.LOWER_RATE: _("Lower interest rate"),
        OptionKind.FREEZE: _("Interest and penalty freeze"),
        OptionKind.ARREARS_PLAN: _("Arrears plan"),
        OptionKind.WAIVER: _("Late fees and penalty waived"),
    }
    return str(names.get(kind, kind))  # type: ignore[call-overload]


def terms_description(terms: loanmath.OptionTerms) -> str:
    """What the option does, in plain words."""
    months = terms.months
    if terms.kind is OptionKind.EXTENSION:
        text = ngettext(
            "What you owe is spread over %(months)d monthly payment at today's rate, "
            "so each payment is smaller.",
            "What you owe is spread over %(months)d monthly payments at today's rate, "
            "so each payment is smaller.",
            months,
        ) % {"months": months}
    elif terms.kind is OptionKind.HOLIDAY:
        if terms.interest_during_holiday:
            text = ngettext(
                "For %(months)d month you pay only the interest; "
                "then the loan is repaid over the months it had left.",
                "For %(months)d months you pay only the interest; "
                "then the loan is repaid over the months it had left.",
                months,
            ) % {"months": months}
        else:
            text = ngettext(
                "For %(months)d month you pay nothing; "
                "the interest of the holiday is added to the payments after it.",
                "For %(months)d months you pay nothing; "
                "the interest of the holiday is added to the payments after it.",
                months,
            ) % {"months": months}
    elif terms.kind is OptionKind.LOWER_RATE:
        rate = terms.annual_rate if terms.annual_rate is not None else ZERO
        text = _("The interest rate goes down to %(rate)s a year for the months the loan has left.") % {
            "rate": f"{rate * 100:.2f}%"
        }
    elif terms.kind is OptionKind.FREEZE:
        text = ngettext(
            "No more interest, late fees or penalty interest: "
            "what you owe is repaid in %(months)d equal part.",
            "No more interest, late fees or penalty interest: "
            "what you owe is repaid in %(months)d equal parts.",
            months,
        ) % {"months": months}
    elif terms.kind is OptionKind.ARREARS_PLAN:
        text = ngettext(
            "Your payments stay as they are; what is overdue is added to the next %(months)d payment.",
            "Your payments stay as they are; what is overdue is spread over the next %(months)d payments.",
            months,
        ) % {"months": months}
    else:
        text = _(
            "Your payments stay as they are, and the late fees and penalty interest you owe are cancelled."
        )
    if terms.waive_fees_and_penalty and terms.kind is not OptionKind.WAIVER:
        text += " " + _("The late fees and penalty interest you owe are cancelled.")
    return text


def credit_record(kind: str) -> str:
    """What the credit record will show for an option of this kind."""
    if kind == OptionKind.WAIVER:
        return _("Your overdue history stays as it was.")
    return _(
        "Reported as a repayment arrangement agreed with us; no new missed payments are reported while you "
        "keep to it."
    )


def terms_value(terms: loanmath.OptionTerms) -> str:
    return json.dumps(terms.as_dict(), sort_keys=True, separators=(",", ":"))


def _schedule(plan: loanmath.RestructurePlan) -> tuple[ScheduleLine, ...]:
    return tuple(
        ScheduleLine(
            number=n,
            due_date=i.due_date,
            payment=i.payment,
            principal=i.principal,
            interest=i.interest,
            charges=i.fees + i.penalty,
        )
        for n, i in enumerate(plan.instalments, start=1)
    )


def _combined_schedule(plans: Sequence[loanmath.RestructurePlan]) -> tuple[ScheduleLine, ...]:
    by_date: dict[date, list[Decimal]] = {}
    for plan in plans:
        for i in plan.instalments:
            row = by_date.setdefault(i.due_date, [ZERO, ZERO, ZERO, ZERO])
            row[0] += i.payment
            row[1] += i.principal
            row[2] += i.interest
            row[3] += i.fees + i.penalty
    return tuple(
        ScheduleLine(number=n, due_date=day, payment=r[0], principal=r[1], interest=r[2], charges=r[3])
        for n, (day, r) in enumerate(sorted(by_date.items()), start=1)
    )


def option_view(
    *,
    terms: loanmath.OptionTerms,
    plans: Sequence[tuple[str, loanmath.RestructurePlan]],
    affordable: Decimal | None,
) -> OptionView:
    """``terms`` worked out for each loan (reference, plan), summed. No query."""
    only = [plan for _ref, plan in plans]
    monthly = sum((p.monthly_payment for p in only), ZERO) if len(only) == 1 else _combined_monthly(only)
    firsts = [p.first_due_date for p in only if p.first_due_date is not None]
    ends = [p.end_date for p in only if p.end_date is not None]
    return OptionView(
        value=terms_value(terms),
        kind=terms.kind.value,
        name=kind_name(terms.kind),
        description=terms_description(terms),
        credit_record=credit_record(terms.kind),
        monthly_payment=monthly,
        holiday_payment=sum((p.holiday_payment or ZERO for p in only), ZERO)
        if terms.kind is loanmath.OptionKind.HOLIDAY
        else None,
        holiday_months=terms.months if terms.kind is loanmath.OptionKind.HOLIDAY else 0,
        first_due_date=min(firsts) if firsts else None,
        end_date=max(ends) if ends else None,
        total_to_pay=sum((p.total_to_pay for p in only), ZERO),
        total_today=sum((p.total_today for p in only), ZERO),
        waived=sum((p.waived for p in only), ZERO),
        given_up=sum((p.given_up for p in only), ZERO),
        affordable=affordable,
        loans=tuple(
            LoanPlanView(
                reference=ref,
                monthly_payment=p.monthly_payment,
                apr=p.apr,
                apr_today=p.apr_today,
                total_to_pay=p.total_to_pay,
                total_today=p.total_today,
                waived=p.waived,
                schedule=_schedule(p),
            )
            for ref, p in plans
        ),
        schedule=_combined_schedule(only) if len(only) > 1 else (_schedule(only[0]) if only else ()),
    )


def _combined_monthly(plans: Sequence[loanmath.RestructurePlan]) -> Decimal:
    """The largest payment of any one month, every loan's instalments of that month together, but the last
    month's (which absorbs the rounding, as each plan's monthly_payment says)."""
    payments = [line.payment for line in _combined_schedule(plans)]
    return max(payments[:-1] or payments, default=ZERO)


def application_options(
    *, loans: Sequence[RestructureLoan], affordable: Decimal | None
) -> tuple[OptionView, ...]:
    """The options shown for these loans: loanmath.restructure_options of each loan, one per kind with the
    first loan's terms that offers it, applied with the same terms to every loan (an option that cannot be
    worked out for one of them is left out). No query."""
    positions = [(loan.reference, loan.position) for loan in loans if loan.position is not None]
    seen: dict[str, loanmath.OptionTerms] = {}
    for _ref, position in positions:
        for plan in loanmath.restructure_options(position=position):
            seen.setdefault(plan.terms.kind.value, plan.terms)
    order = [k.value for k in OptionKind]
    views = []
    for kind in sorted(seen, key=order.index):
        terms = seen[kind]
        try:
            plans = [(ref, loanmath.restructure_plan(position=pos, terms=terms)) for ref, pos in positions]
        except loanmath.InvalidInputError:
            continue
        views.append(option_view(terms=terms, plans=plans, affordable=affordable))
    return tuple(views)


def terms_from_value(value: str) -> loanmath.OptionTerms | None:
    """The terms a radio's value carries, or None when it is not terms."""
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            return None
        return loanmath.OptionTerms.from_dict(data)
    except (ValueError, TypeError, KeyError, ArithmeticError, loanmath.InvalidInputError):
        return None


def terms_from_mapping(data: Mapping[str, Any]) -> loanmath.OptionTerms | None:
    if not data:
        return None
    try:
        return loanmath.OptionTerms.from_dict(dict(data))
    except (ValueError, TypeError, KeyError, ArithmeticError, loanmath.InvalidInputError):
        return None


# --- an applied arrangement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedLoan:
    reference: str
    applied_on: date | None
    kind_label: str
    owed_before: Decimal
    waived: Decimal
    total_to_pay: Decimal
    schedule: tuple[ScheduleLine, ...]  # the loan's open instalments now


def applied_loans(*, application: ApplicationDetail) -> tuple[AppliedLoan, ...]:
    """Each loan as the arrangement left it: its restructuring record and its open instalments now. Three
    queries."""
    result = []
    for loan in application_loans(application=application):
        source = f"{application.reference}-{loan.id}"
        record = next((r for r in loan.restructures if r.source == source), None)
        instalments = loan.position.instalments if loan.position is not None else ()
        result.append(
            AppliedLoan(
                reference=loan.reference,
                applied_on=record.applied_on if record else None,
                kind_label=record.kind_label if record else "",
                owed_before=record.owed_before if record else ZERO,
                waived=record.waived if record else ZERO,
                total_to_pay=record.total_to_pay if record else ZERO,
                schedule=tuple(
                    ScheduleLine(
                        number=n,
                        due_date=i.due_date,
                        payment=i.total,
                        principal=i.principal,
                        interest=i.interest,
                        charges=i.fees + i.penalty,
                    )
                    for n, i in enumerate(instalments, start=1)
                ),
            )
        )
    return tuple(result)

"""The hardship staff backend: the queue of applications, each application's review page, the policy.

Applications are never added, edited or deleted here. Staff act on one on its review page
(`<id>/review/`): each action is a small POST form that calls one hardship.services entry point, which
checks the right again (REVIEW_PERMISSION, APPROVE_PERMISSION, four eyes), locks the application, moves it
through the transition table and writes the event and the audit row. So the page opens no transaction of
its own; a refusal (ApplicationError) comes back as the form's error, never a 500.

Only staff holding REVIEW_PERMISSION (Hardship reviewers and approvers) see applications at all; the
policy is changed by those holding change_hardshippolicy (Hardship approvers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

import loanmath
from accounts.models import User
from borrowers import selectors as loan_selectors
from budget.forms import BudgetForm
from budget.selectors import budget_guidelines
from core.admin import AuditedModelAdmin, admin_page
from core.admin_readonly import ReadOnlyAdminMixin
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from hardship import services
from hardship.forms_admin import (
    OPTION_KIND_LABELS,
    InformationRequestForm,
    OfferApproveForm,
    OfferDeclineForm,
    OfferForm,
    RejectForm,
    StartReviewForm,
)
from hardship.models import (
    Application,
    ApplicationEvent,
    Evidence,
    HardshipPolicy,
    Message,
    Offer,
)
from hardship.rules import APPROVE_PERMISSION, REJECTION_REASON_LABELS, REVIEW_PERMISSION, TRANSITIONS
from hardship.selectors import statement_figures
from hardship.views import evidence_response
from loanmath import ZERO

Status = Application.Status
LOANS_WITH_US = "loans_with_us"  # the budget's line for repayments to us (not counted against the offer)
SECTION_LABELS = {
    "income": gettext_lazy("Income"),
    "fixed": gettext_lazy("Fixed costs"),
    "flexible": gettext_lazy("Flexible costs"),
    "savings": gettext_lazy("Savings"),
    "debt": gettext_lazy("Debt repayments"),
}
# Waiting on staff: what the answer-by date (the service level) is about.
WAITING_ON_STAFF = (Status.SUBMITTED, Status.IN_REVIEW)

START_REVIEW = "start_review"
REQUEST_INFORMATION = "request_information"
OFFER_PREVIEW = "offer_preview"
OFFER_MAKE = "offer_make"
OFFER_APPROVE = "offer_approve"
OFFER_DECLINE = "offer_decline"
REJECT = "reject"

FORM_CLASSES: dict[str, type[forms.Form]] = {
    START_REVIEW: StartReviewForm,
    REQUEST_INFORMATION: InformationRequestForm,
    OFFER_MAKE: OfferForm,
    OFFER_APPROVE: OfferApproveForm,
    OFFER_DECLINE: OfferDeclineForm,
    REJECT: RejectForm,
}


def _staff(request: HttpRequest) -> User:
    """The member of staff on an admin page (admin_view lets only active staff in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _is_reviewer(request: HttpRequest) -> bool:
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


def _terms_or_none(data: dict[str, Any]) -> loanmath.OptionTerms | None:
    if not data:
        return None
    try:
        return loanmath.OptionTerms.from_dict(data)
    except (loanmath.InvalidInputError, KeyError, ValueError):
        return None


# --- what the review page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    label: str
    section: str
    amount: Decimal
    note: str


@dataclass(frozen=True)
class Statement:
    rows: tuple[StatementRow, ...]
    total_income: Decimal
    total_fixed: Decimal
    total_flexible: Decimal
    total_savings: Decimal
    other_debts: Decimal  # debt repayments other than the loans with us
    loans_with_us: Decimal
    affordable: Decimal  # income − fixed − flexible − savings − other debts' repayments


@dataclass(frozen=True)
class ActionPanel:
    """One action form of the review page with its buttons: (action, label, is the default)."""

    form: forms.Form
    legend: str
    buttons: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class OptionTotal:
    """One plan summed over the application's loans."""

    label: str
    monthly_payment: Decimal
    end_date: date | None
    total_to_pay: Decimal
    given_up: Decimal
    affordable: bool | None
    plans: tuple[tuple[str, loanmath.RestructurePlan], ...]  # (loan reference, plan)


def statement_of(application: Application) -> Statement:
    lines = list(application.statement_lines.all())
    amounts = {line.category: line.amount for line in lines}
    # The borrower's own figures (hardship.selectors.statement_figures), so staff and borrower read one sum.
    figures = statement_figures(amounts=amounts, guidelines=budget_guidelines())
    summary = figures.results.summary
    loans_with_us = amounts.get(LOANS_WITH_US, ZERO)
    other_debts = figures.other_debt_repayments
    # The budget form's labels (budget.models is budget's own); building the form makes no query.
    labels = {name: field.label for name, field in BudgetForm(guidelines={}).fields.items()}
    return Statement(
        rows=tuple(
            StatementRow(
                label=str(labels.get(line.category, line.category)),
                section=str(SECTION_LABELS.get(line.section, line.section)),
                amount=line.amount,
                note=line.note,
            )
            for line in lines
        ),
        total_income=summary.total_income,
        total_fixed=summary.total_fixed,
        total_flexible=summary.total_flexible,
        total_savings=summary.total_savings,
        other_debts=other_debts,
        loans_with_us=loans_with_us,
        affordable=figures.left_for_loans,
    )


def option_totals(
    plans_by_loan: list[tuple[str, list[loanmath.RestructurePlan]]], affordable: Decimal
) -> list[OptionTotal]:
    """The generated options, one row per kind, summed over the loans (each loan's plan kept)."""
    by_kind: dict[str, list[tuple[str, loanmath.RestructurePlan]]] = {}
    for reference, plans in plans_by_loan:
        for plan in plans:
            by_kind.setdefault(plan.terms.kind.value, []).append((reference, plan))
    totals = []
    for entries in by_kind.values():
        plans = [plan for _ref, plan in entries]
        monthly = sum((p.monthly_payment for p in plans), ZERO)
        ends = [p.end_date for p in plans if p.end_date is not None]
        totals.append(
            OptionTotal(
                label=terms_label(plans[0].terms),
                monthly_payment=monthly,
                end_date=max(ends) if ends else None,
                total_to_pay=sum((p.total_to_pay for p in plans), ZERO),
                given_up=sum((p.given_up for p in plans), ZERO),
                affordable=monthly <= affordable,
                plans=tuple(entries),
            )
        )
    return totals


def plans_total(plans: list[loanmath.RestructurePlan], references: list[str]) -> OptionTotal:
    ends = [p.end_date for p in plans if p.end_date is not None]
    return OptionTotal(
        label=terms_label(plans[0].terms),
        monthly_payment=sum((p.monthly_payment for p in plans), ZERO),
        end_date=max(ends) if ends else None,
        total_to_pay=sum((p.total_to_pay for p in plans), ZERO),
        given_up=services.amount_given_up(plans),
        affordable=None,
        plans=tuple(zip(references, plans, strict=False)),
    )


def _plans_for(application: Application, terms: loanmath.OptionTerms | None) -> OptionTotal | None:
    """The terms worked out on the application's loans, or None when they cannot be."""
    if terms is None:
        return None
    try:
        plans = services.offer_plans(application=application, terms=terms)
    except ApplicationError:
        return None
    return plans_total(plans, _restructurable_references(application))


def _restructurable_references(application: Application) -> list[str]:
    """The references of the loans offer_plans works out, in its order (by reference; those with nothing
    left to restructure left out)."""
    return [
        loan.reference
        for loan in loan_selectors.restructure_loans(loan_ids=_loan_ids(application))
        if loan.position is not None
    ]


def _loan_ids(application: Application) -> list[int]:
    return [row.loan_id for row in application.loans.all()]


# --- the queue -----------------------------------------------------------------------------------------


class ServiceLevelFilter(admin.SimpleListFilter):
    title = gettext_lazy("service level")
    parameter_name = "service_level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("past", gettext_lazy("Past the answer-by date")), ("within", gettext_lazy("Within it"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        late = Q(status__in=WAITING_ON_STAFF, answer_due_on__lt=business_date_today())
        if self.value() == "past":
            return queryset.filter(late)
        if self.value() == "within":
            return queryset.exclude(late)
        return queryset


class _ReadOnlyInline(admin.TabularInline[Any, Application]):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OfferInline(_ReadOnlyInline):
    model = Offer
    fields = ("status", "terms_shown", "given_up", "note", "made_by", "made_at", "approved_by", "approved_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("terms"))
    def terms_shown(self, obj: Offer) -> str:
        terms = _terms_or_none(obj.terms)
        return terms_label(terms) if terms is not None else "—"


class MessageInline(_ReadOnlyInline):
    model = Message
    fields = ("created_at", "from_staff", "author", "body")
    readonly_fields = fields


class EvidenceInline(_ReadOnlyInline):
    model = Evidence
    fields = ("original_name", "content_type", "size", "uploaded_at", "download")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("download"))
    def download(self, obj: Evidence) -> str:
        url = reverse("admin:hardship_application_evidence", args=[obj.application_id, obj.token])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class ApplicationEventInline(_ReadOnlyInline):
    model = ApplicationEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Application]):
    """The queue: waiting on staff first, the earliest answer-by date first. Read here; acted on on the
    review page."""

    list_display = (
        "reference_link",
        "borrower",
        "status",
        "submitted_at",
        "age_days",
        "answer_due_on",
        "service_level",
        "repeat_flag",
        "loan_references",
    )
    list_display_links = None
    list_filter = ("status", ServiceLevelFilter, "repeat_forbearance")
    search_fields = ("reference",)
    search_help_text = gettext_lazy("Search by the application's reference (HA-…).")
    list_select_related = ("user",)
    actions = None
    show_full_result_count = False
    fields = (
        "review_link",
        "reference",
        "user",
        "status",
        "reason",
        "reason_text",
        "duration",
        "chosen_shown",
        "staff_to_propose",
        "submitted_at",
        "answer_due_on",
        "breathing_space_through",
        "information_due_on",
        "offer_expires_on",
        "decided_at",
        "rejection_reasons_shown",
        "rejection_note",
        "repeat_forbearance",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = [OfferInline, MessageInline, EvidenceInline, ApplicationEventInline]

    # --- who sees it --------------------------------------------------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_reviewer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_reviewer(request) and super().has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return super().get_queryset(request).prefetch_related("loans__loan")

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        queue = Case(
            When(status__in=WAITING_ON_STAFF, then=Value(0)),
            When(status__in=Application.OPEN, then=Value(1)),
            default=Value(2),
        )
        return [queue, "answer_due_on", "submitted_at", "pk"]

    # --- columns ------------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("reference"), ordering="reference")
    def reference_link(self, obj: Application) -> str:
        return format_html('<a href="{}">{}</a>', self.review_url(obj), obj.reference)

    @admin.display(description=gettext_lazy("borrower"), ordering="user__email")
    def borrower(self, obj: Application) -> str:
        return obj.user.email

    @admin.display(description=gettext_lazy("age (days)"), ordering="submitted_at")
    def age_days(self, obj: Application) -> str:
        if obj.submitted_at is None:
            return "—"
        return str((business_date_today() - timezone.localdate(obj.submitted_at)).days)

    @admin.display(description=gettext_lazy("past service level"))
    def service_level(self, obj: Application) -> str:
        if past_service_level(obj, business_date_today()):
            return format_html('<strong class="hardship-late">{}</strong>', _("Past due"))
        return ""

    @admin.display(description=gettext_lazy("repeat forbearance"), ordering="repeat_forbearance")
    def repeat_flag(self, obj: Application) -> str:
        if obj.repeat_forbearance:
            return format_html('<strong class="hardship-repeat">{}</strong>', _("Repeat"))
        return ""

    @admin.display(description=gettext_lazy("loans"))
    def loan_references(self, obj: Application) -> str:
        return ", ".join(sorted(row.loan.reference for row in obj.loans.all()))

    @admin.display(description=gettext_lazy("review"))
    def review_link(self, obj: Application) -> str:
        return format_html('<a href="{}">{}</a>', self.review_url(obj), _("Open the review page"))

    @admin.display(description=gettext_lazy("option chosen"))
    def chosen_shown(self, obj: Application) -> str:
        terms = _terms_or_none(obj.chosen_terms)
        if terms is None:
            return _("Asks staff to propose") if obj.staff_to_propose else "—"
        return terms_label(terms)

    @admin.display(description=gettext_lazy("reasons"))
    def rejection_reasons_shown(self, obj: Application) -> str:
        return ", ".join(str(REJECTION_REASON_LABELS.get(r, r)) for r in obj.rejection_reasons) or "—"

    # --- the review page ----------------------------------------------------------------------------

    def review_url(self, obj: Application) -> str:
        return reverse(f"{self.admin_site.name}:hardship_application_review", args=[obj.pk])

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:application_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="hardship_application_review",
            ),
            path(
                "<int:application_id>/evidence/<str:token>/",
                self.admin_site.admin_view(require_GET(self.evidence_view)),
                name="hardship_application_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request: HttpRequest, application_id: int, token: str) -> HttpResponse:
        """A document as an attachment (hardship.views.evidence_response: its checked type, nosniff)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = get_object_or_404(Evidence, application_id=application_id, token=token)
        return evidence_response(item)

    def available_actions(self, request: HttpRequest, application: Application) -> set[str]:
        """The actions that apply to the application's status and to this member of staff."""
        if not _is_reviewer(request):
            return set()
        status = application.status
        awaiting = any(o.status == Offer.Status.AWAITING_APPROVAL for o in application.offers.all())
        allowed = set()
        if status in TRANSITIONS["start_review"].sources:
            allowed.add(START_REVIEW)
        if status in TRANSITIONS["request_information"].sources:
            allowed.add(REQUEST_INFORMATION)
        if status in TRANSITIONS["offer"].sources and not awaiting:
            allowed |= {OFFER_MAKE, OFFER_PREVIEW}
        if awaiting and request.user.has_perm(APPROVE_PERMISSION):
            allowed |= {OFFER_APPROVE, OFFER_DECLINE}
        if status in TRANSITIONS["reject"].sources:
            allowed.add(REJECT)
        return allowed

    def _calls(
        self, request: HttpRequest, application: Application, data: dict[str, Any]
    ) -> dict[str, Callable[[], str]]:
        staff = _staff(request)
        awaiting = application.offers.filter(status=Offer.Status.AWAITING_APPROVAL).first()

        def start() -> str:
            services.review_start(application_id=application.pk, staff=staff)
            return _("Review started.")

        def ask() -> str:
            services.information_request(application_id=application.pk, staff=staff, message=data["message"])
            return _("The borrower has been asked for information.")

        def offer() -> str:
            made = services.offer_make(
                application_id=application.pk, staff=staff, terms=data["terms"], note=data["note"]
            )
            if made.status == Offer.Status.AWAITING_APPROVAL:
                return _("The offer gives up more than the threshold: it waits for a second approver.")
            return _("The offer has been made to the borrower.")

        def approve() -> str:
            if awaiting is None:
                raise ApplicationError(_("This offer is not waiting for approval."))
            services.offer_approve(offer_id=awaiting.pk, approver=staff)
            return _("Offer approved: the borrower can now see it.")

        def decline() -> str:
            if awaiting is None:
                raise ApplicationError(_("This offer is not waiting for approval."))
            services.offer_decline(offer_id=awaiting.pk, approver=staff, note=data["decline_note"])
            return _("Offer not approved; the application stays in review.")

        def reject() -> str:
            services.application_reject(
                application_id=application.pk,
                staff=staff,
                reasons=data["reasons"],
                note=data["rejection_note"],
            )
            return _("The application has been rejected.")

        return {
            START_REVIEW: start,
            REQUEST_INFORMATION: ask,
            OFFER_MAKE: offer,
            OFFER_APPROVE: approve,
            OFFER_DECLINE: decline,
            REJECT: reject,
        }

    def review_view(self, request: HttpRequest, application_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = get_object_or_404(
            Application.objects.select_related("user").prefetch_related("loans", "offers"),
            pk=application_id,
        )
        bound: dict[str, forms.Form] = {}
        preview: OptionTotal | None = None
        if request.method == "POST":
            action = request.POST.get("action", "")
            form_action = OFFER_MAKE if action == OFFER_PREVIEW else action
            if form_action not in FORM_CLASSES:
                messages.error(request, _("Unknown action."))
                return HttpResponseRedirect(self.review_url(application))
            # An action the page does not show is still handed to its service, which refuses it with a
            # message the staff member can read (the service, not this page, is the guard).
            form = FORM_CLASSES[form_action](request.POST, prefix=form_action)
            bound[form_action] = form
            if form.is_valid() and action == OFFER_PREVIEW:
                try:
                    if OFFER_PREVIEW not in self.available_actions(request, application):
                        raise ApplicationError(_("An offer cannot be made on this application now."))
                    plans = services.offer_plans(application=application, terms=form.cleaned_data["terms"])
                except ApplicationError as refused:
                    form.add_error(None, refused.message)
                else:
                    preview = plans_total(plans, _restructurable_references(application))
            elif form.is_valid():
                try:
                    done = self._calls(request, application, form.cleaned_data)[action]()
                except ApplicationError as refused:
                    form.add_error(None, refused.message)
                else:
                    self.message_user(request, done, messages.SUCCESS)
                    return HttpResponseRedirect(self.review_url(application))
        return self._review_page(request, application, bound, preview)

    @staticmethod
    def _hidden_refusals(bound: dict[str, forms.Form], actions: set[str]) -> list[str]:
        """The refusals of an action whose form the page does not show (an approval the user may not
        give, a status that moved): shown at the top instead."""
        return [
            str(error)
            for action, form in bound.items()
            if action not in actions
            for error in form.non_field_errors()
        ]

    def _panels(
        self, actions: set[str], form: Callable[..., forms.Form], application: Application
    ) -> list[ActionPanel]:
        """The forms of the actions that apply, in the order of the workflow."""
        spec: dict[str, tuple[str, tuple[tuple[str, str, bool], ...], dict[str, Any]]] = {
            START_REVIEW: (
                _("Start the review"),
                ((START_REVIEW, str(TRANSITIONS["start_review"].label), True),),
                {},
            ),
            REQUEST_INFORMATION: (
                _("Ask the borrower for information"),
                ((REQUEST_INFORMATION, str(TRANSITIONS["request_information"].label), False),),
                {},
            ),
            OFFER_MAKE: (
                _("Make an offer"),
                ((OFFER_PREVIEW, _("Preview"), False), (OFFER_MAKE, str(TRANSITIONS["offer"].label), True)),
                OfferForm.initial_from(application.chosen_terms),
            ),
            OFFER_APPROVE: (_("Second approval"), ((OFFER_APPROVE, _("Approve the offer"), True),), {}),
            OFFER_DECLINE: (
                _("Do not approve"),
                ((OFFER_DECLINE, _("Do not approve the offer"), False),),
                {},
            ),
            REJECT: (_("Reject the application"), ((REJECT, str(TRANSITIONS["reject"].label), False),), {}),
        }
        panels = []
        for action in PANEL_ORDER:
            if action in actions:
                legend, buttons, initial = spec[action]
                panels.append(ActionPanel(form=form(action, **initial), legend=legend, buttons=buttons))
        return panels

    def _review_page(
        self,
        request: HttpRequest,
        application: Application,
        bound: dict[str, forms.Form],
        preview: OptionTotal | None,
    ) -> TemplateResponse:
        today = business_date_today()
        statement = statement_of(application)
        loans = loan_selectors.restructure_loans(loan_ids=_loan_ids(application))
        plans_by_loan = []
        for loan in loans:
            if loan.position is None:
                continue
            try:
                plans_by_loan.append(
                    (loan.reference, list(loanmath.restructure_options(position=loan.position)))
                )
            except loanmath.LoanMathError:
                continue
        chosen = _terms_or_none(application.chosen_terms)
        actions = self.available_actions(request, application)
        offers = list(application.offers.select_related("made_by", "approved_by"))
        awaiting = next((o for o in offers if o.status == Offer.Status.AWAITING_APPROVAL), None)

        def form(action: str, **initial: Any) -> forms.Form:
            return bound.get(action) or FORM_CLASSES[action](prefix=action, initial=initial or None)

        return admin_page(
            self,
            request,
            "admin/hardship/application/review.html",
            title=_("Review application %(reference)s") % {"reference": application.reference},
            original=application,
            application=application,
            today=today,
            past_service_level=past_service_level(application, today),
            statement=statement,
            loans=loans,
            options=option_totals(plans_by_loan, statement.affordable),
            chosen=chosen,
            chosen_label=terms_label(chosen) if chosen is not None else "",
            chosen_plans=_plans_for(application, chosen),
            earlier_applications=list(
                Application.objects.filter(user_id=application.user_id)
                .exclude(pk=application.pk)
                .order_by("-created_at")
            ),
            evidence=list(application.evidence.all()),
            application_messages=list(application.messages.select_related("author")),
            events=list(application.events.select_related("actor")),
            offers=[(o, terms_label(t) if (t := _terms_or_none(o.terms)) else "—") for o in offers],
            awaiting=awaiting,
            awaiting_label=terms_label(t) if awaiting and (t := _terms_or_none(awaiting.terms)) else "",
            # Read only (hardship_policy() would create the row on a GET).
            threshold=(
                HardshipPolicy.objects.filter(pk=1).first() or HardshipPolicy()
            ).second_approval_threshold,
            actions=actions,
            panels=self._panels(actions, form, application),
            refusals=self._hidden_refusals(bound, actions),
            preview=preview,
            reason_labels=REJECTION_REASON_LABELS,
        )


PANEL_ORDER = (START_REVIEW, REQUEST_INFORMATION, OFFER_MAKE, OFFER_APPROVE, OFFER_DECLINE, REJECT)


@admin.register(HardshipPolicy)
class HardshipPolicyAdmin(AuditedModelAdmin[HardshipPolicy]):
    """One row (pk 1): changed by Hardship approvers, never added a second time or deleted."""

    list_display = (
        "__str__",
        "service_level_working_days",
        "breathing_space_days",
        "second_approval_threshold",
        "updated_at",
    )
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: HardshipPolicy, form: Any, change: bool) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)

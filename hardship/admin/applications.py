"""The queue of hardship applications and each application's review page, whose actions call the services.

Applications are never added, edited or deleted here. Staff act on one on its review page
(`<id>/review/`): each action is a small POST form that calls one hardship.services entry point, which
checks the right again (REVIEW_PERMISSION, APPROVE_PERMISSION, four eyes), locks the application, moves it
through the transition table and writes the event and the audit row. So the page opens no transaction of
its own; a refusal (ApplicationError) comes back as the form's error, never a 500.
"""

from collections.abc import Callable
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
from borrowers import selectors as loan_selectors
from core.admin import admin_page
from core.admin_readonly import ReadOnlyAdminMixin
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from hardship import services
from hardship.admin.common import (
    WAITING_ON_STAFF,
    is_reviewer,
    past_service_level,
    staff_user,
    terms_label,
    terms_or_none,
)
from hardship.admin.policy import ApplicationEventInline, EvidenceInline, MessageInline, OfferInline
from hardship.admin.review import (
    FORM_CLASSES,
    OFFER_APPROVE,
    OFFER_DECLINE,
    OFFER_MAKE,
    OFFER_PREVIEW,
    REJECT,
    REQUEST_INFORMATION,
    START_REVIEW,
    ActionPanel,
    OptionTotal,
    action_panels,
    hidden_refusals,
    loan_ids,
    option_totals,
    plans_for,
    plans_total,
    restructurable_references,
    statement_of,
)
from hardship.models import Application, Evidence, HardshipPolicy, Offer
from hardship.rules import APPROVE_PERMISSION, REJECTION_REASON_LABELS, TRANSITIONS
from hardship.views.files import evidence_response


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
        return is_reviewer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_reviewer(request) and super().has_view_permission(request, obj)

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
        # Never below 0 (a demo can pin the business date before the day it was really sent).
        return str(max(0, (business_date_today() - timezone.localdate(obj.submitted_at)).days))

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
        terms = terms_or_none(obj.chosen_terms)
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
        if not is_reviewer(request):
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
        staff = staff_user(request)
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
                    preview = plans_total(plans, restructurable_references(application))
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
        """The refusals of an action whose form the page does not show (hardship.admin.review)."""
        return hidden_refusals(bound, actions)

    def _panels(
        self, actions: set[str], form: Callable[..., forms.Form], application: Application
    ) -> list[ActionPanel]:
        """The forms of the actions that apply, in the order of the workflow (hardship.admin.review)."""
        return action_panels(actions, form, application)

    def _review_page(
        self,
        request: HttpRequest,
        application: Application,
        bound: dict[str, forms.Form],
        preview: OptionTotal | None,
    ) -> TemplateResponse:
        today = business_date_today()
        statement = statement_of(application)
        loans = loan_selectors.restructure_loans(loan_ids=loan_ids(application))
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
        chosen = terms_or_none(application.chosen_terms)
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
            chosen_plans=plans_for(application, chosen),
            earlier_applications=list(
                Application.objects.filter(user_id=application.user_id)
                .exclude(pk=application.pk)
                .order_by("-created_at")
            ),
            evidence=list(application.evidence.all()),
            application_messages=list(application.messages.select_related("author")),
            events=list(application.events.select_related("actor")),
            offers=[(o, terms_label(t) if (t := terms_or_none(o.terms)) else "—") for o in offers],
            awaiting=awaiting,
            awaiting_label=terms_label(t) if awaiting and (t := terms_or_none(awaiting.terms)) else "",
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

"""The staff backend for borrowers' money.

Money moves only through the services: a loan is booked by `loan_create`, a payment by `payment_record`,
a file by the import. So loans, payments and the ledger have no editable admin form at all; their "add"
pages are small forms that call the service and show its refusal as a form error. Everything else
(policies, products, borrowers) is edited directly, and every change writes an audit row
(core.admin.AuditedModelAdmin).
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from borrowers import imports, services
from borrowers.admin_profiles import PhoneLast4SearchMixin
from borrowers.forms_admin import ImportUploadForm, LoanBookForm, PaymentRecordForm
from borrowers.models import (
    ImportJob,
    Instalment,
    LedgerEntry,
    Loan,
    LoanProduct,
    Milestone,
    OverduePolicy,
    Payment,
)
from core.admin import AuditedModelAdmin, service_form_page
from core.exceptions import ApplicationError
from core.services import audit_record
from core.templatetags.money import money

# The longest report a page lists; a file refused on every one of 50,000 rows is summarised after this.
REPORT_LINES_SHOWN = 1000


class NeverEditedMixin:
    """Shown, never changed or deleted through the admin, whoever is asking (superusers too)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- policy and products -----------------------------------------------------------------------


class MilestoneInline(admin.TabularInline[Milestone, OverduePolicy]):
    model = Milestone
    extra = 0
    fields = ("day", "kind", "text_zh_hans", "text_en")


@admin.register(OverduePolicy)
class OverduePolicyAdmin(AuditedModelAdmin[OverduePolicy]):
    list_display = (
        "name",
        "grace_days",
        "late_fee_flat",
        "late_fee_rate",
        "penalty_rate",
        "day_count",
        "annual_cost_cap",
    )
    search_fields = ("name",)
    inlines = [MilestoneInline]

    def save_model(self, request: HttpRequest, obj: OverduePolicy, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and form.changed_data:
                # New terms apply from the next day; days already charged keep the old terms.
                services.penalty_periods_restart(policy_id=obj.pk)


@admin.register(LoanProduct)
class LoanProductAdmin(AuditedModelAdmin[LoanProduct]):
    list_display = (
        "code",
        "name_zh_hans",
        "name_en",
        "annual_rate",
        "method",
        "term_months",
        "overdue_policy",
    )
    list_filter = ("method", "overdue_policy")
    search_fields = ("code", "name_zh_hans", "name_en")
    list_select_related = ("overdue_policy",)

    def save_model(self, request: HttpRequest, obj: LoanProduct, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and "overdue_policy" in form.changed_data:
                services.penalty_periods_restart(product_id=obj.pk)


# --- borrowers: borrowers/admin_profiles.py ------------------------------------------------------


# --- loans -------------------------------------------------------------------------------------


class InstalmentInline(NeverEditedMixin, admin.TabularInline[Instalment, Loan]):
    model = Instalment
    extra = 0
    can_delete = False
    fields = (
        "number",
        "due_date",
        "principal",
        "interest",
        "interest_billed",
        "principal_paid",
        "interest_paid",
        "fees_charged",
        "fees_paid",
        "penalty_charged",
        "penalty_paid",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Loan)
class LoanAdmin(PhoneLast4SearchMixin, NeverEditedMixin, admin.ModelAdmin[Loan]):
    """Loans are booked by import or by the add form here (services.loan_create); after that, only the
    ledger changes them, so their page is read-only."""

    change_form_template = "admin/borrowers/loan/change_form.html"
    list_display = (
        "reference",
        "borrower",
        "product",
        "total_balance_display",
        "days_past_due",
        "bucket",
        "status",
    )
    list_filter = ("bucket", "status", "product")
    # The borrower's phone matches only by exactly its last 4 digits (see admin_profiles).
    phone_path = "borrower__phone"
    search_fields = ("reference", "borrower__customer_number")
    list_select_related = ("borrower", "product")
    inlines = [InstalmentInline]
    fieldsets = (
        (None, {"fields": ("reference", "borrower", "product", "status")}),
        (
            gettext_lazy("Terms"),
            {
                "fields": (
                    "principal",
                    "annual_rate",
                    "term_months",
                    "method",
                    "disbursed_on",
                    "first_due_date",
                )
            },
        ),
        (
            gettext_lazy("Owed now"),
            {
                "fields": (
                    "principal_balance",
                    "interest_balance",
                    "fee_balance",
                    "penalty_balance",
                    "total_balance_display",
                    "days_past_due",
                    "bucket",
                    "closed_through",
                )
            },
        ),
        (pgettext_lazy("loan admin", "History"), {"fields": ("ledger", "payments")}),
    )
    readonly_fields = ("total_balance_display", "ledger", "payments")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Loan]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                owed=F("principal_balance") + F("interest_balance") + F("fee_balance") + F("penalty_balance")
            )
        )

    @admin.display(description=gettext_lazy("total owed"), ordering="owed")
    def total_balance_display(self, obj: Loan) -> str:
        return money(obj.total_balance)

    @staticmethod
    def _filtered_list(changelist: str, loan: Loan, label: str) -> str:
        """A link to another admin list, filtered to this loan."""
        return format_html('<a href="{}?loan__id__exact={}">{}</a>', reverse(changelist), loan.pk, label)

    @admin.display(description=gettext_lazy("ledger"))
    def ledger(self, obj: Loan) -> str:
        count = obj.ledger_entries.count()
        label = ngettext("%(count)d entry", "%(count)d entries", count) % {"count": count}
        return self._filtered_list("admin:borrowers_ledgerentry_changelist", obj, label)

    @admin.display(description=gettext_lazy("payments"))
    def payments(self, obj: Loan) -> str:
        count = obj.payments.count()
        label = ngettext("%(count)d payment", "%(count)d payments", count) % {"count": count}
        return self._filtered_list("admin:borrowers_payment_changelist", obj, label)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_record_payment": request.user.has_perm("borrowers.add_payment"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LoanBookForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    loan = services.loan_create(
                        reference=data["reference"],
                        borrower=data["customer_number"],
                        product=data["product"],
                        principal=data["principal"],
                        disbursed_on=data["disbursed_on"],
                        first_due_date=data["first_due_date"],
                    )
                    # loan_create writes no audit row of its own; a loan booked by hand must have one.
                    audit_record(
                        action="loan.booked",
                        actor=request.user,
                        target=loan,
                        data={
                            "reference": loan.reference,
                            "principal": str(loan.principal),
                            "source": "admin",
                        },
                        request=request,
                    )
                    self.log_addition(request, loan, [{"added": {}}])
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request, _("Loan %(reference)s booked.") % {"reference": loan.reference}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:borrowers_loan_change", args=[loan.pk]))
        return service_form_page(self, request, form, title=_("Book a loan"), submit_label=_("Book the loan"))


@admin.register(LedgerEntry)
class LedgerEntryAdmin(NeverEditedMixin, admin.ModelAdmin[LedgerEntry]):
    """The ledger is append-only: entries are written by the services, never added, edited or deleted here."""

    list_display = (
        "loan",
        "business_date",
        "kind",
        "instalment_number",
        "principal",
        "interest",
        "fees",
        "penalty",
        "payment",
        "note",
    )
    list_filter = ("kind", "business_date")
    search_fields = ("=loan__reference",)
    date_hierarchy = "business_date"
    list_select_related = ("loan", "instalment", "payment")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=gettext_lazy("instalment"), ordering="instalment__number")
    def instalment_number(self, obj: LedgerEntry) -> str:
        return str(obj.instalment.number) if obj.instalment else "—"


# --- payments ----------------------------------------------------------------------------------


class AllocationInline(NeverEditedMixin, admin.TabularInline[LedgerEntry, Payment]):
    """How the payment was allocated: its ledger lines, by instalment."""

    model = LedgerEntry
    fk_name = "payment"
    extra = 0
    can_delete = False
    verbose_name = gettext_lazy("allocation")
    verbose_name_plural = gettext_lazy("allocation")
    fields = ("instalment", "business_date", "principal", "interest", "fees", "penalty")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(PhoneLast4SearchMixin, NeverEditedMixin, admin.ModelAdmin[Payment]):
    """A payment is recorded once, by services.payment_record, and never edited or deleted afterwards."""

    list_display = (
        "receipt_number",
        "loan",
        "amount",
        "unapplied",
        "paid_on",
        "source",
        "recorded_by",
        "created_at",
    )
    list_filter = ("source", "paid_on")
    phone_path = "loan__borrower__phone"  # exactly the last 4 digits (see admin_profiles)
    search_fields = ("=receipt_number", "=loan__reference")
    date_hierarchy = "paid_on"
    list_select_related = ("loan", "recorded_by")
    inlines = [AllocationInline]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PaymentRecordForm(
            request.POST if request.method == "POST" else None,
            initial={"loan": request.GET.get("loan", "")},
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    # payment_record writes its own audit row (payment.recorded) in this transaction.
                    payment = services.payment_record(
                        loan_id=data["loan"].pk,
                        receipt_number=data["receipt_number"],
                        amount=data["amount"],
                        paid_on=data["paid_on"],
                        recorded_by=request.user,
                        source="admin",
                    )
                    self.log_addition(request, payment, [{"added": {}}])
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request,
                    _("Payment %(receipt)s of %(amount)s recorded and allocated.")
                    % {"receipt": payment.receipt_number, "amount": money(payment.amount)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:borrowers_payment_change", args=[payment.pk]))
        return service_form_page(
            self, request, form, title=_("Record a payment"), submit_label=_("Record and allocate")
        )


# --- imports -----------------------------------------------------------------------------------


def import_progress_context(job: ImportJob) -> dict[str, Any]:
    in_progress = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    return {
        "job": job,
        "in_progress": in_progress,
        "checking": job.status == ImportJob.Status.RUNNING and job.rows_done < job.rows_total,
        "rows_skipped": job.rows_total - job.rows_imported if job.status == ImportJob.Status.SUCCEEDED else 0,
        "report_shown": job.report[:REPORT_LINES_SHOWN],
        "report_hidden": max(len(job.report) - REPORT_LINES_SHOWN, 0),
    }


@admin.register(ImportJob)
class ImportJobAdmin(NeverEditedMixin, admin.ModelAdmin[ImportJob]):
    """Upload a CSV file; a Celery task checks and imports it. The page follows its progress."""

    change_form_template = "admin/borrowers/importjob/change_form.html"
    list_display = (
        "id",
        "kind",
        "original_name",
        "status",
        "rows_total",
        "rows_imported",
        "uploaded_by",
        "created_at",
    )
    list_display_links = ("id", "original_name")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "=sha256")
    list_select_related = ("uploaded_by",)
    # The file itself is not listed: it is private (never served), and holds national ID numbers.
    fields = ("kind", "original_name", "status", "uploaded_by", "created_at", "finished_at", "sha256")

    def get_urls(self) -> list[URLPattern]:
        progress = path(
            "<int:object_id>/progress/",
            self.admin_site.admin_view(self.progress_view),
            name="borrowers_importjob_progress",
        )
        return [progress, *super().get_urls()]

    def progress_view(self, request: HttpRequest, object_id: int) -> TemplateResponse:
        job = get_object_or_404(ImportJob, pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return TemplateResponse(
            request, "admin/borrowers/importjob/progress.html", import_progress_context(job)
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        job = self.get_object(request, object_id)
        if job is not None:
            extra_context = {**(extra_context or {}), **import_progress_context(job)}
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                job = imports.import_job_create(
                    kind=form.cleaned_data["kind"],
                    content=upload,
                    original_name=upload.name or "",
                    uploaded_by=request.user,
                )
                self.log_addition(request, job, [{"added": {}}])
            self.message_user(
                request,
                _("File uploaded as import #%(id)d; it is checked, then imported, in the background.")
                % {"id": job.pk},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:borrowers_importjob_change", args=[job.pk]))
        return service_form_page(self, request, form, title=_("Import a CSV file"), submit_label=_("Upload"))


from borrowers import admin_budget  # noqa: E402,F401

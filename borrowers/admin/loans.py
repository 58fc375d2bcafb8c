"""Loans: booked by import or by the add form here (services.loan_create), then only read."""

from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from borrowers import services
from borrowers.admin.common import NeverEditedMixin, staff_user
from borrowers.admin.profiles import PhoneLast4SearchMixin
from borrowers.forms_admin import LoanBookForm
from borrowers.models import Instalment, Loan
from core.admin_service import ServiceAddViewMixin
from core.templatetags.money import money


class InstalmentInline(NeverEditedMixin, admin.TabularInline[Instalment, Loan]):
    model = Instalment
    extra = 0
    can_delete = False
    fields = ("number", "due_date", "principal", "interest", *Instalment.LEDGER_TOTALS)
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Loan)
class LoanAdmin(PhoneLast4SearchMixin, NeverEditedMixin, ServiceAddViewMixin[Loan]):
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
    # The borrower's phone matches only by exactly its last 4 digits (see borrowers.admin.profiles).
    phone_path = "borrower__phone"
    search_fields = ("reference", "borrower__customer_number")
    list_select_related = ("borrower", "product")
    inlines = [InstalmentInline]
    fieldsets = (
        (None, {"fields": ("reference", "borrower", "product", "status")}),
        (gettext_lazy("Terms"), {"fields": Loan.TERMS}),
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

    service_form_class = LoanBookForm
    service_title = gettext_lazy("Book a loan")
    service_submit_label = gettext_lazy("Book the loan")

    def service_call(self, request: HttpRequest, data: dict[str, Any]) -> Loan:
        # loan_create writes the audit row (loan.booked) of a loan booked by hand.
        return services.loan_create(
            reference=data["reference"],
            borrower=data["customer_number"],
            product=data["product"],
            principal=data["principal"],
            disbursed_on=data["disbursed_on"],
            first_due_date=data["first_due_date"],
            booked_by=staff_user(request),
            request=request,
        )

    def service_done_message(self, obj: Loan) -> str:
        return _("Loan %(reference)s booked.") % {"reference": obj.reference}

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

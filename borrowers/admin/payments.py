"""Payments: recorded once, by the add form here or an import (services.payment_record), then only read."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borrowers import services
from borrowers.admin.common import NeverEditedMixin, staff_user
from borrowers.admin.profiles import PhoneLast4SearchMixin
from borrowers.forms_admin import PaymentRecordForm
from borrowers.models import LedgerEntry, Payment
from core.admin_service import ServiceAddViewMixin
from core.templatetags.money import money


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
class PaymentAdmin(PhoneLast4SearchMixin, NeverEditedMixin, ServiceAddViewMixin[Payment]):
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
    phone_path = "loan__borrower__phone"  # exactly the last 4 digits (see borrowers.admin.profiles)
    search_fields = ("=receipt_number", "=loan__reference")
    date_hierarchy = "paid_on"
    list_select_related = ("loan", "recorded_by")
    inlines = [AllocationInline]

    service_form_class = PaymentRecordForm
    service_title = gettext_lazy("Record a payment")
    service_submit_label = gettext_lazy("Record and allocate")

    def service_form_initial(self, request: HttpRequest) -> dict[str, Any]:
        return {"loan": request.GET.get("loan", "")}  # the loan page's "record a payment" link

    def service_call(self, request: HttpRequest, data: dict[str, Any]) -> Payment:
        # payment_record writes its own audit row (payment.recorded) in its transaction.
        return services.payment_record(
            loan_id=data["loan"].pk,
            receipt_number=data["receipt_number"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            recorded_by=staff_user(request),
            source="admin",
        )

    def service_done_message(self, obj: Payment) -> str:
        return _("Payment %(receipt)s of %(amount)s recorded and allocated.") % {
            "receipt": obj.receipt_number,
            "amount": money(obj.amount),
        }

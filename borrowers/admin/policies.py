"""Overdue policies and loan products: edited directly, every change audited (AuditedModelAdmin)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from borrowers import services
from borrowers.forms_admin import OverduePolicyAdminForm
from borrowers.models import LoanProduct, Milestone, OverduePolicy
from core.admin import AuditedModelAdmin


class MilestoneInline(admin.TabularInline[Milestone, OverduePolicy]):
    model = Milestone
    extra = 0
    fields = ("day", "kind", "text_zh_hans", "text_en")


@admin.register(OverduePolicy)
class OverduePolicyAdmin(AuditedModelAdmin[OverduePolicy]):
    form = OverduePolicyAdminForm
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
        # The change form's own transaction holds the new terms, their audit row and the restart.
        super().save_model(request, obj, form, change)
        if change and set(form.changed_data) - {"promise_max_days"}:
            # New terms apply from the next day; days already charged keep the old terms. (How long a
            # promise to pay may wait changes no charge.)
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
        # As for policies: one transaction (the change form's) for the product, its audit row and the restart.
        super().save_model(request, obj, form, change)
        if change and "overdue_policy" in form.changed_data:
            services.penalty_periods_restart(product_id=obj.pk)

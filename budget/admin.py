"""The staff backend for budgets: staff edit the flexible-cost guidelines; borrowers' budgets are read-only.

A budget is the borrower's own statement, written only by budget.services.budget_save from the budget page,
so staff (support, hardship reviewers) can read it here and change none of it.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from budget.models import Budget, BudgetGuideline, BudgetLine
from core.admin import AuditedModelAdmin, ReadOnlyAdminMixin


@admin.register(BudgetGuideline)
class BudgetGuidelineAdmin(AuditedModelAdmin[BudgetGuideline]):
    list_display = ("category", "monthly_amount", "updated_at")
    list_editable = ("monthly_amount",)
    fields = ("category", "monthly_amount", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: BudgetGuideline | None = None) -> Any:
        # The category is what a guideline is for; changing it would silently move the figure to another line.
        return ("category", "updated_at") if obj is not None else ("updated_at",)


class BudgetLineInline(admin.TabularInline[BudgetLine, Budget]):
    model = BudgetLine
    fields = ("section", "category", "amount", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Budget]):
    list_display = ("user", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    fields = ("user", "created_at", "updated_at")
    readonly_fields = fields
    inlines = (BudgetLineInline,)

"""Restructurings applied to loans (from hardship applications): the loan's history, shown and never added,
changed or deleted (the model is append-only too)."""

from decimal import Decimal

from django.contrib import admin
from django.utils.translation import gettext_lazy

from borrowers.models import Restructure
from core.admin_readonly import ReadOnlyAdminMixin


@admin.register(Restructure)
class RestructureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Restructure]):
    list_display = (
        "source",
        "loan",
        "applied_on",
        "kind",
        "owed_before",
        "waived",
        "total_to_pay",
        "applied_by",
    )
    list_filter = ("kind",)
    search_fields = ("=source", "=loan__reference")
    search_help_text = gettext_lazy("Search by the application's reference or the loan's reference.")
    list_select_related = ("loan", "applied_by")
    date_hierarchy = "applied_on"
    actions = None
    fields = (
        "loan",
        "source",
        "applied_on",
        "kind",
        "terms",
        "owed_before",
        "waived_fees",
        "waived_penalty",
        "interest_given_up",
        "total_to_pay",
        "terms_before",
        "schedule_before",
        "applied_by",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("waived"))
    def waived(self, obj: Restructure) -> Decimal:
        return obj.waived_fees + obj.waived_penalty

"""The ledger: append-only, written by the services, only read here."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from borrowers.admin.common import NeverEditedMixin
from borrowers.models import LedgerEntry


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

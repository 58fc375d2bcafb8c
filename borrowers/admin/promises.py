"""Promises to pay: shown to staff with their history, never added, changed or deleted here (they change
only through borrowers.services.promises; each change is an audit row, listed on the promise's page)."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from borrowers.models import PromiseToPay
from core.admin_readonly import ReadOnlyAdminMixin
from core.models import AuditEvent


@admin.register(PromiseToPay)
class PromiseToPayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[PromiseToPay]):
    list_display = ("loan", "amount", "pay_by", "status", "paid_towards", "made_on", "source", "closed_on")
    list_filter = ("status", "source")
    search_fields = ("=loan__reference", "=loan__borrower__customer_number")
    search_help_text = gettext_lazy("Search by the loan's reference or the borrower's customer number.")
    list_select_related = ("loan",)
    date_hierarchy = "made_on"
    actions = None
    fields = (
        "loan",
        "amount",
        "pay_by",
        "status",
        "paid_towards",
        "closed_on",
        "made_on",
        "made_at",
        "made_by",
        "source",
        "history",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj: PromiseToPay) -> SafeString:
        """Every change of the promise, oldest first, from the audit trail (one query)."""
        events = AuditEvent.objects.filter(
            object_type=PromiseToPay._meta.label_lower, object_id=str(obj.pk)
        ).order_by("occurred_at", "pk")
        return format_html_join(
            "",
            "<p>{} · {} · {}</p>",
            (
                (
                    f"{event.occurred_at:%Y-%m-%d %H:%M}",
                    event.action,
                    ", ".join(f"{key}: {value}" for key, value in sorted(event.data.items())),
                )
                for event in events
            ),
        )

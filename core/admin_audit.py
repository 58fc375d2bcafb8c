"""The audit trail in the admin: searched and read, never added to, changed or deleted, by anyone.

Superusers see it, and the "Auditors" group (core.view_auditevent, from core's data migration); no other
group holds that right. The details (`data`, the before and after of a change) are shown escaped: a value
a borrower typed is text here, never markup.
"""

import json
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin_readonly import ReadOnlyAdminMixin
from core.models import AuditEvent

SUMMARY_CHARS = 160


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _field_changes(data: dict[str, Any]) -> dict[str, Any] | None:
    """The `fields` entry of an admin change when it holds before and after values, else None."""
    fields = data.get("fields")
    if isinstance(fields, dict) and all(
        isinstance(v, dict) and {"from", "to"} <= v.keys() for v in fields.values()
    ):
        return fields
    return None


def data_summary(data: Any) -> str:
    """One line for the list: `name: before → after` for changed fields, `key: value` for the rest."""
    if not isinstance(data, dict):
        return Truncator(_text(data)).chars(SUMMARY_CHARS)
    parts = []
    changes = _field_changes(data)
    for key, value in data.items():
        if key == "fields" and changes is not None:
            parts += [f"{name}: {_text(v['from'])} → {_text(v['to'])}" for name, v in changes.items()]
        else:
            parts.append(f"{key}: {_text(value)}")
    return Truncator("; ".join(parts)).chars(SUMMARY_CHARS)


def data_table(data: Any) -> SafeString:
    """The whole of `data` for the detail page: a before/after table for changed fields, then the rest."""
    rest = dict(data) if isinstance(data, dict) else {"": data}
    html = SafeString("")
    changes = _field_changes(rest)
    if changes is not None:
        del rest["fields"]
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((name, _text(v["from"]), _text(v["to"])) for name, v in changes.items()),
        )
        html = format_html(
            '<table class="audit-changes"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            pgettext_lazy("audit trail", "field"),
            pgettext_lazy("audit trail", "before"),
            pgettext_lazy("audit trail", "after"),
            rows,
        )
    if rest:
        pretty = json.dumps(rest, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        html = format_html('{}<pre class="audit-data">{}</pre>', html, pretty)
    return html


class ActionPrefixFilter(admin.SimpleListFilter):
    """The first part of the dotted action: `admin`, `authz`, `lesson`, `loan`, `payment`…"""

    title = _("kind of action")
    parameter_name = "action_prefix"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        prefixes = sorted({action.split(".", 1)[0] for action in actions})
        return [(prefix, prefix) for prefix in prefixes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(action__startswith=f"{value}.") | queryset.filter(action=value)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditEvent]):
    """The audit trail: read-only for everyone, so it says what happened and nothing else."""

    list_display = ("occurred_at", "action", "actor_shown", "ip_address", "object_shown", "data_shown")
    list_filter = (ActionPrefixFilter, ("occurred_at", admin.DateFieldListFilter), "object_type")
    search_fields = (
        "action",
        "actor__email",
        "object_type",
        "=object_id",
        "=ip_address",
        "reason",
        # A loan reference named in the details (loan.link_failed and the like).
        "=data__reference",
    )
    search_help_text = _(
        "Search by action, the email of who did it, object type or id, IP address, or reason."
    )
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)
    show_full_result_count = False  # counting a large trail on every page costs more than it tells
    actions = None
    fields = (
        "occurred_at",
        "action",
        "actor_shown",
        "ip_address",
        "object_shown",
        "reason",
        "data_detail",
    )
    readonly_fields = fields

    @admin.display(description=_("who"), ordering="actor__email")
    def actor_shown(self, obj: AuditEvent) -> str:
        return obj.actor.email if obj.actor is not None else "—"

    @admin.display(description=pgettext_lazy("audit trail", "object"))
    def object_shown(self, obj: AuditEvent) -> str:
        if not obj.object_type:
            return "—"
        label = f"{obj.object_type} #{obj.object_id}"
        app_label, _dot, model_name = obj.object_type.partition(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("details"))
    def data_shown(self, obj: AuditEvent) -> str:
        return data_summary(obj.data)

    @admin.display(description=_("details"))
    def data_detail(self, obj: AuditEvent) -> str:
        return data_table(obj.data)

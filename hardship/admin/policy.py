"""The hardship policy's admin (one row) and the read-only inlines shown under an application."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AuditedModelAdmin
from hardship.admin.common import terms_label, terms_or_none
from hardship.models import Application, ApplicationEvent, Evidence, HardshipPolicy, Message, Offer


class _ReadOnlyInline(admin.TabularInline[Any, Application]):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OfferInline(_ReadOnlyInline):
    model = Offer
    fields = ("status", "terms_shown", "given_up", "note", "made_by", "made_at", "approved_by", "approved_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("terms"))
    def terms_shown(self, obj: Offer) -> str:
        terms = terms_or_none(obj.terms)
        return terms_label(terms) if terms is not None else "—"


class MessageInline(_ReadOnlyInline):
    model = Message
    fields = ("created_at", "from_staff", "author", "body")
    readonly_fields = fields


class EvidenceInline(_ReadOnlyInline):
    model = Evidence
    fields = ("original_name", "content_type", "size", "uploaded_at", "download")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("download"))
    def download(self, obj: Evidence) -> str:
        url = reverse("admin:hardship_application_evidence", args=[obj.application_id, obj.token])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class ApplicationEventInline(_ReadOnlyInline):
    model = ApplicationEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(HardshipPolicy)
class HardshipPolicyAdmin(AuditedModelAdmin[HardshipPolicy]):
    """One row (pk 1): changed by Hardship approvers, never added a second time or deleted."""

    list_display = (
        "__str__",
        "service_level_working_days",
        "breathing_space_days",
        "second_approval_threshold",
        "updated_at",
    )
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: HardshipPolicy, form: Any, change: bool) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)

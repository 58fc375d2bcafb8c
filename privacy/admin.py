"""The staff backend for privacy requests: Support's queue, oldest deadline first, overdue ones marked.

Requests are never added, edited or deleted here: each is carried out or refused on its own page, which
calls privacy.services (the service checks the right, locks the request and writes the audit row).
Consent records and retention holds are read-only: the history is the proof.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin
from django.db.models import Case, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from core.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from core.admin_service import ObjectActionAdminMixin
from privacy import services
from privacy.forms import HandleForm
from privacy.models import PrivacyRequest, RetentionHold

CARRY_OUT = "carry_out"
REFUSE = "refuse"


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    pass


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(
    ObjectActionAdminMixin[PrivacyRequest], AuditedModelAdmin[PrivacyRequest], ReadOnlyAdmin
):
    # Every field is read-only and requests are handled on their own page (services audit that); the
    # change page may still be submitted, so it is audited like every other admin (names of fields only).
    audit_values = False
    # Carried out or refused on its own page (core.admin_service.ObjectActionAdminMixin).
    object_action_path = "handle"
    object_action_kwarg = "request_id"
    object_action_permission = services.HANDLE_PERMISSION
    object_action_form_class = HandleForm
    object_action_template = "admin/privacy/privacyrequest/handle.html"
    object_action_related = ("user",)
    list_display = ("__str__", "user", "status", "received_at", "deadline_shown", "handle_link", "handled_at")
    list_filter = ("status", "kind")
    search_fields = ("=user__email",)
    list_select_related = ("user", "handled_by")
    fields = (
        "user",
        "kind",
        "status",
        "received_at",
        "deadline_shown",
        "details_display",
        "handled_by",
        "handled_at",
        "outcome",
        "handle_link",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ["css/privacy.css"]}

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        open_first = Case(When(status=PrivacyRequest.Status.RECEIVED, then=Value(0)), default=Value(1))
        return [open_first, "deadline"]

    @admin.display(description=gettext_lazy("what was asked"))
    def details_display(self, obj: PrivacyRequest) -> str:
        return format_html_join(mark_safe("<br>"), "{}: {}", obj.details_shown()) or "—"

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # `?details__phone__startswith=139` would read a masked number digit by digit.
        if lookup.split("__", 1)[0] == "details":
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=gettext_lazy("answer by"), ordering="deadline")
    def deadline_shown(self, obj: PrivacyRequest) -> str:
        shown = date_format(timezone.localtime(obj.deadline), "DATETIME_FORMAT")
        if obj.is_overdue:
            return format_html('<span class="privacy-overdue">{} · {}</span>', shown, _("overdue"))
        return shown

    @admin.display(description=gettext_lazy("carry out or refuse"))
    def handle_link(self, obj: PrivacyRequest) -> str:
        if not obj.is_open:
            return "—"
        return format_html('<a href="{}">{}</a>', self.object_action_url(obj), _("Carry out or refuse"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change page is read-only (every field is), but the right decides who may handle requests.
        return request.user.has_perm(services.HANDLE_PERMISSION)

    def object_action_calls(
        self, request: HttpRequest, obj: PrivacyRequest, data: dict[str, Any]
    ) -> dict[str, Callable[[], object]]:
        staff = cast(AuthenticatedHttpRequest, request).user  # admin_view lets only signed-in staff in
        reason = data["reason"]
        return {
            CARRY_OUT: lambda: services.request_carry_out(
                request_id=obj.pk, staff=staff, note=reason, request=request
            ),
            REFUSE: lambda: services.request_refuse(
                request_id=obj.pk, staff=staff, reason=reason, request=request
            ),
        }

    def object_action_title(self, obj: PrivacyRequest) -> str:
        return _("Handle privacy request #%(pk)d") % {"pk": obj.pk}

    def object_action_done_message(self, obj: PrivacyRequest) -> str:
        return _("Privacy request #%(pk)d handled.") % {"pk": obj.pk}

    def object_action_context(self, obj: PrivacyRequest) -> dict[str, Any]:
        return {"privacy_request": obj, "deadline": self.deadline_shown(obj)}


@admin.register(RetentionHold)
class RetentionHoldAdmin(ReadOnlyAdmin):
    list_display = ("profile", "started_at", "retention_until", "anonymised_at")
    list_select_related = ("profile",)
    fields = ("profile", "request", "started_at", "retention_until", "basis", "anonymised_at")
    readonly_fields = fields

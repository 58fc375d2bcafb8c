"""The staff backend for privacy requests: Support's queue, oldest deadline first, overdue ones marked.

Requests are never added, edited or deleted here: each is carried out or refused on its own page, which
calls privacy.services (the service checks the right, locks the request and writes the audit row).
Consent records and retention holds are read-only: the history is the proof.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from core.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from core.exceptions import ApplicationError
from privacy import services
from privacy.forms import HandleForm
from privacy.models import ConsentRecord, PrivacyRequest, RetentionHold

CARRY_OUT = "carry_out"
REFUSE = "refuse"


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    pass


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(AuditedModelAdmin[PrivacyRequest], ReadOnlyAdmin):
    # Every field is read-only and requests are handled on their own page (services audit that); the
    # change page may still be submitted, so it is audited like every other admin (names of fields only).
    audit_values = False
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
        url = reverse("admin:privacy_privacyrequest_handle", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Carry out or refuse"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change page is read-only (every field is), but the right decides who may handle requests.
        return request.user.has_perm(services.HANDLE_PERMISSION)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:request_id>/handle/",
                self.admin_site.admin_view(self.handle_view),
                name="privacy_privacyrequest_handle",
            ),
            *super().get_urls(),
        ]

    def handle_view(self, request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
        if not request.user.has_perm(services.HANDLE_PERMISSION):
            raise PermissionDenied
        privacy_request = get_object_or_404(PrivacyRequest.objects.select_related("user"), pk=request_id)
        form = HandleForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            action = request.POST.get("action")
            reason = form.cleaned_data["reason"]
            try:
                if action == CARRY_OUT:
                    services.request_carry_out(
                        request_id=privacy_request.pk, staff=request.user, note=reason, request=request
                    )
                elif action == REFUSE:
                    services.request_refuse(
                        request_id=privacy_request.pk, staff=request.user, reason=reason, request=request
                    )
                else:
                    raise ApplicationError(_("Unknown action."), code="unknown_action")
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request,
                    _("Privacy request #%(pk)d handled.") % {"pk": privacy_request.pk},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:privacy_privacyrequest_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Handle privacy request #%(pk)d") % {"pk": privacy_request.pk},
            "privacy_request": privacy_request,
            "deadline": self.deadline_shown(privacy_request),
            "form": form,
        }
        return TemplateResponse(request, "admin/privacy/privacyrequest/handle.html", context)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("user", "purpose", "granted", "recorded_at", "source")
    list_filter = ("purpose", "granted", "source")
    search_fields = ("=user__email",)
    list_select_related = ("user",)
    fields = ("user", "purpose", "granted", "recorded_at", "source", "ip_address")
    readonly_fields = fields


@admin.register(RetentionHold)
class RetentionHoldAdmin(ReadOnlyAdmin):
    list_display = ("profile", "started_at", "retention_until", "anonymised_at")
    list_select_related = ("profile",)
    fields = ("profile", "request", "started_at", "retention_until", "basis", "anonymised_at")
    readonly_fields = fields

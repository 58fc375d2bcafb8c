"""The staff backend for reaching borrowers: the service line and repayment accounts, and their messages.

Contact details and repayment accounts are edited directly, and every change writes an audit row with the
old and new values (core.admin.AuditedModelAdmin): an account number changed by hand must be traceable.
Messages are never edited or deleted here; Support answers or closes them on their own page, which calls
portal.services (that service checks the right and writes the audit row).
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from core.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from core.exceptions import ApplicationError
from portal import services
from portal.forms import SupportAnswerForm
from portal.models import ContactDetails, RepaymentAccount, RepaymentChannel, SupportMessage

ANSWER = "answer"
CLOSE = "close"


@admin.register(ContactDetails)
class ContactDetailsAdmin(AuditedModelAdmin[ContactDetails]):
    """One row: it is changed, never added a second time or deleted."""

    list_display = ("service_phone", "hours_zh_hans", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return (
            super().has_add_permission(request)
            and not ContactDetails.objects.filter(pk=ContactDetails.SINGLETON_PK).exists()
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ContactDetails, form: Any, change: bool) -> None:
        obj.pk = ContactDetails.SINGLETON_PK
        super().save_model(request, obj, form, change)


@admin.register(RepaymentAccount)
class RepaymentAccountAdmin(AuditedModelAdmin[RepaymentAccount]):
    list_display = ("account_name_zh_hans", "bank_zh_hans", "account_number", "position", "is_shown")
    list_editable = ("position", "is_shown")
    list_display_links = ("account_name_zh_hans",)


@admin.register(RepaymentChannel)
class RepaymentChannelAdmin(AuditedModelAdmin[RepaymentChannel]):
    list_display = ("name_zh_hans", "name_en", "position", "is_shown")
    list_editable = ("position", "is_shown")
    list_display_links = ("name_zh_hans",)


@admin.register(SupportMessage)
class SupportMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[SupportMessage]):
    # Read-only here: a message changes only on its answer page, through the audited services (which
    # check the answer right themselves), never by saving this form.
    """The Support queue: oldest open message first. Read here, answered or closed on its answer page."""

    list_display = ("__str__", "answer_link", "status", "user", "loan", "sent_at")
    list_filter = ("status", "topic")
    search_fields = ("=user__email", "=loan__reference")
    list_select_related = ("user", "loan")
    date_hierarchy = "sent_at"
    fields = (
        "user",
        "loan",
        "topic",
        "body",
        "status",
        "sent_at",
        "reply",
        "answered_by",
        "answered_at",
        "closed_at",
        "answer_link",
    )
    readonly_fields = fields

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        # Open first, then answered, then closed; within each, the one waiting longest first.
        queue_order = Case(
            When(status=SupportMessage.Status.OPEN, then=Value(0)),
            When(status=SupportMessage.Status.ANSWERED, then=Value(1)),
            default=Value(2),
        )
        return [queue_order, "sent_at"]

    @admin.display(description=gettext_lazy("answer or close"))
    def answer_link(self, obj: SupportMessage) -> str:
        if obj.status == SupportMessage.Status.CLOSED:
            return "—"
        url = reverse("admin:portal_supportmessage_answer", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Answer or close"))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:message_id>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="portal_supportmessage_answer",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
        if not request.user.has_perm(services.ANSWER_PERMISSION):
            raise PermissionDenied
        message = get_object_or_404(SupportMessage.objects.select_related("user", "loan"), pk=message_id)
        form = SupportAnswerForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            action = request.POST.get("action")
            try:
                if action == ANSWER:
                    services.support_message_answer(
                        message_id=message.pk,
                        staff=request.user,
                        reply=form.cleaned_data["reply"],
                        request=request,
                    )
                elif action == CLOSE:
                    services.support_message_close(
                        message_id=message.pk,
                        staff=request.user,
                        reply=form.cleaned_data["reply"],
                        request=request,
                    )
                else:
                    raise ApplicationError(_("Unknown action."), code="unknown_action")
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request, _("Message #%(pk)d updated.") % {"pk": message.pk}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:portal_supportmessage_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Answer message #%(pk)d") % {"pk": message.pk},
            "message": message,
            "form": form,
            "can_answer": SupportMessage.Status.ANSWERED in services.NEXT_STATUSES[message.status],
            "can_close": SupportMessage.Status.CLOSED in services.NEXT_STATUSES[message.status],
        }
        return TemplateResponse(request, "admin/portal/supportmessage/answer.html", context)

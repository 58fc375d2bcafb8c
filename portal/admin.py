"""The staff backend for reaching borrowers: the service line and repayment accounts, and their messages.

Contact details and repayment accounts are edited directly, and every change writes an audit row with the
old and new values (core.admin.AuditedModelAdmin): an account number changed by hand must be traceable.
Messages are never edited or deleted here; Support answers or closes them on their own page, which calls
portal.services (that service checks the right and writes the audit row).
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin
from django.db.models import Case, Value, When
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from core.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from core.admin_service import ObjectActionAdminMixin
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
class SupportMessageAdmin(ReadOnlyAdminMixin, ObjectActionAdminMixin[SupportMessage]):
    # Read-only here: a message changes only on its answer page, through the audited services (which
    # check the answer right themselves), never by saving this form.
    """The Support queue: oldest open message first. Read here, answered or closed on its answer page."""

    object_action_path = "answer"
    object_action_kwarg = "message_id"
    object_action_permission = services.ANSWER_PERMISSION
    object_action_form_class = SupportAnswerForm
    object_action_template = "admin/portal/supportmessage/answer.html"
    object_action_related = ("user", "loan")

    # The topic is a column and the first filter: Support finds the complaints (topic "complaint") in one
    # click, open ones first like every other message.
    list_display = ("__str__", "topic", "answer_link", "status", "user", "loan", "sent_at")
    list_filter = ("topic", "status")
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
        return format_html('<a href="{}">{}</a>', self.object_action_url(obj), _("Answer or close"))

    def object_action_calls(
        self, request: HttpRequest, obj: SupportMessage, data: dict[str, Any]
    ) -> dict[str, Callable[[], object]]:
        staff = cast(AuthenticatedHttpRequest, request).user  # admin_view lets only signed-in staff in
        return {
            ANSWER: lambda: services.support_message_answer(
                message_id=obj.pk, staff=staff, reply=data["reply"], request=request
            ),
            CLOSE: lambda: services.support_message_close(
                message_id=obj.pk, staff=staff, reply=data["reply"], request=request
            ),
        }

    def object_action_title(self, obj: SupportMessage) -> str:
        return _("Answer message #%(pk)d") % {"pk": obj.pk}

    def object_action_done_message(self, obj: SupportMessage) -> str:
        return _("Message #%(pk)d updated.") % {"pk": obj.pk}

    def object_action_context(self, obj: SupportMessage) -> dict[str, Any]:
        return {
            "message": obj,
            "can_answer": SupportMessage.Status.ANSWERED in services.NEXT_STATUSES[obj.status],
            "can_close": SupportMessage.Status.CLOSED in services.NEXT_STATUSES[obj.status],
        }

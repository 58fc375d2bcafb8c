"""The reminder rules: staff edit their channels, hour, priority and words; every change writes an audit
row with the old and new values (core.admin.AuditedModelAdmin). A rule is never deleted (the messages
it wrote name it): it is turned off. Its code is set once."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from core.admin import AuditedModelAdmin
from reminders.forms_admin import ReminderRuleForm
from reminders.models import CHANNELS, ReminderRule

CHANNEL_LABELS = dict(CHANNELS)


@admin.register(ReminderRule)
class ReminderRuleAdmin(AuditedModelAdmin[ReminderRule]):
    class Media:
        css = {"all": ("css/reminders-admin.css",)}

    form = ReminderRuleForm
    list_display = ("code", "kind", "days", "channels_shown", "send_hour", "priority", "active", "updated_at")
    list_filter = ("kind", "active")
    ordering = ("kind", "days")
    fieldsets = (
        (None, {"fields": ("code", "kind", "days", "channels", "send_hour", "priority", "active")}),
        (gettext_lazy("Chinese"), {"fields": ("subject_zh_hans", "body_zh_hans")}),
        (gettext_lazy("English"), {"fields": ("subject_en", "body_en")}),
    )

    @admin.display(description=gettext_lazy("channels"))
    def channels_shown(self, obj: ReminderRule) -> str:
        return ", ".join(str(CHANNEL_LABELS.get(c, c)) for c in obj.channels)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

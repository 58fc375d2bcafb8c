from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import AuditedModelAdmin
from core.services import audit_record

# What a staff member's access is made of: recorded with its before and after, unlike the personal fields.
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


def _access_value(value: Any) -> Any:
    if isinstance(value, models.QuerySet | list | tuple):
        return sorted(str(item) for item in value)
    return value


@admin.register(User)
class UserAdmin(AuditedModelAdmin[User], DjangoUserAdmin[User]):
    """Changes are audited: the names of changed personal fields, the before and after of access."""

    audit_values = False
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )

    def _changes(self, form: Any) -> dict[str, Any] | list[str]:
        changes: dict[str, Any] = {}
        for name in form.changed_data:
            if name in ACCESS_FIELDS:
                changes[name] = {
                    "from": _access_value(form.initial.get(name)),
                    "to": _access_value(form.cleaned_data.get(name)),
                }
            elif not name.startswith("password"):
                changes[name] = "changed"
        return changes

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(
                action="admin.user.password_changed",
                actor=request.user,
                target=User.objects.get(pk=id),
                request=request,
            )
        return response


from accounts import admin_allauth  # noqa: E402, F401  (audited, secret-free admins for allauth's models)

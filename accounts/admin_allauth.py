"""allauth's and django.contrib.auth's admins, re-registered so every change is audited and no secret shows.

- An authenticator's `data` holds the TOTP secret and the recovery-code seed: never shown, never edited.
  Staff may only delete a lost factor (audited), after which the person needs an enrolment link
  (`manage.py staff_enrolment_link`) if they are staff.
- A user session's `session_key` is the session cookie itself: never shown. Deleting a row (audited)
  signs that session out.
- Email addresses and groups: changes audited like every other admin change.
"""

from typing import Any

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import AuditedModelAdmin

for model in (EmailAddress, Authenticator, UserSession, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin[Group], DjangoGroupAdmin):
    def _changes(self, form: Any) -> dict[str, Any] | list[str]:
        return {
            name: {
                "from": sorted(str(p) for p in form.initial.get(name) or []),
                "to": sorted(str(p) for p in form.cleaned_data.get(name) or []),
            }
            if name == "permissions"
            else {"from": form.initial.get(name), "to": form.cleaned_data.get(name)}
            for name in form.changed_data
        }


@admin.register(EmailAddress)
class EmailAddressAdmin(AuditedModelAdmin[EmailAddress], AllauthEmailAddressAdmin):
    audit_values = False


class SecretFieldsNotFilterableMixin:
    """Filters on a secret column are refused (400), whoever asks: `?session_key__startswith=ab` or
    `?data__secret__startswith=…` would read a value the page never shows, one character at a time."""

    secret_fields: tuple[str, ...] = ()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.split("__", 1)[0] in self.secret_fields:
            return False
        allowed: bool = super().lookup_allowed(lookup, value, request)  # type: ignore[misc]
        return allowed


@admin.register(Authenticator)
class AuthenticatorAdmin(SecretFieldsNotFilterableMixin, AuditedModelAdmin[Authenticator]):
    audit_values = False
    secret_fields = ("data",)  # the TOTP secret and the recovery-code seed
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")  # never `data`
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UserSession)
class UserSessionAdmin(SecretFieldsNotFilterableMixin, AuditedModelAdmin[UserSession]):
    audit_values = False
    secret_fields = ("session_key",)  # the session cookie itself
    list_display = ("user", "created_at", "last_seen_at", "ip", "user_agent")
    search_fields = ("user__email", "=ip")
    fields = ("user", "created_at", "last_seen_at", "ip", "user_agent")  # never `session_key`
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: UserSession) -> None:
        super().delete_model(request, obj)  # the audit row, then the row itself
        _session_end(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UserSession]) -> None:
        sessions = list(queryset)
        super().delete_queryset(request, queryset)
        for obj in sessions:
            _session_end(obj)


def _session_end(obj: UserSession) -> None:
    """Deleting the row alone would leave the session signed in: delete it from the session store too."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore().delete(obj.session_key)

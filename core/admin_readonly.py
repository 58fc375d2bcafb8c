"""The admin mixin for records that are shown, never added, changed or deleted through the admin.

Its own module so that the audit trail's admin (core.admin_audit) can use it without importing
core.admin, which imports core.admin_audit to register it: no two modules import each other.
"""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted through the admin, whoever is asking (superusers too).

    For records written by services or by the system (the audit trail, the mail log, borrowers' budgets
    and messages, privacy requests): the admin is where staff read them, not where they change.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

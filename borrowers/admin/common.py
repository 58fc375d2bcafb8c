"""What the borrowers admins share."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User


class NeverEditedMixin:
    """Shown, never changed or deleted through the admin, whoever is asking (superusers too)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def staff_user(request: HttpRequest) -> User:
    """The member of staff on an admin page, typed for the services (admin_view lets only active staff
    in, so anyone else never gets here)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user

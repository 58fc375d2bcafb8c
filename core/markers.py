"""Markers a view carries, read by middleware: the view says what it needs, not a list of paths.

``@staff_two_factor_required`` marks a staff-only view that must not open until the staff member has a
second factor (accounts.middleware.StaffMFARequiredMiddleware reads the mark). The admin site is marked
as a whole by its URL namespace (`in_admin_site`); a view outside the admin marks itself.
"""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import admin
from django.http import HttpRequest

STAFF_TWO_FACTOR = "anxin_staff_two_factor_required"

View = TypeVar("View", bound=Callable[..., object])


def staff_two_factor_required(view: View) -> View:
    setattr(view, STAFF_TWO_FACTOR, True)
    return view


def needs_staff_two_factor(view: Callable[..., object]) -> bool:
    return bool(getattr(view, STAFF_TWO_FACTOR, False))


def in_admin_site(request: HttpRequest) -> bool:
    """An admin page, known by its URL namespace once the URL is resolved (not by a path prefix)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and admin.site.name in match.namespaces

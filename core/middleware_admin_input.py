"""Junk in the admin's search box or filters is a 400 with a message, never a 500.

The admin passes querystring values to the database as they come. Django catches a ValueError there, but
not an OverflowError (a year or an id beyond what the column or the date type holds: `?paid_on__year=
-999999999999999999999`, `?sent_at__year=1` in a time zone east of UTC), nor SQLite's refusal of a LIKE
pattern over 50,000 bytes. Found by tests/security/test_hostile_input.py.
"""

from collections.abc import Callable
from typing import Any

from django.db import NotSupportedError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from core.http import ResolvedViewMiddleware
from core.markers import in_admin_site

# Longer than any search or filter value a person types; SQLite refuses LIKE patterns over 50,000 bytes.
MAX_VALUE_LENGTH = 1000


class AdminBadInputMiddleware(ResolvedViewMiddleware):
    """Read once the URL is resolved (`process_view`), after the staff checks above it in MIDDLEWARE, so a
    staff member who may not open the admin is told that first."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if in_admin_site(request) and any(
            len(value) > MAX_VALUE_LENGTH for _key, values in request.GET.lists() for value in values
        ):
            return HttpResponseBadRequest(_("That search or filter is too long."))
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if in_admin_site(request) and isinstance(exception, OverflowError):
            return HttpResponseBadRequest(_("Those filter values are out of range."))
        # A filter value the database or the date type cannot take (`?created_at__year=0`), or a lookup the
        # database does not support (`?data__contains=x` on a JSON column under SQLite): a 400, not a 500.
        # Only for a GET with a query string, so a real defect elsewhere still shows as one.
        if (
            in_admin_site(request)
            and request.method == "GET"
            and request.GET
            and isinstance(exception, ValueError | NotSupportedError)
        ):
            return HttpResponseBadRequest(_("Those filter values are out of range."))
        return None

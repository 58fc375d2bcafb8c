"""Every refused request leaves a row in the audit trail (see core.audit_denied for what is written).

- 403, whatever refused it: a view or the admin raising PermissionDenied (`permission_denied`), the CSRF
  check (`csrf`), or any other 403 response (`forbidden`);
- 404 to a signed-in user from a page of one person's object (`object_not_found`, the URL names in
  OBJECT_URL_NAMES): a borrower asking for someone else's loan or message gets 404 by design (the answer
  does not reveal that it exists), and this is where that attempt becomes visible to staff, without the
  borrower views having to know about auditing. Pages whose 404 can also mean "yours, but not yet" (a
  course certificate, a settlement quote) are not listed, so opening them never writes.

Goes after AuthenticationMiddleware (it records the user). Writes happen only on those responses, so a
plain page view still writes nothing.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from core.audit_denied import NOT_FOUND, SECRET_KWARGS, authz_denied_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

REASON_ATTRIBUTE = "_audit_denied_reason"
# Views that answer 404 exactly when the object is not the signed-in user's (or does not exist).
# settings.AUDIT_NOT_FOUND_URL_NAMES replaces the list.
OBJECT_URL_NAMES = frozenset(
    {
        "borrowers:detail",
        "borrowers:promise",
        "borrowers:due_day",
        "portal:help_message",
        "privacy:request",
        "education:preview",
    }
)


class AuthzDeniedAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 403:
            authz_denied_record(request, reason=self._reason(request))
        elif response.status_code == 404 and self._object_asked_for(request):
            authz_denied_record(request, reason="object_not_found", status=404, action=NOT_FOUND)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            setattr(request, REASON_ATTRIBUTE, "permission_denied")

    @staticmethod
    def _reason(request: HttpRequest) -> str:
        marked = getattr(request, REASON_ATTRIBUTE, None)
        if marked:
            return str(marked)
        match = getattr(request, "resolver_match", None)
        exempt = match is not None and getattr(match.func, "csrf_exempt", False)
        # CsrfViewMiddleware marks every request it lets through; a 403 without the mark is its refusal.
        if not exempt and not getattr(request, "csrf_processing_done", False):
            return "csrf"
        return "forbidden"

    @staticmethod
    def _object_asked_for(request: HttpRequest) -> bool:
        user: User | AnonymousUser | None = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        match = getattr(request, "resolver_match", None)
        names = getattr(settings, "AUDIT_NOT_FOUND_URL_NAMES", OBJECT_URL_NAMES)
        return bool(
            match is not None and match.view_name in names and not SECRET_KWARGS.intersection(match.kwargs)
        )

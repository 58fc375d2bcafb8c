from collections.abc import Callable
from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


class SessionActivityMiddleware:
    """The sessions page's "last seen" and IP, recorded at most every few minutes, not on every request.

    allauth's own `UserSessionsMiddleware` rewrites the session's row on every signed-in request. On
    SQLite a write takes the one database-wide write lock, so every page view queued behind every other
    (or failed with "database is locked"). Here a page view reads the row; it is written only when the
    session is new to it, its IP address, browser or user changed (allauth then signals the change at
    once, as before), or it was last seen more than `SESSION_ACTIVITY_INTERVAL_SECONDS` ago.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.track(request)
        return self.get_response(request)

    @staticmethod
    def track(request: HttpRequest) -> None:
        user, session = request.user, request.session
        if not user.is_authenticated or not session.session_key:
            return
        interval = timedelta(seconds=settings.SESSION_ACTIVITY_INTERVAL_SECONDS)
        user_agent = request.META.get("HTTP_USER_AGENT", "")[
            : UserSession._meta.get_field("user_agent").max_length
        ]
        seen = (
            UserSession.objects.filter(session_key=session.session_key)
            .values("user_id", "ip", "user_agent", "last_seen_at")
            .first()
        )
        if (
            seen is not None
            and seen["user_id"] == user.pk
            and seen["ip"] == get_adapter().get_client_ip(request)
            and seen["user_agent"] == user_agent
            and timezone.now() - seen["last_seen_at"] < interval
        ):
            return
        UserSession.objects.create_from_request(request, user=user, session=session)


class StaffMFARequiredMiddleware:
    """Staff must have TOTP enrolled before any admin page opens.

    The admin holds borrowers' personal and financial data; a stolen staff password alone must not be
    enough. A staff member without an authenticator is sent to enrol, then back to where they were going.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # The admin, and staff-only pages outside it (a lesson preview shows drafts).
        self.staff_prefixes = (reverse("admin:index"), "/learn/preview/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(self.staff_prefixes)
            and user.is_authenticated
            and user.is_staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request, _("Staff accounts need two-factor authentication. Set it up to continue.")
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

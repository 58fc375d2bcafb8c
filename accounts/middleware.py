from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enrolment import TOKEN_PARAMETER, enrolment_required, enrolment_unlocked, grant_redeem
from core.http import ResolvedViewMiddleware, client_ip
from core.markers import in_admin_site, needs_staff_two_factor


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
        # The client's address as the rate limits and the audit trail see it (behind the proxy, from
        # X-Forwarded-For: ALLAUTH_TRUSTED_PROXY_COUNT); none determinable, nothing to record.
        ip = client_ip(request)
        if ip is None:
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
            and seen["ip"] == ip
            and seen["user_agent"] == user_agent
            and timezone.now() - seen["last_seen_at"] < interval
        ):
            return
        UserSession.objects.create_from_request(request, user=user, session=session)


class StaffMFARequiredMiddleware(ResolvedViewMiddleware):
    """Staff must have TOTP enrolled before any admin or staff page opens, and enrol it only with a link.

    The admin holds borrowers' personal and financial data; a stolen staff password alone must not be
    enough, neither to open it nor to enrol the thief's own authenticator (accounts.enrolment). A staff
    member without an authenticator gets a page telling them to ask an administrator for an enrolment
    link, on every staff page, on allauth's activation page and on the email and password pages; with
    the link (or once it has unlocked this session) they enrol, then reach the admin. Borrowers enrol
    freely.

    Which pages are staff pages is said by the pages themselves, read once the URL is resolved: the
    admin site by its URL namespace, any other staff-only view by `@staff_two_factor_required`
    (core.markers). No list of paths here, so this app knows no URL of the apps above it.
    """

    # allauth's TOTP activation; and the login address and the password: with only a stolen password,
    # changing the address would send the next enrolment link to the thief's mailbox. Until a factor is
    # enrolled they stay as set.
    ACTIVATION = "mfa_activate_totp"
    ACCOUNT_CHANGES = frozenset({"account_email", "account_change_password"})

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        guarded = (
            view_name == self.ACTIVATION
            or view_name in self.ACCOUNT_CHANGES
            or in_admin_site(request)
            or needs_staff_two_factor(view_func)
        )
        user = request.user
        if not (guarded and user.is_authenticated and enrolment_required(user)):
            return None
        if enrolment_unlocked(request):
            if view_name == self.ACTIVATION:
                return None
            return HttpResponseRedirect(reverse(self.ACTIVATION))
        token = request.GET.get(TOKEN_PARAMETER, "") if view_name == self.ACTIVATION else ""
        if token:
            if grant_redeem(request, token):
                messages.success(
                    request, _("Your enrolment link is accepted. Set up your authenticator now.")
                )
                # Without the token in the address: it is spent, and must not linger in the history.
                return HttpResponseRedirect(reverse(self.ACTIVATION))
            messages.error(
                request,
                _("This enrolment link is not valid: it has expired, was used, or is for another account."),
            )
        return render(request, "account/staff_enrolment_required.html", status=403)

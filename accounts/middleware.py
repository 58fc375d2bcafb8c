from collections.abc import Callable
from datetime import timedelta

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enrolment import TOKEN_PARAMETER, enrolment_required, enrolment_unlocked, grant_redeem
from core.http import client_ip


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


class StaffMFARequiredMiddleware:
    """Staff must have TOTP enrolled before any admin or staff page opens, and enrol it only with a link.

    The admin holds borrowers' personal and financial data; a stolen staff password alone must not be
    enough, neither to open it nor to enrol the thief's own authenticator (accounts.enrolment). A staff
    member without an authenticator gets a page telling them to ask an administrator for an enrolment
    link, on every staff page, on allauth's activation page and on the email and password pages; with
    the link (or once it has unlocked this session) they enrol, then reach the admin. Borrowers enrol
    freely.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # The admin, and staff-only pages outside it (a lesson preview shows drafts).
        self.staff_prefixes = (reverse("admin:index"), "/learn/preview/")
        self.activation = reverse("mfa_activate_totp")
        # The login address and the password: with only a stolen password, changing the address would
        # send the next enrolment link to the thief's mailbox. Until a factor is enrolled they stay as set.
        self.account_changes = (reverse("account_email"), reverse("account_change_password"))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        guarded = path in (self.activation, *self.account_changes) or path.startswith(self.staff_prefixes)
        if not (guarded and user.is_authenticated and enrolment_required(user)):
            return self.get_response(request)
        if enrolment_unlocked(request):
            if path == self.activation:
                return self.get_response(request)
            return HttpResponseRedirect(self.activation)
        token = request.GET.get(TOKEN_PARAMETER, "") if path == self.activation else ""
        if token:
            if grant_redeem(request, token):
                messages.success(
                    request, _("Your enrolment link is accepted. Set up your authenticator now.")
                )
                # Without the token in the address: it is spent, and must not linger in the history.
                return HttpResponseRedirect(self.activation)
            messages.error(
                request,
                _("This enrolment link is not valid: it has expired, was used, or is for another account."),
            )
        return render(request, "account/staff_enrolment_required.html", status=403)

"""How long a sign-in lasts: an idle limit and an absolute limit, by who signed in (issue 9, finding 10).

- borrowers: signed out after `ACCOUNTS_BORROWER_SESSION_IDLE_SECONDS` (30 min) without a request, and
  `ACCOUNTS_BORROWER_SESSION_ABSOLUTE_SECONDS` (12 h) after signing in, whatever they do; unless they tick
  "remember me", then `ACCOUNTS_REMEMBERED_SESSION_*` (30 days both) and the cookie outlives the browser;
- staff (superusers too): 30 min idle, 8 h absolute, never remembered (the box is ignored).

The sign-in time and the limits are written into the session once, at sign-in (Django's
`user_logged_in`, so `force_login` and the admin get them too). The absolute limit is checked against it.

Idle time without writing on every request: the last activity is not kept in the database at all (a page
view must write nothing: tests/platform/test_no_writes.py). It lives in a small signed cookie,
`ACCOUNTS_ACTIVITY_COOKIE_NAME`, holding the time of the last request and a fingerprint of the session
key, signed with SECRET_KEY. It is re-issued on a response when it is more than
`ACCOUNTS_ACTIVITY_REFRESH_SECONDS` (60 s) old, so the idle limit is exact to that minute. The browser
cannot forge a later time (the signature), a cookie from another session does not count (the
fingerprint), and a missing or tampered cookie counts as "no activity since signing in", so deleting it
only shortens the session. The cookie's own max-age is the idle limit. The session row's expiry
(`set_expiry`) backs this up: the browser's session for borrowers not remembered and for staff, the
absolute limit for remembered borrowers.

An expired session is signed out (the row is deleted) and the request is sent to the sign-in page with a
message (for htmx, with `HX-Redirect`), `next` set to where they were going.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enrolment import is_staff
from accounts.models import User

POLICY_KEY = "accounts_session"
REMEMBER_KEY = "accounts_remember"
SALT = "accounts.session_limits.activity"


def limits_for(user: User, *, remember: bool) -> dict[str, Any]:
    if is_staff(user):
        idle, absolute, remember = (
            settings.ACCOUNTS_STAFF_SESSION_IDLE_SECONDS,
            settings.ACCOUNTS_STAFF_SESSION_ABSOLUTE_SECONDS,
            False,
        )
    elif remember:
        idle, absolute = (
            settings.ACCOUNTS_REMEMBERED_SESSION_IDLE_SECONDS,
            settings.ACCOUNTS_REMEMBERED_SESSION_ABSOLUTE_SECONDS,
        )
    else:
        idle, absolute = (
            settings.ACCOUNTS_BORROWER_SESSION_IDLE_SECONDS,
            settings.ACCOUNTS_BORROWER_SESSION_ABSOLUTE_SECONDS,
        )
    return {"idle": int(idle), "absolute": int(absolute), "remembered": bool(remember)}


def session_start(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Django's `user_logged_in`: stamp the sign-in time and the limits that apply into the session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    remember = bool(session.pop(REMEMBER_KEY, False))
    session[POLICY_KEY] = {"login_at": timezone.now().timestamp(), **limits_for(user, remember=remember)}
    expiry_apply(session)


def expiry_apply(session: Any) -> None:
    """The session row's and cookie's expiry from the policy (allauth sets its own after the login)."""
    policy = session.get(POLICY_KEY)
    if not isinstance(policy, dict):
        return
    if policy["remembered"]:
        session.set_expiry(datetime.fromtimestamp(policy["login_at"] + policy["absolute"], tz=UTC))
    else:
        session.set_expiry(0)


def _fingerprint(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def activity_cookie_value(session_key: str, when: float) -> str:
    return signing.Signer(salt=SALT).sign(f"{_fingerprint(session_key)}:{int(when)}")


def last_activity(request: HttpRequest) -> float | None:
    """The time of this session's last request from its signed cookie; None if absent or not valid."""
    raw = request.COOKIES.get(settings.ACCOUNTS_ACTIVITY_COOKIE_NAME, "")
    key = request.session.session_key
    if not raw or not key:
        return None
    try:
        fingerprint, _sep, when = signing.Signer(salt=SALT).unsign(raw).partition(":")
        return float(int(when)) if fingerprint == _fingerprint(key) else None
    except (signing.BadSignature, ValueError):
        return None


def expired_because(request: HttpRequest, now: float) -> str | None:
    """'idle', 'absolute', 'unknown' (signed in before these limits existed), or None: still valid."""
    policy = request.session.get(POLICY_KEY)
    if not isinstance(policy, dict):
        return "unknown"
    try:
        login_at, idle, absolute = float(policy["login_at"]), int(policy["idle"]), int(policy["absolute"])
    except (KeyError, TypeError, ValueError):
        return "unknown"
    if now - login_at > absolute:
        return "absolute"
    if now - max(login_at, last_activity(request) or 0.0) > idle:
        return "idle"
    return None


EXPIRED_MESSAGES = {
    "idle": lambda: _(
        "You were signed out because you were inactive for a while. Sign in again to continue."
    ),
    "absolute": lambda: _(
        "Your session has reached its time limit and has ended. Sign in again to continue."
    ),
    "unknown": lambda: _("Your session has ended. Sign in again to continue."),
}


class SessionLimitsMiddleware:
    """Sign out a session past its idle or absolute limit; keep the activity cookie fresh. No writes on a
    page view: the session is only written when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        now = timezone.now().timestamp()
        if request.user.is_authenticated and (reason := expired_because(request, now)):
            return self.sign_out(request, reason)
        response = self.get_response(request)
        self.activity_refresh(request, response, now)
        return response

    @staticmethod
    def sign_out(request: HttpRequest, reason: str) -> HttpResponse:
        is_htmx = request.headers.get("HX-Request") == "true"
        logout(request)
        messages.info(request, EXPIRED_MESSAGES[reason]())
        query = {"next": request.get_full_path()} if request.method == "GET" and not is_htmx else {}
        url = reverse("account_login") + (f"?{urlencode(query)}" if query else "")
        response: HttpResponse
        if is_htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
        else:
            response = HttpResponseRedirect(url)
        response.delete_cookie(settings.ACCOUNTS_ACTIVITY_COOKIE_NAME)
        return response

    @staticmethod
    def activity_refresh(request: HttpRequest, response: HttpResponseBase, now: float) -> None:
        name = settings.ACCOUNTS_ACTIVITY_COOKIE_NAME
        policy = request.session.get(POLICY_KEY) if request.user.is_authenticated else None
        key = request.session.session_key
        if not isinstance(policy, dict) or not key:
            if name in request.COOKIES:
                response.delete_cookie(name)
            return
        seen = last_activity(request)
        if seen is not None and now - seen < settings.ACCOUNTS_ACTIVITY_REFRESH_SECONDS:
            return
        response.set_cookie(
            name,
            activity_cookie_value(key, now),
            max_age=int(policy["idle"]),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )

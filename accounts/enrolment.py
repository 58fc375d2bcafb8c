"""A staff member's first authenticator is enrolled only with a one-time link, never with the password alone.

Before this, a staff account without TOTP was sent to allauth's activation page, so whoever held a staff
password could enrol their own authenticator and reach the admin (issue 9, finding 2). Now:

- an operator runs `manage.py staff_enrolment_link EMAIL`: a random token is mailed to the staff
  member's verified address (through the outbox, marked as carrying a secret, so nobody reads it in the
  mail log and its body is erased once sent). Only its SHA-256 hash is stored; it expires after
  `ACCOUNTS_ENROLMENT_LINK_MINUTES` and works once;
- the link opens allauth's activation page with `?enrolment=<token>`; signed in as that staff member
  (password entered), the token is spent and TOTP activation is unlocked for that session only, for
  `ACCOUNTS_ENROLMENT_UNLOCK_MINUTES`;
- without it (accounts.middleware.StaffMFARequiredMiddleware) a staff account with no authenticator
  opens no admin page, no staff page and not the activation page: it is told to ask an administrator.

Borrowers enrol TOTP freely, as before. Superusers count as staff.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import StaffEnrolmentGrant, User
from core.services import audit_record
from notifications.services import email_queue

TOKEN_PARAMETER = "enrolment"  # noqa: S105 -- the name of a query parameter, not a secret
SESSION_KEY = "accounts_enrolment_unlocked"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_staff(user: object) -> bool:
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def enrolment_required(user: User) -> bool:
    """A member of staff with no TOTP yet: the first factor needs an enrolment link."""
    return (
        is_staff(user) and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


def activation_path(token: str | None = None) -> str:
    path = reverse("mfa_activate_totp")
    return f"{path}?{urlencode({TOKEN_PARAMETER: token})}" if token else path


@transaction.atomic(durable=True)
def grant_issue(
    *, user: User, base_url: str, language: str, minutes: int | None = None
) -> tuple[str, datetime]:
    """Make a new enrolment link for `user`, queue the mail to them, and return (link, expiry).

    Earlier unused links of the same person stop working: only the newest one is valid.
    """
    minutes = minutes or settings.ACCOUNTS_ENROLMENT_LINK_MINUTES
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(minutes=minutes)
    StaffEnrolmentGrant.objects.filter(user=user, used_at__isnull=True).delete()
    grant = StaffEnrolmentGrant.objects.create(user=user, token_hash=token_hash(token), expires_at=expires_at)
    link = base_url.rstrip("/") + activation_path(token)
    with translation.override(language):
        local_expiry = timezone.localtime(expires_at)
        subject = _("Set up two-factor authentication for your staff account")
        body = _(
            "Hello,\n\n"
            "An administrator has allowed you to set up two-factor authentication for your staff account. "
            "Sign in with your password, then open this link within %(minutes)d minutes (until %(time)s). "
            "It works once, and only in the browser where you are signed in:\n"
            "%(link)s\n\n"
            "If you did not expect this mail, do not open the link and tell your administrator at once."
        ) % {"minutes": minutes, "time": local_expiry.strftime("%Y-%m-%d %H:%M"), "link": link}
        message = EmailMessage(
            subject=f"[{_('Anxin')}] {subject}",
            body=f"{body}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
    email_queue(message=message, kind="staff_enrolment_link", carries_secret=True)
    audit_record(
        action="mfa.enrolment_link_issued",
        target=grant,
        data={"user": user.pk, "expires_at": expires_at.isoformat()},
    )
    return link, expires_at


def grant_redeem(request: HttpRequest, token: str) -> bool:
    """Spend `token` for the signed-in user and unlock TOTP activation in this session. False (nothing
    changed) when the token is unknown, someone else's, used or expired."""
    user = request.user
    if not user.is_authenticated or not token or len(token) > 200:
        return False
    now = timezone.now()
    with transaction.atomic(durable=True):
        grant = StaffEnrolmentGrant.objects.filter(
            token_hash=token_hash(token), user_id=user.pk, used_at__isnull=True, expires_at__gt=now
        ).first()
        # The conditional update makes the token single-use even when two requests race for it.
        if grant is None or not StaffEnrolmentGrant.objects.filter(pk=grant.pk, used_at__isnull=True).update(
            used_at=now
        ):
            return False
        audit_record(action="mfa.enrolment_link_used", actor=user, target=grant, request=request)
    until = now + timedelta(minutes=settings.ACCOUNTS_ENROLMENT_UNLOCK_MINUTES)
    request.session[SESSION_KEY] = {"user": user.pk, "until": until.timestamp()}
    return True


def enrolment_unlocked(request: HttpRequest) -> bool:
    unlocked = request.session.get(SESSION_KEY)
    return (
        isinstance(unlocked, dict)
        and unlocked.get("user") == request.user.pk
        and float(unlocked.get("until", 0)) > timezone.now().timestamp()
    )


def enrolment_lock(request: HttpRequest) -> None:
    """The factor is enrolled (or the session ends): the unlock is not needed any more."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        del session[SESSION_KEY]

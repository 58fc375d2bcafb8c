"""Sign-ins and factor changes: recorded in the audit trail, and told to the person by mail.

- `auth.login` on every completed sign-in (allauth's `user_logged_in`), with the device and whether it
  is new to the person; a new device (a browser and system family not seen before for them) is mailed.
- `auth.login_failed` on a wrong password (Django's `user_login_failed`): the address tried is kept
  masked and as a keyed hash (to tell repeated tries at one address apart), never in full, and never
  the password. `auth.mfa_failed` on a wrong second-step code.
- `mfa.totp_added`, `mfa.totp_removed`, `mfa.recovery_codes_added`/`_removed`/`_generated`,
  `mfa.recovery_code_used`, `mfa.recovery_codes_viewed`. allauth already mails the person when TOTP is
  turned on or off and when recovery codes are generated; we add the mail for a recovery code used and
  for the codes viewed or downloaded (no signal: RecoveryCodesViewedMiddleware).

- `account.email_added` / `_changed` / `_removed` / `_confirmed` (addresses masked) and
  `account.password_changed` / `_reset`: the login and the password are how every other factor is
  reached, so changing them is recorded like a factor change (allauth mails the person about each).

The mails are notices (no secret) in the reader's language (the request's), through the adapter.
"""

import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from typing import Any

from allauth.account import signals as account_signals
from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from accounts.devices import device_describe, device_families
from accounts.enrolment import enrolment_lock, is_staff
from accounts.models import SignInDevice, User
from core.services import audit_record
from core.text import email_masked

NEW_DEVICE_MAIL = "account/email/new_device"
RECOVERY_CODE_USED_MAIL = "mfa/email/recovery_code_used"
RECOVERY_CODES_VIEWED_MAIL = "mfa/email/recovery_codes_viewed"
NOTICES = frozenset({NEW_DEVICE_MAIL, RECOVERY_CODE_USED_MAIL, RECOVERY_CODES_VIEWED_MAIL})


def ip_approximate(ip: str | None) -> str:
    """203.0.113.* / 2001:db8:1::*: where from, roughly, without the full address in a mailbox."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return "?"
    if address.version == 4:
        return ".".join(str(address).split(".")[:3]) + ".*"
    return str(ipaddress.ip_network(f"{address}/48", strict=False).network_address).rstrip(":") + "::*"


def email_hash(address: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def _user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))


def device_is_new(request: HttpRequest, user: User) -> bool:
    """Record this sign-in's device; True when the person has signed in before, but never from it.

    Devices known before this table existed are taken from the sessions allauth still lists.
    """
    browser, system = device_families(_user_agent(request))
    known = set(SignInDevice.objects.filter(user=user).values_list("browser", "system"))
    if not known:
        sessions = UserSession.objects.filter(user=user).exclude(
            session_key=request.session.session_key or ""
        )
        known = {device_families(agent) for agent in sessions.values_list("user_agent", flat=True)}
    new = bool(known) and (browser, system) not in known
    device, created = SignInDevice.objects.get_or_create(user=user, browser=browser, system=system)
    if not created:
        device.save(update_fields=["last_seen_at"])
    return new


def on_user_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    new_device = device_is_new(request, user)
    browser, system = device_families(_user_agent(request))
    audit_record(
        action="auth.login",
        actor=user,
        target=user,
        data={"browser": browser, "system": system, "new_device": new_device},
        request=request,
    )
    if new_device:
        adapter = get_adapter(request)
        adapter.send_notification_mail(
            NEW_DEVICE_MAIL,
            user,
            context={
                "device": device_describe(_user_agent(request)),
                "approximate_ip": ip_approximate(adapter.get_client_ip(request)),
            },
        )


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    tried = str(credentials.get("email") or credentials.get("login") or credentials.get("username") or "")
    audit_record(
        action="auth.login_failed",
        data={
            "email_masked": email_masked(tried) if tried else "",
            "email_hash": email_hash(tried) if tried else "",
        },
        request=request,
    )


def _kind(authenticator: Authenticator) -> str:
    return "totp" if authenticator.type == Authenticator.Type.TOTP else "recovery_codes"


def on_authenticator_added(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    ended = 0
    if authenticator.type == Authenticator.Type.TOTP:
        enrolment_lock(request)
        if is_staff(user):
            # Sessions signed in with the password alone before this factor existed would otherwise keep
            # their access (a thief's, say): they end, and sign in again with the code.
            ended = staff_other_sessions_end(request, user)
    audit_record(
        action=f"mfa.{_kind(authenticator)}_added",
        actor=user,
        target=user,
        data={"other_sessions_ended": ended} if ended else None,
        request=request,
    )


def staff_other_sessions_end(request: HttpRequest, user: User) -> int:
    current = request.session.session_key or ""
    others = list(UserSession.objects.filter(user=user).exclude(session_key=current))
    for session in others:
        session.end()
    return len(others)


def on_authenticator_removed(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit_record(action=f"mfa.{_kind(authenticator)}_removed", actor=user, target=user, request=request)


def on_authenticator_reset(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit_record(action="mfa.recovery_codes_generated", actor=user, target=user, request=request)


def on_authenticator_used(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        return
    # Read again: the instance the signal carries may predate marking this code used.
    fresh = Authenticator.objects.filter(pk=authenticator.pk).first()
    remaining = len(fresh.wrap().get_unused_codes()) if fresh is not None else 0
    audit_record(
        action="mfa.recovery_code_used",
        actor=user,
        target=user,
        data={"remaining": remaining, "reauthenticated": bool(kwargs.get("reauthenticated"))},
        request=request,
    )
    get_adapter(request).send_notification_mail(
        RECOVERY_CODE_USED_MAIL, user, context={"remaining": remaining}
    )


def on_authentication_failed(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    audit_record(action="auth.mfa_failed", target=user, data={"type": _kind(authenticator)}, request=request)


class RecoveryCodesViewedMiddleware:
    """Recovery codes shown or downloaded (allauth sends no signal for it): audited and mailed."""

    VIEWS = frozenset({"mfa_view_recovery_codes", "mfa_download_recovery_codes"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and match.url_name in self.VIEWS
            and request.user.is_authenticated
        ):
            user = request.user
            audit_record(
                action="mfa.recovery_codes_viewed",
                actor=user,
                target=user,
                data={"download": match.url_name == "mfa_download_recovery_codes"},
                request=request,
            )
            get_adapter(request).send_notification_mail(RECOVERY_CODES_VIEWED_MAIL, user)
        return response


def _address_audit(action: str) -> Callable[..., None]:
    def receiver(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        address = kwargs.get("email_address") or kwargs.get("to_email_address")
        user = kwargs.get("user") or getattr(address, "user", None)
        data: dict[str, Any] = {}
        if address is not None:
            data["email"] = email_masked(address.email)
        if kwargs.get("from_email_address") is not None:
            data["from"] = email_masked(kwargs["from_email_address"].email)
        audit_record(action=action, actor=user, target=user, data=data, request=request)

    return receiver


ACCOUNT_AUDITS = {
    "email_added": _address_audit("account.email_added"),
    "email_changed": _address_audit("account.email_changed"),
    "email_removed": _address_audit("account.email_removed"),
    "email_confirmed": _address_audit("account.email_confirmed"),
    "password_changed": _address_audit("account.password_changed"),
    "password_reset": _address_audit("account.password_reset"),
}


def connect() -> None:
    from allauth.account.signals import user_logged_in as allauth_logged_in
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    from accounts.session_limits import session_start

    user_logged_in.connect(session_start, dispatch_uid="accounts.session_start")
    allauth_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.login_audit")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="accounts.login_failed_audit")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="accounts.mfa_added")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="accounts.mfa_removed")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="accounts.mfa_reset")
    mfa_signals.authenticator_used.connect(on_authenticator_used, dispatch_uid="accounts.mfa_used")
    mfa_signals.authentication_failed.connect(on_authentication_failed, dispatch_uid="accounts.mfa_failed")
    for name, audit in ACCOUNT_AUDITS.items():
        getattr(account_signals, name).connect(audit, dispatch_uid=f"accounts.{name}_audit")

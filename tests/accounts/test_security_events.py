"""Sign-ins and factor changes land in the audit trail and, for factors, in the person's mailbox.

Before: nothing was audited, and using a recovery code or viewing the codes told nobody.
"""

import json

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from core.models import AuditEvent
from notifications.models import OutboundEmail
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA_AUTHENTICATE = reverse("mfa_authenticate")


def actions(user: User | None = None) -> list[str]:
    events = AuditEvent.objects.order_by("id")
    return list((events.filter(actor=user) if user else events).values_list("action", flat=True))


def signed_in_with_totp(email: str, secret: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(LOGIN, {"login": email, "password": PASSWORD})
    client.post(MFA_AUTHENTICATE, {"code": pyotp.TOTP(secret).now()})
    assert "_auth_user_id" in client.session
    return client


def test_sign_in_success_and_failure_are_audited_without_the_address_or_the_password(client: Client) -> None:
    user = make_user("b@example.com")
    client.post(LOGIN, {"login": "nobody@example.com", "password": "Secret-guess-99"})
    client.post(LOGIN, {"login": "b@example.com", "password": PASSWORD})

    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor is None
    assert failed.data["email_masked"] == "n***@example.com"
    assert len(failed.data["email_hash"]) == 16
    stored = json.dumps(failed.data) + failed.reason
    assert "nobody@example.com" not in stored
    assert "Secret-guess-99" not in stored
    assert actions(user) == ["auth.login"]


def test_a_wrong_second_step_code_is_audited(client: Client) -> None:
    user = make_user("b@example.com")
    enrol_totp(user)
    client.post(LOGIN, {"login": "b@example.com", "password": PASSWORD})
    client.post(MFA_AUTHENTICATE, {"code": "000000"})

    assert AuditEvent.objects.filter(action="auth.mfa_failed", object_id=str(user.pk)).count() == 1


@pytest.mark.parametrize("is_staff", [True, False])
def test_a_recovery_code_used_is_audited_and_mailed(client: Client, is_staff: bool) -> None:
    user = make_user("p@example.com", is_staff=is_staff)
    enrol_totp(user)
    code = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes")).get_unused_codes()[0]
    client.post(LOGIN, {"login": "p@example.com", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    client.post(MFA_AUTHENTICATE, {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert "_auth_user_id" in client.session

    event = AuditEvent.objects.get(action="mfa.recovery_code_used")
    assert event.actor == user
    assert event.data["remaining"] == 9
    (mail,) = OutboundEmail.objects.filter(kind="recovery_code_used")
    assert mail.to == ["p@example.com"]
    assert not mail.carries_secret
    assert "You have 9 unused codes left" in mail.body_text
    assert code not in mail.body_text


def test_factor_changes_are_audited_and_mailed(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    user = make_user("b@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.post(LOGIN, {"login": "b@example.com", "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    with django_capture_on_commit_callbacks(execute=True):
        secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
        client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert {"mfa.totp_added", "mfa.recovery_codes_added"} <= set(actions(user))
    assert OutboundEmail.objects.filter(kind="totp_activated", to=["b@example.com"]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))
    assert "mfa.recovery_codes_generated" in actions(user)
    assert OutboundEmail.objects.filter(kind="recovery_codes_generated").exists()

    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    assert "mfa.recovery_codes_viewed" in actions(user)
    viewed = OutboundEmail.objects.get(kind="recovery_codes_viewed")
    assert "你的两步验证恢复代码刚被查看或下载。" in viewed.body_text

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"), {"id": totp.pk})
    assert {"mfa.totp_removed", "mfa.recovery_codes_removed"} <= set(actions(user))
    assert OutboundEmail.objects.filter(kind="totp_deactivated").exists()


def test_staff_factor_use_at_sign_in_is_audited() -> None:
    staff = make_user("staff@example.com", is_staff=True)
    secret = enrol_totp(staff)
    signed_in_with_totp("staff@example.com", secret)

    assert actions(staff) == ["auth.login"]

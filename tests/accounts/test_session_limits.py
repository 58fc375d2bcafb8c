"""Idle and absolute session limits, "remember me" for borrowers only, a mail on a new device (finding 10).

Before: every session lasted 14 days, whoever it was and whatever they did. The clock is moved with
`timezone.now`, which the limits, the activity cookie and Django's session expiry all read.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import pyotp
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInDevice
from core.models import AuditEvent
from notifications.models import OutboundEmail
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
DASHBOARD = reverse("portal:dashboard")
IDLE_MESSAGE = "你有一段时间没有操作，已自动退出登录。请重新登录以继续。"
LIMIT_MESSAGE = "你的登录已到时限，已经结束。请重新登录以继续。"
CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def sign_in(client: Client, email: str, *, remember: bool = False, code_secret: str | None = None) -> None:
    data = {"login": email, "password": PASSWORD, **({"remember": "on"} if remember else {})}
    response = client.post(LOGIN, data)
    assert response.status_code == 302
    if code_secret:
        client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(code_secret).now()})
    assert "_auth_user_id" in client.session


def signed_in(client: Client) -> bool:
    return client.get(DASHBOARD).status_code == 200


def test_a_borrower_is_signed_out_after_30_minutes_without_a_request_and_told_why(client: Client) -> None:
    make_user("b@example.com")
    start = timezone.now()
    with at(start):
        sign_in(client, "b@example.com")
    # Activity keeps the session: each request is within 30 minutes of the one before.
    for minutes in (29, 58, 87):
        with at(start + timedelta(minutes=minutes)):
            assert signed_in(client), minutes

    with at(start + timedelta(minutes=87 + 31)):
        response = client.get(DASHBOARD)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=%2Fdashboard%2F"
        page = client.get(response["Location"])
    assert IDLE_MESSAGE in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Session.objects.filter(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).exists()


def test_a_borrower_not_remembered_is_signed_out_after_12_hours_however_active(client: Client) -> None:
    make_user("b@example.com")
    start = timezone.now()
    with at(start):
        sign_in(client, "b@example.com")
    # A browser-session cookie: it ends with the browser.
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    for minutes in range(20, 12 * 60, 20):
        with at(start + timedelta(minutes=minutes)):
            assert signed_in(client), minutes

    with at(start + timedelta(hours=12, minutes=1)):
        assert not signed_in(client)


def test_a_remembered_borrower_stays_signed_in_for_days_but_not_beyond_30(client: Client) -> None:
    make_user("b@example.com")
    start = timezone.now()
    with at(start):
        sign_in(client, "b@example.com", remember=True)
    assert int(client.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) > 29 * 24 * 60 * 60

    with at(start + timedelta(days=3)):
        assert signed_in(client)
    with at(start + timedelta(days=30, minutes=1)):
        assert not signed_in(client)


def test_remember_me_survives_the_second_step(client: Client) -> None:
    borrower = make_user("b@example.com")
    secret = enrol_totp(borrower)
    start = timezone.now()
    with at(start):
        sign_in(client, "b@example.com", remember=True, code_secret=secret)
    with at(start + timedelta(days=3)):
        assert signed_in(client)


def test_staff_are_never_remembered_idle_30_minutes_absolute_8_hours(client: Client) -> None:
    staff = make_user("staff@example.com", is_staff=True)
    secret = enrol_totp(staff)
    start = timezone.now()
    with at(start):
        sign_in(client, "staff@example.com", remember=True, code_secret=secret)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    admin = reverse("admin:index")
    for minutes in range(25, 8 * 60, 25):
        with at(start + timedelta(minutes=minutes)):
            assert client.get(admin).status_code == 200, minutes

    with at(start + timedelta(hours=8, minutes=1)):
        response = client.get(admin, follow=True)
    assert LIMIT_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_are_signed_out_after_30_minutes_idle(client: Client) -> None:
    staff = make_user("staff@example.com", is_staff=True)
    secret = enrol_totp(staff)
    start = timezone.now()
    with at(start):
        sign_in(client, "staff@example.com", remember=True, code_secret=secret)
    with at(start + timedelta(minutes=29)):
        assert client.get(reverse("admin:index")).status_code == 200
    with at(start + timedelta(minutes=29 + 31)):
        response = client.get(reverse("admin:index"), follow=True)
    assert IDLE_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_htmx_request_sends_the_page_to_the_sign_in_page(client: Client) -> None:
    make_user("b@example.com")
    start = timezone.now()
    with at(start):
        sign_in(client, "b@example.com")
    with at(start + timedelta(minutes=31)):
        response = client.get(DASHBOARD, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == LOGIN


def test_a_forged_or_missing_activity_cookie_does_not_extend_the_session(client: Client) -> None:
    make_user("b@example.com")
    start = timezone.now()
    with at(start):
        sign_in(client, "b@example.com")
    with at(start + timedelta(minutes=20)):
        assert signed_in(client)
    # Tampered with: counts as no activity since signing in.
    client.cookies[settings.ACCOUNTS_ACTIVITY_COOKIE_NAME] = "x:9999999999:forged"
    with at(start + timedelta(minutes=35)):
        assert not signed_in(client)


def test_signing_in_from_a_new_device_mails_the_person_in_their_language() -> None:
    make_user("b@example.com")
    sign_in(Client(HTTP_USER_AGENT=CHROME_ON_LINUX), "b@example.com")
    # The first sign-in ever is not news; the same device again is not either.
    sign_in(Client(HTTP_USER_AGENT=CHROME_ON_LINUX), "b@example.com")
    assert not OutboundEmail.objects.filter(kind="new_device").exists()

    sign_in(
        Client(HTTP_USER_AGENT=FIREFOX_ON_WINDOWS, HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.23"),
        "b@example.com",
    )
    (mail,) = OutboundEmail.objects.filter(kind="new_device")
    assert mail.to == ["b@example.com"]
    assert not mail.carries_secret
    assert "Firefox on Windows" in mail.body_text
    assert "198.51.100.*" in mail.body_text
    assert "198.51.100.23" not in mail.body_text
    assert "change your password" in mail.body_text
    assert SignInDevice.objects.filter(user__email="b@example.com").count() == 2

    sign_in(Client(HTTP_USER_AGENT=CHROME_ON_LINUX, HTTP_ACCEPT_LANGUAGE="zh-hans"), "b@example.com")
    assert OutboundEmail.objects.filter(kind="new_device").count() == 1
    sign_in(Client(HTTP_USER_AGENT=SAFARI_ON_IOS), "b@example.com")
    chinese = OutboundEmail.objects.filter(kind="new_device").latest("id")
    assert "以前没用过的设备" in chinese.body_text
    assert AuditEvent.objects.filter(action="auth.login", data__new_device=True).count() == 2


def test_the_new_device_mail_is_in_the_owners_language_not_the_browser_that_signed_in() -> None:
    # Found by the new-user pass: an intruder's English browser chose the language of the owner's warning.
    from tests.borrowers.factories import make_borrower

    user = make_user("b@example.com")
    profile = make_borrower(customer_number="C-LANG")
    profile.user = user
    profile.preferred_language = "zh-hans"
    profile.save(update_fields=["user", "preferred_language"])
    sign_in(Client(HTTP_USER_AGENT=CHROME_ON_LINUX), "b@example.com")

    sign_in(Client(HTTP_USER_AGENT=FIREFOX_ON_WINDOWS, HTTP_ACCEPT_LANGUAGE="en"), "b@example.com")

    (mail,) = OutboundEmail.objects.filter(kind="new_device")
    assert "以前没用过的设备" in mail.body_text
    assert "[安心]" in mail.subject

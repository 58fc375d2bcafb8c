"""Logging in, staff TOTP before the admin, rate limits, sessions."""

import pyotp
import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from notifications.models import OutboundEmail
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA_AUTHENTICATE = reverse("mfa_authenticate")
ADMIN = reverse("admin:index")


def login(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"login": email, "password": password, **extra}, follow=True)


def test_a_borrower_logs_in_and_out(client: Client) -> None:
    make_user("b@example.com")

    response = login(client, "b@example.com")
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")

    client.post(reverse("account_logout"))
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_a_wrong_password_gets_a_clear_message_and_no_session(client: Client) -> None:
    make_user("b@example.com")

    response = login(client, "b@example.com", password="wrong-password-123")

    assert response.status_code == 200
    assert "您提供的电子邮件地址和/或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_burst_of_failed_logins_is_stopped_with_a_message_not_a_500(client: Client) -> None:
    make_user("b@example.com")
    pages = [login(client, "b@example.com", password=f"wrong-{i}-password") for i in range(6)]

    # allauth allows 5 failures per account in 5 minutes; then it says so, in the reader's language ...
    assert [page.status_code for page in pages] == [200] * 6
    assert "登录失败次数过多" not in pages[4].content.decode()
    assert "登录失败次数过多，请稍后重试。" in pages[5].content.decode()
    # ... and even the right password waits until the window passes.
    response = login(client, "b@example.com")
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_borrower_without_staff_rights_cannot_open_the_admin(client: Client) -> None:
    make_user("b@example.com")
    login(client, "b@example.com")

    assert client.get(ADMIN, follow=True).status_code == 403


def test_the_admin_login_goes_through_allauth(client: Client) -> None:
    response = client.get(reverse("admin:login") + "?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_staff_without_totp_reach_no_admin_page_and_are_told_to_ask_for_an_enrolment_link(
    client: Client,
) -> None:
    # Enrolling the first factor needs a one-time link (tests/accounts/test_staff_enrolment.py).
    make_user("staff@example.com", is_staff=True)
    login(client, "staff@example.com")

    for path in [ADMIN, reverse("admin:accounts_user_changelist"), reverse("mfa_activate_totp")]:
        response = client.get(path)
        assert response.status_code == 403
        assert "请向管理员索取一次性登记链接" in response.content.decode()


def test_staff_with_totp_must_enter_a_code_before_the_admin(client: Client) -> None:
    staff = make_user("staff@example.com", is_staff=True)
    secret = enrol_totp(staff)

    response = login(client, "staff@example.com")
    assert response.redirect_chain[-1][0] == MFA_AUTHENTICATE
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302

    response = client.post(MFA_AUTHENTICATE, {"code": "000000"}, follow=True)
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(MFA_AUTHENTICATE, {"code": pyotp.TOTP(secret).now()}, follow=True)
    assert "_auth_user_id" in client.session
    assert client.get(ADMIN).status_code == 200


def test_a_totp_code_cannot_be_used_twice(client: Client) -> None:
    staff = make_user("staff@example.com", is_staff=True)
    code = pyotp.TOTP(enrol_totp(staff)).now()
    login(client, "staff@example.com")
    client.post(MFA_AUTHENTICATE, {"code": code})
    assert "_auth_user_id" in client.session

    other = Client()
    login(other, "staff@example.com")
    other.post(MFA_AUTHENTICATE, {"code": code})

    assert "_auth_user_id" not in other.session


def test_a_recovery_code_also_passes_the_second_step(client: Client) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = make_user("staff@example.com", is_staff=True)
    enrol_totp(staff)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    login(client, "staff@example.com")

    client.post(MFA_AUTHENTICATE, {"code": codes[0]})

    assert "_auth_user_id" in client.session


def test_the_sessions_page_lists_sessions_and_logs_out_the_others(client: Client) -> None:
    make_user("b@example.com")
    phone, laptop = Client(HTTP_USER_AGENT="Phone"), Client(HTTP_USER_AGENT="Laptop")
    login(phone, "b@example.com")
    login(laptop, "b@example.com")

    page = phone.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert page.context["session_count"] == 2

    phone.post(reverse("usersessions_list"))

    assert phone.get(reverse("portal:dashboard")).status_code == 200
    assert laptop.get(reverse("portal:dashboard")).status_code == 302


def test_changing_email_asks_for_the_password_again_then_verifies_the_new_address(client: Client) -> None:
    make_user("b@example.com")
    login(client, "b@example.com")
    change = {"action_add": "", "email": "new@example.com"}

    response = client.post(reverse("account_email"), change)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))

    wrong = client.post(reverse("account_reauthenticate"), {"password": "not-my-password"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("account_email"), change)

    pending = EmailAddress.objects.get(email="new@example.com")
    assert not pending.verified
    assert any(queued.to == ["new@example.com"] for queued in OutboundEmail.objects.all())
    # Until the new address is verified, the old one stays the login.
    assert EmailAddress.objects.get(email="b@example.com").primary


def test_password_change_refuses_a_weak_new_password(client: Client) -> None:
    make_user("b@example.com")
    login(client, "b@example.com")

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "123456789", "password2": "123456789"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.login(email="b@example.com", password=PASSWORD)


def test_staff_without_totp_cannot_preview_lessons_either(client: Client) -> None:
    make_user("staff@example.com", is_staff=True)
    login(client, "staff@example.com")

    response = client.get("/learn/preview/1/")

    assert response.status_code == 403

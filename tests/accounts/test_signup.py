"""Sign-up by email with mandatory verification, and the bad input around it."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.models import OutboundEmail
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = reverse("account_signup")
LOGIN = reverse("account_login")


def signup(client: Client, email: str, password: str = PASSWORD, password2: str | None = None):
    return client.post(
        SIGNUP, {"email": email, "password1": password, "password2": password2 or password}, follow=True
    )


def confirmation_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_signup_sends_a_verification_mail_and_login_waits_for_it(client: Client) -> None:
    response = signup(client, "new@example.com")

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT

    # Unverified: logging in only sends the borrower back to "check your mail".
    client.logout()
    response = client.post(LOGIN, {"login": "new@example.com", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_following_the_verification_link_then_logging_in_reaches_the_dashboard(client: Client) -> None:
    signup(client, "new@example.com")
    link = confirmation_link(mail.outbox[0].body)
    client.logout()

    response = client.post(link, follow=True)
    assert response.status_code == 200
    assert EmailAddress.objects.get(email="new@example.com").verified

    response = client.post(LOGIN, {"login": "new@example.com", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "new@example.com" in response.content.decode()


def test_following_the_verification_link_in_the_same_browser_signs_the_borrower_in(client: Client) -> None:
    signup(client, "new@example.com")
    link = confirmation_link(mail.outbox[0].body)

    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new@example.com").pk)
    assert "new@example.com" in response.content.decode()


def test_the_verification_link_alone_does_not_sign_anyone_in(client: Client) -> None:
    """A link opened in another browser (or a leaked one) verifies the address, and still asks for the
    password: allauth signs in only the session that is in the middle of that sign-up."""
    signup(client, "new@example.com")
    link = confirmation_link(mail.outbox[0].body)

    response = Client().post(link, follow=True)

    assert EmailAddress.objects.get(email="new@example.com").verified
    assert response.redirect_chain[-1][0] == LOGIN
    assert "_auth_user_id" not in response.wsgi_request.session


def test_signing_up_with_a_taken_email_creates_nothing_and_tells_the_owner(client: Client) -> None:
    make_user("taken@example.com")

    response = signup(client, "Taken@Example.com")

    # Same page as a fresh sign-up (no enumeration) ...
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    # ... no second account, and the address's owner is told in plain words.
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert len(mail.outbox) == 1
    assert "已" in mail.outbox[0].body or "already" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short1!", "密码太短，至少需要 10 个字符"),  # under 10 characters
        ("password1234", "这个密码太常见了"),  # on Django's common-password list
        ("3141592653589793", "全都是数字"),  # numbers only
    ],
)
def test_a_weak_password_is_refused_with_a_message_in_chinese(
    client: Client, password: str, expected: str
) -> None:
    response = signup(client, "weak@example.com", password=password)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not User.objects.filter(email="weak@example.com").exists()
    assert len(mail.outbox) == 0


def test_a_weak_password_message_is_in_english_for_an_english_reader(client: Client) -> None:
    client.cookies["django_language"] = "en"
    response = signup(client, "weak@example.com", password="short1!")

    assert "This password is too short" in response.content.decode()
    assert not User.objects.exists()


def test_mismatched_passwords_and_a_malformed_email_get_field_errors_not_a_500(client: Client) -> None:
    response = signup(client, "not-an-email", password=PASSWORD, password2=PASSWORD + "x")

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.exists()


def test_an_empty_or_garbage_post_gets_a_form_back(client: Client) -> None:
    response = client.post(SIGNUP, {"email": "\x00" * 10, "password1": ["a", "b"]})

    assert response.status_code == 200
    assert not User.objects.exists()

"""Every account mail names the site, in the reader's language, and says what actually happened."""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD, make_user

# The outbox hands a mail over once the transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {"zh-hans": "安心", "en": "Anxin"}
CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def client_in(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, HTTP_USER_AGENT=CHROME_ON_LINUX)


def assert_names_the_site(body: str, language: str) -> None:
    name = LANGUAGES[language]
    assert name in body, body
    if language == "en":
        assert "Hello from Anxin!" in body, body
        assert "Thank you for using Anxin!" in body, body
    else:
        assert "这里是安心" in body, body
        assert "感谢你使用安心" in body, body
    for blank in ["Hello from !", "Thank you for using !", "来自的", "在  上", "使用 ！", "使用！"]:
        assert blank not in body, body
    # No gap where a name or a word fell out, and no English sentence left in a Chinese mail.
    assert "  " not in body, body
    if language == "zh-hans":
        # Leave out addresses, links and the last line (the site's host).
        text = "\n".join(body.splitlines()[:-1])
        words = set(re.findall(r"[A-Za-z]{2,}", re.sub(r"\S*(://|@)\S*", "", text)))
        assert words <= {"IP", "Chrome", "Linux"}, body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_up_verification_mail_names_the_site(language: str) -> None:
    client_in(language).post(
        reverse("account_signup"), {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )

    (message,) = mail.outbox
    assert_names_the_site(message.body, language)
    # The subject names the site once, in the reader's language: "[安心] …" or "[Anxin] …".
    assert message.subject.startswith(f"[{LANGUAGES[language]}] "), message.subject
    assert ("Anxin" in message.subject) == (language == "en"), message.subject
    assert "/accounts/confirm-email/" in message.body
    assert ("sign up" if language == "en" else "注册") in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_exists_mail_names_the_site(language: str) -> None:
    make_user("taken@example.com")

    client_in(language).post(
        reverse("account_signup"),
        {"email": "taken@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    (message,) = mail.outbox
    assert_names_the_site(message.body, language)
    assert "/accounts/password/reset/" in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_reset_mail_names_the_site(language: str) -> None:
    make_user("b@example.com")

    client_in(language).post(reverse("account_reset_password"), {"email": "b@example.com"})

    (message,) = mail.outbox
    assert_names_the_site(message.body, language)
    assert "/accounts/password/reset/key/" in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_changing_the_email_mails_both_addresses_without_calling_it_a_registration(language: str) -> None:
    make_user("old@example.com")
    client = client_in(language)
    client.post(reverse("account_login"), {"login": "old@example.com", "password": PASSWORD})
    # ACCOUNT_REAUTHENTICATION_REQUIRED: the password again before the address may change.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})

    (confirm,) = mail.outbox
    assert confirm.to == ["new@example.com"]
    assert_names_the_site(confirm.body, language)
    assert "old@example.com" in confirm.body
    assert ("change" if language == "en" else "改为") in confirm.body
    assert not re.search(r"regist|sign(ed)? up|注册", confirm.body, re.IGNORECASE), confirm.body

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", confirm.body)
    assert link, confirm.body
    client.post(link.group(1))

    changed = mail.outbox[-1]
    assert changed.to == ["old@example.com"]
    assert_names_the_site(changed.body, language)
    assert "new@example.com" in changed.body
    # The browser, in words, not the raw User-Agent header.
    assert ("Chrome on Linux" if language == "en" else "Linux 上的 Chrome") in changed.body
    assert "Mozilla/5.0" not in changed.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_mail_rendered_outside_a_request_still_names_the_site(language: str) -> None:
    with translation.override(language):
        get_adapter().send_mail(
            "account/email/password_reset_key",
            "b@example.com",
            {"password_reset_url": "https://anxin.example/accounts/password/reset/key/1-x/"},
        )

    (message,) = mail.outbox
    assert_names_the_site(message.body, language)

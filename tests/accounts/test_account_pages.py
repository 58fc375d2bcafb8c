"""The account pages a borrower manages: words in their language, sessions they can recognise."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.devices import device_describe
from tests.conftest import PASSWORD, make_user

CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def signed_in(language: str) -> Client:
    make_user("b@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE=language, HTTP_USER_AGENT=CHROME_ON_LINUX)
    client.post(reverse("account_login"), {"login": "b@example.com", "password": PASSWORD})
    return client


def visible_text(page: str) -> str:
    main = page.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize(
    ("user_agent", "language", "expected"),
    [
        (CHROME_ON_LINUX, "en", "Chrome on Linux"),
        (CHROME_ON_LINUX, "zh-hans", "Linux 上的 Chrome"),
        (SAFARI_ON_IPHONE, "en", "Mobile Safari on iOS"),
        ("curl/8.5.0", "en", "curl"),
        ("", "en", "Unknown browser"),
        ("", "zh-hans", "未知浏览器"),
        (None, "en", "Unknown browser"),
    ],
)
def test_a_user_agent_is_named_by_browser_and_system(
    user_agent: str | None, language: str, expected: str
) -> None:
    with translation.override(language):
        assert device_describe(user_agent) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "device", "current"),
    [("zh-hans", "Linux 上的 Chrome", "当前"), ("en", "Chrome on Linux", "Current")],
)
def test_the_sessions_page_names_the_browser_and_marks_this_one_current(
    language: str, device: str, current: str
) -> None:
    client = signed_in(language)

    page = client.get(reverse("usersessions_list")).content.decode()

    text = visible_text(page)
    assert device in text
    assert "Mozilla/5.0" not in page
    assert f'<span class="badge">{current}</span>' in page
    # "正常" is a loan's status ("Current" in English); a session is 当前.
    assert "正常" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["account_email", "account_change_password", "usersessions_list", "mfa_index"]
)
def test_chinese_account_pages_say_dianziyouxiang_not_email(name: str) -> None:
    client = signed_in("zh-hans")

    page = client.get(reverse(name)).content.decode()

    text = visible_text(page)
    assert "Email" not in text, text
    assert "电子邮箱" in page  # at least the sub-menu


@pytest.mark.django_db
def test_the_email_page_reads_in_plain_chinese() -> None:
    client = signed_in("zh-hans")

    text = visible_text(client.get(reverse("account_email")).content.decode())

    for word in ["当前电子邮箱：", "改为：", "更改电子邮箱"]:
        assert word in text
    assert not re.search(r"[A-Za-z]{3,}", text.replace("b@example.com", "")), text

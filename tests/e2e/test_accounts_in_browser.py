"""A borrower and a staff member, in a real browser on a 360-px phone screen."""

import re

import pyotp
import pytest
from django.core import mail

from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_sign_up_verify_log_in_switch_language_and_log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="创建账户").click()

    page.get_by_label("邮箱").fill("new.borrower@example.com")
    page.get_by_label(re.compile(r"^密码:?$")).fill(PASSWORD)
    page.get_by_label("密码（重复）").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/accounts/confirm-email/")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(link.group(0))
    page.get_by_role("button", name="确认").click()

    page.goto("/accounts/login/")
    page.get_by_label("邮箱").fill("new.borrower@example.com")
    page.get_by_label(re.compile(r"^密码:?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "我的概览"
    assert no_horizontal_scroll(page)

    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换语言").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Your overview"
    assert page.locator("html").get_attribute("lang") == "en"
    # Remembered: the next page is English too.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Get help").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Get help"

    page.get_by_role("link", name="Log out").click()
    page.get_by_role("button", name="Sign Out").click()
    page.wait_for_url(re.compile(r".*/$"))
    assert page.get_by_role("link", name="Log in").first.is_visible()


def test_staff_must_pass_a_totp_code_before_the_admin(page) -> None:  # type: ignore[no-untyped-def]
    staff = make_user("editor@example.com", is_staff=True)
    secret = enrol_totp(staff)

    page.goto("/admin/")
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("邮箱").fill("editor@example.com")
    page.get_by_label(re.compile(r"^密码:?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")

    page.get_by_label("代码").fill("000000")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_text("验证码不正确").is_visible()

    page.get_by_label("代码").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")
    assert "安心员工后台" in page.content()


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/help/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

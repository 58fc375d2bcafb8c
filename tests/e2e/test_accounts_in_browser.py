"""A borrower and a staff member, in a real browser on a 360-px phone screen."""

import re

import pyotp
import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.conftest import PASSWORD, enrol_totp, make_user
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_sign_up_verify_log_in_switch_language_and_log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="创建账户").click()

    page.get_by_label("邮箱").fill("new.borrower@example.com")
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(PASSWORD)
    page.get_by_label("密码（重复）").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/accounts/confirm-email/")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(link.group(0))
    page.get_by_role("button", name="确认").click()

    # Confirmed in the browser that signed up: signed in, not sent to the login page.
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
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")

    page.get_by_label("代码").fill("000000")
    page.get_by_role("button", name="登录").click()
    # Waits for the answer to the click (is_visible() alone looked before the page had come back).
    expect(page.get_by_text("验证码不正确")).to_be_visible()

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


ACCOUNT_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/sessions/",
    "/accounts/logout/",
]
SHOTS = ARTIFACTS / "accounts"


def sign_in_in_the_browser(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_account_pages_fit_the_screen_with_a_plain_menu_and_named_sessions(  # type: ignore[no-untyped-def]
    page, live_server, language: str, width: int
) -> None:
    make_user("b@example.com")
    page.set_viewport_size({"width": width, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    sign_in_in_the_browser(page, "b@example.com")
    SHOTS.mkdir(parents=True, exist_ok=True)

    for path in ACCOUNT_PAGES:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        page.screenshot(
            path=str(SHOTS / f"{language}-{width}-{path.strip('/').replace('/', '-')}.png"), full_page=True
        )
        assert no_horizontal_scroll(page), path
        # The sub-menu is a row of buttons: no list bullets beside them.
        markers = page.locator(".account-nav li").evaluate_all(
            "items => items.map(li => getComputedStyle(li).listStyleType)"
        )
        assert markers, path
        assert set(markers) == {"none"}, (path, markers)

    page.goto("/accounts/sessions/")
    session = page.locator(".session--current")
    text = session.inner_text()
    assert ("HeadlessChrome on Linux" if language == "en" else "Linux 上的 HeadlessChrome") in text
    assert ("Current" if language == "en" else "当前") in text
    assert "Mozilla" not in page.locator("main").inner_text()
    box = session.bounding_box()
    assert box is not None
    assert 0 <= box["x"] <= box["x"] + box["width"] <= width


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_unknown_page_is_ours_with_a_way_home(page, live_server, language: str) -> None:  # type: ignore[no-untyped-def]
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    response = page.goto("/no-such-page/")

    assert response is not None
    assert response.status == 404
    heading = {"zh-hans": "找不到这个页面", "en": "We cannot find this page"}[language]
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert no_horizontal_scroll(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-360-404.png"), full_page=True)
    page.get_by_role("link", name={"zh-hans": "返回首页", "en": "Back to the home page"}[language]).click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.urls("tests.accounts.urls_failing")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_server_error_shows_our_page_with_a_way_home(page, live_server, language: str) -> None:  # type: ignore[no-untyped-def]
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    response = page.goto("/failing/")

    assert response is not None
    assert response.status == 500
    heading = {"zh-hans": "出错了，问题在我们这边", "en": "Something went wrong on our side"}[language]
    assert page.get_by_role("heading", level=1).inner_text() == heading
    # In the page shell, styled (the stylesheet loaded without a request context).
    assert (
        page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    assert no_horizontal_scroll(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-360-500.png"), full_page=True)
    page.get_by_role("link", name={"zh-hans": "返回首页", "en": "Back to the home page"}[language]).click()
    page.wait_for_url(re.compile(r".*/$"))


def test_the_browser_finds_a_favicon(page) -> None:  # type: ignore[no-untyped-def]
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    page.goto("/")
    response = page.request.get("/favicon.ico")

    assert response.status == 200
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert failed == []

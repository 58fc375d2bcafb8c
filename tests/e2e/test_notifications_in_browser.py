"""The notification centre in a real browser: demo@ sees the unread badge, opens the centre and a message,
watches the count go down (also when htmx refreshes it), marks all read, changes the message settings,
and a visitor uses the unsubscribe link. Then each of these pages, with messages in it, at 360 and
1280 px in Chinese and English: no sideways scroll, no squeezed text, no serious axe violation.

Screenshots go to test-artifacts/notifications/ (to look at). Selectors use ids, names and addresses,
not the wording, so a better translation does not break the test.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from borrowers.selectors.profiles import borrower_time_zone
from notifications.models import ConsentRecord, ContactPreference, Message
from notifications.selectors import consent_granted_user_ids, unread_count
from notifications.unsubscribe import unsubscribe_path
from tests.e2e.conftest import ARTIFACTS, PHONE
from tests.e2e.test_every_page import SELECTOR_JS, SETTLED_JS, _inspect

pytestmark = pytest.mark.browser
DEMO = "demo@anxin.example"
DEMO_PASSWORD = "anxin-demo-2026"
SHOTS = ARTIFACTS / "notifications"
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
BADGE_FIGURE = "#unread-badge [aria-hidden]"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
    width = page.viewport_size["width"]
    assert page.evaluate(NO_OVERFLOW), f"{name}: the page scrolls sideways at {width} px"


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def demo_messages(user: User) -> list[Message]:
    """What the reminders will put in demo@'s centre (helper C seeds the real ones): three unread, the
    newest first, and one read."""
    now = timezone.now()
    rows = [
        (
            "还款提醒：AX-DEMO-1002 已逾期",
            "你的借款 AX-DEMO-1002 已逾期 45 天，今天还清逾期部分需 ¥1,085.37；每多等一天，罚息约增加 ¥0.53。"
            "如果现在还不上，可以在借款页面做出还款承诺，或申请困难协商。",
            "/loans/AX-DEMO-1002/",
            timedelta(hours=2),
            False,
        ),
        (
            "还款提醒：AX-DEMO-1001 即将到期",
            "你的借款 AX-DEMO-1001 将于 3 天后到期，应还 ¥912.50。按时还款不产生滞纳金。",
            "/loans/AX-DEMO-1001/",
            timedelta(days=1),
            False,
        ),
        ("", "你的困难协商申请有新进展，请登录查看。", "", timedelta(days=3), False),
        ("欢迎使用安心", "这里会保存我们在网站上发给你的每一条消息。", "", timedelta(days=20), True),
    ]
    made = []
    for n, (subject, body, link, ago, read) in enumerate(rows):
        at = now - ago
        made.append(
            Message.objects.create(
                user=user,
                channel=Message.Channel.IN_APP,
                template=f"reminder:demo_{n}",
                topic="AX-DEMO-1002",
                language="zh-hans",
                subject=subject,
                body=body,
                link=link,
                status=Message.Status.SENT,
                send_after=at,
                queued_at=at,
                sent_at=at,
                read_at=at if read else None,
            )
        )
    return made


def badge_figure(page: Any) -> str:
    locator = page.locator(BADGE_FIGURE)
    return str(locator.inner_text()) if locator.count() else ""


@override_settings(ANXIN_BUSINESS_DATE="2026-11-29")
def test_demo_reads_messages_the_count_goes_down_and_changes_settings(page, browser, live_server) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    demo = User.objects.get(email=DEMO)
    newest, _second, no_link, _read = demo_messages(demo)
    unread = unread_count(user_id=demo.pk).count
    assert unread >= 3

    # The badge on the dashboard, with its words for screen readers.
    page.clock.install()
    log_in(page, DEMO)
    page.goto("/")
    assert badge_figure(page) == str(unread)
    label = page.locator("#unread-badge .visually-hidden").inner_text()
    assert label.startswith(f"{unread} ")
    shot(page, "01-dashboard-badge-360")

    # The centre, from the header link.
    with page.expect_navigation():
        page.locator("a.inbox-link").click()
    assert page.url.endswith("/notifications/")
    assert page.locator(".inbox__item--unread").count() == unread
    assert page.locator(".inbox__item").first.locator("h2").inner_text().endswith(newest.subject)
    shot(page, "02-centre-360")

    # Opening the newest goes to its loan, and the count there is one less.
    with page.expect_navigation():
        page.locator(f"form[action='/notifications/{newest.pk}/open/'] button").click()
    assert page.url.endswith("/loans/AX-DEMO-1002/")
    assert badge_figure(page) == str(unread - 1)
    shot(page, "03-opened-loan-360")

    # Read elsewhere (another phone): the badge follows within a minute, without a reload.
    Message.objects.filter(pk=no_link.pk).update(read_at=timezone.now())
    page.clock.fast_forward("01:05")
    # A function, not a string: the page's CSP forbids eval, which a string predicate needs.
    page.wait_for_function(
        "([selector, want]) => document.querySelector(selector)?.textContent === want",
        arg=[BADGE_FIGURE, str(unread - 2)],
        timeout=10_000,
    )

    # Mark all read: no badge figure left.
    page.goto("/notifications/")
    with page.expect_navigation():
        page.locator("form[action='/notifications/read-all/'] button").click()
    assert badge_figure(page) == ""
    assert page.locator(".inbox__item--unread").count() == 0
    shot(page, "04-all-read-360")

    # Message settings: text messages off, offers yes, Urumqi time.
    with page.expect_navigation():
        page.locator("main a[href='/notifications/settings/']").first.click()
    shot(page, "05-settings-360")
    page.locator("#id_sms").uncheck()
    page.locator("input[name=marketing][value=yes]").check()
    page.locator("#id_time_zone").select_option("Asia/Urumqi")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/notifications/settings/")
    assert not page.locator("#id_sms").is_checked()
    assert page.locator("#id_time_zone").input_value() == "Asia/Urumqi"
    shot(page, "06-settings-saved-360")
    preference = ContactPreference.objects.get(user=demo)
    assert (preference.sms, preference.email) == (False, True)
    assert borrower_time_zone(user=demo) == "Asia/Urumqi"
    assert consent_granted_user_ids(user_ids=[demo.pk]) == {demo.pk}

    # The same pages on a laptop.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/notifications/")
    shot(page, "07-centre-1280")
    page.goto("/notifications/settings/")
    shot(page, "08-settings-1280")

    # A visitor opens the unsubscribe link from an offer: GET changes nothing, the button does.
    visitor = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    other = visitor.new_page()
    other.goto(unsubscribe_path(demo.pk))
    assert consent_granted_user_ids(user_ids=[demo.pk]) == {demo.pk}
    shot(other, "09-unsubscribe-360")
    with other.expect_navigation():
        other.locator("main form button[type=submit]").click()
    assert consent_granted_user_ids(user_ids=[demo.pk]) == frozenset()
    latest = ConsentRecord.objects.filter(user=demo).order_by("-recorded_at", "-id").first()
    assert latest is not None
    assert latest.source == "unsubscribe"
    shot(other, "10-unsubscribed-360")
    other.goto("/notifications/unsubscribe/not-a-token/")
    shot(other, "11-unsubscribe-bad-link-360")
    visitor.close()


@override_settings(ANXIN_BUSINESS_DATE="2026-11-29")
def test_a_second_page_of_messages_and_a_bad_link_pass_the_page_checks(  # type: ignore[no-untyped-def]
    browser, live_server, transactional_db
) -> None:
    call_command("seed_demo", verbosity=0)
    demo = User.objects.get(email=DEMO)
    demo_messages(demo)
    Message.objects.bulk_create(  # enough for a second page
        Message(
            user=demo,
            channel=Message.Channel.IN_APP,
            template="reminder:demo_more",
            language="zh-hans",
            subject=f"还款提醒 {n}",
            body="你的借款 AX-DEMO-1001 将于 3 天后到期。",
            status=Message.Status.SENT,
            send_after=timezone.now() - timedelta(days=30, hours=n),
            sent_at=timezone.now() - timedelta(days=30, hours=n),
        )
        for n in range(20)
    )
    # The centre, the badge, settings and a good unsubscribe link are in the every-page checks
    # (tests/e2e/pages.py); these two need what the demo has not: a second page, a bad link.
    pages = {
        "centre-page-2": ("/notifications/?page=2", True),
        "unsubscribe-bad": ("/notifications/unsubscribe/not-a-token/", False),
    }
    problems: list[str] = []
    for language, locale in (("zh-hans", "zh-CN"), ("en", "en-US")):
        for width, height in ((360, 740), (1280, 800)):
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale=locale, base_url=live_server.url
            )
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
            context.add_init_script(SELECTOR_JS)
            context.add_init_script(AXE_SCRIPT)
            tab = context.new_page()
            log_in_any(tab, language)
            for name, (url, signed_in) in pages.items():
                if not signed_in:
                    tab.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
                tab.goto(url, wait_until="load")
                tab.wait_for_function(SETTLED_JS)
                found, _axe = _inspect(tab)
                problems += [f"{language} {width} {name}: {line}" for line in found]
                SHOTS.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(SHOTS / f"pages-{language}-{width}-{name}.png"), full_page=True)
            context.close()
    assert not problems, "\n".join(problems)


def log_in_any(page: Any, language: str) -> None:
    """Sign in demo@ whatever the page's language (the labels are found by the fields' names)."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(DEMO)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"demo@ not signed in ({language})"

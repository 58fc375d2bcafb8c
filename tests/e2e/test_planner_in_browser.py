"""The planner in a real browser: the payment follows the term without a reload; compare; download CSV."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, session_cookie

pytestmark = pytest.mark.browser


def test_changing_the_term_updates_the_payment_in_place(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/plan/?principal=10000&method=equal_instalment&annual_rate=12&months=12&start=2026-01-15")
    before = page.locator(".plan-payment").inner_text()
    page.evaluate("window.__notReloaded = true")

    page.get_by_label("期限（月）").fill("24")
    page.wait_for_function(
        "before => document.querySelector('.plan-payment').innerText !== before", arg=before
    )

    assert page.evaluate("window.__notReloaded") is True
    assert "months=24" in page.url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_compare_two_plans_and_download_the_csv(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/plan/compare/")
    payments = page.locator(".compare-payment")
    assert payments.count() == 2
    first = payments.nth(0).inner_text()

    page.locator("#id_p1-months").fill("6")
    page.wait_for_function(
        "before => document.querySelector('.compare-payment').innerText !== before", arg=first
    )

    # The export links are swapped with the result: click once they carry the new term and htmx has
    # settled (under load, a click during the swap was lost and no download came).
    link = page.get_by_role("link", name="下载 CSV")
    expect(link).to_have_attribute("href", re.compile(r"p1-months=6"))
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    with page.expect_download() as download_info:
        link.click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text())))
    assert len(rows) == 6 + 24
    assert {row["plan"] for row in rows} == {"方案 1", "方案 2"}


BUSINESS_DATE = "2026-11-29"


def _console_errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every console error and uncaught exception the page logs from now on (htmx logs an aborted
    request, "htmx:sendAbort", as a console error)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# Visible elements with text of their own, three characters or more, laid out narrower than two
# characters of their font: a label or figure broken one character per line.
SQUEEZED = """() => [...document.querySelectorAll('body *')].filter(el => {
  const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
  if (own.length < 3) return false;
  const box = el.getBoundingClientRect();
  const size = parseFloat(getComputedStyle(el).fontSize);
  return box.width > 1 && box.height > 1 && box.width < 2 * size;  // 1 px: visually hidden
}).map(el => el.tagName + ': ' + el.textContent.trim().slice(0, 30))"""


@pytest.fixture
def demo_borrower(page, live_server, settings):  # type: ignore[no-untyped-def]
    """demo@ signed in on ``page``, over the demo data at a pinned business date (AX-DEMO-1002 overdue)."""
    from django.conf import settings as django_settings
    from django.core.management import call_command

    settings.ANXIN_BUSINESS_DATE = BUSINESS_DATE
    call_command("seed_demo", verbosity=0)
    cookie = session_cookie("demo@anxin.example", password="anxin-demo-2026")
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


def test_submitting_my_loans_shows_the_plan_without_a_console_error(demo_borrower) -> None:  # type: ignore[no-untyped-def]
    page = demo_borrower
    errors = _console_errors(page)
    page.goto("/plan/my-loans/")
    page.evaluate("window.__notReloaded = true")

    # Typing then clicking the button: the field's change event and the submit both ask htmx for the plan.
    page.get_by_label("每月能用于还所有借款的金额（¥）").fill("3000")
    page.get_by_role("button", name="查看我的方案").click()
    page.locator("#result .debt-closes").wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)

    assert page.evaluate("window.__notReloaded") is True
    assert "budget=3000" in page.url
    assert "AX-DEMO-1002" in page.locator("#result .debt-due-now").inner_text()
    assert errors == []


def test_submitting_the_planner_after_typing_logs_no_console_error(page) -> None:  # type: ignore[no-untyped-def]
    errors = _console_errors(page)
    page.goto("/plan/?principal=10000&method=equal_instalment&annual_rate=12&months=12&start=2026-01-15")
    before = page.locator(".plan-payment").inner_text()

    page.get_by_label("期限（月）").fill("24")
    page.get_by_role("button", name="计算").click()
    page.wait_for_function(
        "before => document.querySelector('.plan-payment').innerText !== before", arg=before
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(600)  # past the input trigger's 400 ms delay

    assert errors == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [360, 1280])
def test_my_loans_fits_the_window_in_both_languages(  # type: ignore[no-untyped-def]
    demo_borrower, live_server, language: str, width: int
) -> None:
    page = demo_borrower
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    errors = _console_errors(page)
    page.goto("/plan/my-loans/?budget=3000&strategy=avalanche")
    page.locator("#result details summary").click()

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(SQUEEZED) == []
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"planner-my-loans-{language}-{width}.png"), full_page=True)


LOWER_PAYMENT_PLAN = (
    "/plan/?principal=12000&method=equal_instalment&annual_rate=12&months=12&start=2026-01-01"
    "&extra_effect=lower_payment&lump_1_on=2026-03-02&lump_1_amount=3000"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [360, 1280])
def test_a_lower_payment_plan_with_a_one_off_fits_the_window_in_both_languages(  # type: ignore[no-untyped-def]
    page, live_server, language: str, width: int
) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    errors = _console_errors(page)
    page.goto(LOWER_PAYMENT_PLAN)
    page.locator("#result details summary").click()

    assert page.locator(".plan-payment ~ .plan-payment-note").is_visible()  # the new payment's "from …" note
    assert page.locator(".plan-one-offs li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(SQUEEZED) == []
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"planner-lower-payment-{language}-{width}.png"), full_page=True)

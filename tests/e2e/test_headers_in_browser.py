"""The strict headers of issue 9 in Chromium, beyond opening pages (tests/e2e/test_every_page.py does that).

Every browser test's `page` fixture carries a HeaderWatch (tests/e2e/conftest.py): a CSP violation, or an
answer of ours short of the headers, fails the test. These tests show that watch can fail, and that htmx
still swaps in place under the CSP, with its partials never stored.
"""

from typing import Any

import pytest

from tests.e2e.conftest import HeaderWatch

pytestmark = pytest.mark.browser

WATCHED = "http://watch.test"
INLINE_PAGE = """<!doctype html><html lang="zh-Hans"><head><title>自测</title></head><body><main>
<p style="color: #333">内联样式</p><button onclick="void 0">按钮</button></main></body></html>"""


def test_the_header_watch_reports_a_violation_and_an_answer_short_of_the_headers(browser: Any) -> None:
    context = browser.new_context()
    watch = HeaderWatch(WATCHED).attach(context)
    tab = context.new_page()
    tab.route(
        f"{WATCHED}/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'", "Vary": "Cookie"},
            body=INLINE_PAGE,
        ),
    )
    tab.goto(f"{WATCHED}/", wait_until="load")
    tab.locator("button").click()
    tab.evaluate("0")
    context.close()

    text = "\n".join(watch.problems)
    assert "CSP violation: style-src-attr refused inline" in text, text
    assert "CSP violation: script-src-attr refused inline" in text, text
    assert f"GET {WATCHED}/: CSP frame-ancestors is []" in text, text
    assert f"GET {WATCHED}/: Permissions-Policy leaves camera on" in text, text
    assert f"GET {WATCHED}/: personal data without Cache-Control: no-store" in text, text


def test_htmx_swaps_the_planner_in_place_under_the_csp_and_its_partial_is_never_stored(page: Any) -> None:
    page.goto("/plan/?principal=10000&method=equal_instalment&annual_rate=12&months=12&start=2026-01-15")
    csp = page.evaluate("() => document.querySelector('meta[name=htmx-config]').content")
    before = page.locator(".plan-payment").inner_text()
    page.evaluate("window.__notReloaded = true")

    # Waits for htmx's own request's response (a "response" listener may hear of it only after the swap).
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true") as sent:
        page.get_by_label("期限（月）").fill("24")
    page.wait_for_function(
        "before => document.querySelector('.plan-payment').innerText !== before", arg=before
    )
    htmx_responses = [sent.value]
    assert page.evaluate("window.__notReloaded") is True
    assert '"allowEval": false' in csp
    partials = [response.all_headers() for response in htmx_responses]
    assert partials, "htmx sent no request"
    assert all("no-store" in headers.get("cache-control", "") for headers in partials), partials
    # htmx injected no <style> of its own (the CSP would refuse it): its indicator rules are ours.
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0

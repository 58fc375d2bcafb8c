"""demo@ from login to the overdue loan's "If you pay on…" table, changing the date in place."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


def test_demo_borrower_sees_what_waiting_costs_and_changes_the_date(page) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)

    page.goto("/accounts/login/")
    page.get_by_label("邮箱").fill("demo@anxin.example")
    page.get_by_label(re.compile(r"^密码:?$")).fill("anxin-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的借款").click()
    banner = page.locator(".overdue-banner").first
    assert "AX-DEMO-1002" in banner.inner_text()
    banner.get_by_role("link", name="看看现在要还多少").click()
    page.wait_for_url("**/loans/AX-DEMO-1002/**")

    table = page.locator("#pay-on-table")
    assert table.locator("tbody tr").count() >= 6
    before = page.locator(".chosen-amount").inner_text()
    page.evaluate("window.__notReloaded = true")

    page.get_by_label("如果我在这一天还款").fill("2027-01-15")
    page.get_by_label("如果我在这一天还款").dispatch_event("change")
    page.wait_for_url("**pay_on=2027-01-15**")
    page.wait_for_function("document.querySelector('.chosen-amount').innerText.includes('2027')")

    assert page.evaluate("window.__notReloaded") is True  # swapped in place, no page load
    assert page.locator(".chosen-amount").inner_text() != before
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

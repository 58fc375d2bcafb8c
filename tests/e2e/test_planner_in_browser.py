"""The planner in a real browser: the payment follows the term without a reload; compare; download CSV."""

import csv
import io

import pytest

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

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 CSV").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text())))
    assert len(rows) == 6 + 24
    assert {row["plan"] for row in rows} == {"方案 1", "方案 2"}

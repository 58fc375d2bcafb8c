"""demo@ from login to the overdue loan's "If you pay on…" table, changing the date in place."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


def test_demo_borrower_sees_what_waiting_costs_and_changes_the_date(page) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)

    page.goto("/accounts/login/")
    page.get_by_label("邮箱").fill("demo@anxin.example")
    page.get_by_label(re.compile(r"^密码[:：]?$")).fill("anxin-demo-2026")
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
    page.wait_for_function("() => document.querySelector('.chosen-amount').innerText.includes('2027')")

    assert page.evaluate("window.__notReloaded") is True  # swapped in place, no page load
    assert page.locator(".chosen-amount").inner_text() != before
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# A visible element holding three or more characters but drawn narrower than two characters of its own
# font: the label squeezed to one character per line beside a long value (issue 8, defect 1). Elements
# clipped to 1 px for screen readers (.visually-hidden) are not drawn, so they are left out.
SQUEEZED = """() => [...document.querySelectorAll('main *')].filter(el => {
  const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
  if ([...text].length < 3) return false;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (!box.width || !box.height || style.visibility === 'hidden') return false;
  if (el.closest('.visually-hidden')) return false;
  return box.width < 2 * parseFloat(style.fontSize);
}).map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 40))"""

# Each loan card lies inside the box of the list that holds it.
CARDS_OUTSIDE = """() => [...document.querySelectorAll('.loan-cards')].flatMap(list => {
  const outer = list.getBoundingClientRect();
  return [...list.querySelectorAll('.loan-card')].filter(card => {
    const box = card.getBoundingClientRect();
    return box.left < outer.left - 0.5 || box.right > outer.right + 0.5;
  }).map(card => card.id || card.textContent.trim().slice(0, 40));
})"""

LOAN_PAGES = (
    "/dashboard/",
    "/loans/",
    "/loans/AX-DEMO-1001/",
    "/loans/AX-DEMO-1002/",
    "/loans/AX-DEMO-1003/",
    "/loans/AX-DEMO-1003/settlement/",
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [360, 1280])
def test_loan_figures_fit_their_cards_and_the_window(page, live_server, language: str, width: int) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.conftest import ARTIFACTS

    call_command("seed_demo", verbosity=0)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("demo@anxin.example")
    page.locator("input[name=password]").fill("anxin-demo-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")

    ARTIFACTS.mkdir(exist_ok=True)
    problems = {}
    for path in LOAN_PAGES:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        page.screenshot(
            path=str(ARTIFACTS / f"loans-{language}-{width}-{path.strip('/').replace('/', '-')}.png"),
            full_page=True,
        )
        found = {
            "overflow": page.evaluate("document.documentElement.scrollWidth - window.innerWidth"),
            "squeezed": page.evaluate(SQUEEZED),
            "cards outside their list": page.evaluate(CARDS_OUTSIDE),
        }
        if found["overflow"] > 0 or found["squeezed"] or found["cards outside their list"]:
            problems[path] = found
    assert problems == {}


def test_the_product_name_follows_the_language_and_borrowers_read_no_bucket_jargon(page, live_server) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("demo@anxin.example")
    page.locator("input[name=password]").fill("anxin-demo-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")

    page.goto("/loans/")
    text = page.locator("main").inner_text()

    assert "Anxin Instalments 12" in text
    assert "安心" not in text
    assert "31–60 days overdue" in text
    assert "M2" not in text

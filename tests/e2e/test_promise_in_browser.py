"""The promise-to-pay and due-day pages in Chromium over the demo data, at 360 and 1280 px, in both
languages: each step (the form, the confirm step with its errors, the promise made and shown on the loan
page and the dashboard; the due-day form, its htmx preview as the day changes, and the loan page after
the move) passes the page checks of tests/e2e/test_every_page.py: nothing wider than the window, no text
squeezed, no serious or critical axe-core violation, no console error, CSP and the strict headers kept.

Each step works without JavaScript too (the forms are plain GET and POST): the view tests cover that.
"""

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.pages import BORROWER
from tests.e2e.test_every_page import SETTLED_JS, Contexts, _check, _inspect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("promise-browser")]

SHOTS = ARTIFACTS / "promise"
OVERDUE, CURRENT = "AX-DEMO-1002", "AX-DEMO-1001"


@pytest.fixture(scope="module")
def contexts(browser, demo_site: str) -> Any:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    holder = Contexts(browser, demo_site)
    yield holder
    holder.close()


@pytest.fixture(autouse=True)
def _sign_ins_not_rate_limited(contexts: Contexts, django_db_blocker: Any, monkeypatch: Any) -> None:
    """Each language × width signs in afresh: allauth's rate limits (kept in the cache) must not refuse
    the next sign-in of the same demo login within the minute, so the cache is emptied before each."""
    from django.core.cache import cache

    get = contexts.get

    def get_signed_in(role: str, language: str, width: int) -> Any:
        if contexts.key != (role, language, width):
            with django_db_blocker.unblock():
                cache.clear()
        return get(role, language, width)

    monkeypatch.setattr(contexts, "get", get_signed_in)


def _problems(tab: Any, inspected: list[str]) -> list[str]:
    return inspected + tab.console + tab.problems


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


# The forms themselves are in the every-page checks in both languages at both widths
# (tests/e2e/pages.py); the steps after them (the confirm step, its errors, the result) are walked here in
# Chinese on a phone and English on a laptop, the two a borrower is likeliest to use (the suite's time).
COMBINATIONS = (("zh-hans", 360), ("en", 1280))


def _promise_steps(contexts: Contexts, language: str, width: int) -> list[str]:
    """The form, a bad amount, the confirm step and back: nothing is made."""
    tab = contexts.get(BORROWER, language, width)
    page = tab.page
    found: list[str] = []
    name = f"{language}-{width}"
    problems, _ = _check(page, f"/loans/{OVERDUE}/promise/", BORROWER, contexts.base_url)
    found += [f"{name} form: {p}" for p in _problems(tab, problems)]
    _shot(page, f"promise-form-{name}")
    # A bad amount: the message beside the field.
    tab.reset()
    page.fill("#id_amount", "1")
    page.click("form.promise-form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("#id_amount_errors li").count() == 1
    inspected, _ = _inspect(page)
    found += [f"{name} error: {p}" for p in _problems(tab, inspected)]
    _shot(page, f"promise-error-{name}")
    # The least, then the confirm step.
    tab.reset()
    minimum = page.get_attribute("#id_amount", "min")
    assert minimum
    page.fill("#id_amount", minimum)
    page.click("form.promise-form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("button[name=confirm]").count() == 1
    inspected, _ = _inspect(page)
    found += [f"{name} confirm: {p}" for p in _problems(tab, inspected)]
    _shot(page, f"promise-confirm-{name}")
    # Change it: back to the form.
    tab.reset()
    page.click("button[name=edit]")
    page.wait_for_load_state("load")
    assert page.locator("#id_amount").count() == 1
    # A loan not overdue: nothing to promise, and the page says why.
    tab.reset()
    problems, _ = _check(page, f"/loans/{CURRENT}/promise/", BORROWER, contexts.base_url)
    found += [f"{name} current: {p}" for p in _problems(tab, problems)]
    return found


def test_the_promise_steps_and_the_promise_made_pass_the_page_checks(contexts: Contexts) -> None:
    found: list[str] = []
    for language, width in COMBINATIONS:
        found += _promise_steps(contexts, language, width)
    # Made once; then shown on the loan page, the dashboard and the promise page, every way.
    tab = contexts.get(BORROWER, "en", 360)
    page = tab.page
    page.goto(f"/loans/{OVERDUE}/promise/", wait_until="load")
    page.fill("#id_amount", page.get_attribute("#id_amount", "min") or "")
    page.click("form.promise-form button[type=submit]")
    page.wait_for_load_state("load")
    page.click("button[name=confirm]")
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/loans/{OVERDUE}/#promise")
    for language, width in COMBINATIONS:
        tab = contexts.get(BORROWER, language, width)
        for url in (f"/loans/{OVERDUE}/", "/dashboard/", f"/loans/{OVERDUE}/promise/"):
            problems, _ = _check(tab.page, url, BORROWER, contexts.base_url)
            found += [f"{language} {width} {url}: {p}" for p in _problems(tab, problems)]
            assert tab.page.locator(".promise-note").count() >= 1, url
            _shot(tab.page, f"promise-made-{language}-{width}-{url.strip('/').replace('/', '-')}")
            tab.reset()
    assert not found, "\n".join(found)


def _due_day_steps(contexts: Contexts, language: str, width: int) -> list[str]:
    tab = contexts.get(BORROWER, language, width)
    page = tab.page
    found: list[str] = []
    name = f"{language}-{width}"
    problems, _ = _check(page, f"/loans/{CURRENT}/due-day/", BORROWER, contexts.base_url)
    found += [f"{name} form: {p}" for p in _problems(tab, problems)]
    # Choosing a day updates the preview in place (htmx), and the address bar follows.
    tab.reset()
    page.select_option("#id_day", "25")
    page.wait_for_selector("#due-day-preview button[type=submit]")
    page.wait_for_function(SETTLED_JS)
    assert "day=25" in page.url
    inspected, _ = _inspect(page)
    found += [f"{name} preview: {p}" for p in _problems(tab, inspected)]
    _shot(page, f"due-day-preview-{name}")
    tab.reset()
    page.select_option("#id_day", "3")
    page.wait_for_function("() => location.search.includes('day=3')")
    page.wait_for_function(SETTLED_JS)
    inspected, _ = _inspect(page)
    found += [f"{name} preview 2: {p}" for p in _problems(tab, inspected)]
    # An overdue loan is told why.
    tab.reset()
    problems, _ = _check(page, f"/loans/{OVERDUE}/due-day/", BORROWER, contexts.base_url)
    found += [f"{name} overdue: {p}" for p in _problems(tab, problems)]
    assert page.locator("#id_day").count() == 0
    return found


def test_the_due_day_steps_and_the_move_pass_the_page_checks(contexts: Contexts) -> None:
    found: list[str] = []
    for language, width in COMBINATIONS:
        found += _due_day_steps(contexts, language, width)
    tab = contexts.get(BORROWER, "en", 360)
    tab.page.goto(f"/loans/{CURRENT}/due-day/?day=25", wait_until="load")
    tab.page.click("#due-day-preview button[type=submit]")
    tab.page.wait_for_load_state("load")
    assert tab.page.url.endswith(f"/loans/{CURRENT}/#schedule")
    for language, width in COMBINATIONS:
        tab = contexts.get(BORROWER, language, width)
        for url in (f"/loans/{CURRENT}/", f"/loans/{CURRENT}/due-day/"):
            problems, _ = _check(tab.page, url, BORROWER, contexts.base_url)
            found += [f"{language} {width} {url}: {p}" for p in _problems(tab, problems)]
            tab.reset()
        _shot(tab.page, f"due-day-moved-{language}-{width}")
    assert not found, "\n".join(found)

"""Every page a visitor, a borrower or an editor can reach, in both languages, on a phone and a laptop.

The list comes from the URL patterns (tests/e2e/pages.py); the objects a page shows come from the demo
data. Each page is opened once per role and language, at 1280 px, then the same tab is narrowed to
360 px; at each width: nothing wider than the window, no text squeezed into a sliver, no serious or
critical axe-core violation, no console error, no failed request and no 5xx (and, on opening, the
status, the strict headers and no redirect). Each page's full-page screenshot at each width is saved
under test-artifacts/pages/ (a CI artifact) to be looked at: a check catches one kind of defect, eyes
catch the rest.
"""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import ARTIFACTS, session_cookie
from tests.e2e.headers import CSP_BINDING, CSP_CONSOLE, CSP_VIOLATION_JS, header_problems, is_personal
from tests.e2e.pages import (
    BORROWER,
    EDITOR,
    LANGUAGES,
    LOGINS,
    PAGES,
    ROLES,
    VISITOR,
    WIDTHS,
    Page,
    exclusion,
    pages_from_patterns,
    url_patterns,
)

# ANXIN_PAGES_DIR: somewhere else for the screenshots, e.g. for two runs at once on one work tree.
PAGES_DIR = Path(os.environ.get("ANXIN_PAGES_DIR", ARTIFACTS / "pages"))
# One results file a worker (each seeds its own server): results.jsonl, or results-gw0.jsonl and so on.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
RESULTS = PAGES_DIR / (f"results-{_WORKER}.jsonl" if _WORKER else "results.jsonl")
HEIGHT = {360: 740, 1280: 800}
BROWSER_LOCALE = {"zh-hans": "zh-CN", "en": "en-US"}
AXE_FAILING_IMPACTS = {"serious", "critical"}


def _cases() -> Iterator[Any]:
    # One case a role × language × page: the page is opened once, at the widest width, checked, then the
    # same tab is narrowed to the phone's width and checked again (the layout reflows; the page is not
    # loaded twice). One context per role × language: its pages run one after another, signed in once.
    for role in ROLES:
        for language in LANGUAGES:
            for page in pages_from_patterns():
                if role in page.roles:
                    # One xdist group a role × language (a group stays on one worker, which signs in
                    # once for it); eight groups share the workers.
                    yield pytest.param(
                        role,
                        language,
                        page,
                        id=f"{role}-{language}-{page.slug}",
                        marks=pytest.mark.xdist_group(f"every-page-{language}-{role}"),
                    )


# -- the checks that run inside the page --------------------------------------------------------------

# A short CSS path to an element, for the failure message.
SELECTOR_JS = """
window.__anxinSelector = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    let s = e.tagName.toLowerCase();
    if (e.id) { parts.unshift(s + '#' + e.id); break; }
    const classes = [...e.classList].slice(0, 2);
    if (classes.length) s += '.' + classes.join('.');
    const parent = e.parentElement;
    if (parent) {
      const same = [...parent.children].filter((c) => c.tagName === e.tagName);
      if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    }
    parts.unshift(s);
  }
  return parts.join(' > ');
};
window.__anxinText = (el) => (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
window.__anxinHidden = (el) => {
  if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return true;
  for (let e = el; e && e !== document.body; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.clip === 'rect(0px, 0px, 0px, 0px)' || cs.clipPath === 'inset(50%)') return true;
    const r = e.getBoundingClientRect();
    if ((r.width <= 1 || r.height <= 1) && cs.overflow !== 'visible') return true;  // visually hidden
  }
  return false;
};
"""

OVERFLOW_JS = """
() => {
  const vw = window.innerWidth;
  const result = { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, offenders: [] };
  if (result.scrollWidth <= vw) return result;
  const scrolls = (e) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= vw + 1 || r.width === 0 || window.__anxinHidden(el)) continue;
    let inner = false;  // inside a box that scrolls or clips sideways: that box keeps it in
    let parentOut = false;  // its parent sticks out too: report the outermost one only
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) { inner = true; break; }
    }
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > vw + 1) parentOut = true;
    if (inner || parentOut) continue;
    result.offenders.push({ selector: window.__anxinSelector(el), text: window.__anxinText(el),
                            right: Math.round(r.right), width: Math.round(r.width) });
    if (result.offenders.length >= 5) break;
  }
  return result;
}
"""

# "Squeezed": an element whose own text has three or more characters, drawn narrower than two
# characters of its font (2 × font-size), so that text wraps a character or two a line, or is cut off.
SQUEEZED_JS = """
() => {
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'OPTGROUP', 'SELECT',
                        'TEXTAREA']);
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (skip.has(el.tagName)) continue;
    const nodes = [...el.childNodes].filter((n) => n.nodeType === 3);
    const own = nodes.map((n) => n.textContent).join('').replace(/\\s+/g, ' ').trim();
    if ([...own].length < 3) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const fontSize = parseFloat(getComputedStyle(el).fontSize);
    if (r.width >= 2 * fontSize) continue;
    if (window.__anxinHidden(el)) continue;
    const tops = new Set();
    for (const n of nodes) {
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
    }
    const cut = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
    if (tops.size < 2 && !cut) continue;
    found.push({ selector: window.__anxinSelector(el), text: own.slice(0, 40), width: Math.round(r.width),
                 fontSize, lines: tops.size, cut });
    if (found.length >= 8) break;
  }
  return found;
}
"""

AXE_RUN_JS = "() => axe.run(document, { resultTypes: ['violations'] })"
SETTLED_JS = "() => !document.querySelector('.htmx-request') && document.fonts.status === 'loaded'"
# Two animation frames: the layout after a viewport change has been computed and painted.
FRAME_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


# -- contexts: one per role × language × width ---------------------------------------------------------


@dataclass
class Tab:
    """A browser tab and what it reported during the current page's check."""

    page: Any
    console: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.console.clear()
        self.problems.clear()

    def listen(self) -> "Tab":
        def on_console(message: Any) -> None:
            where = message.location.get("url", "")
            if not where and CSP_CONSOLE in message.text:
                return  # from the test's own init scripts (axe-core): see CSP_VIOLATION_JS
            if message.type == "error":
                self.console.append(f"{message.text} ({where})")

        def on_response(response: Any) -> None:
            if response.status >= 500:
                self.problems.append(f"status {response.status}: {response.request.method} {response.url}")
            elif response.status >= 400 and response.request.resource_type != "document":
                self.problems.append(f"request failed: status {response.status} for {response.url}")

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda error: self.console.append(f"uncaught {error}"))
        self.page.on(
            "requestfailed",
            lambda r: self.problems.append(f"request failed: {r.method} {r.url} ({r.failure})"),
        )
        self.page.on("response", on_response)
        # Each CSP violation the page reports, as one of its problems (tests/e2e/headers.py).
        self.page.expose_function(CSP_BINDING, lambda text: self.problems.append(f"CSP violation: {text}"))
        self.page.add_init_script(CSP_VIOLATION_JS)
        return self


class Contexts:
    """One browser context (and tab) per role × language, signed in once, closed when the tests move on
    to the next one. Each page starts at the widest width (WIDTHS[-1])."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.key: tuple[str, str, int] | None = None
        self.context: Any = None
        self.tab: Tab | None = None

    def new(self, *, language: str, width: int, session: str | None) -> Any:
        context = self.browser.new_context(
            viewport={"width": width, "height": HEIGHT[width]},
            locale=BROWSER_LOCALE[language],
            base_url=self.base_url,
        )
        context.set_default_timeout(15_000)
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.base_url}]
        if session is not None:
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.base_url})
        context.add_cookies(cookies)
        context.add_init_script(SELECTOR_JS)
        # axe-core, from the pinned axe-playwright-python, loaded into every page of the context.
        context.add_init_script(AXE_SCRIPT)
        return context

    def get(self, role: str, language: str, width: int) -> Tab:
        if self.key != (role, language, width) or self.tab is None or self.tab.page.is_closed():
            self.close()
            email = LOGINS.get(role)
            # Signed in, and the password just confirmed again, as allauth asks before the TOTP pages.
            session = session_cookie(email, password=DEMO_PASSWORD, reauthenticate=True) if email else None
            self.context = self.new(language=language, width=width, session=session)
            self.tab = Tab(self.context.new_page()).listen()
            self.key = (role, language, width)
        self.tab.reset()
        self.tab.page.set_viewport_size({"width": width, "height": HEIGHT[width]})
        return self.tab

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self.context, self.key, self.tab = None, None, None


@pytest.fixture(scope="module")
def contexts(browser, demo_site: str) -> Iterator[Contexts]:  # type: ignore[no-untyped-def]
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("")
    holder = Contexts(browser, demo_site)
    yield holder
    holder.close()


# -- the page test -------------------------------------------------------------------------------------


def _check(tab: Any, url: str, role: str, base_url: str) -> tuple[list[str], list[dict[str, Any]]]:
    problems: list[str] = []
    response = tab.goto(url, wait_until="load")
    tab.wait_for_function(SETTLED_JS)
    status = response.status if response is not None else 0
    if 400 <= status < 500:
        problems.append(f"status {status}: the page is listed for the {role} but answers {status}")
    if response is not None:
        # The strict headers of issue 9; no-store on every page to someone signed in, and on every page
        # that sets or varies on a cookie (sign-in forms carry a CSRF token).
        headers = response.all_headers()
        cookies = response.request.all_headers().get("cookie", "")
        personal = is_personal(headers, signed_in=role != VISITOR, request_cookies=cookies)
        problems += [f"header: {line}" for line in header_problems(headers, personal=personal)]
    final = tab.url.removeprefix(base_url)
    if final.split("?")[0] != url.split("?")[0]:
        problems.append(f"redirected to {final}: the page list says the {role} sees {url}")
    inspected, axe_report = _inspect(tab)
    return problems + inspected, axe_report


def _inspect(tab: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """Overflow, squeezed text and axe-core on the page the tab shows."""
    problems: list[str] = []
    overflow = tab.evaluate(OVERFLOW_JS)
    if overflow["scrollWidth"] > overflow["innerWidth"]:
        sticking = "; ".join(
            f"{o['selector']} (right edge {o['right']}px, «{o['text']}»)" for o in overflow["offenders"]
        )
        problems.append(
            f"horizontal overflow: scrollWidth {overflow['scrollWidth']} > innerWidth "
            f"{overflow['innerWidth']}; sticking out: {sticking or '?'}"
        )
    for item in tab.evaluate(SQUEEZED_JS):
        problems.append(
            f"squeezed text: {item['selector']} «{item['text']}» is {item['width']}px wide, "
            f"under 2 × its {item['fontSize']:g}px font "
            f"({'cut off' if item['cut'] else str(item['lines']) + ' lines'})"
        )
    axe_report: list[dict[str, Any]] = []
    for violation in tab.evaluate(AXE_RUN_JS)["violations"]:
        targets = [", ".join(str(t) for t in node["target"]) for node in violation["nodes"]]
        axe_report.append({"id": violation["id"], "impact": violation["impact"], "targets": targets})
        if violation["impact"] in AXE_FAILING_IMPACTS:
            shown = " | ".join(targets[:5]) + (f" | … {len(targets) - 5} more" if len(targets) > 5 else "")
            problems.append(f"axe {violation['impact']} {violation['id']} ({violation['help']}): {shown}")
    return problems, axe_report


def _record(record: dict[str, Any]) -> None:
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.mark.browser
@pytest.mark.parametrize(("role", "language", "page"), list(_cases()))
def test_page(contexts: Contexts, role: str, language: str, page: Page) -> None:
    widest, *narrower = sorted(WIDTHS, reverse=True)
    if page.stage == "pending_mfa":
        session = session_cookie(LOGINS[EDITOR], password=DEMO_PASSWORD, staff_code=False)
        staged = contexts.new(language=language, width=widest, session=session)
        tab = Tab(staged.new_page()).listen()
    else:
        staged = None
        tab = contexts.get(role, language, widest)
    url = page.url()
    failures: list[str] = []
    try:
        for width in (widest, *narrower):
            problems: list[str] = []
            axe_report: list[dict[str, Any]] = []
            shot = PAGES_DIR / f"{role}-{language}-{width}-{page.slug}.png"
            try:
                if width == widest:
                    problems, axe_report = _check(tab.page, url, role, contexts.base_url)
                else:
                    # The same page narrowed: media queries and wrapping apply as on a phone.
                    tab.page.set_viewport_size({"width": width, "height": HEIGHT[width]})
                    tab.page.evaluate(FRAME_JS)
                    problems, axe_report = _inspect(tab.page)
            finally:
                # The browser logs a page's own 4xx as a console error too; the status check said it.
                console = [
                    line
                    for line in tab.console
                    if not line.startswith("Failed to load resource") or url not in line
                ]
                problems = [*problems, *tab.problems, *(f"console error: {line}" for line in console)]
                tab.reset()
                try:
                    tab.page.screenshot(path=str(shot), full_page=True)
                finally:
                    _record(
                        {
                            "role": role,
                            "language": language,
                            "width": width,
                            "page": page.slug,
                            "url": url,
                            "problems": problems,
                            "axe": axe_report,
                            "screenshot": str(shot),
                        }
                    )
            if problems:
                failures.append(
                    f"{role} {language} {width}px {page.slug} ({url}):\n  " + "\n  ".join(problems)
                )
    finally:
        if staged is not None:
            staged.close()
    assert not failures, "\n".join(failures)


# -- the list covers every pattern ---------------------------------------------------------------------


SYNTHETIC = """<!doctype html><html lang="zh-Hans"><head><title>自测</title>
<style>body { margin: 0; font-size: 16px; } .sr-only { position: absolute; width: 1px; height: 1px;
overflow: hidden; clip: rect(0 0 0 0); } .crumb a { color: #333; text-decoration: none; }</style></head>
<body><main><h1>页面检查自测</h1>
<div class="card" id="wide" style="width: 500px">太宽的卡片</div>
<table><tr><td class="label" style="width: 20px">剩余待还</td><td>¥12,380.46</td></tr></table>
<p>12%</p><span class="sr-only">只给读屏软件的长文字</span>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="chart">
</main></body></html>"""


@pytest.mark.browser
def test_the_checks_catch_overflow_squeezed_text_and_axe_violations(browser) -> None:  # type: ignore[no-untyped-def]
    """The in-page checks can fail: a made-up page with one defect of each kind is reported precisely,
    and what is fine (short text, visually hidden text) is not."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_init_script(SELECTOR_JS)
    context.add_init_script(AXE_SCRIPT)
    tab = context.new_page()
    tab.goto("about:blank")
    tab.set_content(SYNTHETIC)
    problems, axe_report = _inspect(tab)
    context.close()

    text = "\n".join(problems)
    assert "horizontal overflow: scrollWidth 500 > innerWidth 360; sticking out: div#wide" in text, text
    assert "td.label:nth-of-type(1) «剩余待还» is 22px wide, under 2 × its 16px font (4 lines)" in text, text
    assert "axe critical image-alt (Images must have alternative text): #chart" in text, text
    assert "«12%»" not in text, text
    assert "只给读屏软件" not in text, text
    assert len(problems) == 3, text
    assert "image-alt" in {item["id"] for item in axe_report}


CSP_SELF_TEST = """<!doctype html><html lang="zh-Hans"><head><title>自测</title></head><body><main>
<h1 style="color: #333">内联样式</h1><script>document.title = "内联脚本";</script>
<style>h1 { color: #000; }</style></main></body></html>"""


@pytest.mark.browser
def test_the_checks_catch_a_csp_violation_and_a_page_short_of_the_strict_headers(browser) -> None:  # type: ignore[no-untyped-def]
    """The CSP check can fail: a page under a strict policy with an inline style attribute and an inline
    script reports both violations, and headers short of issue 9's policy are named."""
    context = browser.new_context()
    tab = Tab(context.new_page()).listen()
    policy = "default-src 'self'; script-src 'self'; style-src 'self'"
    tab.page.route(
        "http://csp.test/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=CSP_SELF_TEST,
        ),
    )
    response = tab.page.goto("http://csp.test/", wait_until="load")
    tab.page.evaluate("0")
    headers = header_problems(response.all_headers(), personal=True)
    context.close()

    text = "\n".join(tab.problems)
    assert "CSP violation: style-src-attr refused inline" in text, text
    assert "CSP violation: script-src-elem refused inline" in text, text
    assert "CSP violation: style-src-elem refused inline" in text, text
    assert all("(http://csp.test/)" in line for line in tab.console), tab.console
    assert tab.page.is_closed()
    assert "CSP frame-ancestors is [], not [\"'none'\"]" in headers, headers
    assert any("without Cache-Control: no-store" in line for line in headers), headers


def test_every_url_pattern_is_classified() -> None:
    """A new URL pattern must be listed as a page in tests/e2e/pages.py or excluded there with a reason."""
    listed = {page.name for page in PAGES}
    patterns = list(url_patterns())
    keys = {pattern.key for pattern in patterns}

    unclassified = [
        f"{p.key} (/{p.route})" for p in patterns if p.key not in listed and exclusion(p.key) is None
    ]
    assert not unclassified, (
        "URL patterns neither page-checked nor excluded: add each to PAGES (with the roles that open it and "
        "its demo object) or to EXCLUDED with the reason, in tests/e2e/pages.py:\n  "
        + "\n  ".join(unclassified)
    )
    stale = sorted(listed - keys)
    assert not stale, f"PAGES lists URL names that no pattern has any more: {stale}"
    both = sorted(name for name in listed if exclusion(name) is not None)
    assert not both, f"listed as a page and excluded at once: {both}"
    for page in PAGES:
        assert page.roles, f"{page.slug} has no role that opens it"


def test_a_borrower_page_left_out_of_the_list_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coverage check above can fail: take the dashboard out of the list and it names it."""
    from tests.e2e import pages

    monkeypatch.setattr(pages, "PAGES", tuple(p for p in PAGES if p.name != "portal:dashboard"))
    monkeypatch.setattr("tests.e2e.test_every_page.PAGES", pages.PAGES)
    with pytest.raises(AssertionError, match=r"portal:dashboard \(/dashboard/\)"):
        test_every_url_pattern_is_classified()


def test_the_page_list_has_each_role_in_both_languages_at_both_widths() -> None:
    ids = [case.id for case in _cases()]
    assert len(ids) == len(set(ids)), "two page checks share a test id"
    for role in ROLES:
        for language in LANGUAGES:
            assert any(i.startswith(f"{role}-{language}-") for i in ids)
    assert f"{BORROWER}-zh-hans-borrowers-detail-overdue" in ids
    # Each case checks every width (test_page): the phone's and the laptop's.
    assert sorted(WIDTHS) == [360, 1280]

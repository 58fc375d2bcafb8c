"""Strict response headers on every page, checked with Django's test client (issue 9, findings 7 and 8).

Every page of tests/e2e/pages.py, as each role that opens it, over the demo data: a response with personal
data (anything to a signed-in user, anything that sets or varies on the session or the CSRF token, and
the admin) says `Cache-Control: no-store`; every page sends the strict Content-Security-Policy and the
Permissions-Policy; and no page holds what that CSP refuses (inline script, style element or attribute,
event-handler attribute). The browser layer (tests/e2e/test_every_page.py) checks the same headers in
Chromium and fails on any CSP violation the browser reports.
"""

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory

from accounts.demo import DEMO_PASSWORD
from core.security_headers import PersonalResponseNoStoreMiddleware
from tests.e2e.conftest import _course_complete, session_cookie
from tests.e2e.headers import header_problems, is_personal, no_store
from tests.e2e.pages import (
    BORROWER,
    BUSINESS_DATE,
    EDITOR,
    LOGINS,
    PLAN_QUERY,
    VISITOR,
    Page,
    pages_from_patterns,
)

ROOT = Path(__file__).resolve().parents[2]
HTMX = ROOT / "static" / "vendor" / "htmx-2.0.11.min.js"

# Pages whose forms carry a sign-in secret or a CSRF token: named in finding 7, checked by name too.
SIGN_IN_PAGES = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_from_key",
    "mfa_authenticate",
}
# Named in finding 7 ("a loan page and its htmx partial" is an extra view below).
NAMED_IN_FINDING_7 = {
    "borrowers:loans",
    "borrowers:detail",
    "portal:dashboard",
    "budget:budget",
    "repayment:my_loans",
    "usersessions_list",
    "mfa_index",
}
# Answers to a borrower beyond opening a page: the loan page's htmx partial, the planner's exports.
EXTRA_VIEWS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/loans/AX-DEMO-1002/?pay_on=2027-01-15", {"HX-Request": "true"}),
    (f"/plan/?{PLAN_QUERY}", {"HX-Request": "true"}),
    (f"/plan/?{PLAN_QUERY}&format=csv", {}),
    ("/plan/my-loans/?format=csv", {}),
)


@dataclass(frozen=True)
class Answer:
    role: str
    name: str
    url: str
    status: int
    headers: dict[str, str]
    content: str
    sets_cookie: bool

    @property
    def where(self) -> str:
        return f"{self.role} {self.url}"


def _client_for(role: str) -> Client:
    client = Client()
    if role == BORROWER:
        response = client.post("/accounts/login/", {"login": LOGINS[BORROWER], "password": DEMO_PASSWORD})
        assert response.status_code == 302
    elif role == EDITOR:
        # The editor has TOTP: signed in through both stages, and reauthenticated for the MFA pages.
        session = session_cookie(LOGINS[EDITOR], password=DEMO_PASSWORD, reauthenticate=True)
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


def _answer(client: Client, role: str, name: str, url: str, headers: dict[str, str] | None = None) -> Answer:
    response = client.get(url, headers=headers or {})
    content = response.content.decode() if isinstance(response, HttpResponse) else ""
    return Answer(
        role=role,
        name=name,
        url=url,
        status=response.status_code,
        headers={key.lower(): value for key, value in response.items()},
        content=content,
        sets_cookie=bool(response.cookies),
    )


def _pages(role: str) -> list[Page]:
    return [page for page in pages_from_patterns() if role in page.roles]


@pytest.fixture
def answers(db, settings) -> list[Answer]:  # type: ignore[no-untyped-def]
    """Every page as every role that opens it, plus the borrower's extra views, over the demo data."""
    settings.ANXIN_BUSINESS_DATE = BUSINESS_DATE
    call_command("seed_demo", verbosity=0)
    _course_complete(LOGINS[BORROWER])  # so the certificate page exists, as in the browser tests
    found: list[Answer] = []
    for role in (VISITOR, BORROWER, EDITOR):
        client = _client_for(role)
        for page in _pages(role):
            if page.stage == "pending_mfa":
                staged = Client()
                staged.cookies[settings.SESSION_COOKIE_NAME] = session_cookie(
                    LOGINS[EDITOR], password=DEMO_PASSWORD, staff_code=False
                )
                found.append(_answer(staged, role, page.name, page.url()))
            elif page.name != "account_logout":  # opened last: it would end the session
                found.append(_answer(client, role, page.name, page.url()))
        if role == BORROWER:
            found += [_answer(client, role, "extra", url, headers) for url, headers in EXTRA_VIEWS]
        for page in _pages(role):
            if page.name == "account_logout":
                found.append(_answer(client, role, page.name, page.url()))
    for answer in found:
        assert answer.status < 400, f"{answer.where} answers {answer.status}: the page list is out of date"
    return found


# -- finding 7: no-store -------------------------------------------------------------------------------


def test_every_answer_to_a_signed_in_borrower_or_editor_says_no_store(answers: list[Answer]) -> None:
    signed_in = [answer for answer in answers if answer.role in (BORROWER, EDITOR)]
    assert {answer.name for answer in signed_in} >= NAMED_IN_FINDING_7
    assert any(answer.name.startswith("admin:") for answer in signed_in)

    stored = [
        f"{a.where}: Cache-Control {a.headers.get('cache-control')!r}"
        for a in signed_in
        if not no_store(a.headers)
    ]

    assert stored == []


def test_sign_in_pages_and_every_answer_that_sets_or_varies_on_a_cookie_say_no_store(
    answers: list[Answer],
) -> None:
    visitor = [answer for answer in answers if answer.role == VISITOR]
    assert {answer.name for answer in visitor} >= SIGN_IN_PAGES
    personal = [
        answer
        for answer in visitor
        if answer.name in SIGN_IN_PAGES
        or answer.sets_cookie
        or "csrfmiddlewaretoken" in answer.content
        or "cookie" in answer.headers.get("vary", "").lower()
    ]

    stored = [
        f"{a.where}: Cache-Control {a.headers.get('cache-control')!r}"
        for a in personal
        if not no_store(a.headers)
    ]

    assert stored == []


def test_an_anonymous_answer_that_reads_no_session_may_be_cached() -> None:
    """The rule is no blanket no-store: a response that depends on nobody (no cookie in, none out, no
    Vary: Cookie, no user, not the admin) is left as the view made it."""
    request = RequestFactory().get("/healthz")
    request.resolver_match = None
    middleware = PersonalResponseNoStoreMiddleware(lambda request: HttpResponse("ok"))

    assert "Cache-Control" not in middleware(request)

    request.COOKIES[settings.SESSION_COOKIE_NAME] = "someone"
    assert "no-store" in middleware(request)["Cache-Control"]


# -- finding 8: CSP and Permissions-Policy -------------------------------------------------------------


def test_every_page_sends_the_strict_csp_the_permissions_policy_and_the_framing_headers(
    answers: list[Answer],
) -> None:
    wrong = {
        answer.where: problems
        for answer in answers
        if (problems := header_problems(answer.headers, personal=False))
    }

    assert wrong == {}


def test_the_header_check_names_what_is_missing() -> None:
    lax = {
        "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline'",
        "permissions-policy": "camera=(self)",
    }
    problems = "\n".join(header_problems(lax, personal=True))

    assert "CSP script-src is [\"'self'\", \"'unsafe-inline'\"]" in problems
    assert "CSP frame-ancestors is []" in problems
    assert "CSP too lax" in problems
    assert "Permissions-Policy leaves camera on" in problems
    assert "X-Frame-Options None" in problems
    assert "without Cache-Control: no-store" in problems
    assert header_problems({}, personal=False)[0] == "no Content-Security-Policy header"
    assert is_personal({"vary": "Accept-Language, Cookie"}, signed_in=False)
    assert not is_personal({"vary": "Accept-Language"}, signed_in=False, request_cookies="django_language=en")


class _InlineFinder(HTMLParser):
    """What a strict CSP (no 'unsafe-inline') refuses to run or apply, as found in an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "style":
            self.found.append("a <style> element")
        if tag == "script" and "src" not in named and named.get("type") != "application/json":
            self._script = named
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"<{tag} {name}=…>")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        if self._script is not None and data.strip():
            self.found.append(f"an inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def inline_code(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_inline_finder_finds_each_kind() -> None:
    html = (
        '<style>p{}</style><p style="color:red" onclick="x()" hx-on:click="y()">'
        '<a href="javascript:alert(1)">a</a><script>alert(1)</script>'
        '<script src="/static/a.js"></script><script type="application/json">{"a": 1}</script>'
    )

    assert len(inline_code(html)) == 6, inline_code(html)


def test_no_page_holds_inline_script_style_or_event_handlers(answers: list[Answer]) -> None:
    found = {
        answer.where: inline
        for answer in answers
        if "text/html" in answer.headers.get("content-type", "") and (inline := inline_code(answer.content))
    }

    assert found == {}


TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
INLINE_IN_TEMPLATE = re.compile(
    r"style\s*=|<style[\s>]|\son[a-z]+\s*=|hx-on|javascript:|<script(?![^>]*\bsrc=)(?![^>]*application/json)",
    re.IGNORECASE,
)


def test_no_template_of_ours_has_inline_script_style_or_event_handlers() -> None:
    found = []
    for directory in TEMPLATE_DIRS:
        for template in sorted(directory.rglob("*.html")):
            text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", template.read_text(), flags=re.S)
            found += [
                f"{template.relative_to(ROOT)}: {match.group(0)}"
                for match in INLINE_IN_TEMPLATE.finditer(text)
            ]

    assert found == []


def test_lesson_markdown_cannot_emit_a_style_attribute_or_an_event_handler() -> None:
    from education.rendering import render_markdown

    html = render_markdown(
        "| left | right |\n|:-----|------:|\n| 1 | 2 |\n\n"
        '<p style="color: red" onclick="alert(1)">raw</p>\n\n<style>p { color: red }</style>\n\n'
        '<span style="display:none">hidden</span> <a href="javascript:alert(1)">x</a>'
    )

    assert "<table>" in html
    assert inline_code(html) == []
    assert "style" not in html


def test_no_admin_changelist_renders_djangos_inline_style() -> None:
    """Django's change_list.html writes an inline <style> when a ModelAdmin shows no action bar at all
    (actions_on_top and actions_on_bottom both off); the CSP would refuse it."""
    without_actions = [
        f"{model._meta.label}"
        for model, model_admin in admin.site._registry.items()
        if not (model_admin.actions_on_top or model_admin.actions_on_bottom)
    ]

    assert without_actions == []


def test_htmx_is_configured_for_the_strict_csp(answers: list[Answer]) -> None:
    page = next(answer for answer in answers if answer.name == "borrowers:detail")
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page.content)
    assert match is not None
    config = json.loads(match.group(1))
    htmx_config = re.search(r"config:\{(.*?)responseHandling", HTMX.read_text())
    assert htmx_config is not None
    known = set(re.findall(r"(\w+):", htmx_config.group(1)))

    assert set(config) <= known, f"not htmx 2 config names: {set(config) - known}"
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["selfRequestsOnly"] is True
    assert config["historyCacheSize"] == 0
    css = (ROOT / "static" / "css" / "anxin.css").read_text()
    assert ".htmx-indicator {" in css
    assert ".htmx-request .htmx-indicator, .htmx-request.htmx-indicator {" in css

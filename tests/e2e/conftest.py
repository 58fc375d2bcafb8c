"""Playwright driving Debian's Chromium, headless, against pytest-django's live server."""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require
from tests.e2e.headers import CSP_BINDING, CSP_CONSOLE, CSP_VIOLATION_JS, header_problems, is_personal

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set up
# data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser(chromium_path_session: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path_session, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path_session() -> str:
    import shutil

    path = shutil.which("chromium")
    require(path is not None, "Chromium (Debian package `chromium`)")
    assert path is not None
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class HeaderWatch:
    """Everything a browser context reports against the strict headers (issue 9): each CSP violation
    (the page's securitypolicyviolation events and Chromium's console lines about the policy), and each
    answer of ours whose headers fall short (tests/e2e/headers.py): CSP and Permissions-Policy on every
    page, no-store on every answer with personal data, htmx's partials included."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.problems: list[str] = []

    def attach(self, context: Any) -> "HeaderWatch":
        context.expose_function(CSP_BINDING, lambda text: self.problems.append(f"CSP violation: {text}"))
        context.add_init_script(CSP_VIOLATION_JS)
        context.on("console", self._console)
        context.on("response", self._response)
        return self

    def _console(self, message: Any) -> None:
        # A line with no address comes from an init script of the test's own, not from the page.
        if CSP_CONSOLE in message.text and message.location.get("url"):
            self.problems.append(f"CSP console {message.type}: {message.text}")

    def _response(self, response: Any) -> None:
        kind = response.request.resource_type
        if not response.url.startswith(self.base_url) or kind not in {"document", "xhr", "fetch"}:
            return
        headers = response.all_headers()
        personal = is_personal(
            headers, signed_in=False, request_cookies=response.request.all_headers().get("cookie", "")
        )
        problems = header_problems(headers, personal=personal)
        if kind != "document":  # a partial is no document: the page's policy applies to it
            problems = [line for line in problems if "no-store" in line]
        self.problems += [f"{response.request.method} {response.url}: {line}" for line in problems]


@pytest.fixture
def page(browser, live_server, transactional_db, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    watch = HeaderWatch(live_server.url).attach(context)
    page = context.new_page()
    yield page
    if request.node.stash.get(FAILED, False):
        # What the browser showed when the test failed: the first thing to look at in a CI log.
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        print(f"\nscreenshot: {ARTIFACTS / request.node.name}.png  url: {page.url}")
    else:
        with contextlib.suppress(Exception):  # a page that crashed has nothing more to report
            page.evaluate("0")  # lets the page's last violation reports reach Python
    context.close()
    # Every browser test is also a test of the headers: a CSP violation or a header short of the
    # policy fails it, at teardown (printed only, when the test failed already: it may be the cause).
    report = "strict headers (issue 9):\n  " + "\n  ".join(dict.fromkeys(watch.problems))
    if request.node.stash.get(FAILED, False):
        if watch.problems:
            print(report)
    else:
        assert not watch.problems, report


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A live server over the demo data, seeded once for the whole module; its base URL.

    pytest-django's `live_server` would flush the database after every test (it pulls in
    `transactional_db`), and seeding costs seconds, so this module-scoped server keeps one seeded
    database for its tests and flushes it at the end, leaving it as empty as the next test expects.
    The business date is pinned, so overdue days and amounts (and the screenshots) stay the same.
    """
    from django.core.management import call_command
    from django.test import override_settings
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    from tests.e2e.pages import BUSINESS_DATE

    with django_db_blocker.unblock(), override_settings(ANXIN_BUSINESS_DATE=BUSINESS_DATE):
        # pytest-django creates the test database only when a selected test asks for `db`; these tests
        # do not (each would be flushed), so when none did, make it here rather than seed the real one.
        created = None if _on_test_database() else setup_databases(verbosity=0, interactive=False)
        assert _on_test_database(), "refusing to seed a database that is not a test database"
        _staff_groups_restore()
        call_command("seed_demo", verbosity=0)
        _course_complete("demo@anxin.example")
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            if created is not None:
                teardown_databases(created, verbosity=0)


def _staff_groups_restore() -> None:
    """Give the staff groups what their data migrations grant.

    An earlier test's flush (transactional_db) empties every table, group permissions included, and only
    the migrations grant them; without this the demo editor would get 403 on PostgreSQL in CI, where the
    suite runs in one process and this module comes after such tests.
    """
    from importlib import import_module

    from django.apps import apps

    from core.staff_permissions import groups_grant

    education = import_module("education.migrations.0002_content_editors")
    for grants in (
        import_module("accounts.migrations.0002_staff_groups").STAFF_GROUPS,
        import_module("borrowers.migrations.0003_staff_permissions").GROUP_PERMISSIONS,
        import_module("budget.migrations.0002_content_types_from_borrowers").GROUP_PERMISSIONS,
        {education.GROUP: [f"education.{codename}" for codename in education.CODENAMES]},
        import_module("education.migrations.0005_content_editors_sources").GROUP_PERMISSIONS,
        import_module("portal.migrations.0002_contact_defaults_and_support").SUPPORT,
        import_module("reminders.migrations.0003_support_calls").GROUP_PERMISSIONS,
        import_module("borrowers.migrations.0014_promise_permissions").GROUP_PERMISSIONS,
        import_module("notifications.migrations.0005_support_reads_messages").SUPPORT,
    ):
        groups_grant(apps, grants)
    # The six reminder rules are a data migration's rows too: the demo's reminders are written from them.
    from reminders.models import ReminderRule

    if not ReminderRule.objects.exists():
        import_module("reminders.migrations.0002_six_reminder_rules").seed(apps, None)


def _on_test_database() -> bool:
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return True
    return Path(str(connection.settings_dict["NAME"])).name.startswith("test_")


def _course_complete(email: str) -> None:
    """demo@ has read every lesson of one course, so the certificate page has something to show."""
    from django.utils import timezone

    from accounts.models import User
    from education.models import Lesson, LessonProgress
    from tests.e2e.pages import COMPLETED_COURSE

    now = timezone.now()
    user = User.objects.get(email=email)
    for lesson in Lesson.objects.filter(course__key=COMPLETED_COURSE):
        LessonProgress.objects.update_or_create(
            user=user,
            lesson=lesson,
            defaults={"read_at": now, "passed_at": now, "completed_at": now, "best_score": 100},
        )


def session_cookie(
    email: str, *, password: str, staff_code: bool = True, reauthenticate: bool = False
) -> str:
    """Sign in through allauth (password, then the TOTP code for staff) with Django's test client.

    Returns the session id to hand to a browser context, so each context signs in once without typing.
    With staff_code=False a staff member stops at the TOTP stage (the session of a pending sign-in);
    with reauthenticate=True the user has just confirmed the password again, as allauth asks before
    setting up TOTP.
    """
    import pyotp
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302, f"signing {email} in: {response.status_code}"
    authenticator = Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).first()
    if authenticator is not None and staff_code:
        # allauth refuses a TOTP code used before; two contexts may sign in within one 30-second step.
        cache.clear()
        code = pyotp.TOTP(decrypt(authenticator.data["secret"])).now()
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
        assert response.status_code == 302, f"TOTP for {email}: {response.status_code}"
    if reauthenticate:
        response = client.post("/accounts/reauthenticate/", {"password": password})
        assert response.status_code == 302, f"reauthenticating {email}: {response.status_code}"
    return client.cookies[settings.SESSION_COOKIE_NAME].value

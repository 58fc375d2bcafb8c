"""A plain page view as a signed-in borrower writes nothing to the database.

On SQLite every write takes the one database-wide write lock, so a write on every page view made
overlapping requests queue or fail ("database is locked"). The sessions page still shows when and from
where each session was last active: that is written at most every few minutes, and at once when the
session's IP address or browser changes.
"""

from datetime import timedelta
from unittest import mock

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from tests.conftest import PASSWORD
from tests.e2e.pages import BORROWER, BUSINESS_DATE, LOGINS, PLAN_QUERY, Page, pages_from_patterns

pytestmark = pytest.mark.django_db

WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
DEMO_PASSWORD = "anxin-demo-2026"  # accounts.demo.DEMO_PASSWORD, the published demo login
# Pages that write each time they are opened, on purpose.
WRITE_ON_PURPOSE = {
    "mfa_activate_totp": "allauth keeps a fresh TOTP secret for the QR code in the session on each visit",
    "account_logout": "not a page view: it asks to confirm signing out",
}
# The pages issue 8 names, which must stay in the list however the URL patterns change.
NAMED_IN_THE_ISSUE = {
    "portal:dashboard",
    "borrowers:loans",
    "borrowers:detail",
    "education:index",
    "education:lesson",
    "budget:budget",
    "repayment:plan",
    "repayment:my_loans",
    "portal:help",
    "usersessions_list",
}
# What a borrower does on those pages beyond opening them: the planner as they type, its exports.
EXTRA_VIEWS = (
    (f"/plan/?{PLAN_QUERY}", {"HX-Request": "true"}),
    (f"/plan/?{PLAN_QUERY}&format=csv", {}),
    (f"/plan/?{PLAN_QUERY}&format=json", {}),
    ("/plan/my-loans/?format=csv", {}),
)


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"][:200]
        for query in queries.captured_queries
        if query["sql"].lstrip().split(" ", 1)[0].upper() in WRITE_STATEMENTS
    ]


def sign_in(client: Client, email: str, password: str, **extra: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": password}, **extra)
    assert response.status_code == 302, response.status_code


def borrower_pages() -> list[Page]:
    return [
        page for page in pages_from_patterns() if BORROWER in page.roles and page.name not in WRITE_ON_PURPOSE
    ]


def test_a_plain_page_view_as_a_signed_in_borrower_writes_nothing(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = BUSINESS_DATE
    call_command("seed_demo", verbosity=0)
    sign_in(client, LOGINS[BORROWER], DEMO_PASSWORD)
    pages = borrower_pages()
    assert {page.name for page in pages} >= NAMED_IN_THE_ISSUE
    views = [(page.url(), {}, page.name in NAMED_IN_THE_ISSUE) for page in pages]
    views += [(url, headers, True) for url, headers in EXTRA_VIEWS]

    found = {}
    for url, headers, must_show in views:
        # The first visit may record something once (a lesson read); opening it again records nothing.
        client.get(url, headers=headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        assert response.status_code == 200 if must_show else response.status_code < 500, url
        if written := writes(queries):
            found[url] = written

    assert found == {}


def test_session_activity_is_recorded_again_once_the_interval_has_passed(
    client: Client, borrower: User
) -> None:
    sign_in(client, borrower.email, PASSWORD)
    signed_in_at = UserSession.objects.get(user=borrower).last_seen_at
    interval = timedelta(seconds=django_settings.SESSION_ACTIVITY_INTERVAL_SECONDS)

    with mock.patch("django.utils.timezone.now", return_value=signed_in_at + interval - timedelta(seconds=1)):
        client.get("/plan/")
    assert UserSession.objects.get(user=borrower).last_seen_at == signed_in_at

    later = signed_in_at + interval + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client.get("/plan/")
    assert UserSession.objects.get(user=borrower).last_seen_at == later


def test_a_new_ip_address_or_browser_is_recorded_at_once(client: Client, borrower: User) -> None:
    sign_in(client, borrower.email, PASSWORD, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox")

    client.get("/plan/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox")
    assert UserSession.objects.get(user=borrower).ip == "203.0.113.9"

    client.get("/plan/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Chrome")
    session = UserSession.objects.get(user=borrower)
    assert session.user_agent == "Chrome"
    assert timezone.now() - session.last_seen_at < timedelta(seconds=30)

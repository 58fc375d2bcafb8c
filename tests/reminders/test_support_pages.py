"""Support's pages of the back office, as the page checks list them (tests/e2e/pages.py, role
"support"), over the demo data: each opens for support@ in both languages, and opening them writes
nothing."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.e2e.pages import BUSINESS_DATE, LOGINS, SUPPORT, pages_from_patterns

pytestmark = pytest.mark.django_db


def test_supports_pages_open_in_both_languages_and_write_nothing(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = BUSINESS_DATE
    call_command("seed_demo", stdout=io.StringIO())
    pages = [page for page in pages_from_patterns() if SUPPORT in page.roles]
    assert {page.name for page in pages} >= {
        "admin:reminders_calllistentry_changelist",
        "admin:reminders_calllistentry_change",
    }
    urls = [page.url() for page in pages]  # (finding a page's object may write: before the GETs)
    client = Client()
    client.force_login(User.objects.get(email=LOGINS[SUPPORT]))
    assert client.get("/admin/").status_code == 200  # the session's own bookkeeping, once
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            statements = [q["sql"] for q in queries.captured_queries if "django_session" not in q["sql"]]
            writes = [sql for sql in statements if sql.split(" ", 1)[0] in {"INSERT", "UPDATE", "DELETE"}]
            assert not writes, (url, writes)

"""One date format per language: 2026年12月1日 on a Chinese page, 1 Dec 2026 on an English one.

A loan page once wrote "Dec. 1, 2026" in its sentences and "2026-12-01" in its tables. Every date a
borrower reads now goes through config/formats, and each page here is searched, as text, for any way of
writing a date: only its language's one may appear.
"""

import html
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from tests.e2e.pages import BORROWER, BUSINESS_DATE, LOGINS, PLAN_QUERY, pages_from_patterns

pytestmark = pytest.mark.django_db

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
DATE_WRITINGS = {
    "chinese": re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"),  # 2026年12月1日
    "day month year": re.compile(rf"\b\d{{1,2}} {MONTH}[a-z]*\.? \d{{4}}\b"),  # 1 Dec 2026
    "month day, year": re.compile(r"\b[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\b"),  # Dec. 1, 2026
    "ISO 8601": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # 2026-12-01
    "with slashes": re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}/\d{1,2}/\d{1,2}\b"),  # 12/01/2026
    "with dots": re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b\d{4}\.\d{1,2}\.\d{1,2}\b"),  # 1.12.2026
}
EXPECTED = {"zh-hans": "chinese", "en": "day month year"}
DEMO_PASSWORD = "anxin-demo-2026"  # accounts.demo.DEMO_PASSWORD, the published demo login
# Pages full of dates beyond the borrower's list: a plan with a one-off payment (its dates in the
# sentences and in the schedule).
EXTRA_PAGES = (f"/plan/?{PLAN_QUERY}&lump_1_amount=500&lump_1_on=2026-03-20",)


def visible_text(page: str) -> str:
    """The text a reader sees: no scripts or styles, no tags (so no attribute, such as an input's ISO
    value or a <time datetime>), entities decoded."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def date_writings(text: str) -> dict[str, list[str]]:
    found = {}
    for name, pattern in DATE_WRITINGS.items():
        if matches := pattern.findall(text):
            found[name] = sorted(set(matches))[:3]
    return found


def test_the_format_modules_write_one_date_per_language() -> None:
    from datetime import date, datetime

    for language, expected in {"zh-hans": "2026年12月1日", "en": "1 Dec 2026"}.items():
        with translation.override(language):
            assert date_format(date(2026, 12, 1)) == expected
            assert date_format(date(2026, 12, 1), "SHORT_DATE_FORMAT") == expected
            assert date_format(datetime(2026, 12, 1, 14, 5), "DATETIME_FORMAT").startswith(expected)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_borrower_page_writes_its_dates_one_way(client: Client, settings, language: str) -> None:  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = BUSINESS_DATE
    call_command("seed_demo", verbosity=0)
    response = client.post("/accounts/login/", {"login": LOGINS[BORROWER], "password": DEMO_PASSWORD})
    assert response.status_code == 302
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    urls = [page.url() for page in pages_from_patterns() if BORROWER in page.roles]
    urls += list(EXTRA_PAGES)

    mixed, dated = {}, []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        found = date_writings(visible_text(response.content.decode()))
        if EXPECTED[language] in found:
            dated.append(url)
        if set(found) - {EXPECTED[language]}:
            mixed[url] = found

    assert mixed == {}
    # Not vacuous: the loan pages, the planner and the dashboard do show dates.
    assert {"/dashboard/", "/loans/AX-DEMO-1002/", "/plan/my-loans/", EXTRA_PAGES[0]} <= set(dated), dated

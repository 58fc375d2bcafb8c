"""The borrower's loan pages: what they show, who may see them, and how many queries they cost."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from borrowers import services
from borrowers.models import Loan
from tests.borrowers.factories import make_borrower, make_loan, make_product
from tests.conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("business_date")]

TODAY = date(2026, 3, 31)


@pytest.fixture
def business_date(settings: pytest.FixtureRequest) -> date:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()  # type: ignore[attr-defined]
    return TODAY


def owner_with_loans(email: str, count: int = 1, months: int = 12) -> tuple[User, list[Loan]]:
    user = make_user(email)
    borrower = make_borrower(user)
    product = make_product(term_months=months)
    loans = [
        make_loan(
            borrower=borrower, product=product, principal=Decimal("12000.00"), disbursed_on=date(2026, 1, 15)
        )
        for _ in range(count)
    ]
    for loan in loans:
        services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    return user, loans


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_loans_need_a_login(client: Client) -> None:
    response = client.get(reverse("borrowers:loans"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_loan_list_shows_what_is_owed_and_an_overdue_banner(client: Client) -> None:
    user, [loan] = owner_with_loans("a@example.com")
    client.force_login(user)

    page = client.get(reverse("borrowers:loans")).content.decode()

    # On 31 Mar, instalments of 15 Feb and 15 Mar are unpaid: 44 days past due (M2).
    assert loan.reference in page
    assert "44" in page
    assert "M2" in page
    assert "overdue-banner" in page
    assert reverse("borrowers:detail", args=[loan.reference]) in page


def test_the_loan_list_runs_the_same_number_of_queries_for_1_or_20_loans_of_36_instalments(
    client: Client,
) -> None:
    one, _ = owner_with_loans("one@example.com", count=1, months=36)
    many, _ = owner_with_loans("many@example.com", count=20, months=36)

    client.force_login(one)
    with_one = queries(client, reverse("borrowers:loans"))
    client.force_login(many)
    with_twenty = queries(client, reverse("borrowers:loans"))

    assert with_one == with_twenty


def test_a_loan_page_runs_the_same_number_of_queries_for_12_or_36_instalments(client: Client) -> None:
    short_owner, [short] = owner_with_loans("short@example.com", months=12)
    long_owner, [long] = owner_with_loans("long@example.com", months=36)

    client.force_login(short_owner)
    with_12 = queries(client, reverse("borrowers:detail", args=[short.reference]))
    client.force_login(long_owner)
    with_36 = queries(client, reverse("borrowers:detail", args=[long.reference]))

    assert with_12 == with_36


def test_the_dashboard_runs_the_same_number_of_queries_for_1_or_20_loans(client: Client) -> None:
    one, _ = owner_with_loans("one@example.com", count=1)
    many, _ = owner_with_loans("many@example.com", count=20)
    client.force_login(one)
    with_one = queries(client, reverse("portal:dashboard"))
    client.force_login(many)
    assert queries(client, reverse("portal:dashboard")) == with_one


def test_a_loan_page_shows_the_schedule_the_pay_on_table_and_why(client: Client) -> None:
    user, [loan] = owner_with_loans("a@example.com")
    client.force_login(user)

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    assert "pay-on-table" in page
    for days in (1, 7, 30, 60, 90):
        assert (TODAY + timedelta(days=days)).isoformat() in page
    # The late fee of instalment 1 with its formula: ¥20.00 + 0.00% × ¥1,120.00 = ¥20.00.
    assert "¥20.00 + 0.00% × ¥1,120.00 = ¥20.00" in page
    # Day 61 (collections) is reached on 16 Apr + ... within 30 days: 15 Feb + 61 = 17 Apr.
    assert "转交催收团队" in page


def test_changing_the_pay_on_date_with_htmx_returns_only_the_result(client: Client) -> None:
    user, [loan] = owner_with_loans("a@example.com")
    client.force_login(user)
    url = reverse("borrowers:detail", args=[loan.reference]) + "?pay_on=2026-05-01"

    partial = client.get(url, headers={"HX-Request": "true"})
    full = client.get(url)

    assert partial.status_code == full.status_code == 200
    assert "<html" not in partial.content.decode()
    assert 'id="pay-on-result"' in partial.content.decode()
    assert partial["HX-Push-Url"] == url
    assert "<html" in full.content.decode()
    assert full["Vary"].count("HX-Request") == 1
    # Same figure either way, for the chosen date.
    chosen = full.context["detail"].chosen
    assert chosen.on == date(2026, 5, 1)
    assert f"¥{chosen.amount_due:,.2f}" in partial.content.decode()


@pytest.mark.parametrize(
    ("pay_on", "message"),
    [
        ("2026-03-30", "今天或之后"),
        ("2027-12-31", "12 个月"),
        ("2026-02-30", "YYYY-MM-DD"),
        ("not-a-date", "YYYY-MM-DD"),
        ("", "这个字段是必填项"),
    ],
)
def test_a_bad_pay_on_date_gets_a_message_not_a_500(client: Client, pay_on: str, message: str) -> None:
    user, [loan] = owner_with_loans("a@example.com")
    client.force_login(user)

    response = client.get(reverse("borrowers:detail", args=[loan.reference]), {"pay_on": pay_on})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["detail"].chosen.on == TODAY


def test_a_borrower_gets_404_for_every_url_of_another_borrowers_loan(client: Client) -> None:
    _, [theirs] = owner_with_loans("b@example.com")
    me, _ = owner_with_loans("a@example.com")
    client.force_login(me)
    detail = reverse("borrowers:detail", args=[theirs.reference])

    urls = [detail, detail + "?pay_on=2026-04-30", detail + "?pay_on=bad"]
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    assert theirs.reference not in client.get(reverse("borrowers:loans")).content.decode()


def test_a_loan_reference_that_does_not_exist_is_a_404_too(client: Client) -> None:
    me, _ = owner_with_loans("a@example.com")
    client.force_login(me)
    assert client.get(reverse("borrowers:detail", args=["NOPE-1"])).status_code == 404


def test_the_pages_speak_english_to_an_english_reader(client: Client) -> None:
    user, [loan] = owner_with_loans("a@example.com")
    client.force_login(user)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    assert "If you pay on" in page
    assert "Passed to collections." in page


def test_a_loan_reference_typed_in_lower_case_still_opens_the_owners_loan(client: Client) -> None:
    user, [loan] = owner_with_loans("a@example.com")
    client.force_login(user)
    assert client.get(reverse("borrowers:detail", args=[loan.reference.lower()])).status_code == 200

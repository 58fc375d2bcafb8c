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
from core.templatetags.money import shortday
from tests.borrowers.factories import make_borrower, make_loan, make_policy, make_product
from tests.conftest import enrol_totp, make_user

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

    # On 31 Mar, instalments of 15 Feb and 15 Mar are unpaid: 44 days past due, in the words a borrower
    # reads (collections' "M2" is staff's jargon and stays in the admin).
    assert loan.reference in page
    assert "44" in page
    assert "逾期 31～60 天" in page
    assert "M2" not in page
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
        assert shortday(TODAY + timedelta(days=days)) in page
    # The late fee of instalment 1 is a flat ¥20.00: stated as that, never as "¥20.00 + 0.00% × ...".
    assert '<span class="formula">¥20.00</span>' in page
    assert "0.00% ×" not in page
    assert "一次性收取滞纳金 ¥20.00；" in page
    # Day 61 (collections) is reached on 16 Apr + ... within 30 days: 15 Feb + 61 = 17 Apr.
    assert "转交催收团队" in page


def test_a_late_fee_with_a_percentage_part_shows_its_whole_formula(client: Client) -> None:
    user = make_user("pct@example.com")
    policy = make_policy(late_fee_flat=Decimal("10.00"), late_fee_rate=Decimal("0.050000"))
    loan = make_loan(
        borrower=make_borrower(user),
        product=make_product(policy=policy),
        principal=Decimal("12000.00"),
        disbursed_on=date(2026, 1, 15),
    )
    services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    client.force_login(user)

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    # Instalment 1 of equal principal: 1,000.00 principal + 120.00 interest; 10.00 + 5 % of 1,120.00 = 66.00.
    assert "¥10.00 + 5.00% × ¥1,120.00 = ¥66.00" in page
    assert "一次性收取滞纳金 ¥10.00 + 逾期当期本息的 5.00%；" in page


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


def test_a_product_is_named_in_the_language_of_the_page(client: Client) -> None:
    user = make_user("a@example.com")
    product = make_product(name="安心分期 12", name_en="Anxin Instalments 12")
    loan = make_loan(borrower=make_borrower(user), product=product)
    client.force_login(user)
    url = reverse("borrowers:detail", args=[loan.reference])

    chinese = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    listed = client.get(reverse("borrowers:loans")).content.decode()

    assert "安心分期 12" in chinese
    assert "Anxin Instalments 12" not in chinese
    assert "Anxin Instalments 12" in english
    assert "Anxin Instalments 12" in listed
    assert "安心分期" not in english
    assert "安心分期" not in listed


def test_a_product_without_an_english_name_yet_shows_its_chinese_name_on_english_pages(
    client: Client,
) -> None:
    # A product that existed before names were bilingual (migration 0005 leaves its English name empty).
    user = make_user("a@example.com")
    loan = make_loan(borrower=make_borrower(user), product=make_product(name="老产品", name_en=""))
    client.force_login(user)
    client.cookies["django_language"] = "en"

    assert "老产品" in client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()


def test_the_admin_asks_for_the_product_name_in_both_languages(client: Client) -> None:
    admin = User.objects.create_superuser(email="admin@anxin.example", password="x-Unused-2026")
    enrol_totp(admin)
    client.force_login(admin)

    form = client.get(reverse("admin:borrowers_loanproduct_add")).content.decode()

    assert 'name="name_zh_hans"' in form
    assert 'name="name_en"' in form


def overdue_under_the_demo_policy(email: str) -> tuple[User, Loan]:
    """44 days past due on 31 Mar (oldest unpaid due date 15 Feb), under the demo policy's milestones:
    day 1 and day 3 reminders, day 31 credit bureau, day 61 collections, day 91 legal."""
    from borrowers.demo import MILESTONES
    from tests.borrowers.factories import make_policy

    user = make_user(email)
    product = make_product(policy=make_policy(milestones=MILESTONES))
    loan = make_loan(borrower=make_borrower(user), product=product, disbursed_on=date(2026, 1, 15))
    services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    return user, loan


def test_milestones_already_reached_are_told_in_the_past_tense_with_their_date(client: Client) -> None:
    user, loan = overdue_under_the_demo_policy("a@example.com")
    client.force_login(user)

    response = client.get(reverse("borrowers:detail", args=[loan.reference]))
    page = response.content.decode()

    # 15 Feb + 1 = 16 Feb, + 3 = 18 Feb, + 31 = 18 Mar: all before 31 Mar (day 44).
    assert "2026年2月16日（逾期第 1 天），我们已提醒过你。" in page
    assert "2026年2月18日（逾期第 3 天），宽限期已结束，次日起开始计收逾期费用。" in page
    assert "2026年3月18日（逾期第 31 天），逾期信息已报送征信系统。" in page
    # Their before-the-fact words ("today", "will be reported") are not shown for days long gone.
    assert "今天还清本期" not in page
    assert "逾期信息报送征信系统" not in page
    # Days 61 (17 Apr) and 91 (17 May) are still ahead, and read as such.
    assert "逾期第 61 天（2026年4月17日）：" in page
    assert "转交催收团队" in page
    happened = [m.day for m in response.context["detail"].milestones if m.happened]
    assert happened == [1, 3, 31]


def test_the_pay_on_table_names_each_milestone_once_on_the_first_date_that_reaches_it(
    client: Client,
) -> None:
    from borrowers.demo import MILESTONES
    from tests.borrowers.factories import make_policy

    # Current on 31 Mar: the first instalment falls due on 1 Apr. Day 1 and day 3 are reached by
    # 7 Apr (+7), day 31 by 30 May (+60), day 61 by 29 Jun (+90). Before, day 1 and 3 were repeated
    # under +7, +30, +60 and +90.
    user = make_user("a@example.com")
    product = make_product(policy=make_policy(milestones=MILESTONES))
    loan = make_loan(borrower=make_borrower(user), product=product, disbursed_on=date(2026, 3, 1))
    services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    client.force_login(user)

    response = client.get(reverse("borrowers:detail", args=[loan.reference]))

    rows = response.context["detail"].pay_on_rows
    named = {row.days_from_today: [m.day for m in row.milestones] for row in rows}
    assert named == {0: [], 1: [], 7: [1, 3], 30: [], 60: [31], 90: [61]}
    table = response.content.decode().split('id="pay-on-table"')[1].split("</table>")[0]
    assert table.count("我们会通过短信和邮件提醒你") == 1
    assert table.count("宽限期最后一天") == 1


def test_the_pay_off_figure_says_why_it_is_more_than_what_is_left(client: Client) -> None:
    # 12,000.00 at 12 % a year, equal principal, lent 15 Mar, first due 15 Apr: on 31 Mar nothing is due,
    # 12,000.00 is left, and paying off today costs the first month's interest in full too:
    # 12,000.00 × 12 % ÷ 12 = 120.00.
    user = make_user("a@example.com")
    loan = make_loan(
        borrower=make_borrower(user),
        product=make_product(),
        principal=Decimal("12000.00"),
        disbursed_on=date(2026, 3, 15),
    )
    services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    client.force_login(user)

    response = client.get(reverse("borrowers:loans"))

    [card] = response.context["cards"]
    assert card.outstanding == Decimal("12000.00")
    assert card.payoff_today == Decimal("12120.00")
    assert card.payoff_extra == Decimal("120.00")
    assert "比剩余待还多 ¥120.00：这是本期（至 2026年4月15日）的利息" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "of your contract interest is not charged"), ("zh-hans", "的合同利息不再收取")],
)
def test_the_loan_page_says_how_much_contract_interest_the_cost_cap_forgoes(
    client: Client, language: str, said: str
) -> None:
    # A 1 % cap: of instalment 1's 120.00 interest on 15 Feb only 10.19 fits, 109.81 forgone (in the ledger,
    # see tests/borrowers/test_ledger.py); by today (31 Mar) the projection forgoes 109.67 more of instalment
    # 2's 110.00 on 15 Mar, the limit having grown only 0.33 beyond the late fee and penalty: 219.48 in all.
    user = make_user(f"forgone-{language}@example.com")
    product = make_product(policy=make_policy(annual_cost_cap=Decimal("0.010000")))
    loan = make_loan(borrower=make_borrower(user), product=product, principal=Decimal("12000.00"))
    services.loan_close_business(loan_id=loan.pk, business_date=date(2026, 2, 15))
    client.force_login(user)
    client.cookies["django_language"] = language

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    assert said in page
    assert "219.48" in page


def test_the_loan_page_shows_the_schedules_true_yearly_rate_by_its_real_dates(client: Client) -> None:
    # Paid out 31 Jan, first due 5 Feb: the first period is 5 days but bills a month's interest, so the
    # schedule's true rate is far above the 12 % quoted (an independent check with numpy-financial is in
    # tests/loanmath/test_apr.py; here: the page states it, in the loan's own words).
    user = make_user("apr@example.com")
    product = make_product(term_months=1)
    loan = make_loan(
        borrower=make_borrower(user),
        product=product,
        principal=Decimal("1000.00"),
        disbursed_on=date(2026, 1, 31),
        first_due_date=date(2026, 2, 5),
    )
    client.force_login(user)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    expected = 12 * ((1.01 ** (365 / 5)) ** (1 / 12) - 1) * 100
    assert f"by the real dates of the schedule (IRR): {expected:.2f}%" in page

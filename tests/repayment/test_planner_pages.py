"""The planner pages: open to everyone, shareable URLs, exports, limits, and a borrower's own loans."""

import calendar
import csv
import io
import json
from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from accounts.models import User
from borrowers import services
from borrowers.models import Instalment, Loan
from borrowers.selectors import borrower_loan_cards
from tests.borrowers.factories import make_borrower, make_loan, make_product
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PLAN = reverse("repayment:plan")
FLAT = {
    "principal": "10000",
    "method": "flat_fee",
    "monthly_fee_rate": "0.8",
    "months": "12",
    "start": "2026-01-15",
}


@pytest.fixture(autouse=True)
def _business_date(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"


def test_the_planner_opens_for_anyone_with_a_worked_default(client: Client) -> None:
    response = client.get(PLAN)

    assert response.status_code == 200
    assert response.context["view"] is not None
    assert 'id="result"' in response.content.decode()


def test_a_flat_monthly_fee_of_0_8_percent_shows_its_real_apr_of_17_27(client: Client) -> None:
    response = client.get(PLAN, FLAT)

    view = response.context["view"]
    assert view.apr_nominal_percent == Decimal("17.27")
    assert view.quoted_percent == Decimal("9.60")  # 0.8 % × 12, what a lender's "monthly rate" suggests
    assert "17.27%" in response.content.decode()


def test_the_same_url_gives_the_schedule_as_csv(client: Client) -> None:
    response = client.get(PLAN, {**FLAT, "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == [
        "period",
        "due_date",
        "payment",
        "principal",
        "interest",
        "fees",
        "balance",
        "extra",
        "one_off_dated",
    ]
    assert len(rows) == 12
    assert rows[0] == {
        "period": "1",
        "due_date": "2026-02-15",
        "payment": "913.33",
        "principal": "833.33",
        "interest": "0.00",
        "fees": "80.00",
        "balance": "9166.67",
        "extra": "0.00",
        "one_off_dated": "",
    }
    assert sum(Decimal(row["principal"]) for row in rows) == Decimal("10000.00")
    assert rows[-1]["balance"] == "0.00"


def test_the_same_url_gives_json_with_the_summary_and_schedule(client: Client) -> None:
    body = json.loads(client.get(PLAN, {**FLAT, "format": "json"}).content)

    assert body["summary"] == {
        "payment": "913.33",
        "total_interest": "0.00",
        "total_fees": "960.00",
        "total_paid": "10960.00",
        "apr_nominal": "17.27",
        "apr_effective": body["summary"]["apr_effective"],
    }
    assert len(body["schedule"]) == 12
    # Cross-check: numpy-financial's IRR of the same cash flows, times 12.
    flows = [10000.0] + [-float(row["payment"]) for row in body["schedule"]]
    assert abs(npf.irr(flows) * 12 * 100 - float(body["summary"]["apr_nominal"])) < 0.01


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"principal": "99"}, "principal"),
        ({"principal": "10000001"}, "principal"),
        ({"principal": "-5"}, "principal"),
        ({"principal": "abc"}, "principal"),
        ({"months": "0"}, "months"),
        ({"months": "361"}, "months"),
        ({"months": "12.5"}, "months"),
        ({"method": "equal_instalment", "annual_rate": "101"}, "annual_rate"),
        ({"method": "equal_instalment", "annual_rate": ""}, "annual_rate"),
        ({"monthly_fee_rate": "11"}, "monthly_fee_rate"),
        ({"upfront_fee": "10000"}, "upfront_fee"),
        ({"start": "2026-02-30"}, "start"),
        ({"method": "bogus"}, "method"),
        ({"lump_1_on": "2026-05-01"}, "lump_1_amount"),
        ({"lump_1_on": "2030-01-01", "lump_1_amount": "100"}, "lump_1_on"),
    ],
)
def test_out_of_range_input_gets_a_message_beside_the_field(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = client.get(PLAN, {**FLAT, **params})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["view"] is None


def test_an_invalid_plan_exports_its_errors_with_a_400_not_a_500(client: Client) -> None:
    response = client.get(PLAN, {**FLAT, "months": "999", "format": "json"})

    assert response.status_code == 400
    assert "months" in json.loads(response.content)["errors"]["plan"]


def test_htmx_gets_only_the_result_and_the_url_to_share(client: Client) -> None:
    response = client.get(PLAN, {**FLAT, "months": "24"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="result"' in html
    assert "months=24" in response["HX-Push-Url"]


def test_htmx_refreshes_the_error_beside_the_field_out_of_band(client: Client) -> None:
    response = client.get(PLAN, {**FLAT, "months": "0"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert 'id="id_months_errors"' in html
    assert 'hx-swap-oob="true"' in html


def test_extra_payments_show_what_they_save(client: Client) -> None:
    params = {
        "principal": "12000",
        "method": "equal_instalment",
        "annual_rate": "12",
        "months": "12",
        "start": "2026-01-15",
        "extra_monthly": "500",
    }
    view = client.get(PLAN, params).context["view"]

    assert view.has_extras
    assert view.result.months_saved > 0
    assert view.result.interest_saved > 0


def test_compare_shows_12_and_24_months_side_by_side_by_default(client: Client) -> None:
    response = client.get(reverse("repayment:compare"))

    columns = response.context["columns"]
    assert [view.result.months for _, _, view in columns] == [12, 24]
    assert columns[0][2].result.payment > columns[1][2].result.payment
    assert columns[0][2].result.total_interest < columns[1][2].result.total_interest


def test_comparisons_export_too(client: Client) -> None:
    params = {
        "p1-principal": "10000",
        "p1-method": "equal_instalment",
        "p1-annual_rate": "12",
        "p1-months": "12",
        "p2-principal": "10000",
        "p2-method": "equal_principal",
        "p2-annual_rate": "12",
        "p2-months": "12",
    }
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("repayment:compare"), {**params, "format": "csv"}).content.decode()
            )
        )
    )
    body = json.loads(client.get(reverse("repayment:compare"), {**params, "format": "json"}).content)

    assert next(iter(rows[0])) == "plan"
    assert len(rows) == 24
    assert [plan["plan"] for plan in body["plans"]] == ["方案 1", "方案 2"]
    assert [plan["summary"]["total_interest"] for plan in body["plans"]] == ["661.86", "650.00"]


def test_my_loans_together_needs_a_login(client: Client) -> None:
    assert client.get(reverse("repayment:my_loans")).status_code == 302


def test_my_loans_together_plans_the_borrowers_own_loans_only(client: Client) -> None:
    me = make_user("me@example.com")
    mine = make_borrower(me)
    cheap = make_loan(
        borrower=mine,
        product=make_product(annual_rate=Decimal("0.060000")),
        principal=Decimal("6000.00"),
        disbursed_on=date(2026, 3, 1),
    )
    dear = make_loan(
        borrower=mine,
        product=make_product(annual_rate=Decimal("0.180000")),
        principal=Decimal("3000.00"),
        disbursed_on=date(2026, 3, 1),
    )
    theirs = make_loan(principal=Decimal("9000.00"), disbursed_on=date(2026, 3, 1))
    for loan in (cheap, dear, theirs):
        services.loan_close_business(loan_id=loan.pk, business_date=date(2026, 3, 31))
    client.force_login(me)

    response = client.get(reverse("repayment:my_loans"), {"budget": "2000", "strategy": "avalanche"})

    result = response.context["result"]
    assert {debt.key for debt in result.debts} == {cheap.reference, dear.reference}
    assert result.closes[0][0] == dear.reference  # highest rate first
    assert result.plans["avalanche"].total_interest <= result.plans["snowball"].total_interest


def test_a_budget_below_the_regular_payments_gets_a_message(client: Client) -> None:
    me = make_user("me@example.com")
    make_loan(borrower=make_borrower(me), principal=Decimal("6000.00"), disbursed_on=date(2026, 3, 1))
    client.force_login(me)

    response = client.get(reverse("repayment:my_loans"), {"budget": "10", "strategy": "avalanche"})

    assert "budget" in response.context["form"].errors
    assert response.context["result"] is None


def test_both_rates_filled_in_use_only_the_one_the_method_needs(client: Client) -> None:
    view = client.get(PLAN, {**FLAT, "annual_rate": "12"}).context["view"]

    assert view.result.input.annual_rate == 0
    assert view.apr_nominal_percent == Decimal("17.27")


def test_a_lump_sum_on_the_last_due_date_of_a_month_end_loan_is_accepted(client: Client) -> None:
    # Paid out 31 Jan 2026: the first payment is due 28 Feb, the 12th on 31 Jan 2027 (each due date is
    # the start's day in its month). A lump sum that day is in the term; a day later is not.
    params = {**FLAT, "start": "2026-01-31", "lump_1_on": "2027-01-31", "lump_1_amount": "100"}
    response = client.get(PLAN, params)

    assert response.context["view"] is not None
    late = client.get(PLAN, {**params, "lump_1_on": "2027-02-01"})
    assert "lump_1_on" in late.context["form"].errors


@pytest.mark.parametrize("start", ["9999-12-01", "0001-01-01", "2040-01-01"])
def test_a_start_date_far_from_today_gets_a_message_not_a_500(client: Client, start: str) -> None:
    for url, params in [
        (PLAN, {**FLAT, "start": start, "months": "360", "lump_1_on": "9999-12-31", "lump_1_amount": "5"}),
        (
            reverse("repayment:compare"),
            {
                "p1-principal": "10000",
                "p1-method": "equal_instalment",
                "p1-annual_rate": "12",
                "p1-months": "360",
                "p1-start": start,
            },
        ),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200
    assert "start" in client.get(PLAN, {**FLAT, "start": start}).context["form"].errors


# Issue 8: due dates, lower payment, one-off payments, my loans from their real position, clean links --


def calendar_due_date(start: date, n: int) -> date:
    year, month = divmod(start.year * 12 + start.month - 1 + n, 12)
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def test_a_plan_paid_out_on_31_january_falls_due_on_the_last_day_of_short_months_only(client: Client) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(PLAN, {**FLAT, "start": "2026-01-31", "format": "csv"}).content.decode())
        )
    )

    assert [row["due_date"] for row in rows] == [
        calendar_due_date(date(2026, 1, 31), n).isoformat() for n in range(1, 13)
    ]
    assert [row["due_date"] for row in rows][:4] == ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]
    assert rows[-1]["due_date"] == "2027-01-31"


LOWER = {
    "principal": "12000",
    "method": "equal_instalment",
    "annual_rate": "12",
    "months": "12",
    "start": "2026-01-01",
    "extra_effect": "lower_payment",
    "lump_1_on": "2026-03-15",
    "lump_1_amount": "3000",
}


def test_lowering_the_payment_shows_the_new_payment_and_what_it_saves_not_0_months(client: Client) -> None:
    response = client.get(PLAN, LOWER)
    html = response.content.decode()
    result = response.context["view"].result

    assert result.new_payment < result.payment == Decimal("1066.19")
    headline = html.split('class="plan-payment"')[1].split("<")[0]
    assert headline.strip(" >") == f"¥{result.new_payment:,.2f}"
    assert "2026年5月1日起" in html
    assert "原为 ¥1,066.19" in html
    assert f"节省利息和费用 ¥{result.interest_saved:,.2f}" in html
    assert "期限不变" in html
    assert "0 个月" not in html
    body = json.loads(client.get(PLAN, {**LOWER, "format": "json"}).content)
    assert body["summary"]["new_payment"] == f"{result.new_payment:.2f}"
    assert body["summary"]["new_payment_from"] == "2026-05-01"
    assert body["summary"]["months_saved"] == 0


@pytest.mark.parametrize("on", ["2026-03-02", "2026-03-31", "2026-04-01"])
def test_a_one_off_payment_is_said_to_go_with_the_next_instalment_and_the_csv_and_json_agree(
    client: Client, on: str
) -> None:
    params = {**LOWER, "extra_effect": "shorten_term", "lump_1_on": on}
    html = client.get(PLAN, params).content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(PLAN, {**params, "format": "csv"}).content.decode())))
    body = json.loads(client.get(PLAN, {**params, "format": "json"}).content)

    dated = date.fromisoformat(on)
    assert f"日期为 {dated.year}年{dated.month}月{dated.day}日" in html
    assert "随第 3 期一起还，该期 2026年4月1日到期" in html
    assert "视为随当天或之后的下一期还款一起支付" in html
    assert [(row["due_date"], row["extra"], row["one_off_dated"]) for row in rows[1:4]] == [
        ("2026-03-01", "0.00", ""),
        ("2026-04-01", "3000.00", on),
        ("2026-05-01", "0.00", ""),
    ]
    assert body["summary"]["one_off_payments"] == [
        {
            "dated": on,
            "amount": "3000.00",
            "paid_with_period": 3,
            "due_date": "2026-04-01",
            "after_payoff": False,
        }
    ]
    # The same money whichever of the three dates: the words say why.
    same = list(
        csv.DictReader(
            io.StringIO(
                client.get(PLAN, {**params, "lump_1_on": "2026-04-01", "format": "csv"}).content.decode()
            )
        )
    )
    assert [{k: v for k, v in row.items() if k != "one_off_dated"} for row in rows] == [
        {k: v for k, v in row.items() if k != "one_off_dated"} for row in same
    ]


def test_compare_links_carry_each_parameter_once(client: Client) -> None:
    response = client.get(reverse("repayment:compare"))
    html = response.content.decode()

    links = [QueryDict(part.split('"')[0].replace("&amp;", "&")) for part in html.split('href="?')[1:]]
    assert len(links) == 3  # add a third plan, CSV, JSON
    for query in links:
        assert all(len(query.getlist(key)) == 1 for key in query), query
    assert [query["p2-months"] for query in links] == ["24", "24", "24"]
    assert links[1]["format"] == "csv"


def test_the_planners_export_links_replace_a_format_rather_than_add_one(client: Client) -> None:
    html = client.get(PLAN, {**FLAT, "format": "html"}).content.decode()

    links = [QueryDict(part.split('"')[0].replace("&amp;", "&")) for part in html.split('href="?')[1:]]
    assert [query.getlist("format") for query in links] == [["csv"], ["json"]]


def demo_borrower(client: Client) -> None:
    call_command("seed_demo", verbosity=0)
    client.force_login(User.objects.get(email="demo@anxin.example"))


def test_my_loans_start_from_each_loans_real_position_arrears_first_then_its_own_due_dates(
    client: Client,
) -> None:
    demo_borrower(client)
    today = date(2026, 3, 31)
    cards = {
        card.reference: card
        for card in borrower_loan_cards(user=User.objects.get(email="demo@anxin.example"), today=today)
    }
    late = cards["AX-DEMO-1002"]
    assert late.days_past_due == 45
    assert late.amount_due_today > 0

    response = client.get(reverse("repayment:my_loans"), {"budget": "1", "strategy": "avalanche"})
    minimum = response.context["minimum"]
    response = client.get(reverse("repayment:my_loans"), {"budget": f"{minimum}", "strategy": "avalanche"})
    result = response.context["result"]
    html = response.content.decode()

    assert result.due_now == (("AX-DEMO-1002", late.product_name, late.amount_due_today),)
    assert result.payments[0].month == 0
    assert result.payments[0].due_date == today
    assert f"¥{late.amount_due_today:,.2f}" in html
    # At the regular payments, the plan is each loan's own schedule: its real due dates, its interest
    # (until the first loan's last month, whose few cents of rounding then go to the other).
    months = min(
        Instalment.objects.filter(loan__reference=reference, due_date__gt=today).count()
        for reference in ("AX-DEMO-1001", "AX-DEMO-1002")
    )
    for reference in ("AX-DEMO-1001", "AX-DEMO-1002"):
        schedule = [
            (i.due_date, i.principal + i.interest, i.interest)
            for i in Instalment.objects.filter(loan__reference=reference, due_date__gt=today).order_by(
                "number"
            )
        ]
        planned = [
            (row.due_date, row.payment, row.interest)
            for row in result.payments
            if row.reference == reference and row.month > 0
        ]
        assert planned[: months - 1] == schedule[: months - 1]
        assert planned[0][0] == cards[reference].next_due_date
    assert result.chosen.debt_free_date < date(2027, 6, 1)


def test_my_loans_export_csv_and_json_as_the_readme_says(client: Client) -> None:
    demo_borrower(client)
    url = reverse("repayment:my_loans")

    csv_response = client.get(url, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    body = json.loads(client.get(url, {"budget": "5000", "strategy": "snowball", "format": "json"}).content)
    bad = client.get(url, {"budget": "1", "format": "json"})

    assert csv_response["Content-Type"].startswith("text/csv")
    assert list(rows[0]) == ["month", "due_date", "loan", "payment", "interest", "balance"]
    assert (rows[0]["month"], rows[0]["due_date"], rows[0]["loan"]) == ("0", "2026-03-31", "AX-DEMO-1002")
    assert {row["loan"] for row in rows} == {"AX-DEMO-1001", "AX-DEMO-1002"}
    assert body["summary"]["strategy"] == "snowball"
    assert body["summary"]["due_now"] == rows[0]["payment"]
    assert body["schedule"][0] == rows[0]
    assert Decimal(body["summary"]["total_paid"]) == sum(Decimal(row["payment"]) for row in body["schedule"])
    assert bad.status_code == 400
    assert "budget" in json.loads(bad.content)["errors"]


def test_a_loan_reference_shaped_like_a_formula_is_neutralised_in_the_my_loans_csv_and_numbers_stay_numbers(
    client: Client,
) -> None:
    # A reference booked in the admin is free text; opened in a spreadsheet, this cell would be a link.
    hostile = '=HYPERLINK("http://x.cn","AX")'  # 30 characters: fits the 32 of a reference
    demo_borrower(client)
    Loan.objects.filter(reference="AX-DEMO-1002").update(reference=hostile)

    response = client.get(reverse("repayment:my_loans"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    assert {row["loan"] for row in rows} == {"'" + hostile, "AX-DEMO-1001"}
    assert hostile not in [cell for row in rows for cell in row.values()]
    for row in rows:
        for column in ("month", "payment", "interest", "balance"):
            Decimal(row[column])  # still plain numbers, not quoted text
        assert not row["due_date"].startswith("'")


def test_a_plan_loanmath_cannot_compute_tells_the_borrower_in_their_language_not_in_english(
    client: Client,
) -> None:
    # An up-front fee of ¥99.99 on ¥100 leaves the borrower one fen: no annual rate describes that.
    params = {"principal": "100", "method": "equal_instalment", "annual_rate": "12", "months": "12"}
    response = client.get(PLAN, {**params, "upfront_fee": "99.99"})

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["view"] is None
    assert "无法计算这个方案" in page
    assert "the APR of receiving" not in page
    assert "too large to compute" not in page


def test_lowering_the_payment_with_a_monthly_extra_says_the_payment_keeps_falling(client: Client) -> None:
    # A regular extra lowers the recalculated payment again every month, so the headline may not read as
    # a fixed new payment.
    params = {**LOWER, "extra_monthly": "500", "lump_1_on": "", "lump_1_amount": ""}
    response = client.get(PLAN, params)
    html = response.content.decode()
    lines = response.context["view"].result.lines

    regular = [line.payment - line.extra for line in lines[1:-1]]
    assert regular == sorted(regular, reverse=True)
    assert regular[0] > regular[-1]
    assert "月供也会逐月略降" in html
    # A one-off payment alone lowers it once: no such words there.
    assert "逐月略降" not in client.get(PLAN, LOWER).content.decode()


# Issue 11: terms that do not amortise, and the real last payment --------------------------------------

# ¥1,000 at 36 % over 360 months: the payment rounds to 30.00, all of it interest (the exact oracle is in
# tests/loanmath/test_schedule.py). ¥100,000 at 24 % over 360 months: 2,001.60 a month, the last 2,300.46.
BALLOON = {
    "principal": "1000",
    "method": "equal_instalment",
    "annual_rate": "36",
    "months": "360",
    "start": "2026-01-15",
}
LONG = {**BALLOON, "principal": "100000", "annual_rate": "24"}


@pytest.mark.parametrize(
    ("language", "on_months", "on_rate"),
    [
        (
            "zh-hans",
            "按这个利率分 360 个月还，月供 ¥30.00 只够付利息（第一个月的利息就有 ¥30.00），本金一分也还不掉，"
            "要到最后一期连本带息一次还 ¥1,030.00。请缩短期限或降低利率。",
            "按这个利率，月供只够付利息：请降低利率或缩短期限。",
        ),
        (
            "en",
            "Over 360 months at this rate, the monthly payment of ¥30.00 only covers the interest (¥30.00 in "
            "the first month): none of the loan would be repaid until the last payment, ¥1,030.00. Choose a "
            "shorter term or a lower rate.",
            "At this rate the monthly payment would only cover the interest: lower the rate or shorten the "
            "term.",
        ),
    ],
)
def test_terms_whose_payment_only_covers_the_interest_get_a_message_beside_the_term_and_the_rate(
    client: Client, language: str, on_months: str, on_rate: str
) -> None:
    client.cookies["django_language"] = language

    response = client.get(PLAN, BALLOON)
    htmx = client.get(PLAN, BALLOON, headers={"HX-Request": "true"}).content.decode()
    export = client.get(PLAN, {**BALLOON, "format": "json"})
    compare = client.get(reverse("repayment:compare"), {f"p1-{key}": value for key, value in BALLOON.items()})

    assert response.status_code == 200
    assert response.context["view"] is None
    form = response.context["form"]
    assert form.errors["months"] == [on_months]
    assert form.errors["annual_rate"] == [on_rate]
    assert not form.non_field_errors()
    assert on_months in response.content.decode()
    assert "does not amortise" not in response.content.decode()  # loanmath's words are for developers
    months_box = htmx.split('id="id_months_errors"')[1].split("</div>")[0]
    assert on_months in months_box
    assert export.status_code == 400
    assert json.loads(export.content)["errors"]["plan"]["months"][0]["message"] == on_months
    assert compare.status_code == 200
    assert compare.context["forms"][0].errors["months"] == [on_months]
    assert not compare.context["complete"]


@pytest.mark.parametrize(
    ("language", "stated", "last"),
    [
        ("zh-hans", "月供 ¥2,001.60，最后一期 ¥2,300.46。", "2056年1月15日到期"),
        ("en", "Monthly payment ¥2,001.60; the last payment is ¥2,300.46.", "due 15 Jan 2056"),
    ],
)
def test_a_long_plan_states_its_real_last_payment_in_the_summary_and_above_the_schedule(
    client: Client, language: str, stated: str, last: str
) -> None:
    client.cookies["django_language"] = language

    response = client.get(PLAN, LONG)
    html = response.content.decode()
    compare = client.get(
        reverse("repayment:compare"),
        {**{f"p1-{key}": value for key, value in LONG.items()}, **{f"p2-{k}": v for k, v in FLAT.items()}},
    ).content.decode()

    result = response.context["view"].result
    assert (result.payment, result.last_payment) == (Decimal("2001.60"), Decimal("2300.46"))
    summary = html.split('class="plan-last-payment">')[1]
    assert summary.startswith("¥2,300.46</span>")
    assert last in " ".join(summary.split("</dd>")[0].split())
    assert stated in " ".join(html.split('class="schedule-payments">')[1].split("</p>")[0].split())
    assert "¥2,300.46" in compare
    assert "¥913.37" in compare  # the flat-fee plan's last payment (833.37 + 80.00)


def test_a_schedule_whose_payments_are_all_the_same_states_nothing_more(client: Client) -> None:
    # ¥12,000 at 0 % over 12 months: 1,000.00 every month, the last as well.
    html = client.get(PLAN, {**FLAT, "principal": "12000", "monthly_fee_rate": "0"}).content.decode()

    assert "schedule-payments" not in html


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        (
            "zh-hans",
            "这样多还反而让借款多花 ¥2,638.65：新月供四舍五入后降得比多还的钱省下的还多，"
            "每月少还的部分一直计息，到最后一期要还 ¥4,452.40。请多还一些，或者改选“提前还清”。",
        ),
        (
            "en",
            "These extra payments make the loan cost ¥2,638.65 more, not less: rounded, the new monthly "
            "payment falls by more than the extra saves, and what that leaves unpaid each month grows with "
            "interest until the last payment, ¥4,452.40. Pay a larger extra, or choose to finish sooner.",
        ),
    ],
)
def test_a_tiny_extra_that_makes_a_long_dear_loan_cost_more_says_so_not_about_the_same(
    client: Client, language: str, warning: str
) -> None:
    # ¥0.01 with the first payment of ¥123,456.78 at 30 % over 360 months, lowering the payment: it falls
    # from 3,086.85 to 3,086.84, and that fen a month, grown at 2.5 % a month, is paid with the last.
    client.cookies["django_language"] = language
    params = {
        **BALLOON,
        "principal": "123456.78",
        "annual_rate": "30",
        "extra_effect": "lower_payment",
        "lump_1_on": "2026-02-15",
        "lump_1_amount": "0.01",
    }

    response = client.get(PLAN, params)
    html = " ".join(response.content.decode().split())

    assert response.context["view"].costs_more == Decimal("2638.65")
    assert warning in html
    assert "less than a fen" not in html
    assert "不到一分钱" not in html

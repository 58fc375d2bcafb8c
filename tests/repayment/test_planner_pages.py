"""The planner pages: open to everyone, shareable URLs, exports, limits, and a borrower's own loans."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from django.test import Client
from django.urls import reverse

from borrowers import services
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
    assert list(rows[0]) == ["period", "due_date", "payment", "principal", "interest", "fees", "balance"]
    assert len(rows) == 12
    assert rows[0] == {
        "period": "1",
        "due_date": "2026-02-15",
        "payment": "913.33",
        "principal": "833.33",
        "interest": "0.00",
        "fees": "80.00",
        "balance": "9166.67",
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
    # Paid out 31 Jan 2026: the first payment is due 28 Feb, the 12th on 28 Jan 2027 (the planner
    # counts months from the first due date). A lump sum that day is in the term; a day later is not.
    params = {**FLAT, "start": "2026-01-31", "lump_1_on": "2027-01-28", "lump_1_amount": "100"}
    response = client.get(PLAN, params)

    assert response.context["view"] is not None
    late = client.get(PLAN, {**params, "lump_1_on": "2027-01-29"})
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

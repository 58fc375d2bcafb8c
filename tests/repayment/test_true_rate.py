"""/plan/rate/: a contract's real rate from what the borrower pays, against an oracle of our own.

The oracle solves the contract's IRR by bisection in exact fractions (no loanmath, no floats): the monthly
rate r at which the payments, discounted month by month, equal what the borrower had the use of. The page's
rates are percentages rounded half up to 2 places, so the oracle rounds its exact rate the same way, and
brackets the root tightly enough that both ends of the bracket round alike.
"""

import math
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

RATE = reverse("repayment:true_rate")
# The lesson "monthly-rate-vs-apr": ¥10,000 over 12 months at a fee of 0.8 % a month, 10,000 / 12 + 80 =
# 913.33 a month; the 12 principal parts sum to 9,999.96, so the last payment carries the 4 fen: 913.37.
LESSON = {"principal": "10000", "payment": "913.33", "months": "12", "last_payment": "913.37"}
WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# -- the oracle ------------------------------------------------------------------------------------------


def _present_value(usable: Fraction, payments: Sequence[Fraction], rate: Fraction) -> Fraction:
    """What the payments are worth on the day the money is paid out, at ``rate`` a month, less what the
    borrower had the use of: zero at the contract's IRR, positive below it, negative above."""
    discount = 1 / (1 + rate)
    value = Fraction(0)
    for payment in reversed(payments):
        value = (value + payment) * discount
    return value - usable


def _rounded_percent(rate: Fraction) -> Decimal:
    """A fraction as a percentage to 2 places, half up (the page's rounding)."""
    return Decimal(math.floor(rate * 10_000 + Fraction(1, 2))) / 100


def oracle(usable: str, payments: Sequence[str]) -> dict[str, Decimal]:
    """The monthly IRR, nominal APR (× 12) and effective annual rate ((1 + r) ** 12 - 1) of a contract,
    as rounded percentages, by bisection on [0, 1] (0 % to 100 % a month) in exact arithmetic."""
    money = Fraction(Decimal(usable))
    flows = [Fraction(Decimal(payment)) for payment in payments]
    low, high = Fraction(0), Fraction(1)
    assert _present_value(money, flows, low) >= 0 > _present_value(money, flows, high)
    for _ in range(70):  # 2 ** -70: far inside half a hundredth of a percent
        middle = (low + high) / 2
        if _present_value(money, flows, middle) >= 0:
            low = middle
        else:
            high = middle
    figures: dict[str, Decimal] = {}
    for name, low_end, high_end in (
        ("monthly", low, high),
        ("nominal", 12 * low, 12 * high),
        ("effective", (1 + low) ** 12 - 1, (1 + high) ** 12 - 1),
    ):
        figures[name] = _rounded_percent(low_end)
        assert figures[name] == _rounded_percent(high_end), f"the bracket straddles a rounding of {name}"
    return figures


def shown(response) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    view = response.context["view"]
    assert view is not None, response.context["form"].errors
    return {
        "monthly": view.monthly_percent,
        "nominal": view.nominal_percent,
        "effective": view.effective_percent,
    }


# -- the figures -----------------------------------------------------------------------------------------


def test_the_lessons_example_costs_18_71_percent_a_year_compounded_and_17_27_nominal(english: Client) -> None:
    response = english.get(RATE, LESSON)

    expected = oracle("10000", ["913.33"] * 11 + ["913.37"])
    assert expected == {
        "monthly": Decimal("1.44"),
        "nominal": Decimal("17.27"),
        "effective": Decimal("18.71"),
    }
    assert shown(response) == expected
    view = response.context["view"]
    assert view.total_paid == Decimal("10960.00")  # 913.33 × 11 + 913.37
    assert view.total_cost == Decimal("960.00")  # the 12 monthly fees of ¥80
    page = response.content.decode()
    assert "18.71%" in page
    assert "17.27%" in page
    assert "¥10,960.00" in page
    assert "¥960.00" in page
    assert "rounded half up to 2 decimal places" in page


def test_without_parameters_the_page_shows_the_lessons_example_and_says_it_is_one(english: Client) -> None:
    response = english.get(RATE)

    assert response.status_code == 200
    assert shown(response) == {
        "monthly": Decimal("1.44"),
        "nominal": Decimal("17.27"),
        "effective": Decimal("18.71"),
    }
    assert "These are the example figures" in response.content.decode()
    assert "These are the example figures" not in english.get(RATE, LESSON).content.decode()


def test_a_fee_taken_out_first_and_a_monthly_fee_are_both_counted(english: Client) -> None:
    # ¥500 of the ¥10,000 never reaches the borrower, and a ¥20 service fee comes with each payment.
    params = {**LESSON, "received": "9500", "fee": "20", "fee_timing": "monthly"}
    response = english.get(RATE, params)

    assert shown(response) == oracle("9500", ["933.33"] * 11 + ["933.37"])
    view = response.context["view"]
    assert view.total_paid == Decimal("11200.00")  # 10,960 + 12 × 20
    assert view.total_cost == Decimal("1700.00")  # 11,200 - 9,500
    assert view.taken_at_start == Decimal("500.00")
    assert view.usable == Decimal("9500.00")
    assert "¥500.00 of the ¥10,000.00 on the contract went on fees at the start" in response.content.decode()


def test_a_fee_paid_once_at_the_start_costs_what_the_same_fee_taken_out_of_the_loan_does(
    english: Client,
) -> None:
    paid_at_start = english.get(RATE, {**LESSON, "fee": "500", "fee_timing": "upfront"})
    taken_out = english.get(RATE, {**LESSON, "received": "9500"})

    assert shown(paid_at_start) == shown(taken_out) == oracle("9500", ["913.33"] * 11 + ["913.37"])
    # What was paid differs (the fee is paid, not withheld) and what it cost does not.
    assert paid_at_start.context["view"].total_paid == Decimal("11460.00")
    assert taken_out.context["view"].total_paid == Decimal("10960.00")
    assert (
        paid_at_start.context["view"].total_cost == taken_out.context["view"].total_cost == Decimal("1460.00")
    )


def test_a_long_loan_of_360_payments_agrees_with_the_oracle(english: Client) -> None:
    response = english.get(RATE, {"principal": "300000", "payment": "2000", "months": "360"})

    assert shown(response) == oracle("300000", ["2000"] * 360)


def test_full_width_digits_from_a_chinese_keyboard_read_as_the_same_contract(english: Client) -> None:
    params = {
        "principal": "１００００",
        "payment": "９１３．３３",
        "months": "１２",
        "last_payment": "９１３．３７",
    }

    assert shown(english.get(RATE, params)) == shown(english.get(RATE, LESSON))


def test_payments_that_add_up_to_what_was_received_cost_nothing_and_say_so(english: Client) -> None:
    response = english.get(RATE, {"principal": "12000", "payment": "1000", "months": "12"})

    assert shown(response) == {
        "monthly": Decimal("0.00"),
        "nominal": Decimal("0.00"),
        "effective": Decimal("0.00"),
    }
    assert "this loan costs you nothing" in response.content.decode()


def test_the_page_speaks_chinese_by_default(client: Client) -> None:
    page = client.get(RATE, LESSON).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "18.71%" in page


# -- refused input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"principal": "abc"}, "principal", "Enter a number."),
        ({"principal": "-5"}, "principal", "greater than or equal to 0"),
        ({"principal": "99"}, "principal", "Enter at least ¥100."),
        ({"principal": "1" + "0" * 30}, "principal", "less than or equal to 10000000"),
        ({"payment": "-913.33"}, "payment", "greater than or equal to 0.01"),
        ({"payment": "913.333"}, "payment", "no more than 2 decimal places"),
        ({"payment": ""}, "payment", "This field is required."),
        ({"months": "0"}, "months", "greater than or equal to 1"),
        ({"months": "10000"}, "months", "less than or equal to 360"),
        ({"months": "12.5"}, "months", "Enter a whole number."),
        ({"received": "10000.01"}, "received", "cannot be more than the loan amount on the contract"),
        ({"received": "0"}, "received", "greater than or equal to 0.01"),
        ({"last_payment": "abc"}, "last_payment", "Enter a number."),
        ({"months": "1", "payment": "10500", "last_payment": "10600"}, "last_payment", "single payment"),
        ({"fee": "20", "fee_timing": ""}, "fee_timing", "Choose when the fee is paid."),
        ({"fee": "20", "fee_timing": "weekly"}, "fee_timing", "Select a valid choice."),
        ({"fee": "10000", "fee_timing": "upfront"}, "fee", "must be less than the amount you received"),
        # ¥100 a month for a year is ¥1,200: it never repays ¥10,000.
        ({"payment": "100", "last_payment": ""}, "payment", "would not repay the loan"),
        # One fen received and ¥1,000,000 a month back: no rate would mean anything.
        (
            {"principal": "100", "received": "0.01", "payment": "1000000", "last_payment": ""},
            "payment",
            "more than 100% a month",
        ),
        # Enough to solve, but above 100 % a month (¥100 received, ¥100,000 a month).
        ({"principal": "100", "payment": "100000", "last_payment": ""}, "payment", "more than 100% a month"),
    ],
)
def test_bad_input_gets_a_message_beside_its_field_and_no_figures(
    english: Client, params: dict[str, str], field: str, message: str
) -> None:
    response = english.get(RATE, {**LESSON, **params})

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    assert response.context["view"] is None
    page = response.content.decode()
    # The field is marked and its message tied to it: aria-invalid, and aria-describedby naming the
    # error list drawn beside it (components/field.html).
    tag = page.split(f'id="id_{field}"')[0].rsplit("<", 1)[1]
    assert 'aria-invalid="true"' in tag, tag
    assert f"id_{field}_error" in tag, tag
    assert f'<ul class="errorlist" id="id_{field}_error">' in page
    assert "Correct the highlighted fields to see the rate." in page


def test_a_refused_contract_is_explained_in_chinese_by_default(client: Client) -> None:
    page = client.get(RATE, {**LESSON, "months": "0"}).content.decode()

    assert '<ul class="errorlist" id="id_months_error"><li>确保该值大于或等于1。</li></ul>' in page


# -- who may open it, and what it touches ----------------------------------------------------------------


def test_anyone_may_open_it_and_a_signed_in_borrower_sees_the_same_figures(client: Client) -> None:
    visitor = client.get(RATE, LESSON)
    client.force_login(make_user("borrower@example.com"))
    borrower = client.get(RATE, LESSON)

    assert visitor.status_code == borrower.status_code == 200
    assert shown(visitor) == shown(borrower)


def _queries(client: Client, params: dict[str, str]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(RATE, params).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "borrower"])
def test_the_page_writes_nothing_and_its_queries_do_not_depend_on_the_contract(
    client: Client, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(make_user("borrower@example.com"))
        client.get(RATE)  # the first request of a session may touch it; count the ones after
    contracts = [
        LESSON,
        {**LESSON, "received": "9500", "fee": "20", "fee_timing": "monthly"},
        {"principal": "300000", "payment": "2000", "months": "360"},
        {**LESSON, "months": "0"},
        {**LESSON, "payment": "100", "last_payment": ""},
    ]
    counts = []
    for params in contracts:
        queries = _queries(client, params)
        assert [sql for sql in queries if sql.lstrip().split(" ", 1)[0].upper() in WRITE_STATEMENTS] == []
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
    if not signed_in:
        assert counts[0] == 0


# -- htmx ------------------------------------------------------------------------------------------------


def test_htmx_gets_only_the_result_and_the_url_to_share(english: Client) -> None:
    response = english.get(RATE, {**LESSON, "months": "24"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="result"' in html
    assert "months=24" in response["HX-Push-Url"]
    assert "HX-Request" in response["Vary"]
    assert response.context["view"].total_paid == Decimal("21919.96")  # 913.33 × 23 + 913.37


def test_htmx_refreshes_the_error_beside_the_field_out_of_band(english: Client) -> None:
    response = english.get(RATE, {**LESSON, "months": "0"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    box = html.split('<div id="id_months_errors"')[1].split("</div>")[0]
    assert 'hx-swap-oob="true"' in box
    assert "greater than or equal to 1" in box


def test_without_javascript_the_form_is_a_plain_get_to_the_same_page(english: Client) -> None:
    page = english.get(RATE).content.decode()

    form = re.search(r'<form method="get" action="/plan/rate/"[^>]*>(.*?)</form>', page, re.DOTALL)
    assert form is not None
    assert '<button type="submit">' in form.group(1)
    names = set(re.findall(r'name="([a-z_]+)"', form.group(1)))
    assert names == {"principal", "received", "payment", "months", "last_payment", "fee", "fee_timing"}


def test_the_planner_links_to_it(client: Client) -> None:
    assert f'href="{RATE}"' in client.get(reverse("repayment:plan")).content.decode()


def test_a_different_last_payment_left_in_the_box_is_named_beside_the_rate(english: Client) -> None:
    """The example's last payment (913.37) stays in the form: a borrower who types their own payment and
    leaves it is told which last payment the rate counts."""
    page = english.get(
        "/plan/rate/", {"principal": "5000", "payment": "500", "months": "12", "last_payment": "913.37"}
    ).content.decode()
    same = english.get(
        "/plan/rate/", {"principal": "5000", "payment": "500", "months": "12"}
    ).content.decode()
    assert 'id="last-payment-note"' in page
    assert "913.37" in page
    assert "500.00" in page
    assert 'id="last-payment-note"' not in same


def test_the_example_is_shown_beside_empty_fields_so_none_of_it_is_counted_in_a_borrowers_own(
    english: Client,
) -> None:
    page = english.get(RATE).content.decode()
    # The result is the lesson's; the boxes the borrower fills are empty (no 913.37 left in "last payment").
    for name in ("principal", "payment", "months", "last_payment"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert field is not None, name
        assert "value=" not in field.group(0), field.group(0)
    assert "11 payments of ¥913.33 and a last one of ¥913.37" in page

"""A paid-off loan says it is settled, when, and what was paid; its settlement confirmation (结清证明)
is the borrower's to keep, and nobody else's.

The loan used throughout (hand calculation): ¥3,000.00 at 12 % a year, equal principal over 3 months,
lent on 15 Jan 2026, product policy: 3 days' grace, late fee ¥20.00, penalty interest 18 % a year
(ACT/365), overpayments refunded.

* 15 Feb: instalment 1 (¥1,000.00 + ¥30.00 interest) paid on the day: ¥1,030.00.
* 15 Mar: instalment 2 (¥1,000.00 + ¥20.00) is not paid. Grace runs to 18 Mar; on 19 Mar the late fee
  of ¥20.00 is charged and penalty interest starts on the ¥1,000.00 principal.
* 31 Mar: ¥5,000.00 received. Penalty for 19-31 Mar (13 days) = 1,000.00 × 0.18 × 13 ÷ 365 = 6.41;
  instalment 3 (¥1,000.00 + ¥10.00, due 15 Apr) is the current period and is paid in full. What is left
  (¥5,000.00 − ¥2,056.41 = ¥2,943.59) is refunded, not kept.

Paid in all: principal 3,000.00 + interest 60.00 + late fees 20.00 + penalty 6.41 = 3,086.41.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import loanmath
from accounts.models import User
from borrowers import selectors, services
from borrowers.models import LedgerEntry, Loan, Payment
from tests.borrowers.factories import make_borrower, make_loan, make_product
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 30)


@pytest.fixture(autouse=True)
def _business_date(settings: pytest.FixtureRequest) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()  # type: ignore[attr-defined]


def paid_off_loan(email: str) -> tuple[User, Loan]:
    user = make_user(email)
    product = make_product(
        term_months=3,
        annual_rate=Decimal("0.120000"),
        method=loanmath.RepaymentMethod.EQUAL_PRINCIPAL,
        overpayment_handling=loanmath.OverpaymentHandling.PREPAY_PRINCIPAL,
    )
    loan = make_loan(
        borrower=make_borrower(user, full_name="陈小安"),
        product=product,
        principal=Decimal("3000.00"),
        disbursed_on=date(2026, 1, 15),
    )
    services.payment_record(
        loan_id=loan.pk, receipt_number=f"R-{loan.pk}-1", amount=Decimal("1030.00"), paid_on=date(2026, 2, 15)
    )
    services.payment_record(
        loan_id=loan.pk, receipt_number=f"R-{loan.pk}-2", amount=Decimal("5000.00"), paid_on=date(2026, 3, 31)
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.PAID_OFF
    return user, loan


def active_loan(user: User) -> Loan:
    loan = make_loan(
        borrower=user.borrower_profile, principal=Decimal("1200.00"), disbursed_on=date(2026, 3, 1)
    )
    services.loan_close_business(loan_id=loan.pk, business_date=TODAY)
    return loan


def test_the_settlement_splits_what_was_paid_by_the_hand_calculation() -> None:
    user, loan = paid_off_loan("a@example.com")

    settlement = selectors.borrower_settlement(user=user, reference=loan.reference)

    assert settlement is not None
    assert settlement.settled_on == date(2026, 3, 31)
    assert settlement.principal == Decimal("3000.00")
    assert settlement.interest == Decimal("60.00")
    assert settlement.fees == Decimal("20.00")
    assert settlement.penalty == Decimal("6.41")
    assert settlement.total_paid == Decimal("3086.41")
    assert settlement.payments == 2
    assert settlement.waived == Decimal("0.00")


def test_the_parts_add_up_to_the_total_and_to_an_independent_sum_of_the_ledger() -> None:
    user, loan = paid_off_loan("a@example.com")

    settlement = selectors.borrower_settlement(user=user, reference=loan.reference)
    assert settlement is not None

    parts = (settlement.principal, settlement.interest, settlement.fees, settlement.penalty)
    assert all(isinstance(part, Decimal) for part in parts)
    assert sum(parts, Decimal("0.00")) == settlement.total_paid
    # Summed by the database, column by column, over the loan's payment entries (negative: they
    # reduce what the borrower owes).
    ledger = LedgerEntry.objects.filter(loan=loan, kind=LedgerEntry.Kind.PAYMENT).aggregate(
        principal=Sum("principal"), interest=Sum("interest"), fees=Sum("fees"), penalty=Sum("penalty")
    )
    assert (settlement.principal, settlement.interest, settlement.fees, settlement.penalty) == (
        -ledger["principal"],
        -ledger["interest"],
        -ledger["fees"],
        -ledger["penalty"],
    )
    # And from the other side: the money received less what was refunded.
    received = sum((p.amount - p.unapplied for p in Payment.objects.filter(loan=loan)), Decimal("0.00"))
    assert received == settlement.total_paid
    assert Payment.objects.get(receipt_number=f"R-{loan.pk}-2").unapplied == Decimal("2943.59")


def test_a_paid_off_loan_page_says_it_is_settled_and_threatens_nothing(client: Client) -> None:
    user, loan = paid_off_loan("a@example.com")
    client.force_login(user)

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    assert "这笔借款已结清" in page
    assert "你已于 2026年3月31日 全部还清" in page
    for amount in ("¥3,000.00", "¥60.00", "¥20.00", "¥6.41", "¥3,086.41"):
        assert amount in page
    assert reverse("borrowers:settlement", args=[loan.reference]) in page
    # Not for a loan that is paid off: what happens if it stays unpaid (collections, court), the
    # overpayment rule, and "if you pay on".
    assert "如果一直不还" not in page
    assert "转交催收团队" not in page
    assert "诉讼" not in page
    assert "如果你还款超过应还金额" not in page
    assert "pay-on-table" not in page


def test_the_settlement_confirmation_is_a_page_to_print_and_keep(client: Client) -> None:
    user, loan = paid_off_loan("a@example.com")
    client.force_login(user)

    response = client.get(reverse("borrowers:settlement", args=[loan.reference]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "结清证明" in page
    assert f"兹证明借款 {loan.reference} 已于 2026年3月31日 全部还清" in page
    assert "陈小安" in page
    assert "2026年4月30日" in page  # issued on the business date
    assert "¥3,086.41" in page
    assert "css/loans.css" in page  # its print stylesheet
    # Who issued it and a number to quote back, so whoever is shown it can check it.
    assert f"证明编号 JQ-{loan.reference}-20260331" in page
    assert "出具方" in page
    assert "安心。如需核实本证明" in page
    assert "data-print hidden" in page  # the print button, shown by static/js/print.js


def test_the_settlement_confirmation_speaks_english_to_an_english_reader(client: Client) -> None:
    user, loan = paid_off_loan("a@example.com")
    client.force_login(user)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("borrowers:settlement", args=[loan.reference])).content.decode()

    assert "Settlement confirmation" in page
    assert "Everyday loan" in page
    assert "Total paid" in page


def test_nobody_else_gets_a_settlement_confirmation_of_my_loan(client: Client) -> None:
    _, mine = paid_off_loan("a@example.com")
    someone, _ = paid_off_loan("b@example.com")
    client.force_login(someone)

    assert client.get(reverse("borrowers:settlement", args=[mine.reference])).status_code == 404
    assert client.get(reverse("borrowers:settlement", args=["NOPE-1"])).status_code == 404


def test_a_loan_that_is_not_paid_off_has_no_settlement_confirmation(client: Client) -> None:
    user, _ = paid_off_loan("a@example.com")
    loan = active_loan(user)
    client.force_login(user)

    assert client.get(reverse("borrowers:settlement", args=[loan.reference])).status_code == 404
    assert (
        reverse("borrowers:settlement", args=[loan.reference])
        not in client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()
    )


def test_the_settlement_confirmation_needs_a_login(client: Client) -> None:
    _, loan = paid_off_loan("a@example.com")

    response = client.get(reverse("borrowers:settlement", args=[loan.reference]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_viewing_a_settlement_writes_nothing(client: Client) -> None:
    user, loan = paid_off_loan("a@example.com")
    client.force_login(user)
    url = reverse("borrowers:settlement", args=[loan.reference])
    client.get(url)  # a first request may set up the session; the one measured is a plain view

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200

    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        # allauth's session-activity tracking is issue 8's defect 2, fixed and tested on its own.
        and "usersessions_usersession" not in q["sql"]
    ]
    assert writes == []

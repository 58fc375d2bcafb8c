"""Issue 11: loan terms whose rounded payment does not amortise are refused, with the figures, wherever a
loan is booked (loan_create, the admin's add form, the loans file); the loan page states the real last
payment.

The figures (exact oracle in tests/loanmath/test_schedule.py): ¥1,000 at 36 % over 360 months pays 30.00
a month, all of it interest, and would leave a last payment of 1,030.00: refused. ¥100,000 at 24 % over
360 months pays 2,001.60 and a last 2,300.46: booked, and the loan page says so.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

import loanmath
from accounts.models import User
from borrowers import services
from borrowers.models import ImportJob, Loan, LoanProduct
from core.exceptions import ApplicationError
from tests.borrowers.factories import make_borrower, make_loan, make_product, national_id_for
from tests.borrowers.test_imports import LOAN_HEADER, csv_bytes, import_loans
from tests.conftest import PASSWORD, enrol_totp, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 31)
EN_REFUSAL = (
    "With these terms the loan is never paid down: the monthly payment of ¥30.00 only covers the interest "
    "(¥30.00 in the first month), so no principal is repaid before the last instalment, which would be "
    "¥1,030.00. Choose a product with a shorter term or a lower rate."
)
ZH_REFUSAL = (
    "按这些条件，贷款本金一直还不下去：每月还款 ¥30.00 只够付利息（第一期利息 ¥30.00），最后一期之前一分"
    "本金也不还，最后一期要还 ¥1,030.00。请改用期限更短或利率更低的产品。"
)


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.ANXIN_BUSINESS_DATE = TODAY.isoformat()
    settings.MEDIA_ROOT = tmp_path / "private"


def balloon_product(code: str = "LONG-36") -> LoanProduct:
    """36 % a year over 360 equal instalments: a ¥1,000 loan's payment rounds to its interest."""
    return make_product(
        code=code,
        annual_rate=Decimal("0.360000"),
        method=loanmath.RepaymentMethod.EQUAL_INSTALMENT,
        term_months=360,
    )


@pytest.mark.parametrize(("language", "message"), [("zh-hans", ZH_REFUSAL), ("en", EN_REFUSAL)])
def test_loan_create_refuses_a_payment_that_only_covers_the_interest_naming_the_figures(
    language: str, message: str
) -> None:
    product = balloon_product()
    with translation.override(language), pytest.raises(ApplicationError) as refused:
        make_loan(product=product, principal=Decimal("1000.00"))

    assert refused.value.message == message
    assert refused.value.code == "non_amortising"
    assert "does not amortise" not in refused.value.message  # loanmath's words are for developers
    assert not Loan.objects.exists()


def test_the_same_product_books_a_loan_large_enough_to_amortise() -> None:
    # Whether terms amortise depends on the principal too, so the check is on each loan, not the product:
    # ¥20,000 at 36 % over 360 months pays 600.01, one fen of principal more than the 600.00 of interest.
    loan = make_loan(product=balloon_product(), principal=Decimal("20000.00"))

    first = loan.instalments.get(number=1)
    assert (first.principal, first.interest) == (Decimal("0.01"), Decimal("600.00"))


def test_the_admin_add_form_shows_the_refusal_beside_the_form_and_books_nothing(client: Client) -> None:
    admin = User.objects.create_superuser(email="admin@anxin.example", password=PASSWORD)
    enrol_totp(admin)
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    borrower = make_borrower(customer_number="C0001")
    product = balloon_product()

    response = client.post(
        reverse("admin:borrowers_loan_add"),
        {
            "reference": "AX2026000777",
            "customer_number": borrower.customer_number,
            "product": product.pk,
            "principal": "1000.00",
            "disbursed_on": "2026-03-01",
            "first_due_date": "",
        },
    )

    assert response.status_code == 200
    assert "only covers the interest" in response.content.decode()
    assert "¥1,030.00" in response.content.decode()
    assert not Loan.objects.exists()


def loan_row(reference: str, customer: int, principal: str) -> dict[str, str]:
    return {
        "reference": reference,
        "customer_number": f"C{customer:04d}",
        "full_name": "王芳",
        "phone": "13912345678",
        "national_id": national_id_for(date(1999, 3, 8), serial=customer),
        "date_of_birth": "1999-03-08",
        "product_code": "LONG-36",
        "principal": principal,
        "disbursed_on": "2026-01-15",
        "first_due_date": "",
    }


@pytest.mark.parametrize(("language", "message"), [("zh-hans", ZH_REFUSAL), ("en", EN_REFUSAL)])
def test_the_loans_file_names_every_row_whose_terms_do_not_amortise_and_imports_nothing(
    settings: Any, tmp_path: Path, language: str, message: str
) -> None:
    settings.LANGUAGE_CODE = language
    balloon_product()
    content = csv_bytes(
        LOAN_HEADER,
        [
            loan_row("AX1", 1, "1000.00"),
            loan_row("AX2", 2, "20000.00"),  # amortises (see above)
            loan_row("AX3", 3, "1000.00"),
        ],
    )

    with translation.override(language):
        result = import_loans(tmp_path, content)

    assert result.status == 1
    assert ImportJob.objects.get().report == [
        {"line": 2, "message": message},
        {"line": 4, "message": message},
    ]
    assert not Loan.objects.exists()


@pytest.mark.parametrize(
    ("language", "stated"),
    [
        ("zh-hans", "月供 ¥2,001.60，最后一期 ¥2,300.46。"),
        ("en", "Monthly payment ¥2,001.60; the last payment is ¥2,300.46."),
    ],
)
def test_the_loan_page_states_the_real_last_payment_above_the_schedule(
    client: Client, language: str, stated: str
) -> None:
    user = make_user("owner@example.com")
    product = make_product(
        annual_rate=Decimal("0.240000"), method=loanmath.RepaymentMethod.EQUAL_INSTALMENT, term_months=360
    )
    loan = make_loan(
        borrower=make_borrower(user), product=product, principal=Decimal("100000.00"), disbursed_on=TODAY
    )
    client.force_login(user)
    client.cookies["django_language"] = language

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    schedule = page.split('id="schedule-heading"')[1]
    assert stated in " ".join(schedule.split('class="schedule-payments">')[1].split("</p>")[0].split())
    assert schedule.index("schedule-payments") < schedule.index("schedule-table")


def test_the_loan_page_of_falling_payments_names_only_the_last_one(client: Client) -> None:
    user = make_user("owner@example.com")
    loan = make_loan(borrower=make_borrower(user), principal=Decimal("1200.00"), disbursed_on=TODAY)
    client.force_login(user)
    services.loan_close_business(loan_id=loan.pk, business_date=TODAY)

    page = client.get(reverse("borrowers:detail", args=[loan.reference])).content.decode()

    # Equal principal: 100.00 a month plus interest on a falling balance; the 12th pays 101.00.
    assert "每期还款额不同，最后一期 ¥101.00。" in " ".join(page.split())


def test_loan_create_refuses_terms_whose_repayments_would_not_fit_the_ledger() -> None:
    # Found by the attack pass: ¥999,999,999,999.99 at 1000 % for a month owes about ¥1.83 trillion.
    product = make_product(annual_rate=Decimal("10.000000"), term_months=1)
    with translation.override("en"), pytest.raises(ApplicationError, match="the most the ledger holds"):
        make_loan(product=product, principal=loanmath.AMOUNT_MAX)
    with translation.override("zh-hans"), pytest.raises(ApplicationError, match="超出了账务系统能记录的上限"):
        make_loan(product=product, principal=loanmath.AMOUNT_MAX)
    assert not Loan.objects.exists()

"""`manage.py reconcile` proves the cached balances agree with the ledger, and names every disagreement.

The loan in these tests (from factories): ¥1,200.00 at 12 % a year, 12 equal-principal instalments from
2026-02-15, so each instalment repays ¥100.00 of principal and instalment n bills
(1,200.00 - 100.00 * (n - 1)) * 0.12 / 12 of interest: ¥12.00, ¥11.00, ¥10.00, ...
The policy: 3 days' grace, a ¥20.00 late fee, 18 % a year penalty interest (ACT/365) on overdue principal.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from borrowers import services
from borrowers.models import Instalment, Loan, Payment
from borrowers.reconciliation import reconcile
from tests.borrowers.factories import make_loan, run_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _business_date(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    settings.LANGUAGE_CODE = "en"  # the messages asserted below are the English ones


def run_reconcile() -> tuple[int, str]:
    result = run_command("reconcile")
    return result.status, result.out + result.err


def move_money(loan: Loan) -> None:
    """On time, then late, then an overpayment that prepays principal.

    * 2026-02-15, ¥112.00: instalment 1 in full (¥12.00 interest + ¥100.00 principal).
    * Instalment 2 (¥11.00 interest + ¥100.00 principal) falls due 2026-03-15 and is not paid: grace ends
      03-18, so 03-19 brings the ¥20.00 late fee, and 03-19..03-25 seven days of penalty interest,
      100.00 * 0.18 * 7 / 365 = 0.345 → ¥0.35.
    * 2026-03-25, ¥200.00: instalment 2 in full (0.35 + 20.00 + 11.00 + 100.00 = ¥131.35); the other
      ¥68.65 pays instalment 3's interest, billed early: of its ¥10.00 only the ¥8.97 the cost cap leaves
      room for that day (the ¥20.00 fee has used the rest), the other ¥1.03 forgone; then ¥59.68 of its
      principal.
    """
    services.payment_record(
        loan_id=loan.pk,
        receipt_number=f"{loan.reference}-1",
        amount=Decimal("112.00"),
        paid_on=date(2026, 2, 15),
    )
    services.loan_close_business(loan_id=loan.pk, business_date=date(2026, 3, 25))
    services.payment_record(
        loan_id=loan.pk,
        receipt_number=f"{loan.reference}-2",
        amount=Decimal("200.00"),
        paid_on=date(2026, 3, 25),
    )


def test_the_ledger_and_the_cached_balances_agree_after_payments_fees_and_penalty_interest() -> None:
    loan = make_loan(principal=Decimal("1200.00"))
    move_money(loan)
    make_loan()  # a second, untouched loan: only its disbursement

    loan.refresh_from_db()
    assert loan.principal_balance == Decimal("940.32")  # 1,200.00 - 100.00 - 100.00 - 59.68
    assert (loan.interest_balance, loan.fee_balance, loan.penalty_balance) == (0, 0, 0)
    status, output = run_reconcile()

    assert status == 0
    # Loan 1: disbursement, 3 interest due, 1 late fee, 7 penalty days, 3 payment lines; loan 2: disbursement.
    assert "Checked 2 loans, 16 ledger entries, 2 payments." in output
    assert "agrees" in output


def test_a_corrupted_loan_balance_is_listed_and_the_command_exits_1() -> None:
    loan = make_loan()
    move_money(loan)
    Loan.objects.filter(pk=loan.pk).update(principal_balance=Decimal("900.00"))

    status, output = run_reconcile()

    assert status == 1
    assert f"{loan.reference}: principal balance: ledger says 940.32, cached 900.00" in output
    assert "mismatches" in output


def test_a_corrupted_instalment_is_named_by_its_number_and_field() -> None:
    loan = make_loan()
    move_money(loan)
    Instalment.objects.filter(loan=loan, number=2).update(
        fees_charged=Decimal("25.00"), fees_paid=Decimal("25.00")
    )

    report = reconcile()

    whats = {(m.loan_reference, m.what, m.expected, m.found) for m in report.mismatches}
    assert whats == {
        (loan.reference, "instalment 2 fees_charged", Decimal("20.00"), Decimal("25.00")),
        (loan.reference, "instalment 2 fees_paid", Decimal("20.00"), Decimal("25.00")),
    }


def test_a_payment_whose_lines_do_not_add_up_to_its_amount_is_listed() -> None:
    loan = make_loan()
    move_money(loan)
    Payment.objects.filter(receipt_number=f"{loan.reference}-2").update(unapplied=Decimal("1.00"))

    report = reconcile()

    # The money kept is 1.00 less than the ledger's cost cap base was grown from, so that is listed too.
    assert [(m.what, m.expected, m.found) for m in report.mismatches] == [
        (f"payment {loan.reference}-2: allocated + unapplied", Decimal("200.00"), Decimal("201.00")),
        ("cost cap base", loan_after(loan).cost_cap_base + 1, loan_after(loan).cost_cap_base),
    ]


def test_a_cost_cap_base_that_disagrees_with_the_payments_is_listed() -> None:
    loan = make_loan()
    move_money(loan)
    Loan.objects.filter(pk=loan.pk).update(cost_cap_base=Decimal("5000.00"))

    report = reconcile()

    assert [m.what for m in report.mismatches] == ["cost cap base"]
    assert report.mismatches[0].found == Decimal("5000.00")


def loan_after(loan: Loan) -> Loan:
    return Loan.objects.get(pk=loan.pk)


def test_instalments_that_do_not_add_up_to_the_principal_balance_are_listed() -> None:
    loan = make_loan()
    Loan.objects.filter(pk=loan.pk).update(principal_balance=Decimal("1100.00"))

    report = reconcile()

    assert {(m.what, m.expected, m.found) for m in report.mismatches} == {
        ("principal balance", Decimal("1200.00"), Decimal("1100.00")),
        (
            "principal balance against the instalments' unpaid principal",
            Decimal("1200.00"),
            Decimal("1100.00"),
        ),
    }


def test_reconciling_takes_the_same_number_of_queries_for_one_loan_or_many(
    django_assert_num_queries: object,
) -> None:
    for _ in range(5):
        move_money(make_loan())

    with django_assert_num_queries(5):  # type: ignore[operator]
        report = reconcile()

    assert report.loans_checked == 5
    assert report.payments == 10
    assert report.agrees


def test_a_later_change_of_the_policys_cap_does_not_turn_reconcile_red() -> None:
    # Found by the attack pass: the base was recomputed at today's cap, not the one each payment moved it by.
    loan = make_loan()
    policy = loan.product.overdue_policy
    policy.annual_cost_cap = Decimal("0.050000")
    policy.save()
    move_money(loan)
    policy.annual_cost_cap = Decimal("0.240000")
    policy.save()

    report = reconcile()

    assert report.agrees, report.mismatches
    assert set(Payment.objects.values_list("cost_cap_rate", flat=True)) == {Decimal("0.050000")}

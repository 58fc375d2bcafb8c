"""The ledger: close of business, payments, append-only, and agreement with the borrower's projection.

The running example (hand-calculated): ¥12,000.00 at 12 % a year, equal principal over 12 months,
disbursed 2026-01-15, first due 2026-02-15: instalment 1 is ¥1,000.00 principal + ¥120.00 interest
(12,000.00 × 0.12 / 12). Policy: 3 days' grace, a ¥20.00 late fee, 18 % a year penalty interest on
overdue principal, ACT/365, a 24 % yearly cost cap (on 19 Feb, 35 days in: 12,000 × 0.24 × 35 / 365
= 276.16, well above the 140.00 charged by then, so the cap does not bind here).
"""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import translation

import loanmath
from borrowers import services
from borrowers.models import LedgerEntry, LedgerIsAppendOnlyError, Loan, Payment
from core.exceptions import ApplicationError
from core.models import AuditEvent
from tests.borrowers.factories import assert_ledger_reconciles, make_loan, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """Refusals are matched on their English text here; the Chinese is checked on the pages."""
    with translation.override("en"):
        yield


FEB_28 = date(2026, 2, 28)
TWELVE_THOUSAND = Decimal("12000.00")


def running_example(**overrides: object) -> Loan:
    return make_loan(principal=TWELVE_THOUSAND, **overrides)  # type: ignore[arg-type]


def close(loan: Loan, day: date) -> Loan:
    services.loan_close_business(loan_id=loan.pk, business_date=day)
    loan.refresh_from_db()
    return loan


def pay(loan: Loan, amount: str, on: date, receipt: str = "R-1") -> Payment:
    with override_settings(ANXIN_BUSINESS_DATE=on.isoformat()):
        return services.payment_record(
            loan_id=loan.pk, receipt_number=receipt, amount=Decimal(amount), paid_on=on
        )


def balances(loan: Loan) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    loan.refresh_from_db()
    return (loan.principal_balance, loan.interest_balance, loan.fee_balance, loan.penalty_balance)


def test_a_new_loan_has_its_schedule_and_one_disbursement_entry() -> None:
    loan = running_example()

    assert loan.instalments.count() == 12
    assert sum(i.principal for i in loan.instalments.all()) == TWELVE_THOUSAND
    assert [(e.kind, e.principal) for e in LedgerEntry.objects.filter(loan=loan)] == [
        ("disbursement", TWELVE_THOUSAND)
    ]
    assert balances(loan) == (TWELVE_THOUSAND, 0, 0, 0)
    assert_ledger_reconciles()


def test_close_of_business_bills_interest_then_a_late_fee_and_daily_penalty_after_grace() -> None:
    loan = close(running_example(), FEB_28)

    # Interest 120.00 due on 15 Feb; grace 16-18 Feb; late fee 20.00 on 19 Feb; penalty on 1,000.00
    # for 19-28 Feb = 10 days: 1,000.00 × 0.18 × 10 / 365 = 4.9315 → 4.93.
    assert balances(loan) == (TWELVE_THOUSAND, Decimal("120.00"), Decimal("20.00"), Decimal("4.93"))
    assert (loan.days_past_due, loan.bucket) == (13, "M1")
    fee = LedgerEntry.objects.get(loan=loan, kind="late_fee")
    assert (fee.business_date, fee.fees, fee.basis["flat"]) == (date(2026, 2, 19), Decimal("20.00"), "20.00")
    penalty_days = LedgerEntry.objects.filter(loan=loan, kind="penalty_interest").values_list(
        "business_date", flat=True
    )
    assert min(penalty_days) == date(2026, 2, 19)
    assert max(penalty_days) == FEB_28
    assert_ledger_reconciles()


def test_second_close_for_the_same_day_adds_nothing() -> None:
    loan = close(running_example(), FEB_28)
    entries = LedgerEntry.objects.count()

    result = services.loan_close_business(loan_id=loan.pk, business_date=FEB_28)

    assert (result.days_closed, result.entries_written) == (0, 0)
    assert LedgerEntry.objects.count() == entries


def test_closing_day_by_day_and_catching_up_at_once_post_the_same_cents() -> None:
    daily, at_once = running_example(), running_example()
    day = daily.disbursed_on
    while day < date(2026, 5, 20):
        day += timedelta(days=1)
        close(daily, day)
    close(at_once, date(2026, 5, 20))

    assert balances(daily) == balances(at_once)
    assert LedgerEntry.objects.filter(loan=daily).count() == LedgerEntry.objects.filter(loan=at_once).count()
    assert_ledger_reconciles()


def test_the_projection_a_borrower_saw_is_what_the_ledger_charges() -> None:
    """ "If you pay on 20 May" shown on 28 Feb must equal what close of business then charges."""
    loan = close(running_example(), FEB_28)
    instalments = list(loan.instalments.order_by("number"))
    policy = services.policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate)
    shown = loanmath.project_amount_due(
        position=services.loan_position(loan, instalments), policy=policy, on=date(2026, 5, 20)
    )

    loan = close(loan, date(2026, 5, 20))

    due = sum(
        (i.principal_unpaid + i.interest_unpaid + i.fees_unpaid + i.penalty_unpaid)
        for i in loan.instalments.all()
        if i.due_date <= date(2026, 5, 20)
    )
    assert shown.amount_due == due
    assert shown.days_past_due == loan.days_past_due


def test_a_payment_is_allocated_penalty_then_fees_then_interest_then_principal() -> None:
    loan = close(running_example(), FEB_28)

    payment = pay(loan, "30.00", FEB_28)

    lines = LedgerEntry.objects.filter(payment=payment)
    assert [(e.instalment.number, e.penalty, e.fees, e.interest, e.principal) for e in lines] == [
        (1, Decimal("-4.93"), Decimal("-20.00"), Decimal("-5.07"), Decimal("0.00"))
    ]
    assert balances(loan) == (TWELVE_THOUSAND, Decimal("114.93"), 0, 0)
    assert AuditEvent.objects.filter(action="payment.recorded", object_id=str(payment.pk)).exists()
    assert_ledger_reconciles()


def test_paying_everything_due_stops_the_penalty_and_clears_the_arrears() -> None:
    loan = close(running_example(), FEB_28)

    pay(loan, "1144.93", FEB_28)  # 4.93 + 20.00 + 120.00 + 1,000.00
    loan = close(loan, date(2026, 3, 10))

    assert balances(loan) == (Decimal("11000.00"), 0, 0, 0)
    assert (loan.days_past_due, loan.bucket) == (0, "current")
    assert not LedgerEntry.objects.filter(
        loan=loan, kind="penalty_interest", business_date__gt=FEB_28
    ).exists()
    assert_ledger_reconciles()


def test_paying_the_payoff_amount_closes_the_loan_and_saves_future_interest() -> None:
    loan = close(running_example(), date(2026, 3, 1))
    instalments = list(loan.instalments.order_by("number"))
    policy = services.policy_for_loanmath(loan.product.overdue_policy, contract_rate=loan.annual_rate)
    payoff = loanmath.payoff_amount(
        position=services.loan_position(loan, instalments), policy=policy, on=date(2026, 3, 1)
    )
    # Due: 1,000.00 + 120.00 + fee 20.00 + penalty for 19 Feb-1 Mar (11 days) on 1,000.00 = 5.42;
    # then the other 11,000.00 of principal and the current period's interest (110.00, due 15 Mar).
    assert payoff == Decimal("1145.42") + Decimal("11000.00") + Decimal("110.00")

    payment = pay(loan, str(payoff), date(2026, 3, 1))

    loan.refresh_from_db()
    assert loan.status == Loan.Status.PAID_OFF
    assert balances(loan) == (0, 0, 0, 0)
    assert payment.unapplied == 0
    assert_ledger_reconciles()


def test_a_refund_product_refunds_money_paid_before_anything_is_due_and_bills_nothing_early() -> None:
    # Issue 11, defect 3: 500.00 paid on 20 Jan with nothing due until 15 Feb used to pay instalment 1's
    # 100.00 principal and bill its 120.00 interest a month early, refunding only the rest.
    loan = running_example(product=make_product(overpayment_handling=loanmath.OverpaymentHandling.REFUND))

    payment = pay(loan, "500.00", date(2026, 1, 20))

    assert payment.unapplied == Decimal("500.00")
    assert balances(loan) == (Decimal("12000.00"), 0, 0, 0)
    assert not LedgerEntry.objects.filter(loan=loan, kind=LedgerEntry.Kind.INTEREST_DUE).exists()
    assert not LedgerEntry.objects.filter(loan=loan, kind=LedgerEntry.Kind.PAYMENT).exists()
    assert_ledger_reconciles()


def test_a_refund_product_takes_what_has_fallen_due_and_refunds_the_rest() -> None:
    loan = running_example(product=make_product(overpayment_handling=loanmath.OverpaymentHandling.REFUND))

    payment = pay(loan, "5000.00", date(2026, 2, 15))

    # Due on 15 Feb: 1,000.00 principal + 120.00 interest; the other 3,880.00 goes back.
    assert payment.unapplied == Decimal("3880.00")
    assert balances(loan) == (Decimal("11000.00"), 0, 0, 0)
    assert_ledger_reconciles()


def test_a_duplicate_receipt_is_refused_and_changes_nothing() -> None:
    loan = close(running_example(), FEB_28)
    pay(loan, "10.00", FEB_28, receipt="R-77")
    before = (balances(loan), LedgerEntry.objects.count(), Payment.objects.count())

    with pytest.raises(ApplicationError, match="R-77"):
        pay(loan, "10.00", FEB_28, receipt="R-77")

    assert (balances(loan), LedgerEntry.objects.count(), Payment.objects.count()) == before


@pytest.mark.parametrize(
    ("amount", "on", "message"),
    [
        ("0.00", FEB_28, "more than zero"),
        ("-5.00", FEB_28, "more than zero"),
        ("10.001", FEB_28, "whole fen"),
        ("NaN", FEB_28, "more than zero"),
        ("1000000000000.00", FEB_28, "too large"),
        ("10.00", date(2026, 2, 20), "closed through"),
    ],
)
def test_bad_payments_are_refused_with_a_message_and_change_nothing(
    amount: str, on: date, message: str
) -> None:
    loan = close(running_example(), FEB_28)
    before = (balances(loan), LedgerEntry.objects.count())

    with pytest.raises(ApplicationError, match=message), override_settings(ANXIN_BUSINESS_DATE="2026-02-28"):
        services.payment_record(loan_id=loan.pk, receipt_number="R-X", amount=Decimal(amount), paid_on=on)

    assert (balances(loan), LedgerEntry.objects.count()) == before
    assert not Payment.objects.exists()


def test_a_payment_dated_in_the_future_is_refused() -> None:
    loan = make_loan()
    with pytest.raises(ApplicationError, match="future"), override_settings(ANXIN_BUSINESS_DATE="2026-02-01"):
        services.payment_record(
            loan_id=loan.pk, receipt_number="R-F", amount=Decimal("10.00"), paid_on=date(2026, 2, 2)
        )


def test_ledger_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    loan = running_example()
    entry = LedgerEntry.objects.get(loan=loan)

    entry.principal = Decimal("1.00")
    with pytest.raises(LedgerIsAppendOnlyError):
        entry.save()
    with pytest.raises(LedgerIsAppendOnlyError):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnlyError):
        LedgerEntry.objects.filter(loan=loan).update(principal=Decimal("1.00"))
    with pytest.raises(LedgerIsAppendOnlyError):
        LedgerEntry.objects.filter(loan=loan).delete()
    assert LedgerEntry.objects.get(loan=loan).principal == TWELVE_THOUSAND


def test_on_postgresql_the_database_itself_refuses_to_change_a_ledger_entry() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    from django.db import DatabaseError, transaction

    loan = running_example()
    for sql in (
        "UPDATE borrowers_ledgerentry SET principal = 1 WHERE loan_id = %s",
        "DELETE FROM borrowers_ledgerentry WHERE loan_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [loan.pk])
    assert LedgerEntry.objects.get(loan=loan).principal == TWELVE_THOUSAND


def test_a_cap_below_the_contract_rate_trims_even_contract_interest_so_the_balance_stays_at_the_limit() -> (
    None
):
    from tests.borrowers.factories import make_policy

    # A 1 % yearly cap: on 15 Feb (31 days) the most owed is 12,000.00 × (1 + 0.01 / 12) ** (12 × 31 / 365)
    # = 12,010.19, so of the 120.00 interest falling due only 10.19 is billed and 109.81 is forgone (taken
    # off the schedule). By 28 Feb (44 days) the limit is 12,014.46, and the late fee and penalty are held
    # to what is left: the balance is exactly the limit.
    product = make_product(policy=make_policy(annual_cost_cap=Decimal("0.010000")))
    loan = close(running_example(product=product), FEB_28)

    principal, interest, fees, penalty = balances(loan)
    assert (principal, interest) == (TWELVE_THOUSAND, Decimal("10.19"))
    assert loan.instalments.get(number=1).interest == Decimal("10.19")
    assert principal + interest + fees + penalty == Decimal("12014.46")
    assert abs(12_000 * (1 + 0.01 / 12) ** (12 * 44 / 365) - 12014.46) < 0.01
    assert_ledger_reconciles()


def test_prepaying_principal_reprices_the_interest_of_periods_not_yet_begun() -> None:
    # Pay 3,000.00 on 1 Feb, nothing due yet: instalment 1 (1,000.00 + 120.00, billed early) is paid,
    # 1,880.00 repays principal from the last instalment back: #12 in full, 880.00 of #11. Unpaid
    # principal is then 1,000.00 for #2-#10 and 120.00 for #11: 9,120.00. Interest of each later period
    # = its opening balance × 1 %: (9,120 + 8,120 + ... + 1,120) + 120 = 46,200.00 × 1 % = 462.00
    # (it was 660.00: 110.00 + 100.00 + ... + 10.00 for #2-#12).
    loan = running_example()

    pay(loan, "3000.00", date(2026, 2, 1))

    later = loan.instalments.filter(number__gte=2).order_by("number")
    assert [i.interest for i in later][:2] == [Decimal("91.20"), Decimal("81.20")]
    assert sum(i.interest for i in later) == Decimal("462.00")
    assert later.get(number=12).interest == 0
    assert AuditEvent.objects.filter(action="loan.interest_repriced", object_id=str(loan.pk)).exists()
    loan = close(loan, date(2026, 3, 15))
    assert loan.interest_balance == Decimal("91.20")
    assert_ledger_reconciles()


def test_changing_the_penalty_rate_applies_from_the_next_day_and_never_reaches_back() -> None:
    loan = close(running_example(), FEB_28)  # penalty 19-28 Feb at 18 %: 4.93
    policy = loan.product.overdue_policy
    policy.penalty_rate = Decimal("0.090000")
    policy.save()

    services.penalty_periods_restart(policy_id=policy.pk)
    loan = close(loan, date(2026, 3, 10))

    # 4.93 stays; 1-10 Mar (10 days) at 9 %: 1,000.00 × 0.09 × 10 / 365 = 2.4658 → 2.47.
    assert loan.penalty_balance == Decimal("4.93") + Decimal("2.47")
    assert_ledger_reconciles()


def test_a_lowered_penalty_rate_without_a_restart_charges_nothing_rather_than_failing() -> None:
    loan = close(running_example(), FEB_28)
    policy = loan.product.overdue_policy
    policy.penalty_rate = Decimal("0.090000")
    policy.save()

    loan = close(loan, date(2026, 3, 1))

    assert loan.penalty_balance == Decimal("4.93")
    assert_ledger_reconciles()


def test_two_payments_on_one_day_bill_no_more_interest_than_one_payment_of_their_sum() -> None:
    # Found by the attack pass: the second payment took the next instalment as "current" and billed its
    # interest a month early. On 20 Jan the first payment settles the current instalment; the second the
    # same day must go to future principal, not to instalment 2's interest. (Five days into the period,
    # the cost cap lets only 12,000.00 × (1.02 ** (12 × 5 / 365) - 1) = 39.12 of its 120.00 be billed.)
    one = running_example()
    two = running_example()

    pay(one, "2240.00", date(2026, 1, 20), receipt="R-one")
    pay(two, "1120.00", date(2026, 1, 20), receipt="R-two-a")
    pay(two, "1120.00", date(2026, 1, 20), receipt="R-two-b")

    def billed(loan: Loan) -> Decimal:
        return sum((i.interest_billed for i in loan.instalments.all()), Decimal(0))

    assert billed(two) == billed(one) == Decimal("39.12")
    assert abs(12_000 * (1.02 ** (12 * 5 / 365) - 1) - 39.12) < 0.01
    assert balances(two) == balances(one)
    assert_ledger_reconciles()


def test_a_policy_change_that_would_put_its_products_over_the_cap_is_refused() -> None:
    from django.core.exceptions import ValidationError

    from tests.borrowers.factories import make_policy

    policy = make_policy()
    make_product(code="P12", policy=policy, annual_rate=Decimal("0.120000"))
    policy.penalty_basis, policy.penalty_markup = "markup", Decimal("9.000000")  # 12 % x 10 = 120 %
    with pytest.raises(ValidationError, match="P12"):
        policy.full_clean()
    policy.penalty_markup, policy.annual_cost_cap = Decimal("0.500000"), Decimal("0.050000")  # cap < 12 %
    with pytest.raises(ValidationError, match="P12"):
        policy.full_clean()
    policy.annual_cost_cap = Decimal("0.240000")  # 18 % penalty, 12 % contract: fine
    policy.full_clean()

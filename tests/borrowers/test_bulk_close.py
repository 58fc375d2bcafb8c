"""The set-based close of a chunk (PostgreSQL) writes the same ledger as the per-loan reference path,
entry by entry, for generated loans and histories; and the night's runs are recorded, resumable and
idempotent."""

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loanmath
from borrowers import services
from borrowers.models import CloseRun, Instalment, LedgerEntry, Loan, LoanBucketSpell
from borrowers.services.bulk_close import loans_close_range
from tests.borrowers.factories import assert_ledger_reconciles, make_loan, make_policy, make_product
from tests.conftest import require

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)

START = date(2026, 1, 15)


def _need_postgres() -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")


loan_specs = st.fixed_dictionaries(
    {
        "principal": st.integers(100_00, 50_000_00).map(lambda c: Decimal(c).scaleb(-2)),
        "rate": st.sampled_from([Decimal("0"), Decimal("0.06"), Decimal("0.12"), Decimal("0.2388")]),
        "method": st.sampled_from(list(loanmath.RepaymentMethod)),
        "months": st.integers(1, 8),
        "grace": st.integers(0, 5),
        "fee_flat": st.sampled_from([Decimal("0.00"), Decimal("20.00"), Decimal("50.00")]),
        "fee_rate": st.sampled_from([Decimal("0"), Decimal("0.05")]),
        "penalty": st.sampled_from([Decimal("0.18"), Decimal("0.36"), Decimal("0.50")]),
        "markup": st.booleans(),
        "day_count": st.sampled_from([360, 365]),
        "cap": st.sampled_from([Decimal("0.24"), Decimal("0.30")]),
        "handling": st.sampled_from(list(loanmath.OverpaymentHandling)),
        # Payments: (days after disbursement, amount in cents).
        "payments": st.lists(st.tuples(st.integers(1, 200), st.integers(1, 400_000)), max_size=4),
    }
)


def _book(spec: dict[str, Any], reference: str) -> Loan:
    policy = make_policy(
        grace_days=spec["grace"],
        late_fee_flat=spec["fee_flat"],
        late_fee_rate=spec["fee_rate"],
        penalty_rate=spec["penalty"] * spec["cap"] / Decimal("0.5"),  # never above the cap
        day_count=spec["day_count"],
        annual_cost_cap=spec["cap"],
    )
    if spec["markup"]:
        policy.penalty_basis, policy.penalty_markup = "markup", Decimal("0.3")
        policy.save()
    product = make_product(
        policy=policy,
        annual_rate=spec["rate"],
        method=spec["method"],
        term_months=spec["months"],
        overpayment_handling=spec["handling"],
    )
    return make_loan(reference=reference, product=product, principal=spec["principal"], disbursed_on=START)


def _ledger(loan: Loan) -> list[tuple[Any, ...]]:
    numbers = dict(Instalment.objects.filter(loan=loan).values_list("pk", "number"))
    return [
        (
            e.kind,
            e.business_date,
            numbers.get(e.instalment_id),
            e.principal,
            e.interest,
            e.fees,
            e.penalty,
            e.basis,
            e.payment.amount if e.payment else None,
        )
        for e in LedgerEntry.objects.filter(loan=loan)
        .select_related("payment")
        .order_by("business_date", "kind", "instalment__number", "pk")
    ]


def _caches(loan: Loan) -> tuple[Any, ...]:
    loan.refresh_from_db()
    return (
        tuple(getattr(loan, f) for f in Loan.LEDGER_CACHE),
        loan.status,
        [
            tuple(
                getattr(i, f)
                for f in (*Instalment.LEDGER_TOTALS, "penalty_period_start", "penalty_period_formula")
            )
            for i in loan.instalments.order_by("number")
        ],
        list(LoanBucketSpell.objects.filter(loan=loan).values_list("bucket", "entered_on", "left_on")),
    )


def _pay(loan: Loan, day: date, cents: int, n: int) -> None:
    with override_settings(ANXIN_BUSINESS_DATE=day.isoformat()):
        services.payment_record(
            loan_id=loan.pk,
            receipt_number=f"{loan.reference}-{n}",
            amount=Decimal(cents).scaleb(-2),
            paid_on=day,
        )


# Each chunk commits, as it does in production (the temporary tables of a chunk live until its commit).
@pytest.mark.django_db(transaction=True)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(loan_specs, min_size=1, max_size=5), horizon=st.integers(20, 330))
def test_the_set_based_close_writes_the_reference_ledger_entry_by_entry(
    specs: list[dict[str, Any]], horizon: int
) -> None:
    _need_postgres()
    pairs = [
        (_book(s, f"REF-{n}-{id(specs)}"), _book(s, f"SQL-{n}-{id(specs)}"), s) for n, s in enumerate(specs)
    ]
    sql_ids = [b.pk for _, b, _ in pairs]
    payments_on: dict[date, list[tuple[int, int]]] = {}
    for index, (_, _, spec) in enumerate(pairs):
        for k, (days, cents) in enumerate(spec["payments"]):
            payments_on.setdefault(START + timedelta(days=days), []).append((index, cents * 10 + k))
    day = START
    end = START + timedelta(days=horizon)
    while day < end:
        day += timedelta(days=1)
        loans_close_range(first_id=min(sql_ids), last_id=max(sql_ids), business_date=day)
        # The reference catches up in one pass: to each payment day, and to the end.
        for ref, _, _ in pairs:
            if day in payments_on or day == end:
                services.loan_close_business(loan_id=ref.pk, business_date=day)
        for index, amount in payments_on.get(day, []):
            for loan in pairs[index][:2]:
                loan.refresh_from_db()
                if loan.status == Loan.Status.ACTIVE:
                    _pay(loan, day, amount // 10, amount % 10 + 1)
    for ref, sql, _ in pairs:
        assert _ledger(sql) == _ledger(ref)
        assert _caches(sql) == _caches(ref)
    assert_ledger_reconciles()


@pytest.mark.django_db(transaction=True)
def test_a_loan_far_behind_is_caught_up_by_the_reference_path_in_one_pass() -> None:
    _need_postgres()
    loan = make_loan(principal=Decimal("1200.00"))
    twin = make_loan(principal=Decimal("1200.00"))
    day = date(2026, 11, 10)  # some 300 days behind

    loans_close_range(first_id=loan.pk, last_id=loan.pk, business_date=day)
    services.loan_close_business(loan_id=twin.pk, business_date=day)

    assert _ledger(loan) == _ledger(twin)
    assert _caches(loan)[:2] == _caches(twin)[:2]


def test_a_night_is_one_run_with_its_chunks_and_a_second_run_writes_nothing(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    for _ in range(5):
        make_loan(principal=Decimal("12000.00"))
    with override_settings(ANXIN_BUSINESS_DATE="2026-03-30"):
        services.close_business_through(date(2026, 3, 30))
    entries = LedgerEntry.objects.count()

    first = services.close_run_plan(business_date=date(2026, 3, 31), chunk_size=2)
    assert len(first.chunk_ids) == 3
    services.close_chunk_run(chunk_id=first.chunk_ids[0])
    # Resumed: the chunk done is not sent again, and running it again counts nothing twice.
    again = services.close_run_plan(business_date=date(2026, 3, 31), chunk_size=2)
    assert again.chunk_ids == first.chunk_ids[1:]
    assert services.close_chunk_run(chunk_id=first.chunk_ids[0]).entries == 0
    for chunk_id in again.chunk_ids:
        services.close_chunk_run(chunk_id=chunk_id)
    run = CloseRun.objects.get(business_date=date(2026, 3, 31))
    assert (run.status, run.chunks_total, run.chunks_done, run.loans) == ("done", 3, 3, 5)
    assert run.entries == LedgerEntry.objects.count() - entries > 0
    assert services.close_business_through(date(2026, 3, 31)).entries == 0
    assert LedgerEntry.objects.count() - entries == run.entries
    assert_ledger_reconciles()


def test_missed_dates_are_closed_in_order_one_run_each(settings: Any) -> None:
    settings.ANXIN_BUSINESS_DATE = "2026-03-31"
    make_loan(principal=Decimal("12000.00"))
    services.close_business_through(date(2026, 3, 28))

    summary = services.close_business_through(date(2026, 3, 31))

    assert summary.dates == 3
    assert list(CloseRun.objects.order_by("business_date").values_list("business_date", "status")) == [
        (date(2026, 3, 28), "done"),
        (date(2026, 3, 29), "done"),
        (date(2026, 3, 30), "done"),
        (date(2026, 3, 31), "done"),
    ]
    assert Loan.objects.get().closed_through == date(2026, 3, 31)

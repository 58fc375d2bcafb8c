"""Restructuring in the ledger (borrowers.services.restructure): what is applied is the preview to the fen,
every balance moves by exactly the waiver, the ledger reconciles, a second accept changes nothing; and a
breathing space (loans_pause_charges / loans_resume_charges) stops late fees and penalty interest, day by
day through close of business, on both close paths.

The standard loan (factories' defaults): ¥12,000.00 over 12 months, equal principal at 12 %, disbursed
2026-01-15, first due 2026-02-15; policy 3 days' grace, ¥20.00 late fee, 18 % penalty (ACT/365), a 24 %
cost cap. On the restructuring day, 2026-04-10, instalments 1 and 2 are overdue with their fees and
penalty; instalment 3 falls due 2026-04-15.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import override_settings

import loanmath
from borrowers import services
from borrowers.models import Instalment, LedgerEntry, Loan, LoanBucketSpell, Restructure
from borrowers.positions import restructure_position
from borrowers.services.bulk_close import loans_close_range
from core.exceptions import ApplicationError
from tests.borrowers.factories import assert_ledger_reconciles, make_loan, make_product, run_command
from tests.conftest import require
from tests.loanmath.restructure_oracle import Item, expected_plan, penalty_after_pause

pytestmark = pytest.mark.django_db

NIL = Decimal("0.00")
D0 = date(2026, 4, 10)
PENALTY_RATE = Decimal("0.18")
_serial = itertools.count(1)

KIND = loanmath.OptionKind
TERMS = {
    "extension": loanmath.OptionTerms(kind=KIND.EXTENSION, months=18),
    "extension_waived": loanmath.OptionTerms(kind=KIND.EXTENSION, months=6, waive_fees_and_penalty=True),
    "holiday": loanmath.OptionTerms(kind=KIND.HOLIDAY, months=2, interest_during_holiday=False),
    "holiday_interest": loanmath.OptionTerms(kind=KIND.HOLIDAY, months=3),
    "lower_rate": loanmath.OptionTerms(kind=KIND.LOWER_RATE, annual_rate=Decimal("0.060000")),
    "freeze": loanmath.OptionTerms(kind=KIND.FREEZE, months=12),
    "arrears_plan": loanmath.OptionTerms(kind=KIND.ARREARS_PLAN, months=3),
    "waiver": loanmath.OptionTerms(kind=KIND.WAIVER),
}


# --- helpers ---------------------------------------------------------------------------------------------


def close_to(settings: Any, day: date) -> None:
    settings.ANXIN_BUSINESS_DATE = day.isoformat()
    services.close_business_through(day)


def overdue_loan(settings: Any, *, principal: Decimal = Decimal("12000.00")) -> Loan:
    settings.ANXIN_BUSINESS_DATE = D0.isoformat()
    loan = make_loan(principal=principal)
    close_to(settings, D0)
    loan.refresh_from_db()
    assert loan.fee_balance > 0
    assert loan.penalty_balance > 0
    return loan


def balances(loan: Loan) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    loan.refresh_from_db()
    return (loan.principal_balance, loan.interest_balance, loan.fee_balance, loan.penalty_balance)


def entries_sum(loan: Loan, kind: str, **filters: Any) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    totals = LedgerEntry.objects.filter(loan=loan, kind=kind, **filters).aggregate(
        p=Sum("principal"), i=Sum("interest"), f=Sum("fees"), n=Sum("penalty")
    )
    return tuple(Decimal(totals[k] or 0).quantize(NIL) for k in "pifn")  # type: ignore[return-value]


def oracle_items(loan: Loan) -> list[Item]:
    """The open instalments read from the rows here, not through the code's positions adapter."""
    loan.refresh_from_db()
    on = loan.closed_through
    assert on is not None
    items = []
    for i in Instalment.objects.filter(loan=loan).order_by("number"):
        unbilled = i.interest - i.interest_billed if i.due_date > on else NIL
        item = Item(
            number=i.number,
            due_date=i.due_date,
            principal=i.principal - i.principal_paid,
            interest=i.interest_billed - i.interest_paid + unbilled,
            unbilled=unbilled,
            fees=i.fees_charged - i.fees_paid,
            penalty=i.penalty_charged - i.penalty_paid,
        )
        if item.total > 0:
            items.append(item)
    return items


def oracle_plan(loan: Loan, terms: loanmath.OptionTerms) -> Any:
    """The oracle's plan from the instalment rows as they stand."""
    items = oracle_items(loan)
    on = loan.closed_through
    assert on is not None

    def annuity_parts(principal: Decimal, rate: Decimal, months: int) -> list[Decimal]:
        schedule = loanmath.equal_instalment_schedule(
            principal=principal, annual_rate=rate, months=months, first_due_date=date(2000, 1, 1)
        )
        return [i.principal for i in schedule.instalments]

    return expected_plan(
        on=on,
        rate=loan.annual_rate,
        items=items,
        kind=terms.kind.value,
        months=terms.months,
        new_rate=terms.annual_rate,
        interest_during_holiday=terms.interest_during_holiday,
        waive=terms.waive_fees_and_penalty,
        annuity_parts=annuity_parts,
    )


def charges_between(loan: Loan, first: date, last: date) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(
            loan=loan,
            kind__in=[LedgerEntry.Kind.LATE_FEE, LedgerEntry.Kind.PENALTY_INTEREST],
            business_date__range=(first, last),
        )
    )


def penalty_of(inst: Instalment, *, after: date) -> Decimal:
    total = LedgerEntry.objects.filter(
        instalment=inst, kind=LedgerEntry.Kind.PENALTY_INTEREST, business_date__gt=after
    ).aggregate(s=Sum("penalty"))["s"]
    return Decimal(total or 0).quantize(NIL)


def fees_of(inst: Instalment) -> Decimal:
    total = LedgerEntry.objects.filter(instalment=inst, kind=LedgerEntry.Kind.LATE_FEE).aggregate(
        s=Sum("fees")
    )["s"]
    return Decimal(total or 0).quantize(NIL)


# --- restructuring, option by option -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TERMS))
def test_a_restructuring_puts_the_preview_in_the_ledger_to_the_fen(settings: Any, name: str) -> None:
    terms = TERMS[name]
    loan = overdue_loan(settings)
    before = balances(loan)
    open_before = [
        i.pk for i in Instalment.objects.filter(loan=loan) if not i.is_settled
    ]  # every instalment, all unpaid
    plan = services.loan_restructure_plan(loan_id=loan.pk, terms=terms)
    expected = oracle_plan(loan, terms)
    position = restructure_position(loan, list(Instalment.objects.filter(loan=loan)))
    assert position.on == D0
    assert position.annual_rate == loan.annual_rate
    assert [
        Item(i.number, i.due_date, i.principal, i.interest, i.unbilled_interest, i.fees, i.penalty)
        for i in position.instalments
    ] == oracle_items(loan)
    # The preview is the schedule the rules give (dates left to the loanmath tests).
    assert [
        (i.principal, i.interest, i.interest_carried, i.interest_fixed, i.fees, i.penalty)
        for i in plan.instalments
    ] == [(r.principal, r.interest, r.carried, r.fixed, r.fees, r.penalty) for r in expected.rows]
    assert (plan.waived_fees, plan.waived_penalty, plan.interest_given_up) == (
        expected.waived_fees,
        expected.waived_penalty,
        expected.interest_given_up,
    )

    record = services.loan_restructure(loan_id=loan.pk, terms=terms, source=f"HA-{name}")

    new = list(Instalment.objects.filter(loan=loan, restructure=record).order_by("number"))
    assert [
        (
            i.due_date,
            i.principal,
            i.interest,
            i.interest_billed,
            i.fees_charged,
            i.penalty_charged,
            i.interest_fixed,
        )
        for i in new
    ] == [
        (p.due_date, p.principal, p.interest, p.interest_carried, p.fees, p.penalty, p.interest_fixed)
        for p in plan.instalments
    ]
    assert all(i.principal_paid == i.interest_paid == i.fees_paid == i.penalty_paid == 0 for i in new)
    # The waiver entries are the plan's waiver; the restructuring entries move, net, nothing.
    waived = entries_sum(loan, LedgerEntry.Kind.WAIVER)
    assert waived == (NIL, NIL, -plan.waived_fees, -plan.waived_penalty)
    assert entries_sum(loan, LedgerEntry.Kind.RESTRUCTURE) == (NIL, NIL, NIL, NIL)
    after = balances(loan)
    assert after == (before[0], before[1], before[2] - plan.waived_fees, before[3] - plan.waived_penalty)
    assert sum(after, NIL) == plan.owed_before - plan.waived
    # Old instalments: settled, replaced, kept.
    for old in Instalment.objects.filter(pk__in=open_before):
        assert old.is_settled
        assert old.superseded_by_id == record.pk
    assert (
        Instalment.objects.filter(loan=loan, superseded_by__isnull=True, restructure__isnull=True).count()
        == 0
    )
    loan.refresh_from_db()
    assert loan.annual_rate == plan.annual_rate
    assert loan.charges_paused_through == plan.charges_paused_through
    assert (record.waived_fees, record.waived_penalty, record.total_to_pay) == (
        plan.waived_fees,
        plan.waived_penalty,
        plan.total_to_pay,
    )
    assert_ledger_reconciles()

    # A second accept of the same application applies nothing.
    counts = (LedgerEntry.objects.count(), Instalment.objects.count(), Restructure.objects.count())
    with pytest.raises(ApplicationError):
        services.loan_restructure(loan_id=loan.pk, terms=terms, source=f"HA-{name}")
    assert (LedgerEntry.objects.count(), Instalment.objects.count(), Restructure.objects.count()) == counts
    assert balances(loan) == after

    # Forty more days of close of business across the new schedule.
    end = D0 + timedelta(days=40)
    close_to(settings, end)
    assert_ledger_reconciles()
    loan.refresh_from_db()
    assert loan.closed_through == end
    if terms.kind is KIND.FREEZE:
        assert plan.charges_paused_through is not None
        assert plan.charges_paused_through > end
        assert charges_between(loan, D0 + timedelta(days=1), end) == []
        # and no contract interest either: only what was carried falls due.
        assert entries_sum(loan, LedgerEntry.Kind.INTEREST_DUE, business_date__gt=D0)[1] == NIL
    if terms.kind is KIND.WAIVER:
        # The overdue instalments stay overdue; their penalty starts a new period on the day of the waiver.
        for inst in new:
            if inst.due_date <= D0:
                assert penalty_of(inst, after=D0) == penalty_after_pause(
                    principal=inst.principal, rate=PENALTY_RATE, days=40, days_in_year=365
                )
    if terms.kind is KIND.ARREARS_PLAN:
        # Nothing is overdue any more until the next due date.
        assert charges_between(loan, D0 + timedelta(days=1), new[0].due_date + timedelta(days=3)) == []


def test_restructuring_closes_the_day_first_so_the_preview_of_a_loan_behind_is_the_same(
    settings: Any,
) -> None:
    """A preview taken after close of business equals what the accept applies later that day."""
    loan = overdue_loan(settings)
    terms = TERMS["extension"]
    plan = services.loan_restructure_plan(loan_id=loan.pk, terms=terms)
    services.loan_restructure(loan_id=loan.pk, terms=terms, source="HA-same-day")
    record = Restructure.objects.get(source="HA-same-day")
    assert record.applied_on == D0
    assert record.owed_before == plan.owed_before
    assert record.total_to_pay == plan.total_to_pay


def test_terms_the_loan_cannot_take_are_refused_and_change_nothing(settings: Any) -> None:
    loan = overdue_loan(settings)
    counts = (LedgerEntry.objects.count(), Instalment.objects.count())
    with pytest.raises(ApplicationError):
        services.loan_restructure(
            loan_id=loan.pk,
            terms=loanmath.OptionTerms(kind=KIND.LOWER_RATE, annual_rate=Decimal("0.12")),
            source="HA-bad",
        )
    assert (LedgerEntry.objects.count(), Instalment.objects.count()) == counts
    assert not Restructure.objects.exists()


def _pay(settings: Any, loan: Loan, amount: Decimal, on: date) -> None:
    settings.ANXIN_BUSINESS_DATE = on.isoformat()
    services.payment_record(loan_id=loan.pk, receipt_number=f"RS-{next(_serial)}", amount=amount, paid_on=on)


def test_a_payment_on_the_new_due_date_pays_the_new_instalment(settings: Any) -> None:
    loan = overdue_loan(settings)
    record = services.loan_restructure(loan_id=loan.pk, terms=TERMS["extension"], source="HA-pay-due")
    first = Instalment.objects.filter(restructure=record).order_by("due_date").first()
    assert first is not None
    due = first.due_date
    close_to(settings, due)
    first.refresh_from_db()
    amount = first.principal + first.interest + first.fees_charged + first.penalty_charged
    _pay(settings, loan, amount, due)
    first.refresh_from_db()
    assert first.is_settled
    assert (
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.PAYMENT, instalment__superseded_by__isnull=False
        ).count()
        == 0
    )
    assert_ledger_reconciles()


def test_a_payment_before_the_first_new_due_date_pays_the_current_new_instalment(settings: Any) -> None:
    """A prepay product takes the current period's instalment in full (borrowers.services.payments): after
    a restructuring that is the first new instalment, not an old, replaced one."""
    loan = overdue_loan(settings)
    record = services.loan_restructure(loan_id=loan.pk, terms=TERMS["extension"], source="HA-pay-early")
    new = list(Instalment.objects.filter(restructure=record).order_by("due_date"))
    first = new[0]
    amount = first.principal + first.interest + first.fees_charged + first.penalty_charged
    _pay(settings, loan, amount, D0 + timedelta(days=1))
    assert_ledger_reconciles()
    first.refresh_from_db()
    # The fees, penalty and interest carried onto it are paid before any principal of a later instalment.
    assert (first.fees_paid, first.penalty_paid) == (first.fees_charged, first.penalty_charged)
    assert first.is_settled
    assert not LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.PAYMENT, instalment__superseded_by__isnull=False
    ).exists()


# --- breathing space -----------------------------------------------------------------------------------


def _overdue_instalments(loan: Loan) -> list[Instalment]:
    return list(Instalment.objects.filter(loan=loan).order_by("number"))


def test_a_breathing_space_stops_fees_and_penalty_and_they_resume_after_it(settings: Any) -> None:
    loan = overdue_loan(settings)
    paused = D0 + timedelta(days=30)  # 2026-05-10
    assert services.loans_pause_charges(loan_ids=[loan.pk], through=paused) == [loan.pk]
    # A shorter pause does not cut a longer one short.
    assert services.loans_pause_charges(loan_ids=[loan.pk], through=D0 + timedelta(days=5)) == []
    end = D0 + timedelta(days=45)  # 2026-05-25
    close_to(settings, end)
    assert_ledger_reconciles()

    assert charges_between(loan, D0 + timedelta(days=1), paused) == []
    first, second, third, fourth = _overdue_instalments(loan)[:4]
    # Penalty resumes the day after the pause, a new period from the pause's last day.
    days_after = (end - paused).days
    for inst in (first, second, third):
        assert penalty_of(inst, after=paused) == penalty_after_pause(
            principal=inst.principal, rate=PENALTY_RATE, days=days_after, days_in_year=365
        )
    # Instalment 3 fell due in the pause (15 Apr) and its fee day (19 Apr) was paused: never charged.
    assert fees_of(third) == NIL
    # Instalment 4 falls due 15 May, after the pause: its grace, fee and penalty run as usual.
    grace_end = fourth.due_date + timedelta(days=3)
    assert fees_of(fourth) == Decimal("20.00")
    assert penalty_of(fourth, after=paused) == penalty_after_pause(
        principal=fourth.principal, rate=PENALTY_RATE, days=(end - grace_end).days, days_in_year=365
    )
    loan.refresh_from_db()
    assert loan.charges_paused_through == paused


def test_a_breathing_space_ended_early_charges_from_the_next_day(settings: Any) -> None:
    loan = overdue_loan(settings)
    paused = D0 + timedelta(days=30)
    services.loans_pause_charges(loan_ids=[loan.pk], through=paused)
    resumed = D0 + timedelta(days=10)  # 2026-04-20
    close_to(settings, resumed)
    services.loans_resume_charges(loan_ids=[loan.pk], paused_through=paused, on=resumed)
    loan.refresh_from_db()
    assert loan.charges_paused_through == resumed
    end = D0 + timedelta(days=20)
    settings.ANXIN_BUSINESS_DATE = end.isoformat()
    assert run_command("close_business").status == 0  # the nightly command, catching up the days
    loan.refresh_from_db()
    assert loan.closed_through == end
    assert_ledger_reconciles()
    assert charges_between(loan, D0 + timedelta(days=1), resumed) == []
    first, second, third = _overdue_instalments(loan)[:3]
    for inst in (first, second, third):
        assert penalty_of(inst, after=resumed) == penalty_after_pause(
            principal=inst.principal, rate=PENALTY_RATE, days=(end - resumed).days, days_in_year=365
        )
    assert fees_of(third) == NIL  # its fee day, 19 Apr, fell in the pause


def test_resuming_leaves_a_pause_set_since_alone(settings: Any) -> None:
    loan = overdue_loan(settings)
    paused = D0 + timedelta(days=30)
    services.loans_pause_charges(loan_ids=[loan.pk], through=paused)
    longer = D0 + timedelta(days=90)
    services.loans_pause_charges(loan_ids=[loan.pk], through=longer)
    services.loans_resume_charges(loan_ids=[loan.pk], paused_through=paused, on=D0)
    loan.refresh_from_db()
    assert loan.charges_paused_through == longer


# --- PostgreSQL: the set-based close of a paused loan --------------------------------------------------


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
        )
        for e in LedgerEntry.objects.filter(loan=loan).order_by(
            "business_date", "kind", "instalment__number", "pk"
        )
    ]


def _caches(loan: Loan) -> tuple[Any, ...]:
    loan.refresh_from_db()
    return (
        tuple(getattr(loan, f) for f in Loan.LEDGER_CACHE),
        loan.status,
        loan.closed_through,
        [
            tuple(
                getattr(i, f)
                for f in (*Instalment.LEDGER_TOTALS, "penalty_period_start", "penalty_period_formula")
            )
            for i in loan.instalments.order_by("number")
        ],
        list(LoanBucketSpell.objects.filter(loan=loan).values_list("bucket", "entered_on", "left_on")),
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["breathing_space", "freeze"])
def test_the_set_based_close_of_a_paused_loan_writes_the_reference_ledger(how: str) -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    product = make_product(term_months=6)
    ref = make_loan(product=product, principal=Decimal("12000.00"), reference=f"PREF-{how}")
    sql = make_loan(product=product, principal=Decimal("12000.00"), reference=f"PSQL-{how}")
    for loan in (ref, sql):
        services.loan_close_business(loan_id=loan.pk, business_date=D0)
    if how == "breathing_space":
        paused = D0 + timedelta(days=30)
        services.loans_pause_charges(loan_ids=[ref.pk, sql.pk], through=paused)
    else:
        with override_settings(ANXIN_BUSINESS_DATE=D0.isoformat()):
            terms = loanmath.OptionTerms(kind=KIND.FREEZE, months=1)
            for loan in (ref, sql):
                services.loan_restructure(loan_id=loan.pk, terms=terms, source=f"HA-{how}-{loan.pk}")
        ref.refresh_from_db()
        assert ref.charges_paused_through is not None
        paused = ref.charges_paused_through
    end = paused + timedelta(days=25)
    day = D0
    while day < end:
        day += timedelta(days=1)
        loans_close_range(first_id=sql.pk, last_id=sql.pk, business_date=day)
        if day in (paused, paused + timedelta(days=1), end):
            services.loan_close_business(loan_id=ref.pk, business_date=day)
            # Compared on the way: through the pause, the day it ends, and after.
            assert _ledger(sql) == _ledger(ref), day
            assert _caches(sql) == _caches(ref), day
    assert charges_between(sql, D0 + timedelta(days=1), paused) == []
    assert charges_between(sql, paused + timedelta(days=1), end) != []
    assert_ledger_reconciles()

"""Test data for the borrowers app, made through the real services so the ledger is always consistent.

Every helper takes keyword overrides and picks unique keys itself, so a test names only what it is about:
`make_loan(principal=Decimal("1200.00"))`. Defaults describe a plain, realistic case: an 18 %-penalty
policy with 3 days' grace and a ¥20 late fee, a 12-month equal-principal product at 12 % a year, a
borrower born 1998-05-20, a loan of ¥1,200.00 disbursed 2026-01-15 (first due 2026-02-15).
"""

import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError

import loanmath
from accounts.models import User
from borrowers import services
from borrowers.models import BorrowerProfile, Loan, LoanProduct, Milestone, OverduePolicy

_serial = itertools.count(1)

# ISO 7064 MOD 11-2, the check character of the 18-character resident ID number (GB 11643-1999).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

DEFAULT_MILESTONES: tuple[tuple[int, loanmath.MilestoneKind, str, str], ...] = (
    (1, loanmath.MilestoneKind.REMINDER, "我们会提醒你还款。", "We remind you to pay."),
    (31, loanmath.MilestoneKind.CREDIT_BUREAU, "逾期信息报送征信系统。", "Reported to the credit bureau."),
    (61, loanmath.MilestoneKind.COLLECTIONS, "转交催收团队。", "Passed to collections."),
    (91, loanmath.MilestoneKind.LEGAL, "我们可能通过诉讼追讨欠款。", "We may go to court."),
)


def national_id_for(date_of_birth: date, *, serial: int | None = None, region: str = "110101") -> str:
    """A well-formed 18-character resident ID number (valid check character) for this birth date."""
    sequence = (next(_serial) if serial is None else serial) % 1000
    body = f"{region}{date_of_birth:%Y%m%d}{sequence:03d}"
    check = _ID_CHECK[sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    return body + check


def make_policy(
    *,
    name: str | None = None,
    grace_days: int = 3,
    late_fee_flat: Decimal = Decimal("20.00"),
    late_fee_rate: Decimal = Decimal("0.000000"),
    penalty_rate: Decimal = Decimal("0.180000"),
    day_count: int = 365,
    annual_cost_cap: Decimal = Decimal("0.240000"),
    milestones: Sequence[tuple[int, loanmath.MilestoneKind, str, str]] = DEFAULT_MILESTONES,
) -> OverduePolicy:
    policy = OverduePolicy.objects.create(
        name=name or f"Policy {next(_serial)}",
        grace_days=grace_days,
        late_fee_flat=late_fee_flat,
        late_fee_rate=late_fee_rate,
        penalty_rate=penalty_rate,
        day_count=day_count,
        annual_cost_cap=annual_cost_cap,
    )
    Milestone.objects.bulk_create(
        Milestone(policy=policy, day=day, kind=kind.value, text_zh_hans=zh, text_en=en)
        for day, kind, zh, en in milestones
    )
    return policy


def make_product(
    *,
    code: str | None = None,
    name: str = "日常贷",
    name_en: str = "Everyday loan",
    annual_rate: Decimal = Decimal("0.120000"),
    method: loanmath.RepaymentMethod = loanmath.RepaymentMethod.EQUAL_PRINCIPAL,
    term_months: int = 12,
    policy: OverduePolicy | None = None,
    overpayment_handling: loanmath.OverpaymentHandling = loanmath.OverpaymentHandling.PREPAY_PRINCIPAL,
) -> LoanProduct:
    return LoanProduct.objects.create(
        code=code or f"P{next(_serial)}",
        name_zh_hans=name,
        name_en=name_en,
        annual_rate=annual_rate,
        method=method.value,
        term_months=term_months,
        overdue_policy=policy or make_policy(),
        overpayment_handling=overpayment_handling.value,
    )


def make_borrower(
    user: User | None = None,
    *,
    customer_number: str | None = None,
    full_name: str = "张伟",
    phone: str = "13800138000",
    national_id: str | None = None,
    date_of_birth: date = date(1998, 5, 20),
) -> BorrowerProfile:
    """A borrower as the core system knows them; only the ID's keyed hash and last 4 are stored."""
    national_id = national_id or national_id_for(date_of_birth)
    return BorrowerProfile.objects.create(
        user=user,
        customer_number=customer_number or f"C{next(_serial):07d}",
        full_name=full_name,
        phone=phone,
        national_id_hash=services.national_id_hash(national_id),
        national_id_last4=services.national_id_normalize(national_id)[-4:],
        date_of_birth=date_of_birth,
    )


def make_loan(
    *,
    borrower: BorrowerProfile | None = None,
    product: LoanProduct | None = None,
    reference: str | None = None,
    principal: Decimal = Decimal("1200.00"),
    disbursed_on: date = date(2026, 1, 15),
    first_due_date: date | None = None,
) -> Loan:
    """A disbursed loan booked by services.loan_create (schedule, instalments and ledger entry)."""
    return services.loan_create(
        reference=reference or f"AX{next(_serial):09d}",
        borrower=borrower or make_borrower(),
        product=product or make_product(),
        principal=principal,
        disbursed_on=disbursed_on,
        first_due_date=first_due_date,
    )


def assert_ledger_reconciles() -> None:
    """Every cached balance agrees with the ledger (call it after any test that moves money)."""
    from borrowers.reconciliation import reconcile

    report = reconcile()
    assert report.agrees, report.mismatches


@dataclass(frozen=True)
class CommandResult:
    status: int
    out: str
    err: str


def run_command(name: str, *args: str) -> CommandResult:
    """Run a management command as `manage.py name args` would: its exit status and what it printed.

    (Through call_command rather than run_from_argv, which closes the database connection, and with it
    the test's transaction, on PostgreSQL.)
    """
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")  # what manage.py prints before exiting with returncode
        return CommandResult(error.returncode, out.getvalue(), err.getvalue())
    return CommandResult(0, out.getvalue(), err.getvalue())

"""Demo loans for `manage.py seed_demo`, dated relative to the business date of the first run.

Idempotent: a loan whose reference exists is left alone (its ledger is history, never rewritten).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

import loanmath
from borrowers import services
from borrowers.models import BorrowerProfile, Loan, LoanProduct, Milestone, OverduePolicy

MILESTONES = (
    (
        1,
        loanmath.MilestoneKind.REMINDER,
        "我们会通过短信和邮件提醒你。宽限期内还款，不收滞纳金和罚息。",
        "We remind you by SMS and email. Pay within the grace period and no late fee or penalty interest "
        "is charged.",
    ),
    (
        3,
        loanmath.MilestoneKind.REMINDER,
        "宽限期最后一天：今天还清本期，不收滞纳金和罚息；明天起收取滞纳金并按日计收罚息。",
        "Last day of grace: pay this instalment today and nothing extra is charged; from tomorrow a late fee "
        "is charged and penalty interest accrues every day.",
    ),
    (
        31,
        loanmath.MilestoneKind.CREDIT_BUREAU,
        "逾期信息报送征信系统，还清后记录仍保留 5 年，可能影响你今后办理房贷、车贷和信用卡。",
        "Reported to the credit bureau. The record stays for 5 years after you repay and can affect future "
        "mortgages, car loans and credit cards.",
    ),
    (
        61,
        loanmath.MilestoneKind.COLLECTIONS,
        "转交催收团队。催收人员不得在 22:00 至次日 08:00 联系你，也不得骚扰你的亲友。",
        "The loan goes to our collections team. Collectors may not contact you between 22:00 and 08:00, nor "
        "harass your family or friends.",
    ),
    (
        91,
        loanmath.MilestoneKind.LEGAL,
        "我们可能通过诉讼追讨欠款。在此之前，你随时可以找我们商量困难还款方案。",
        "We may go to court to recover the debt. Until then you can ask us for a hardship plan at any time.",
    ),
)


@dataclass(frozen=True)
class LinkableLoan:
    reference: str
    date_of_birth: date
    national_id_last4: str


def _policy() -> OverduePolicy:
    policy, created = OverduePolicy.objects.get_or_create(
        name="Standard 2026",
        defaults={
            "grace_days": 3,
            "late_fee_flat": Decimal("30.00"),
            "late_fee_rate": Decimal("0.000000"),
            "penalty_rate": Decimal("0.180000"),
            "day_count": 365,
            "annual_cost_cap": Decimal("0.240000"),
        },
    )
    if created:
        Milestone.objects.bulk_create(
            Milestone(policy=policy, day=day, kind=kind.value, text_zh_hans=zh, text_en=en)
            for day, kind, zh, en in MILESTONES
        )
    return policy


def _product(
    code: str, names: tuple[str, str], rate: str, method: str, months: int, policy: OverduePolicy
) -> LoanProduct:
    name_zh_hans, name_en = names
    product, created = LoanProduct.objects.get_or_create(
        code=code,
        defaults={
            "name_zh_hans": name_zh_hans,
            "name_en": name_en,
            "annual_rate": Decimal(rate),
            "method": method,
            "term_months": months,
            "overdue_policy": policy,
        },
    )
    if not created and not product.name_en:
        # Seeded before products had an English name: give it one, and change nothing else.
        product.name_en = name_en
        product.save(update_fields=["name_en"])
    return product


def _borrower(
    customer: str, name: str, phone: str, national_id: str, born: date, email: str | None
) -> BorrowerProfile:
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    profile, _ = BorrowerProfile.objects.get_or_create(
        customer_number=customer,
        defaults={
            "full_name": name,
            "phone": phone,
            "national_id_hash": services.national_id_hash(national_id),
            "national_id_last4": national_id[-4:],
            "date_of_birth": born,
            "user": user,
        },
    )
    return profile


def _pay_on_due_dates(loan: Loan, count: int) -> None:
    for inst in list(loan.instalments.order_by("number"))[:count]:
        services.loan_close_business(loan_id=loan.pk, business_date=inst.due_date)
        loan.refresh_from_db()
        services.payment_record(
            loan_id=loan.pk,
            receipt_number=f"DEMO-{loan.reference}-{inst.number}",
            amount=inst.principal + inst.interest,
            paid_on=inst.due_date,
            source="demo",
        )


def _loan(
    reference: str, borrower: BorrowerProfile, product: LoanProduct, principal: str, disbursed: date
) -> Loan | None:
    if Loan.objects.filter(reference=reference).exists():
        return None
    return services.loan_create(
        reference=reference,
        borrower=borrower,
        product=product,
        principal=Decimal(principal),
        disbursed_on=disbursed,
    )


def flexi_product() -> LoanProduct:
    """The demo's 12-month instalment product (hardship.demo books more loans on it)."""
    return _product(
        "FLEXI12", ("安心分期 12", "Anxin Instalments 12"), "0.154000", "equal_instalment", 12, _policy()
    )


def borrower_ensure(
    customer: str, name: str, phone: str, national_id: str, born: date, email: str | None
) -> BorrowerProfile:
    """A demo borrower, linked to the account with ``email`` (created once)."""
    return _borrower(customer, name, phone, national_id, born, email)


def loan_ensure(
    reference: str, borrower: BorrowerProfile, product: LoanProduct, principal: str, disbursed: date
) -> int:
    """The demo loan's id, booked once."""
    _loan(reference, borrower, product, principal, disbursed)
    return Loan.objects.get(reference=reference).pk


def seed(*, today: date) -> list[LinkableLoan]:
    flexi = flexi_product()
    short = _product(
        "SHORT3", ("安心小额 3", "Anxin Small Loan 3"), "0.120000", "equal_principal", 3, _policy()
    )

    demo = _borrower(
        "C-DEMO-001", "陈小安", "13800138001", "110101199805200012", date(1998, 5, 20), "demo@anxin.example"
    )
    other = _borrower(
        "C-DEMO-002", "李明", "13900139002", "310101200001150023", date(2000, 1, 15), "other@anxin.example"
    )
    unlinked = _borrower("C-DEMO-003", "王芳", "13700137003", "440101199911110345", date(1999, 11, 11), None)

    # demo@: one current loan (its first instalment paid on time) ...
    if loan := _loan("AX-DEMO-1001", demo, flexi, "6000.00", today - timedelta(days=40)):
        _pay_on_due_dates(loan, 1)
    # ... one 45 days overdue, with its late fee and penalty interest accrued ...
    first_due = today - timedelta(days=45)
    if loan := _loan("AX-DEMO-1002", demo, flexi, "12000.00", loanmath.add_months(first_due, -1)):
        pass
    # ... and one paid off.
    if loan := _loan("AX-DEMO-1003", demo, short, "3000.00", today - timedelta(days=130)):
        _pay_on_due_dates(loan, 3)

    # other@: two loans, both current.
    if loan := _loan("AX-DEMO-2001", other, flexi, "8000.00", today - timedelta(days=70)):
        _pay_on_due_dates(loan, 2)
    _loan("AX-DEMO-2002", other, short, "1500.00", today - timedelta(days=10))

    # Not linked to any account, for trying "link a loan" from a new account.
    _loan("AX-DEMO-3001", unlinked, flexi, "5000.00", today - timedelta(days=20))

    for loan_id in Loan.objects.filter(status=Loan.Status.ACTIVE).values_list("pk", flat=True):
        services.loan_close_business(loan_id=loan_id, business_date=today)
    return [
        LinkableLoan(reference="AX-DEMO-3001", date_of_birth=date(1999, 11, 11), national_id_last4="0345")
    ]

from dataclasses import fields
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.features import feature_register, refers_to, template_problems, url_problems, uses_name

# What the loan page's template must still draw: the late fee, penalty interest and grace of the loan's
# rules, and its dated milestones, the credit-bureau report among them.
LOAN_PAGE_SHOWS = (
    "detail.policy.late_fee_flat",
    "detail.policy.penalty_rate",
    "detail.policy.grace_days",
    "detail.milestones",
    "milestone.on",
    "credit_bureau",
)
D = Decimal


def loan_late_costs_problems() -> list[str]:
    """Each loan's page (/loans/<reference>/) shows what lateness costs and when each milestone comes: the
    page's view, the fields its detail carries, the template drawing them, and a credit-bureau report
    on day 30 dated 30 days after the oldest unpaid due date, as the page dates it. The milestones and
    charges themselves are each product's policy, data staff keep (no database here)."""
    import loanmath
    from borrowers import views
    from borrowers.models import Milestone
    from borrowers.selectors import LoanDetail
    from borrowers.selectors.cards import milestone_views
    from borrowers.selectors.loans import LoanInfo, MilestoneInfo

    problems = url_problems("/loans/AX-0000/", name="borrowers:detail", view=views.loan_detail)
    if not {"policy", "milestones"} <= {field.name for field in fields(LoanDetail)}:
        problems.append(_("a loan's page no longer has its rules and milestones."))
    bureau = loanmath.MilestoneKind.CREDIT_BUREAU.value
    kinds = dict(Milestone._meta.get_field("kind").choices or [])
    info = SimpleNamespace(
        policy=SimpleNamespace(grace_days=3),
        milestones=(MilestoneInfo(day=30, kind=bureau, kind_label="", text=""),),
    )
    dated = milestone_views(cast(LoanInfo, info), date(2026, 2, 15), 31)
    if bureau not in kinds or [(m.kind, m.on, m.happened) for m in dated] != [
        (bureau, date(2026, 3, 17), True)
    ]:
        problems.append(_("a loan's page no longer dates the report to the credit bureau."))
    return problems + template_problems("borrowers/loan_detail.html", shows=LOAN_PAGE_SHOWS)


def _waterfall_cases() -> list[tuple[Decimal, list[tuple[int, Decimal, Decimal, Decimal, Decimal]]]]:
    """(payment, what each instalment gets: number, penalty, fees, interest, principal), for instalment
    1 (due 2026-02-15: penalty 1.00, fees 2.00, interest 3.00, principal 10.00) and instalment 2 (due
    2026-03-15: penalty 0.50, fees 5.00, interest 3.00, principal 100.00), paid on 2026-03-20. Each
    payment stops part-way through one more part, so each step of the order shows."""
    zero = D("0.00")
    return [
        (D("0.60"), [(1, D("0.60"), zero, zero, zero)]),
        (D("1.50"), [(1, D("1.00"), D("0.50"), zero, zero)]),
        (D("4.00"), [(1, D("1.00"), D("2.00"), D("1.00"), zero)]),
        (D("7.00"), [(1, D("1.00"), D("2.00"), D("3.00"), D("1.00"))]),
        (
            D("20.00"),
            [(1, D("1.00"), D("2.00"), D("3.00"), D("10.00")), (2, D("0.50"), D("3.50"), zero, zero)],
        ),
    ]


def payment_waterfall_problems() -> list[str]:
    """A payment goes to penalty interest, then late fees, then interest, then principal, oldest
    instalment first (loanmath.allocate_payment, tried with small payments over two instalments given
    newest first), and recording a payment allocates it that way."""
    import loanmath
    from borrowers.services import payments

    instalments = [
        loanmath.OpenInstalment(
            number=2,
            due_date=date(2026, 3, 15),
            principal=D("100.00"),
            interest=D("3.00"),
            fees=D("5.00"),
            penalty=D("0.50"),
        ),
        loanmath.OpenInstalment(
            number=1,
            due_date=date(2026, 2, 15),
            principal=D("10.00"),
            interest=D("3.00"),
            fees=D("2.00"),
            penalty=D("1.00"),
        ),
    ]
    problems: list[str] = []
    for amount, expected in _waterfall_cases():
        allocation = loanmath.allocate_payment(
            amount=amount, paid_on=date(2026, 3, 20), instalments=instalments
        )
        paid = [
            (ln.instalment_number, ln.penalty, ln.fees, ln.interest, ln.principal) for ln in allocation.lines
        ]
        if paid != expected:
            message = _(
                "a payment of %(amount)s no longer goes to penalty, fees, interest, then principal, oldest "
                "instalment first."
            )
            problems.append(message % {"amount": amount})
            break
    recording = payments._apply_payment
    if not (refers_to(recording, "loanmath", loanmath) and uses_name(recording, "allocate_payment")):
        problems.append(_("recording a payment no longer shares it out by the waterfall."))
    return problems


class BorrowersConfig(AppConfig):
    name = "borrowers"
    verbose_name = gettext_lazy("Borrowers")

    def ready(self) -> None:
        feature_register(
            "loan-late-costs",
            label=gettext_lazy("Each loan's page shows late costs and dated milestones"),
            check=loan_late_costs_problems,
        )
        feature_register(
            "payment-waterfall",
            label=gettext_lazy("Payments go to penalty, fees, interest, then principal, oldest first"),
            check=payment_waterfall_problems,
        )

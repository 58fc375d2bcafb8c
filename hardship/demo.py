"""Demo hardship applications, one in each main state, so a reviewer has something to review after
`make run` (`manage.py seed_demo`). Idempotent: a borrower who has applications already is left alone.

zhang@: AX-DEMO-4001 submitted, AX-DEMO-4002 in review. zhao@: AX-DEMO-4101 information requested,
AX-DEMO-4102 offered. sun@: AX-DEMO-4201 applied (a 24-month extension), AX-DEMO-4202 not approved.
demo@'s own 45-days-overdue loan is left free for trying the application yourself.
"""

import importlib
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps

import loanmath
from accounts.models import User
from borrowers import demo as borrowers_demo
from borrowers import services as loan_services
from budget.services import BudgetLineInput
from core.staff_permissions import groups_grant
from hardship import services
from hardship.models import Application

_STATEMENT = [
    BudgetLineInput("salary", Decimal("3200.00")),
    BudgetLineInput("housing", Decimal("1300.00")),
    BudgetLineInput("utilities", Decimal("180.00")),
    BudgetLineInput("phone_internet", Decimal("99.00")),
    BudgetLineInput("transport", Decimal("200.00")),
    BudgetLineInput("food", Decimal("900.00")),
    BudgetLineInput("eating_out", Decimal("300.00"), "上班午饭在外面吃，我正在减少。"),
]
_PEOPLE = (
    ("zhang@anxin.example", "C-DEMO-004", "张伟", "13600136004", "320101199703030047", date(1997, 3, 3)),
    ("zhao@anxin.example", "C-DEMO-005", "赵丽", "13500135005", "330101199609090058", date(1996, 9, 9)),
    ("sun@anxin.example", "C-DEMO-006", "孙强", "13400134006", "350101199512120069", date(1995, 12, 12)),
)


def _staff(email: str) -> User:
    return User.objects.get(email=email)


def _apply(user: User, loan_id: int, reason: str, terms: loanmath.OptionTerms | None) -> Application:
    application = services.application_start(user=user, loan_ids=[loan_id])
    services.application_situation_save(
        application_id=application.pk, user=user, reason=reason, reason_text="", duration="short"
    )
    services.application_statement_save(application_id=application.pk, user=user, lines=_STATEMENT)
    services.application_option_choose(application_id=application.pk, user=user, terms=terms)
    return services.application_submit(application_id=application.pk, user=user, declared=True)


def seed(*, today: date) -> None:
    # The hardship groups' permissions, put back when missing (a browser test seeds after a flush, which
    # empties the grants the migration made): the same grants as migration 0002.
    groups_grant(
        apps, importlib.import_module("hardship.migrations.0002_staff_permissions").GROUP_PERMISSIONS
    )
    product = borrowers_demo.flexi_product()
    loans: dict[str, int] = {}
    for number, (email, customer, name, phone, national_id, born) in enumerate(_PEOPLE):
        borrower = borrowers_demo.borrower_ensure(customer, name, phone, national_id, born, email)
        for n, days in ((1, 75), (2, 50)):
            reference = f"AX-DEMO-4{number}0{n}"
            loan = borrowers_demo.loan_ensure(
                reference, borrower, product, "9000.00", loanmath.add_months(today - timedelta(days=days), -1)
            )
            loans[reference] = loan
    for loan_id in loans.values():
        loan_services.loan_close_business(loan_id=loan_id, business_date=today)
    reviewer, approver = _staff("reviewer@anxin.example"), _staff("approver@anxin.example")
    zhang, zhao, sun = (User.objects.get(email=p[0]) for p in _PEOPLE)
    extension = loanmath.OptionTerms(kind=loanmath.OptionKind.EXTENSION, months=24)
    if not zhang.hardship_applications.exists():
        _apply(zhang, loans["AX-DEMO-4001"], "job_loss", extension)
        second = _apply(zhang, loans["AX-DEMO-4002"], "illness", None)
        services.review_start(application_id=second.pk, staff=reviewer)
    if not zhao.hardship_applications.exists():
        asked = _apply(zhao, loans["AX-DEMO-4101"], "reduced_income", extension)
        services.information_request(
            application_id=asked.pk,
            staff=reviewer,
            message="请上传最近一个月的工资条，或单位开具的收入证明，让我们了解你现在的收入。",
        )
        offered = _apply(zhao, loans["AX-DEMO-4102"], "family", None)
        services.review_start(application_id=offered.pk, staff=reviewer)
        services.offer_make(
            application_id=offered.pk,
            staff=approver,
            terms=loanmath.OptionTerms(kind=loanmath.OptionKind.HOLIDAY, months=2),
            note="先给你两个月只还利息的时间缓一缓，之后按原来的剩余期数还款。",
        )
    if not sun.hardship_applications.exists():
        applied = _apply(sun, loans["AX-DEMO-4201"], "job_loss", extension)
        services.review_start(application_id=applied.pk, staff=reviewer)
        services.offer_make(application_id=applied.pk, staff=approver, terms=extension)
        services.offer_accept(application_id=applied.pk, user=sun)
        refused = _apply(sun, loans["AX-DEMO-4202"], "reduced_income", None)
        services.review_start(application_id=refused.pk, staff=reviewer)
        services.application_reject(
            application_id=refused.pk,
            staff=reviewer,
            reasons=["recent_forbearance"],
            note="你的另一笔借款刚刚调整了还款安排，我们想先看看新的安排执行得怎么样。",
        )

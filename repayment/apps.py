from datetime import date
from decimal import Decimal

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.features import feature_register, template_problems, url_problems


def true_rate_problems() -> list[str]:
    """/plan/rate/, where a borrower enters what they pay and reads the real yearly rate, is that page."""
    from repayment import views

    return url_problems("/plan/rate/", name="repayment:true_rate", view=views.true_rate)


def plan_compare_problems() -> list[str]:
    """/plan/compare/ is the comparison page; it takes several plans; two plans worked out as it works them
    out (loanmath, then the page's view of each) each have an APR, and the page draws it."""
    import loanmath
    from repayment import selectors, views

    problems = url_problems("/plan/compare/", name="repayment:compare", view=views.compare)
    if len(views.COMPARE_PREFIXES) < 2:
        problems.append(_("the comparison no longer takes more than one plan."))
    plans = [
        selectors.plan_view(
            loanmath.plan_simulate(
                loanmath.PlanInput(
                    principal=Decimal("12000.00"),
                    months=months,
                    method=loanmath.PlanMethod.EQUAL_INSTALMENT,
                    start=date(2026, 1, 15),
                    annual_rate=Decimal("0.18"),
                )
            )
        )
        for months in (12, 24)
    ]
    if not all(plan.apr_nominal_percent > 0 for plan in plans):
        problems.append(_("a plan compared no longer has its true yearly rate (APR)."))
    return problems + template_problems("repayment/compare.html", shows=["apr_nominal_percent"])


class RepaymentConfig(AppConfig):
    name = "repayment"
    verbose_name = gettext_lazy("Repayment planning")

    def ready(self) -> None:
        feature_register(
            "true-rate",
            label=gettext_lazy("Enter what you pay to find the real yearly rate"),
            check=true_rate_problems,
        )
        feature_register(
            "plan-compare",
            label=gettext_lazy("Compare several plans with their APR"),
            check=plan_compare_problems,
        )

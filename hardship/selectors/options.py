"""The options: loanmath's restructure plans for the application's loans, worked out with the same terms
for every loan and summed (`application_options`, `option_view`), their names and plain words, and the
terms a radio's value carries. No query."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import loanmath
from borrowers.selectors import RestructureLoan
from loanmath import ZERO, OptionKind

STAFF_TO_PROPOSE = "staff"


@dataclass(frozen=True)
class ScheduleLine:
    number: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    charges: Decimal  # late fees and penalty interest carried


@dataclass(frozen=True)
class LoanPlanView:
    reference: str
    monthly_payment: Decimal
    apr: Decimal | None
    apr_today: Decimal | None
    total_to_pay: Decimal
    total_today: Decimal
    waived: Decimal
    schedule: tuple[ScheduleLine, ...]


@dataclass(frozen=True)
class OptionView:
    """One option, worked out for every loan of the application with the same terms, and summed."""

    value: str  # the radio's value: the terms as JSON
    kind: str
    name: str
    description: str
    credit_record: str
    monthly_payment: Decimal
    first_due_date: date | None
    end_date: date | None
    total_to_pay: Decimal
    total_today: Decimal
    waived: Decimal
    given_up: Decimal
    affordable: Decimal | None
    loans: tuple[LoanPlanView, ...]
    schedule: tuple[ScheduleLine, ...]  # every loan's instalments together, by due date
    # A payment holiday: what is paid each month of the holiday, and for how many months.
    holiday_payment: Decimal | None = None
    holiday_months: int = 0

    @property
    def unaffordable(self) -> bool:
        return self.affordable is not None and self.monthly_payment > self.affordable

    @property
    def difference(self) -> Decimal:
        """What it costs in all beside keeping to the schedule as it is (negative: it costs less)."""
        return self.total_to_pay - self.total_today


def kind_name(kind: str) -> str:
    names = {
        OptionKind.EXTENSION: _("Longer term"),
        OptionKind.HOLIDAY: _("Payment holiday"),
        OptionKind.LOWER_RATE: _("Lower interest rate"),
        OptionKind.FREEZE: _("Interest and penalty freeze"),
        OptionKind.ARREARS_PLAN: _("Arrears plan"),
        OptionKind.WAIVER: _("Late fees and penalty waived"),
    }
    return str(names.get(kind, kind))  # type: ignore[call-overload]


def terms_description(terms: loanmath.OptionTerms) -> str:
    """What the option does, in plain words."""
    months = terms.months
    if terms.kind is OptionKind.EXTENSION:
        text = ngettext(
            "What you owe is spread over %(months)d monthly payment at today's rate, "
            "so each payment is smaller.",
            "What you owe is spread over %(months)d monthly payments at today's rate, "
            "so each payment is smaller.",
            months,
        ) % {"months": months}
    elif terms.kind is OptionKind.HOLIDAY:
        if terms.interest_during_holiday:
            text = ngettext(
                "For %(months)d month you pay only the interest; "
                "then the loan is repaid over the months it had left.",
                "For %(months)d months you pay only the interest; "
                "then the loan is repaid over the months it had left.",
                months,
            ) % {"months": months}
        else:
            text = ngettext(
                "For %(months)d month you pay nothing; "
                "the interest of the holiday is added to the payments after it.",
                "For %(months)d months you pay nothing; "
                "the interest of the holiday is added to the payments after it.",
                months,
            ) % {"months": months}
    elif terms.kind is OptionKind.LOWER_RATE:
        rate = terms.annual_rate if terms.annual_rate is not None else ZERO
        text = _("The interest rate goes down to %(rate)s a year for the months the loan has left.") % {
            "rate": f"{rate * 100:.2f}%"
        }
    elif terms.kind is OptionKind.FREEZE:
        text = ngettext(
            "No more interest, late fees or penalty interest: "
            "what you owe is repaid in %(months)d equal part.",
            "No more interest, late fees or penalty interest: "
            "what you owe is repaid in %(months)d equal parts.",
            months,
        ) % {"months": months}
    elif terms.kind is OptionKind.ARREARS_PLAN:
        text = ngettext(
            "Your payments stay as they are; what is overdue is added to the next %(months)d payment.",
            "Your payments stay as they are; what is overdue is spread over the next %(months)d payments.",
            months,
        ) % {"months": months}
    else:
        text = _(
            "Your payments stay as they are, and the late fees and penalty interest you owe are cancelled."
        )
    if terms.waive_fees_and_penalty and terms.kind is not OptionKind.WAIVER:
        text += " " + _("The late fees and penalty interest you owe are cancelled.")
    return text


def credit_record(kind: str) -> str:
    """What the credit record will show for an option of this kind."""
    if kind == OptionKind.WAIVER:
        return _("Your overdue history stays as it was.")
    return _(
        "Reported as a repayment arrangement agreed with us; no new missed payments are reported while you "
        "keep to it."
    )


def terms_value(terms: loanmath.OptionTerms) -> str:
    return json.dumps(terms.as_dict(), sort_keys=True, separators=(",", ":"))


def _schedule(plan: loanmath.RestructurePlan) -> tuple[ScheduleLine, ...]:
    return tuple(
        ScheduleLine(
            number=n,
            due_date=i.due_date,
            payment=i.payment,
            principal=i.principal,
            interest=i.interest,
            charges=i.fees + i.penalty,
        )
        for n, i in enumerate(plan.instalments, start=1)
    )


def _combined_schedule(plans: Sequence[loanmath.RestructurePlan]) -> tuple[ScheduleLine, ...]:
    by_date: dict[date, list[Decimal]] = {}
    for plan in plans:
        for i in plan.instalments:
            row = by_date.setdefault(i.due_date, [ZERO, ZERO, ZERO, ZERO])
            row[0] += i.payment
            row[1] += i.principal
            row[2] += i.interest
            row[3] += i.fees + i.penalty
    return tuple(
        ScheduleLine(number=n, due_date=day, payment=r[0], principal=r[1], interest=r[2], charges=r[3])
        for n, (day, r) in enumerate(sorted(by_date.items()), start=1)
    )


def option_view(
    *,
    terms: loanmath.OptionTerms,
    plans: Sequence[tuple[str, loanmath.RestructurePlan]],
    affordable: Decimal | None,
) -> OptionView:
    """``terms`` worked out for each loan (reference, plan), summed. No query."""
    only = [plan for _ref, plan in plans]
    monthly = sum((p.monthly_payment for p in only), ZERO) if len(only) == 1 else _combined_monthly(only)
    firsts = [p.first_due_date for p in only if p.first_due_date is not None]
    ends = [p.end_date for p in only if p.end_date is not None]
    return OptionView(
        value=terms_value(terms),
        kind=terms.kind.value,
        name=kind_name(terms.kind),
        description=terms_description(terms),
        credit_record=credit_record(terms.kind),
        monthly_payment=monthly,
        holiday_payment=sum((p.holiday_payment or ZERO for p in only), ZERO)
        if terms.kind is loanmath.OptionKind.HOLIDAY
        else None,
        holiday_months=terms.months if terms.kind is loanmath.OptionKind.HOLIDAY else 0,
        first_due_date=min(firsts) if firsts else None,
        end_date=max(ends) if ends else None,
        total_to_pay=sum((p.total_to_pay for p in only), ZERO),
        total_today=sum((p.total_today for p in only), ZERO),
        waived=sum((p.waived for p in only), ZERO),
        given_up=sum((p.given_up for p in only), ZERO),
        affordable=affordable,
        loans=tuple(
            LoanPlanView(
                reference=ref,
                monthly_payment=p.monthly_payment,
                apr=p.apr,
                apr_today=p.apr_today,
                total_to_pay=p.total_to_pay,
                total_today=p.total_today,
                waived=p.waived,
                schedule=_schedule(p),
            )
            for ref, p in plans
        ),
        schedule=_combined_schedule(only) if len(only) > 1 else (_schedule(only[0]) if only else ()),
    )


def _combined_monthly(plans: Sequence[loanmath.RestructurePlan]) -> Decimal:
    """The monthly payment of every loan's instalments of each month together (loanmath's rule)."""
    return loanmath.monthly_payment_of([line.payment for line in _combined_schedule(plans)])


def application_options(
    *, loans: Sequence[RestructureLoan], affordable: Decimal | None
) -> tuple[OptionView, ...]:
    """The options shown for these loans: loanmath.restructure_options of each loan, one per kind with the
    first loan's terms that offers it, applied with the same terms to every loan (an option that cannot be
    worked out for one of them is left out). No query."""
    positions = [(loan.reference, loan.position) for loan in loans if loan.position is not None]
    seen: dict[str, loanmath.OptionTerms] = {}
    for _ref, position in positions:
        for plan in loanmath.restructure_options(position=position):
            seen.setdefault(plan.terms.kind.value, plan.terms)
    order = [k.value for k in OptionKind]
    views = []
    for kind in sorted(seen, key=order.index):
        terms = seen[kind]
        try:
            plans = [(ref, loanmath.restructure_plan(position=pos, terms=terms)) for ref, pos in positions]
        except loanmath.InvalidInputError:
            continue
        views.append(option_view(terms=terms, plans=plans, affordable=affordable))
    return tuple(views)


def terms_from_value(value: str) -> loanmath.OptionTerms | None:
    """The terms a radio's value carries, or None when it is not terms."""
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            return None
        return loanmath.OptionTerms.from_dict(data)
    except (ValueError, TypeError, KeyError, ArithmeticError, loanmath.InvalidInputError):
        return None


def terms_from_mapping(data: Mapping[str, Any]) -> loanmath.OptionTerms | None:
    if not data:
        return None
    try:
        return loanmath.OptionTerms.from_dict(dict(data))
    except (ValueError, TypeError, KeyError, ArithmeticError, loanmath.InvalidInputError):
        return None

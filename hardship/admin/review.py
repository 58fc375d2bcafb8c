"""What the review page shows: the actions and their forms, the statement, the options summed over the
loans, and the action panels (frozen dataclasses built here; the page itself is in
hardship.admin.applications)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import loanmath
from borrowers import selectors as loan_selectors
from budget.forms import BudgetForm
from budget.selectors import budget_guidelines
from core.exceptions import ApplicationError
from hardship import services
from hardship.admin.common import terms_label
from hardship.forms_admin import (
    InformationRequestForm,
    OfferApproveForm,
    OfferDeclineForm,
    OfferForm,
    RejectForm,
    StartReviewForm,
)
from hardship.models import Application
from hardship.rules import TRANSITIONS
from hardship.selectors import statement_figures
from loanmath import ZERO

LOANS_WITH_US = "loans_with_us"  # the budget's line for repayments to us (not counted against the offer)
SECTION_LABELS = {
    "income": gettext_lazy("Income"),
    "fixed": gettext_lazy("Fixed costs"),
    "flexible": gettext_lazy("Flexible costs"),
    "savings": gettext_lazy("Savings"),
    "debt": gettext_lazy("Debt repayments"),
}

START_REVIEW = "start_review"
REQUEST_INFORMATION = "request_information"
OFFER_PREVIEW = "offer_preview"
OFFER_MAKE = "offer_make"
OFFER_APPROVE = "offer_approve"
OFFER_DECLINE = "offer_decline"
REJECT = "reject"

FORM_CLASSES: dict[str, type[forms.Form]] = {
    START_REVIEW: StartReviewForm,
    REQUEST_INFORMATION: InformationRequestForm,
    OFFER_MAKE: OfferForm,
    OFFER_APPROVE: OfferApproveForm,
    OFFER_DECLINE: OfferDeclineForm,
    REJECT: RejectForm,
}

PANEL_ORDER = (START_REVIEW, REQUEST_INFORMATION, OFFER_MAKE, OFFER_APPROVE, OFFER_DECLINE, REJECT)


@dataclass(frozen=True)
class StatementRow:
    label: str
    section: str
    amount: Decimal
    note: str


@dataclass(frozen=True)
class Statement:
    rows: tuple[StatementRow, ...]
    total_income: Decimal
    total_fixed: Decimal
    total_flexible: Decimal
    total_savings: Decimal
    other_debts: Decimal  # debt repayments other than the loans with us
    loans_with_us: Decimal
    affordable: Decimal  # income − fixed − flexible − savings − other debts' repayments


@dataclass(frozen=True)
class ActionPanel:
    """One action form of the review page with its buttons: (action, label, is the default)."""

    form: forms.Form
    legend: str
    buttons: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class OptionTotal:
    """One plan summed over the application's loans."""

    label: str
    monthly_payment: Decimal
    end_date: date | None
    total_to_pay: Decimal
    given_up: Decimal
    affordable: bool | None
    plans: tuple[tuple[str, loanmath.RestructurePlan], ...]  # (loan reference, plan)


def statement_of(application: Application) -> Statement:
    lines = list(application.statement_lines.all())
    amounts = {line.category: line.amount for line in lines}
    # The borrower's own figures (hardship.selectors.statement_figures), so staff and borrower read one sum.
    figures = statement_figures(amounts=amounts, guidelines=budget_guidelines())
    summary = figures.results.summary
    loans_with_us = amounts.get(LOANS_WITH_US, ZERO)
    other_debts = figures.other_debt_repayments
    # The budget form's labels (budget.models is budget's own); building the form makes no query.
    labels = {name: field.label for name, field in BudgetForm(guidelines={}).fields.items()}
    return Statement(
        rows=tuple(
            StatementRow(
                label=str(labels.get(line.category, line.category)),
                section=str(SECTION_LABELS.get(line.section, line.section)),
                amount=line.amount,
                note=line.note,
            )
            for line in lines
        ),
        total_income=summary.total_income,
        total_fixed=summary.total_fixed,
        total_flexible=summary.total_flexible,
        total_savings=summary.total_savings,
        other_debts=other_debts,
        loans_with_us=loans_with_us,
        affordable=figures.left_for_loans,
    )


def option_totals(
    plans_by_loan: list[tuple[str, list[loanmath.RestructurePlan]]], affordable: Decimal
) -> list[OptionTotal]:
    """The generated options, one row per kind, summed over the loans (each loan's plan kept)."""
    by_kind: dict[str, list[tuple[str, loanmath.RestructurePlan]]] = {}
    for reference, plans in plans_by_loan:
        for plan in plans:
            by_kind.setdefault(plan.terms.kind.value, []).append((reference, plan))
    totals = []
    for entries in by_kind.values():
        plans = [plan for _ref, plan in entries]
        monthly = sum((p.monthly_payment for p in plans), ZERO)
        ends = [p.end_date for p in plans if p.end_date is not None]
        totals.append(
            OptionTotal(
                label=terms_label(plans[0].terms),
                monthly_payment=monthly,
                end_date=max(ends) if ends else None,
                total_to_pay=sum((p.total_to_pay for p in plans), ZERO),
                given_up=sum((p.given_up for p in plans), ZERO),
                affordable=monthly <= affordable,
                plans=tuple(entries),
            )
        )
    return totals


def plans_total(plans: list[loanmath.RestructurePlan], references: list[str]) -> OptionTotal:
    ends = [p.end_date for p in plans if p.end_date is not None]
    return OptionTotal(
        label=terms_label(plans[0].terms),
        monthly_payment=sum((p.monthly_payment for p in plans), ZERO),
        end_date=max(ends) if ends else None,
        total_to_pay=sum((p.total_to_pay for p in plans), ZERO),
        given_up=services.amount_given_up(plans),
        affordable=None,
        plans=tuple(zip(references, plans, strict=False)),
    )


def plans_for(application: Application, terms: loanmath.OptionTerms | None) -> OptionTotal | None:
    """The terms worked out on the application's loans, or None when they cannot be."""
    if terms is None:
        return None
    try:
        plans = services.offer_plans(application=application, terms=terms)
    except ApplicationError:
        return None
    return plans_total(plans, restructurable_references(application))


def restructurable_references(application: Application) -> list[str]:
    """The references of the loans offer_plans works out, in its order (by reference; those with nothing
    left to restructure left out)."""
    return [
        loan.reference
        for loan in loan_selectors.restructure_loans(loan_ids=loan_ids(application))
        if loan.position is not None
    ]


def loan_ids(application: Application) -> list[int]:
    return [row.loan_id for row in application.loans.all()]


def hidden_refusals(bound: dict[str, forms.Form], actions: set[str]) -> list[str]:
    """The refusals of an action whose form the page does not show (an approval the user may not
    give, a status that moved): shown at the top instead."""
    return [
        str(error)
        for action, form in bound.items()
        if action not in actions
        for error in form.non_field_errors()
    ]


def action_panels(
    actions: set[str], form: Callable[..., forms.Form], application: Application
) -> list[ActionPanel]:
    """The forms of the actions that apply, in the order of the workflow."""
    spec: dict[str, tuple[str, tuple[tuple[str, str, bool], ...], dict[str, Any]]] = {
        START_REVIEW: (
            _("Start the review"),
            ((START_REVIEW, str(TRANSITIONS["start_review"].label), True),),
            {},
        ),
        REQUEST_INFORMATION: (
            _("Ask the borrower for information"),
            ((REQUEST_INFORMATION, str(TRANSITIONS["request_information"].label), False),),
            {},
        ),
        OFFER_MAKE: (
            _("Make an offer"),
            ((OFFER_PREVIEW, _("Preview"), False), (OFFER_MAKE, str(TRANSITIONS["offer"].label), True)),
            OfferForm.initial_from(application.chosen_terms),
        ),
        OFFER_APPROVE: (_("Second approval"), ((OFFER_APPROVE, _("Approve the offer"), True),), {}),
        OFFER_DECLINE: (
            _("Do not approve"),
            ((OFFER_DECLINE, _("Do not approve the offer"), False),),
            {},
        ),
        REJECT: (_("Reject the application"), ((REJECT, str(TRANSITIONS["reject"].label), False),), {}),
    }
    panels = []
    for action in PANEL_ORDER:
        if action in actions:
            legend, buttons, initial = spec[action]
            panels.append(ActionPanel(form=form(action, **initial), legend=legend, buttons=buttons))
    return panels

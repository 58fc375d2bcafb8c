"""The borrower's hardship wizard: start an application, then its six steps (each a GET to show and a POST
that saves through hardship.services and redirects to the next)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

import loanmath
from accounts.http import AuthenticatedHtmxRequest
from budget.forms import NOTE_CATEGORIES
from budget.selectors import budget_guidelines
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.htmx import render_page
from core.http import or_404
from core.templatetags.money import money
from hardship import selectors, services
from hardship.forms import (
    DeclarationForm,
    EvidenceForm,
    LoansForm,
    OptionForm,
    SituationForm,
    StatementForm,
)
from hardship.selectors import STAFF_TO_PROPOSE, STEP_COUNT, ApplicationDetail
from hardship.views.common import evidence_post, removing, resume_url

STEP_LABELS = (
    gettext_lazy("Your loans"),
    gettext_lazy("What happened"),
    gettext_lazy("Income and spending"),
    gettext_lazy("Your options"),
    gettext_lazy("Documents"),
    gettext_lazy("Check and send"),
)


@dataclass(frozen=True)
class StepLink:
    number: int
    label: str
    url: str | None  # None: not reached yet
    current: bool
    done: bool


def _furthest_step(application: ApplicationDetail) -> int:
    """The last step the borrower may open: the one reached; documents are optional, so once the options
    are chosen (step 5 reached) the last step opens too."""
    reached = application.resume_step
    return STEP_COUNT if reached >= 5 else reached


def _steps(application: ApplicationDetail, current: int) -> list[StepLink]:
    furthest = _furthest_step(application)
    return [
        StepLink(
            number=n,
            label=str(label),
            url=reverse("hardship:step", args=[application.reference, n]) if n <= furthest else None,
            current=n == current,
            done=n < application.step_reached,
        )
        for n, label in enumerate(STEP_LABELS, start=1)
    ]


def _step_page(
    request: AuthenticatedHtmxRequest, application: ApplicationDetail, n: int, context: dict[str, Any]
) -> HttpResponse:
    base = {
        "application": application,
        "step": n,
        "step_count": STEP_COUNT,
        "step_label": str(STEP_LABELS[n - 1]),
        "steps": _steps(application, n),
        "back_url": reverse("hardship:step", args=[application.reference, n - 1]) if n > 1 else None,
    }
    return render_page(request, f"hardship/step_{n}.html", {**base, **context})


def _next(application: ApplicationDetail, n: int) -> HttpResponse:
    return redirect("hardship:step", reference=application.reference, n=n)


# --- start ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def start(request: AuthenticatedHtmxRequest) -> HttpResponse:
    user = request.user
    loans = selectors.applicable_loans(user=user)
    applications = selectors.borrower_applications(user=user)
    choices = [
        (
            str(loan.id),
            _("%(reference)s · %(product)s · owed %(owed)s")
            % {"reference": loan.reference, "product": loan.product_name, "owed": money(loan.owed)},
        )
        for loan in loans
        if loan.can_apply and not loan.open_application
    ]
    if request.method == "POST":
        form = LoansForm(request.POST, choices=choices)
        if form.is_valid():
            try:
                application = services.application_start(user=user, loan_ids=form.loan_ids())
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Your application is started. You can stop at any step and come back.")
                )
                return redirect("hardship:step", reference=application.reference, n=2)
    else:
        wanted = (request.GET.get("loan") or "").strip().upper()
        initial = [
            str(loan.id)
            for loan in loans
            if loan.reference.upper() == wanted and str(loan.id) in dict(choices)
        ]
        form = LoansForm(choices=choices, initial={"loans": initial})
    context = {
        "form": form,
        "loans": loans,
        "can_choose": bool(choices),
        "applications": [
            {"summary": a, "resume_url": resume_url(a.reference, a.step_reached)} for a in applications
        ],
    }
    return render_page(request, "hardship/start.html", context)


# --- the wizard -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def step(request: AuthenticatedHtmxRequest, reference: str, n: int) -> HttpResponse:
    application = or_404(selectors.borrower_application(user=request.user, reference=reference))
    if not 1 <= n <= STEP_COUNT:
        raise Http404
    if not application.is_draft:
        return redirect("hardship:detail", reference=application.reference)
    furthest = _furthest_step(application)
    if n > furthest:
        return _next(application, furthest)
    return STEPS[n](request, application)


def _step_loans(request: AuthenticatedHtmxRequest, application: ApplicationDetail) -> HttpResponse:
    if request.method == "POST":
        return _next(application, 2)
    loans = selectors.application_loans(application=application)
    return _step_page(request, application, 1, {"loans": loans})


def _step_situation(request: AuthenticatedHtmxRequest, application: ApplicationDetail) -> HttpResponse:
    if request.method == "POST":
        form = SituationForm(request.POST)
        if form.is_valid():
            try:
                services.application_situation_save(
                    application_id=application.id,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    reason_text=form.cleaned_data["reason_text"],
                    duration=form.cleaned_data["duration"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return _next(application, 3)
    else:
        form = SituationForm(
            initial={
                "reason": application.reason or None,
                "duration": application.duration or None,
                "reason_text": application.reason_text,
            }
        )
    return _step_page(request, application, 2, {"form": form})


SAVE = "save"


def _step_statement(request: AuthenticatedHtmxRequest, application: ApplicationDetail) -> HttpResponse:
    guidelines = budget_guidelines()
    loan_repayments = selectors.loan_repayments_with_us(user=request.user, today=business_date_today())
    if request.method == "POST":
        form = StatementForm(request.POST, guidelines=guidelines, loan_repayments=loan_repayments)
        if form.is_valid() and request.POST.get("action", SAVE) == SAVE:
            try:
                services.application_statement_save(
                    application_id=application.id, user=request.user, lines=form.lines()
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return _next(application, 4)
    else:
        initial = selectors.statement_initial(application=application, loan_repayments=loan_repayments)
        form = StatementForm(guidelines=guidelines, loan_repayments=loan_repayments, initial=initial)
    valid = not form.is_bound or form.is_valid()
    figures = selectors.statement_figures(amounts=form.amounts(), guidelines=guidelines) if valid else None
    flagged = figures.results.flagged_categories if figures is not None else frozenset()
    context = {
        "form": form,
        "figures": figures,
        "flagged_categories": flagged,
        # A flexible cost's note is asked for only once it is above its guideline (or has one already).
        "notes_when_flagged": frozenset(StatementForm.flexible_categories()) - NOTE_CATEGORIES,
    }
    return _step_page(request, application, 3, context)


def _chosen_value(application: ApplicationDetail) -> str | None:
    if application.staff_to_propose:
        return STAFF_TO_PROPOSE
    terms = selectors.terms_from_mapping(application.chosen_terms)
    return selectors.terms_value(terms) if terms is not None else None


def _step_options(request: AuthenticatedHtmxRequest, application: ApplicationDetail) -> HttpResponse:
    figures = selectors.statement_figures(
        amounts=application.statement_amounts, guidelines=budget_guidelines()
    )
    loans = selectors.application_loans(application=application)
    options = selectors.application_options(loans=loans, affordable=figures.affordable)
    values = [option.value for option in options]
    if request.method == "POST":
        form = OptionForm(request.POST, values=values, staff_value=STAFF_TO_PROPOSE)
        if form.is_valid():
            value = form.cleaned_data["option"]
            terms = None if value == STAFF_TO_PROPOSE else selectors.terms_from_value(value)
            if terms is None and value != STAFF_TO_PROPOSE:
                form.add_error(
                    "option", _("The options have changed since the page was shown: please choose again.")
                )
            else:
                try:
                    services.application_option_choose(
                        application_id=application.id, user=request.user, terms=terms
                    )
                except ApplicationError as error:
                    form.add_error(None, error.message)
                else:
                    return _next(application, 5)
        chosen = request.POST.get("option")
    else:
        chosen = _chosen_value(application)
        form = OptionForm(values=values, staff_value=STAFF_TO_PROPOSE, initial={"option": chosen})
    context = {
        "form": form,
        "figures": figures,
        "options": options,
        "chosen": chosen,
        "staff_value": STAFF_TO_PROPOSE,
        "several_loans": len(application.loans) > 1,
    }
    return _step_page(request, application, 4, context)


def _step_evidence(request: AuthenticatedHtmxRequest, application: ApplicationDetail) -> HttpResponse:
    evidence_error = ""
    if request.method == "POST":
        form = EvidenceForm() if removing(request) else EvidenceForm(request.POST, request.FILES)
        done, evidence_error = evidence_post(request, application, form)
        if done:
            return _next(application, 5)
    else:
        form = EvidenceForm()
    context = {"form": form, "max_files": services.EVIDENCE_MAX_FILES, "evidence_error": evidence_error}
    return _step_page(request, application, 5, context)


def _chosen_option(application: ApplicationDetail, affordable: Decimal) -> selectors.OptionView | None:
    terms = selectors.terms_from_mapping(application.chosen_terms)
    if terms is None:
        return None
    loans = selectors.application_loans(application=application)
    try:
        plans = [
            (loan.reference, loanmath.restructure_plan(position=loan.position, terms=terms))
            for loan in loans
            if loan.position is not None
        ]
    except loanmath.InvalidInputError:
        return None
    return selectors.option_view(terms=terms, plans=plans, affordable=affordable) if plans else None


def _step_submit(request: AuthenticatedHtmxRequest, application: ApplicationDetail) -> HttpResponse:
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        if form.is_valid():
            try:
                services.application_submit(
                    application_id=application.id, user=request.user, declared=form.cleaned_data["declared"]
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your application is sent. We will answer by the date below."))
                return redirect("hardship:detail", reference=application.reference)
    else:
        form = DeclarationForm()
    figures = selectors.statement_figures(
        amounts=application.statement_amounts, guidelines=budget_guidelines()
    )
    context = {
        "form": form,
        "figures": figures,
        "chosen": _chosen_option(application, figures.affordable),
        "has_income": figures.results.summary.total_income > 0,
    }
    return _step_page(request, application, 6, context)


STEPS: dict[int, Callable[[AuthenticatedHtmxRequest, ApplicationDetail], HttpResponse]] = {
    1: _step_loans,
    2: _step_situation,
    3: _step_statement,
    4: _step_options,
    5: _step_evidence,
    6: _step_submit,
}

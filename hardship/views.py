"""The borrower's hardship pages: start an application, the six-step wizard, the status page, the evidence
download and the exports.

Thin functions: a form parses, `hardship.selectors` reads (frozen data; None becomes 404 here), and every
write goes through `hardship.services`, whose ApplicationError becomes a form error or a message, never
a 500. Each POST that writes answers with a redirect (post, redirect, get), so reload never posts twice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

import loanmath
from accounts.http import AuthenticatedHtmxRequest
from budget.forms import NOTE_CATEGORIES
from budget.selectors import budget_guidelines
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.htmx import render_page
from core.http import or_404
from core.templatetags.money import money
from hardship import exports, selectors, services
from hardship.forms import (
    AnswerForm,
    DeclarationForm,
    EvidenceForm,
    LoansForm,
    OptionForm,
    RemoveEvidenceForm,
    SituationForm,
    StatementForm,
)
from hardship.models import Application, Evidence
from hardship.selectors import STAFF_TO_PROPOSE, STEP_COUNT, ApplicationDetail, EvidenceFile

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


def resume_url(reference: str, step_reached: int) -> str:
    return reverse("hardship:step", args=[reference, min(max(step_reached, 1), STEP_COUNT)])


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


def _removing(request: AuthenticatedHtmxRequest) -> bool:
    """The remove button says so itself (its ``action``), so a stray ``remove`` field never deletes."""
    return request.POST.get("action") == "remove"


def _evidence_post(
    request: AuthenticatedHtmxRequest, application: ApplicationDetail, form: EvidenceForm
) -> tuple[bool, str]:
    """Add the uploaded document (errors go on ``form``), or remove one; (done, the removal's error)."""
    if _removing(request):
        remove = RemoveEvidenceForm(request.POST)
        try:
            if not remove.is_valid():
                raise ApplicationError(_("This file does not exist."))
            services.evidence_remove(
                application_id=application.id, user=request.user, token=remove.cleaned_data["remove"]
            )
        except ApplicationError as error:
            return False, error.message
        messages.success(request, _("The file is removed."))
        return True, ""
    if not form.is_valid():
        return False, ""
    upload = form.cleaned_data["document"]
    try:
        item = services.evidence_add(application_id=application.id, user=request.user, upload=upload)
    except ApplicationError as error:
        form.add_error("document", error.message)
        return False, ""
    messages.success(request, _("%(name)s is added.") % {"name": item.original_name})
    return True, ""


def _step_evidence(request: AuthenticatedHtmxRequest, application: ApplicationDetail) -> HttpResponse:
    evidence_error = ""
    if request.method == "POST":
        form = EvidenceForm() if _removing(request) else EvidenceForm(request.POST, request.FILES)
        done, evidence_error = _evidence_post(request, application, form)
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


# --- the status page --------------------------------------------------------------------------------------


def _offer_preview(application: ApplicationDetail) -> tuple[selectors.OptionView | None, str]:
    """The open offer worked out for the loans as they stand (services.offer_plans), or why it cannot be."""
    if application.open_offer is None:
        return None, ""
    terms = selectors.terms_from_mapping(application.open_offer.terms)
    if terms is None:
        return None, _("This offer cannot be shown. Please contact us.")
    try:
        plans = services.offer_plans(application=Application(pk=application.id), terms=terms)
    except ApplicationError as error:
        return None, error.message
    # offer_plans works out the loans that have something left, in reference order: name them the same way.
    references = [
        loan.reference
        for loan in selectors.application_loans(application=application)
        if loan.position is not None
    ]
    if len(references) != len(plans):
        return None, _("This offer cannot be shown. Please contact us.")
    return selectors.option_view(
        terms=terms, plans=list(zip(references, plans, strict=True)), affordable=None
    ), ""


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    application = or_404(selectors.borrower_application(user=request.user, reference=reference))
    answer_form = AnswerForm()
    evidence_form = EvidenceForm()
    action_error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                services.offer_accept(application_id=application.id, user=request.user)
                messages.success(request, _("You accepted the offer. Your new arrangement is in place."))
                return redirect("hardship:detail", reference=application.reference)
            if action == "withdraw":
                services.application_withdraw(application_id=application.id, user=request.user)
                messages.success(request, _("Your application is withdrawn."))
                return redirect("hardship:detail", reference=application.reference)
            if action == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    services.information_answer(
                        application_id=application.id,
                        user=request.user,
                        message=answer_form.cleaned_data["message"],
                    )
                    messages.success(request, _("Your answer is sent."))
                    return redirect("hardship:detail", reference=application.reference)
            elif action in ("upload", "remove"):
                if action == "upload":
                    evidence_form = EvidenceForm(request.POST, request.FILES)
                done, action_error = _evidence_post(request, application, evidence_form)
                if done:
                    return redirect("hardship:detail", reference=application.reference)
            else:
                action_error = _("This action is not available.")
        except ApplicationError as error:
            if action == "answer":
                answer_form.add_error(None, error.message)
            else:
                action_error = error.message
    offer, offer_error = _offer_preview(application)
    context = {
        "application": application,
        "answer_form": answer_form,
        "evidence_form": evidence_form,
        "action_error": action_error,
        "offer": offer,
        "offer_error": offer_error,
        "resume_url": resume_url(application.reference, application.step_reached),
        "max_files": services.EVIDENCE_MAX_FILES,
    }
    return render_page(request, "hardship/detail.html", context)


# --- files and exports ------------------------------------------------------------------------------------


def evidence_response(item: EvidenceFile | Evidence) -> HttpResponse:
    """A stored document as a download: an attachment of its stored type, never sniffed or shown inline.
    The borrower's page and the hardship staff's admin both answer with it (after their own checks). A
    document is at most 10 MB (hardship.evidence), so it is read whole; 404 if the stored file is gone."""
    file = item if isinstance(item, EvidenceFile) else selectors.evidence_file_of(item)
    if not file.storage_name or not default_storage.exists(file.storage_name):
        raise Http404
    with default_storage.open(file.storage_name, "rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=file.content_type)
    disposition = content_disposition_header(as_attachment=True, filename=file.original_name)
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@login_required
def evidence_download(request: AuthenticatedHtmxRequest, reference: str, token: str) -> HttpResponse:
    item = or_404(selectors.borrower_evidence(user=request.user, reference=reference, token=token))
    return evidence_response(item)


@require_GET
@login_required
def statement_json(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    application = or_404(selectors.borrower_application(user=request.user, reference=reference))
    figures = selectors.statement_figures(
        amounts=application.statement_amounts, guidelines=budget_guidelines()
    )
    body = exports.statement_json(application=application, figures=figures, today=business_date_today())
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-statement.json"'
    return response


@require_GET
@login_required
def agreement(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    application = or_404(selectors.borrower_application(user=request.user, reference=reference))
    offer_view = application.accepted_offer or application.open_offer
    if offer_view is None:
        raise Http404
    applied = selectors.applied_loans(application=application) if application.is_applied else ()
    preview, preview_error = (None, "") if application.is_applied else _offer_preview(application)
    terms = selectors.terms_from_mapping(offer_view.terms)
    context = {
        "application": application,
        "offer_record": offer_view,
        "terms_name": selectors.kind_name(terms.kind) if terms else "",
        "terms_description": selectors.terms_description(terms) if terms else "",
        "credit_record": selectors.credit_record(terms.kind) if terms else "",
        "applied": applied,
        "preview": preview,
        "preview_error": preview_error,
        "issued_on": business_date_today(),
    }
    return render(request, "hardship/agreement.html", context)

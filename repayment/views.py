"""The planner's pages: one plan, plans compared, all of a borrower's loans together, and a contract's real
rate from what it says the borrower pays. Each page's GET parameters are its input, so a URL can be shared;
the planner's pages with ``format=csv`` or ``json`` are their export (repayment.exports)."""

import json
import logging

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

import loanmath
from accounts.http import AuthenticatedHtmxRequest
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.htmx import render_page
from core.http import HtmxHttpRequest
from core.templatetags.money import money
from repayment import exports, selectors
from repayment.forms import TRUE_RATE_EXAMPLE, DebtsForm, PlanForm, TrueRateForm
from repayment.true_rate import TRUE_RATE_MONTHLY_MAX, TrueRateRefusedError, TrueRateView, true_rate_view

COMPARE_PREFIXES = ("p1", "p2", "p3")
# The plans /plan/compare/ shows before the borrower changes anything: the same loan over 12 and 24 months.
COMPARE_DEFAULTS = {"p1-months": "12", "p2-months": "24"}

logger = logging.getLogger(__name__)


def _export(
    request: HtmxHttpRequest, results: list["loanmath.PlanResult"], labels: list[str] | None
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        response = HttpResponse(exports.plans_csv(results, labels), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="anxin-plan.csv"'
        return response
    body = exports.plans_json(results, labels) if labels else exports.plan_json(results[0])
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _replaced(base: QueryDict, values: dict[str, str]) -> QueryDict:
    """A mutable copy of ``base`` with each of ``values`` as its key's only value."""
    query = base.copy()
    for key, value in values.items():
        query[key] = value  # QueryDict's item assignment replaces; update() would add a second value
    return query


def _export_links(base: QueryDict) -> dict[str, str]:
    """The CSV and JSON links of a page: its query with format set (any format already there replaced)."""
    return {name: _replaced(base, {"format": name}).urlencode() for name in ("csv", "json")}


def _invalid_export(forms: list[PlanForm]) -> JsonResponse:
    errors = {form.prefix or "plan": json.loads(form.errors.as_json()) for form in forms if form.errors}
    return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})


def _simulate(form: PlanForm) -> selectors.PlanView | None:
    """The plan's result, or None with the problem added to the form (never an exception to the page):
    beside the term and the rate when the loan does not amortise, else for the whole form."""
    try:
        return selectors.plan_view(loanmath.plan_simulate(form.plan_input()))
    except loanmath.NonAmortisingTermsError as error:
        # The term and the rate together make a payment that never pays the loan down: say so beside both.
        logger.info("plan does not amortise: %s", error)
        form.add_error(
            "months",
            _(
                "Over %(months)s months at this rate, the monthly payment of %(payment)s only covers the "
                "interest (%(interest)s in the first month): none of the loan would be repaid until the last "
                "payment, %(last)s. Choose a shorter term or a lower rate."
            )
            % {
                "months": error.terms.months,
                "payment": money(error.payment),
                "interest": money(error.interest),
                "last": money(error.last_payment),
            },
        )
        form.add_error(
            "annual_rate",
            _(
                "At this rate the monthly payment would only cover the interest: lower the rate or shorten "
                "the term."
            ),
        )
        return None
    except loanmath.LoanMathError as error:
        # loanmath's reason is written for developers, in English; the borrower reads what to change.
        logger.info("plan not computable: %s", error)
        form.add_error(
            None,
            _(
                "This plan cannot be calculated: the up-front fee leaves too little of the loan, or the "
                "payments never repay it. Change the amounts and try again."
            ),
        )
        return None


@require_GET
def plan(request: HtmxHttpRequest) -> HttpResponse:
    """The simulator, open to everyone. Its GET parameters are the plan, so the URL is shareable."""
    today = business_date_today()
    bound = any(name in request.GET for name in PlanForm.base_fields)
    form = PlanForm(request.GET if bound else None, today=today)
    if not bound:
        form = PlanForm(_initial_query(PlanForm(today=today)), today=today)
    view = _simulate(form) if form.is_valid() else None
    if request.GET.get("format") in {"csv", "json"}:
        return _export(request, [view.result], None) if view else _invalid_export([form])
    base = request.GET if bound else _replaced(QueryDict(), _initial_query(PlanForm(today=today)))
    context = {"form": form, "view": view, "exports": _export_links(base)}
    return render_page(
        request, "repayment/plan.html", context, partial="result" if request.htmx else None, push=True
    )


def _initial_query(
    form: Form, prefix: str | None = None, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    """The form's initial values as GET parameters (with the form prefix, if any)."""
    query = {
        f"{prefix}-{name}" if prefix else name: str(field.initial)
        for name, field in form.fields.items()
        if field.initial is not None
    }
    return {**query, **(overrides or {})}


@require_GET
def compare(request: HtmxHttpRequest) -> HttpResponse:
    """Up to three plans side by side (parameters p1-*, p2-*, p3-*; the third is optional)."""
    today = business_date_today()
    if not any(key.startswith("p1-") for key in request.GET):
        defaults: dict[str, str] = {}
        for prefix in COMPARE_PREFIXES[:2]:
            defaults.update(_initial_query(PlanForm(today=today), prefix))
        data = _replaced(QueryDict(), {**defaults, **COMPARE_DEFAULTS})
    else:
        data = request.GET
    used = [p for p in COMPARE_PREFIXES if any(key.startswith(f"{p}-") for key in data)]
    forms = [PlanForm(data, prefix=prefix, today=today) for prefix in used]
    views = [_simulate(form) if form.is_valid() else None for form in forms]
    complete = [v for v in views if v is not None]
    labels = [_("Plan %(n)s") % {"n": n} for n in range(1, len(forms) + 1)]
    if request.GET.get("format") in {"csv", "json"}:
        if len(complete) != len(forms):
            return _invalid_export(forms)
        return _export(request, [v.result for v in complete], labels)
    columns = list(zip(labels, forms, views, strict=True))
    bars = selectors.compare_bars(complete, labels) if len(complete) == len(forms) else ()
    add_third = None
    if len(forms) < 3:
        third = _initial_query(PlanForm(today=today), "p3", {"p3-months": "36"})
        add_third = _replaced(data, third).urlencode()
    return render_page(
        request,
        "repayment/compare.html",
        {
            "columns": columns,
            "forms": forms,
            "bars": bars,
            "chart_height": len(bars) * 12,
            "add_third": add_third,
            "exports": _export_links(data),
            "complete": len(complete) == len(forms),
        },
        partial="result" if request.htmx else None,
        push=True,
    )


@require_GET
@login_required
def my_loans(request: AuthenticatedHtmxRequest) -> HttpResponse:
    """All the borrower's loans together, from where each stands today: what is overdue first, then a
    monthly budget over their own due dates, and which loan to clear first. ``format=csv``/``json``
    exports the chosen plan (with the regular payments as the budget if none is given)."""
    today = business_date_today()
    debts = selectors.borrower_debts_for_planning(user=request.user, today=today)
    references = [debt.key for debt in debts]
    minimum = sum((debt.minimum_payment for debt in debts), loanmath.ZERO)
    export = request.GET.get("format") in {"csv", "json"}
    bound = "budget" in request.GET
    initial = {"budget": f"{minimum:.2f}", "strategy": loanmath.Strategy.AVALANCHE.value}
    missing = {name: value for name, value in initial.items() if name not in request.GET}
    data = _replaced(request.GET, missing) if export else request.GET
    form = DebtsForm(data if bound or export else None, references=references, initial=initial)
    result: selectors.DebtsView | None = None
    if debts and (bound or export) and form.is_valid():
        try:
            result = selectors.debts_view(
                debts=debts,
                budget=form.cleaned_data["budget"],
                strategy=form.cleaned_data["strategy"],
                order=form.cleaned_data["order"],
                start=today,
            )
        except ApplicationError as error:
            form.add_error("budget", error.message)
    if export:
        return _debts_export(request, form, result)
    context = {
        "form": form,
        "debts": debts,
        "minimum": minimum,
        "due_now": sum((debt.due_now for debt in debts), loanmath.ZERO),
        "result": result,
        "exports": _export_links(request.GET) if result else None,
    }
    return render_page(
        request, "repayment/my_loans.html", context, partial="result" if request.htmx else None, push=True
    )


def _debts_export(
    request: HtmxHttpRequest, form: DebtsForm, result: selectors.DebtsView | None
) -> HttpResponse:
    if result is None:
        errors = (
            json.loads(form.errors.as_json())
            if form.errors
            else {
                "__all__": [
                    {"message": _("You have no open loans linked to your account."), "code": "no_loans"}
                ]
            }
        )
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    if request.GET.get("format") == "csv":
        response = HttpResponse(exports.debts_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="anxin-my-loans.csv"'
        return response
    return JsonResponse(exports.debts_json(result), json_dumps_params={"ensure_ascii": False})


def _true_rate(form: TrueRateForm) -> TrueRateView | None:
    """The contract's rates and totals, or None with the reason added to the form (never an exception)."""
    contract = form.contract()
    try:
        return true_rate_view(contract)
    except TrueRateRefusedError as refused:
        if refused.reason == "never_repays":
            message = _(
                "Everything you pay adds up to %(paid)s, less than the %(received)s you received: these "
                "payments would not repay the loan. Check the payment, the number of months and the amount "
                "received."
            ) % {"paid": money(contract.total_paid), "received": money(contract.received)}
        else:
            logger.info("true rate refused: %s", refused.reason)
            message = _(
                "With these figures the loan would cost more than %(rate)s a month. Check the amounts you "
                "typed, the amount received above all."
            ) % {"rate": f"{TRUE_RATE_MONTHLY_MAX * selectors.HUNDRED:.0f}%"}
        form.add_error("payment", message)
        return None


@require_GET
def true_rate(request: HtmxHttpRequest) -> HttpResponse:
    """A contract's real rate from what it says the borrower pays, open to everyone; without parameters,
    the lesson's example. The GET parameters are the contract, so the URL is shareable."""
    bound = any(name in request.GET for name in TrueRateForm.base_fields)
    if bound:
        form = TrueRateForm(request.GET)
        view = _true_rate(form) if form.is_valid() else None
    else:
        # Empty fields, and the lesson's example worked out beside them (said to be the example).
        form = TrueRateForm()
        example = TrueRateForm(TRUE_RATE_EXAMPLE)
        view = _true_rate(example) if example.is_valid() else None
    context = {"form": form, "view": view, "example": not bound}
    return render_page(
        request, "repayment/true_rate.html", context, partial="result" if request.htmx else None, push=True
    )

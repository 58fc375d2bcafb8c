"""The budget planner at /budget/: a lesson tool for anyone, and the signed-in borrower's own saved budget.

Typing updates the results live (htmx posts the form to this URL and swaps in the results); without
JavaScript the buttons post the whole page. Only the "Save" button of a signed-in borrower writes anything.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from borrowers.selectors import borrower_days_behind
from budget import selectors, services
from budget.forms import BudgetForm
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.htmx import render_page
from core.http import HtmxHttpRequest

SAVE = "save"


@require_http_methods(["GET", "POST"])
def budget(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    live = bool(request.htmx) and request.method == "POST"
    guidelines = selectors.budget_guidelines()
    # The loans' figure is a hint beside a field, which a live update does not redraw.
    loan_repayments = (
        selectors.loan_repayments_a_month(user=user, today=business_date_today())
        if user is not None and not live
        else None
    )
    saved = None
    if request.method == "POST":
        form = BudgetForm(request.POST, guidelines=guidelines, loan_repayments=loan_repayments)
    else:
        saved = selectors.saved_budget(user=user) if user is not None else None
        initial = selectors.budget_initial(saved=saved, loan_repayments=loan_repayments)
        form = BudgetForm(guidelines=guidelines, loan_repayments=loan_repayments, initial=initial)

    wants_save = request.POST.get("action") == SAVE and not live
    if form.is_bound and form.is_valid() and wants_save and user is not None:
        try:
            services.budget_save(user=user, lines=form.lines())
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your budget is saved."))
            return redirect("budget:budget")

    valid = not form.is_bound or form.is_valid()
    context: dict[str, Any] = {
        "form": form,
        "results": selectors.budget_results(amounts=form.amounts(), guidelines=guidelines) if valid else None,
        "saved": saved,
        "live": live,
        "days_behind": borrower_days_behind(user=user) if user is not None else 0,
    }
    return render_page(request, "budget/budget.html", context, partial="results" if live else None)

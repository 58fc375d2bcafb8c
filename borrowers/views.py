"""The borrower's loan pages: the list, one loan, its settlement confirmation, and linking a loan.

Each view reads through `borrowers.selectors` (frozen data, never a model) and decides what the request
gets: the page, its htmx piece, or 404 when the loan is not the signed-in borrower's.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHtmxRequest
from borrowers import selectors, services
from borrowers.forms import LoanLinkForm, PayOnForm
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.htmx import render_page
from core.http import or_404


@require_GET
@login_required
def loan_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    cards = selectors.borrower_loan_cards(user=request.user, today=business_date_today())
    return render(request, "borrowers/loan_list.html", {"cards": cards})


@require_GET
@login_required
def loan_detail(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    today = business_date_today()
    loan = or_404(selectors.borrower_loan(user=request.user, reference=reference))
    form = PayOnForm(
        request.GET if "pay_on" in request.GET else None,
        earliest=today,
        latest=today + timedelta(days=selectors.PAY_ON_HORIZON_DAYS),
    )
    pay_on = form.cleaned_data["pay_on"] if form.is_bound and form.is_valid() else None
    detail = selectors.borrower_loan_detail(loan=loan, today=today, pay_on=pay_on)
    context = {"detail": detail, "card": detail.card, "form": form}
    # Choosing a date asks htmx for the "pay-on" piece alone, and the address bar follows the choice.
    partial = "pay-on" if request.htmx and form.is_bound else None
    return render_page(request, "borrowers/loan_detail.html", context, partial=partial, push=True)


@require_GET
@login_required
def loan_settlement(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    settlement = or_404(selectors.borrower_settlement(user=request.user, reference=reference))
    context = {"settlement": settlement, "issued_on": business_date_today()}
    return render(request, "borrowers/settlement.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def loan_link(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = LoanLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_link(
                user=request.user,
                reference=form.cleaned_data["reference"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                national_id_last4=form.cleaned_data["national_id_last4"],
                request=request,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Loan %(reference)s is now linked to your account.") % {"reference": loan.reference},
            )
            return redirect("borrowers:detail", reference=loan.reference)
    return render(request, "borrowers/loan_link.html", {"form": form})

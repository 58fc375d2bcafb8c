"""The borrower's loan pages: the list, one loan, its settlement confirmation, linking a loan, a promise
to pay on an overdue loan and moving the monthly due day (each: a form, a confirm step, one service).

Each view reads through `borrowers.selectors` (frozen data, never a model) and decides what the request
gets: the page, its htmx piece, or 404 when the loan is not the signed-in borrower's.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

import loanmath
from accounts.http import AuthenticatedHtmxRequest
from borrowers import promise_rules, selectors, services
from borrowers.forms import DueDayForm, LoanLinkForm, PayOnForm, PromiseForm
from borrowers.models import PromiseToPay
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.htmx import render_page
from core.http import or_404
from core.templatetags.money import day as day_text


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
    context = {
        "detail": detail,
        "card": detail.card,
        "form": form,
        "promises": selectors.promise_history(loan_id=loan.info.loan.id),
    }
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


@require_http_methods(["GET", "POST"])
@login_required
def loan_promise(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    """GET: the form (amount and date, prefilled with the least that may be promised and a week from
    today), or why no promise can be made. POST: the confirm step (what waiting until that date still
    costs); POST with ``confirm``: the promise is made. Reached from the loan page and from reminders
    (``?from=reminder``, kept through the steps, records where the promise came from)."""
    today = business_date_today()
    loan = or_404(selectors.borrower_loan(user=request.user, reference=reference))
    user_id = request.user.pk
    broken = selectors.promise_broken_counts(user_ids=[user_id], since=promise_rules.broken_since(today)).get(
        user_id, 0
    )
    history = selectors.promise_history(loan_id=loan.info.loan.id)
    page = selectors.promise_page(loan=loan, today=today, broken_recently=broken, history=history)
    via_reminder = (request.POST if request.method == "POST" else request.GET).get("from") == "reminder"
    bound = request.method == "POST" and page.can_promise
    form = PromiseForm(
        request.POST if bound else None,
        bounds=page.bounds,
        initial={"amount": page.bounds.minimum, "pay_by": page.suggested_date},
    )
    preview = None
    if bound and form.is_valid():
        amount, pay_by = form.cleaned_data["amount"], form.cleaned_data["pay_by"]
        if "confirm" in request.POST:
            try:
                services.promise_make(
                    actor=request.user,
                    loan_id=loan.info.loan.id,
                    amount=amount,
                    pay_by=pay_by,
                    source=PromiseToPay.Source.REMINDER if via_reminder else PromiseToPay.Source.SITE,
                    today=today,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Thank you. Your promise is recorded: reminders about this loan pause until %(day)s.")
                    % {"day": day_text(pay_by)},
                )
                return redirect(f"{reverse('borrowers:detail', args=[loan.info.loan.reference])}#promise")
        elif "edit" not in request.POST:
            preview = selectors.promise_preview(loan=loan, today=today, amount=amount, pay_by=pay_by)
    context = {
        "page": page,
        "card": page.card,
        "form": form,
        "preview": preview,
        "via_reminder": via_reminder,
    }
    return render(request, "borrowers/promise.html", context)


def _due_day_as_shown(posted: QueryDict, move: loanmath.DueDayMove | None) -> bool:
    """Whether the confirmation carries the first new due date and its interest that the move gives now."""
    if move is None:
        return False
    return (
        posted.get("first_due") == move.first_due_after.isoformat()
        and posted.get("interest") == f"{move.interest_after:.2f}"
    )


@require_http_methods(["GET", "POST"])
@login_required
def loan_due_day(request: AuthenticatedHtmxRequest, reference: str) -> HttpResponse:
    """GET: whether the due day can move, and with ``?day=`` the new schedule and the first moved
    period's interest (htmx asks for that piece alone as the day changes). POST ``day``: the move is
    applied and the loan page shows the new schedule."""
    today = business_date_today()
    loan = or_404(selectors.borrower_loan(user=request.user, reference=reference))
    last_move = selectors.due_day_last_move(loan_id=loan.info.loan.id)
    first = selectors.due_day_page(loan=loan, today=today, last_move_on=last_move)
    data = request.POST if request.method == "POST" else request.GET
    bound = "day" in data and first.can_move
    form = DueDayForm(data if bound else None, current_day=first.current_day)
    page = first
    if bound and form.is_valid():
        day = form.cleaned_data["day"]
        page = selectors.due_day_page(loan=loan, today=today, last_move_on=last_move, day=day)
        if request.method == "POST" and not _due_day_as_shown(request.POST, page.move):
            # A stale or altered confirmation (a payment since the preview, another tab): show the move
            # as it is now and ask again, rather than apply figures the borrower did not see.
            form.add_error(
                None,
                _(
                    "The figures have changed since you looked: check the new schedule below and "
                    "confirm again."
                ),
            )
        elif request.method == "POST":
            try:
                services.loan_due_day_move(user=request.user, loan_id=loan.info.loan.id, day=day, today=today)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Done: your loan now falls due on day %(day)s of each month.") % {"day": day},
                )
                return redirect(f"{reverse('borrowers:detail', args=[loan.info.loan.reference])}#schedule")
    context = {"page": page, "card": page.card, "form": form}
    partial = "due-day-preview" if request.htmx and request.method == "GET" and bound else None
    return render_page(request, "borrowers/due_day.html", context, partial=partial, push=True)

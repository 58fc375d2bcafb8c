from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from borrowers.selectors import borrower_loan_cards
from borrowers.selectors.lookups import borrower_loans_to_choose
from core.business_date import business_date_today
from core.exceptions import ApplicationError
from core.http import or_404
from education.selectors import learning_recommendations
from hardship.selectors import borrower_applications
from portal import selectors, services
from portal.forms import SupportMessageForm
from portal.models import SupportMessage


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return render(request, "portal/home.html")


@require_GET
@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    cards = borrower_loan_cards(user=request.user, today=business_date_today())
    recommendations = learning_recommendations(user=request.user, cards=cards)
    applications = [a for a in borrower_applications(user=request.user) if a.is_open]
    return render(
        request,
        "portal/dashboard.html",
        {"cards": cards, "recommendations": recommendations, "applications": applications},
    )


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    context = {
        "service_line": selectors.service_line(),
        "how_to_repay": selectors.how_to_repay(),
    }
    return render(request, "portal/help.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def help_messages(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form to write to staff (prefilled from ?topic=…&loan=…, e.g. by the overdue banner) and the
    borrower's own messages with their status."""
    loans = borrower_loans_to_choose(user=request.user)
    if request.method == "POST":
        form = SupportMessageForm(request.POST, loans=loans)
    else:
        form = SupportMessageForm(loans=loans, initial=_prefill(request))
    if form.is_bound and form.is_valid():
        try:
            message = services.support_message_send(
                user=request.user,
                topic=form.cleaned_data["topic"],
                body=form.cleaned_data["body"],
                loan=form.cleaned_data.get("loan"),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your message is sent. We will answer it here."))
            return redirect("portal:help_message", pk=message.pk)
    context = {
        "form": form,
        "sent": selectors.borrower_messages(user=request.user),
        "service_line": selectors.service_line(),
    }
    return render(request, "portal/help_messages.html", context)


@require_GET
@login_required
def help_message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = or_404(selectors.borrower_message(user=request.user, pk=pk))
    return render(request, "portal/help_message.html", {"message": message})


def _prefill(request: HttpRequest) -> dict[str, str]:
    """Only known topics are prefilled; the loan is checked by the form like a typed one."""
    initial = {}
    topic = request.GET.get("topic", "")
    if topic in SupportMessage.Topic.values:
        initial["topic"] = topic
    reference = request.GET.get("loan", "")
    if reference:
        initial["loan"] = reference[:32].upper()
    return initial


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from borrowers.selectors import borrower_loan_cards
from core.business_date import business_date_today
from education.selectors import learning_recommendations


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return render(request, "portal/home.html")


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cards = borrower_loan_cards(user=request.user, today=business_date_today())
    recommendations = learning_recommendations(user=request.user, cards=cards)
    return render(request, "portal/dashboard.html", {"cards": cards, "recommendations": recommendations})


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

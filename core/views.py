from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return render(request, "core/home.html")


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html")


@require_GET
@login_required
def loans(request: HttpRequest) -> HttpResponse:
    return render(request, "core/loans.html")


@require_GET
def learn(request: HttpRequest) -> HttpResponse:
    return render(request, "core/learn.html")


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    return render(request, "core/plan.html")


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "core/help.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

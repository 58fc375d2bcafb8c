from django.urls import path

from borrowers import views_budget

app_name = "budget"

urlpatterns = [
    path("", views_budget.budget, name="budget"),
]

from django.urls import path

from repayment import views

app_name = "repayment"

urlpatterns = [
    path("", views.plan, name="plan"),
]

from django.urls import path

from repayment import views

app_name = "repayment"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("compare/", views.compare, name="compare"),
    path("my-loans/", views.my_loans, name="my_loans"),
    path("rate/", views.true_rate, name="true_rate"),
]

from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("loans/", views.loans, name="loans"),
    path("learn/", views.learn, name="learn"),
    path("plan/", views.plan, name="plan"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
]
